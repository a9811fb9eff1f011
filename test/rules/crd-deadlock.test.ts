import { describe, expect, it } from "vitest";
import { ks, lintFlux, ruleIds } from "../helpers.ts";
import { cluster, operator } from "./crd-cases.ts";

describe("crd-deadlock", () => {
  it("valid: the consumer depends on the provider, which waits", () => {
    const r = lintFlux([ks("p", { wait: true }), ks("c", { dependsOn: ["p"] })], {
      "apps/p/hr.yaml": operator,
      "apps/c/x.yaml": cluster,
    });
    expect(ruleIds(r)).toEqual([]);
  });
  it("invalid: the provider depends on the consumer, so neither becomes Ready", () => {
    const r = lintFlux([ks("p", { wait: true, dependsOn: ["c"] }), ks("c")], {
      "apps/p/hr.yaml": operator,
      "apps/c/x.yaml": cluster,
    });
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.location?.file])).toEqual([
      ["crd-deadlock", "error", "apps/c/x.yaml"],
    ]);
  });
});
