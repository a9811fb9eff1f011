import type { Rule } from "../context.ts";
import { schemaFindings } from "../schema/check.ts";

export const schemaInvalid: Rule = {
  id: "schema-invalid",
  severity: "error",
  description:
    "An object the API server rejects for its schema: a wrong type, a missing required field, a value outside an enum, pattern or bound, a failing CEL rule (x-kubernetes-validations), a field the schema does not declare.",
  check: (ctx) =>
    schemaFindings(ctx, "invalid").map((f) => ({
      ...f,
      fix: "change the field to what the schema allows (kubectl explain names it)",
    })),
};
