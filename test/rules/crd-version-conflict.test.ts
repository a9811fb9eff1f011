import { describe, expect, it } from "vitest";
import { buildCrdSet } from "../../src/charts/crd-set.ts";
import { extractCrds, type RenderedRelease, renderedCrd } from "../../src/charts/render.ts";
import type { ChartRelease } from "../../src/model/releases.ts";

const crdText = (versions: string[]) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: things.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { kind: Thing, plural: things }
  versions:
${versions.map((v) => `    - { name: ${v}, served: true, storage: ${v === "v1"} }`).join("\n")}
`;

function rendered(id: string, phase: "crds" | "releases", text: string): RenderedRelease {
  const [namespace, name] = id.split("/") as [string, string];
  const crds = extractCrds(`---\n${text}`).map((c) => renderedCrd(c.name, Buffer.from(c.text), id));
  const release: ChartRelease = {
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
  };
  return { release, crds, objects: [], chartDigest: "sha256:0", cached: false, seconds: 0 };
}

describe("crd-version-conflict", () => {
  it("valid: two charts ship the same CRD alike", () => {
    const set = buildCrdSet([
      rendered("a/one", "releases", crdText(["v1"])),
      rendered("b/two", "releases", crdText(["v1"])),
    ]);
    expect(set.findings).toEqual([]);
  });
  it("invalid: two charts ship one CRD with different content; the CRD phase's wins", () => {
    const set = buildCrdSet([
      rendered("b/release", "releases", crdText(["v1alpha1", "v1"])),
      rendered("a/crds", "crds", crdText(["v1"])),
    ]);
    expect(set.findings.map((f) => [f.ruleId, f.severity])).toEqual([["crd-version-conflict", "warning"]]);
    expect(set.crds[0]?.release).toBe("a/crds");
  });
});
