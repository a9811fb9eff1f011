import { describeObject } from "../../model/objects.ts";
import type { Rule, RuleFinding } from "../context.ts";

export const crdUnresolved: Rule = {
  id: "crd-unresolved",
  severity: "info",
  description:
    "Custom resources whose CRD provider kubestrap cannot determine offline, because charts that might provide it cannot be read.",
  check: (ctx) => {
    const byGroup = new Map<string, typeof ctx.crds.verdicts>();
    for (const v of ctx.crds.verdicts) {
      if (v.verdict !== "unresolved") continue;
      const group = v.groupKind.slice(0, v.groupKind.lastIndexOf("/"));
      byGroup.set(group, [...(byGroup.get(group) ?? []), v]);
    }
    const out: RuleFinding[] = [];
    for (const [group, list] of byGroup) {
      const first = list[0];
      if (!first) continue;
      const kinds = [...new Set(list.map((v) => v.consumer.kind))].sort().join(", ");
      const charts = [...new Set((first.candidates ?? []).map((c) => c.label))];
      const shown =
        charts.slice(0, 4).join(", ") + (charts.length > 4 ? `, and ${charts.length - 4} more` : "");
      out.push({
        message: `${list.length} custom resource${list.length === 1 ? "" : "s"} of ${group} (${kinds}): no known provider, and ${charts.length} chart${charts.length === 1 ? "" : "s"} cannot be read offline (${shown})`,
        fix: `add the chart that ships ${group} to the bootstrap CRD phase, or vendor its CRDs in the repository so that kubestrap can check the ordering`,
        location: { file: first.consumer.source.file, line: first.consumer.source.line },
        object: describeObject(first.consumer),
        related: list.slice(1, 20).map((v) => ({
          file: v.consumer.source.file,
          line: v.consumer.source.line,
          message: describeObject(v.consumer),
        })),
      });
    }
    return out;
  },
};
