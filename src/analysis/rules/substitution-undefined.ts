import { describeObject } from "../../model/objects.ts";
import type { Rule, RuleFinding } from "../context.ts";

export const substitutionUndefined: Rule = {
  id: "substitution-undefined",
  severity: "warning",
  description:
    "A $" +
    "{VAR} in a Kustomization with postBuild substitution that has no value and no default: Flux replaces it with an empty string.",
  check: (ctx) => {
    const out: RuleFinding[] = [];
    for (const ks of ctx.model.kustomizations.values()) {
      for (const [name, objects] of ks.undefinedVars) {
        const first = objects[0];
        if (!first) continue;
        out.push({
          message: `\${${name}} has no value in postBuild of Kustomization ${ks.id} and no default: it becomes an empty string${objects.length > 1 ? ` in ${objects.length} objects` : ""}`,
          fix: `add ${name} to spec.postBuild.substitute of Kustomization ${ks.id}, give it a default (\${${name}:=value}), or escape it as $\${${name}}`,
          location: { file: first.source.file, line: first.source.line },
          object: describeObject(first),
        });
      }
    }
    return out;
  },
};
