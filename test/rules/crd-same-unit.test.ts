import { describe, expect, it } from "vitest";
import { ks, lintFlux, ruleIds } from "../helpers.ts";
import { cluster, operator } from "./crd-cases.ts";

describe("crd-same-unit", () => {
  it("valid: the custom resource is in a Kustomization of its own, after the provider's", () => {
    const r = lintFlux([ks("p", { wait: true }), ks("c", { dependsOn: ["p"] })], {
      "apps/p/hr.yaml": operator,
      "apps/c/x.yaml": cluster,
    });
    expect(ruleIds(r)).toEqual([]);
  });
  it("invalid: next to the HelmRelease that installs its CRD, the Kustomization's dry run fails", () => {
    const r = lintFlux([ks("p", { wait: true })], { "apps/p/hr.yaml": operator, "apps/p/x.yaml": cluster });
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.location?.file])).toEqual([
      ["crd-same-unit", "error", "apps/p/x.yaml"],
    ]);
  });
});
