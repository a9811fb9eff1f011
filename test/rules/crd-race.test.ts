import { describe, expect, it } from "vitest";
import { ks, lintFlux, ruleIds } from "../helpers.ts";
import { cluster, operator } from "./crd-cases.ts";

describe("crd-race", () => {
  it("valid: the consumer depends on the provider, which waits", () => {
    const r = lintFlux([ks("p", { wait: true }), ks("c", { dependsOn: ["p"] })], {
      "apps/p/hr.yaml": operator,
      "apps/c/x.yaml": cluster,
    });
    expect(ruleIds(r)).toEqual([]);
  });
  it("invalid: nothing orders the consumer after the provider; it converges only by retries", () => {
    const r = lintFlux([ks("p", { wait: true }), ks("c")], {
      "apps/p/hr.yaml": operator,
      "apps/c/x.yaml": cluster,
    });
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.location?.file])).toEqual([
      ["crd-race", "warning", "apps/c/x.yaml"],
    ]);
    expect(r.findings[0]?.fix).toContain("dependsOn");
  });
});
