import { describe, expect, it } from "vitest";
import { configMap, kustomization, lintApp, ofRule } from "./diagnostics.ts";

describe("kustomize-cycle", () => {
  it("valid: a kustomization includes another that does not include it back", () => {
    const r = lintApp({
      "apps/app/kustomization.yaml": kustomization("resources: [../lib]\n"),
      "apps/lib/kustomization.yaml": kustomization("resources: [cm.yaml]\n"),
      "apps/lib/cm.yaml": configMap("a"),
    });
    expect(ofRule(r.findings, "kustomize-cycle")).toEqual([]);
  });
  it("invalid: two kustomizations that include each other", () => {
    const r = lintApp({
      "apps/app/kustomization.yaml": kustomization("resources: [../lib]\n"),
      "apps/lib/kustomization.yaml": kustomization("resources: [../app]\n"),
    });
    expect(ofRule(r.findings, "kustomize-cycle").map(([severity]) => severity)).toEqual(["error"]);
  });
});
