import { describe, expect, it } from "vitest";
import { crd, ks, lintFlux } from "../helpers.ts";

const widgetCrd = (...rules: string[]) =>
  crd(
    "example.com",
    "Widget",
    "widgets",
    `type: object
properties:
  spec:
    type: object
    properties:
      host: {type: string}
    x-kubernetes-validations:
${rules.map((rule) => `      - rule: ${JSON.stringify(rule)}`).join("\n")}`,
  );

const widgets = ["a", "b"]
  .map(
    (n) =>
      `---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: ${n}, namespace: default}\nspec: {host: x}\n`,
  )
  .join("");

describe("schema-rule-unsupported", () => {
  it("valid: a rule kubestrap evaluates is not reported", () => {
    const r = lintFlux([ks("app")], {
      "apps/app/crd.yaml": widgetCrd("self.host.size() > 0"),
      "apps/app/w.yaml": widgets,
    });
    expect(r.findings.filter((f) => f.ruleId.startsWith("schema-"))).toEqual([]);
  });

  it("invalid: a rule with a function kubestrap lacks is reported once, naming the rule", () => {
    const r = lintFlux([ks("app")], {
      "apps/app/crd.yaml": widgetCrd("self.host.someFutureFunction()"),
      "apps/app/w.yaml": widgets,
    });
    const found = r.findings.filter((f) => f.ruleId.startsWith("schema-"));
    expect(found.map((f) => [f.ruleId, f.severity])).toEqual([["schema-rule-unsupported", "info"]]);
    expect(found[0]?.message).toContain("CEL rule `self.host.someFutureFunction()` not evaluated");
  });

  it("invalid: two rules kubestrap lacks are two findings, each once", () => {
    const twoRules = widgetCrd("self.host.someFutureFunction()", "self.host.otherFutureFunction()");
    const r = lintFlux([ks("app")], { "apps/app/crd.yaml": twoRules, "apps/app/w.yaml": widgets });
    const found = r.findings.filter((f) => f.ruleId === "schema-rule-unsupported");
    expect(found.map((f) => f.message.match(/`(.*?)`/)?.[1]).sort()).toEqual([
      "self.host.otherFutureFunction()",
      "self.host.someFutureFunction()",
    ]);
  });
});
