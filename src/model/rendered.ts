/** Objects a chart rendered, as kubestrap models objects: located at the release that renders them. */
import type { SourceLocation } from "../findings.ts";
import { builtinScope } from "./builtin-api.ts";
import { asRecord, asString, groupOf, type Json, type KubeObject } from "./objects.ts";

export interface RenderingRelease {
  /** `namespace/name` of the HelmRelease. */
  id: string;
  /** Where helm puts a namespaced object that names no namespace. */
  namespace: string;
  location: SourceLocation;
}

/** Bodies without apiVersion, kind or name are left out: the API server would refuse them, helm first. */
export function renderedObjects(bodies: Json[], release: RenderingRelease): KubeObject[] {
  return bodies.flatMap((body) => {
    const metadata = asRecord(body.metadata);
    const [apiVersion, kind, name] = [
      asString(body.apiVersion),
      asString(body.kind),
      asString(metadata.name),
    ];
    if (!apiVersion || !kind || !name) return [];
    const namespace =
      asString(metadata.namespace) ??
      (builtinScope(`${groupOf(apiVersion)}/${kind}`) === "Cluster" ? undefined : release.namespace);
    const source = { ...release.location, docIndex: -1, renderedBy: release.id };
    return [{ apiVersion, kind, name, namespace, body, source }];
  });
}
