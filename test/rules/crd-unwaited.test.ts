import { describe, expect, it } from "vitest";
import { ks, lintFlux, ruleIds } from "../helpers.ts";
import { cluster, operator } from "./crd-cases.ts";

describe("crd-unwaited", () => {
  it("valid: the provider's Kustomization waits for its HelmRelease", () => {
    const r = lintFlux([ks("p", { wait: true }), ks("c", { dependsOn: ["p"] })], {
      "apps/p/hr.yaml": operator,
      "apps/c/x.yaml": cluster,
    });
    expect(ruleIds(r)).toEqual([]);
  });
  it("invalid: ordered by dependsOn, but the provider is Ready before its HelmRelease installed the CRD", () => {
    const r = lintFlux([ks("p", { wait: false }), ks("c", { dependsOn: ["p"] })], {
      "apps/p/hr.yaml": operator,
      "apps/c/x.yaml": cluster,
    });
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.location?.file])).toEqual([
      ["crd-unwaited", "warning", "apps/c/x.yaml"],
    ]);
  });
});
