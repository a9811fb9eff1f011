import { describeObject } from "../../model/objects.ts";
import type { Rule } from "../context.ts";

export const dependsOnCycle: Rule = {
  id: "dependson-cycle",
  severity: "error",
  description: "Kustomizations whose dependsOn form a cycle: none of them ever becomes Ready.",
  check: (ctx) =>
    ctx.graph.cycles().map((cycle) => {
      const first = ctx.model.kustomizations.get(cycle[0] as string);
      const text = [...cycle, cycle[0]].join(" → ");
      return {
        message: `dependsOn cycle: ${text}`,
        fix: "remove one dependsOn edge of the cycle",
        location: first
          ? { file: first.object.source.file, line: ctx.lineOf(first.object, ["spec", "dependsOn"]) }
          : undefined,
        object: first ? describeObject(first.object) : undefined,
        related: cycle.slice(1).flatMap((id) => {
          const ks = ctx.model.kustomizations.get(id);
          return ks
            ? [{ file: ks.object.source.file, line: ks.object.source.line, message: `Kustomization ${id}` }]
            : [];
        }),
      };
    }),
};
