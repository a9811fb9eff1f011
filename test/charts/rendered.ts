/** Rendered charts for the CRD-set tests: CRD manifests and the release that rendered them. */
import { extractCrds, type RenderedRelease, renderedCrd } from "../../src/charts/render.ts";

export const crdText = (name: string, versions: string[], extra = "") => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${name}
spec:
  group: ${name.slice(name.indexOf(".") + 1)}
  scope: Namespaced
  names: { kind: Thing, plural: ${name.slice(0, name.indexOf("."))} }
  versions:
${versions.map((v, i) => `    - name: ${v}\n      served: true\n      storage: ${i === versions.length - 1}\n      schema: { openAPIV3Schema: { type: object${extra} } }\n`).join("")}`;

export function rendered(id: string, phase: "crds" | "releases", docs: string[]): RenderedRelease {
  const [namespace, name] = id.split("/") as [string, string];
  const crds = extractCrds(docs.map((d) => `---\n${d}`).join("")).map((c) =>
    renderedCrd(c.name, Buffer.from(c.text), id),
  );
  return {
    release: {
      id,
      name,
      namespace,
      installedBy: "bootstrap",
      phase,
      chart: { type: "path", path: `/charts/${name}` },
      values: {},
      needs: [],
      hooks: [],
      helm: {},
      location: { file: `bootstrap/${phase}.yaml`, line: 3 },
    },
    crds,
    objects: [],
    chartDigest: "sha256:0",
    cached: false,
    seconds: 0,
  };
}
