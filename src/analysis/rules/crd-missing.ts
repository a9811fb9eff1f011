import type { Rule } from "../context.ts";
import { crdName, ksRef, verdictFindings } from "./crd-common.ts";

export const crdMissing: Rule = {
  id: "crd-missing",
  severity: "error",
  description:
    "A custom resource whose CRD nothing provides: not the bootstrap phases, not a Kustomization, not a chart, not the built-in API.",
  check: (ctx) =>
    verdictFindings(ctx, "missing", (v) => {
      const group = v.groupKind.slice(0, v.groupKind.lastIndexOf("/"));
      return {
        message: `needs CRD ${crdName(v)}, and nothing in the repository, the bootstrap phases or the built-in API provides it: "no matches for kind ${v.consumer.kind}"`,
        fix: `add the chart that ships ${group} to the bootstrap CRD phase, or add its CRDs to a Kustomization that ${ksRef(v.ks.id)} depends on`,
      };
    }),
};
