import type { Rule } from "../context.ts";
import { schemaFindings } from "../schema/check.ts";

export const schemaRuleUnsupported: Rule = {
  id: "schema-rule-unsupported",
  severity: "info",
  description:
    "A CEL validation rule of a CRD that kubestrap cannot evaluate (a function or syntax it lacks): objects are not checked against that rule.",
  check: (ctx) => schemaFindings(ctx, "unsupported"),
};
