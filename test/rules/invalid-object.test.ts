import { describe, expect, it } from "vitest";
import { configMap, kustomization, lintApp, ofRule } from "./diagnostics.ts";

describe("invalid-object", () => {
  it("valid: every listed resource is a Kubernetes object", () => {
    const r = lintApp({
      "apps/app/kustomization.yaml": kustomization("resources: [cm.yaml]\n"),
      "apps/app/cm.yaml": configMap("a"),
    });
    expect(ofRule(r.findings, "invalid-object")).toEqual([]);
  });
  it("invalid: a listed resource document without apiVersion and kind", () => {
    const r = lintApp({
      "apps/app/kustomization.yaml": kustomization("resources: [bad.yaml]\n"),
      "apps/app/bad.yaml": "just: data\n",
    });
    expect(ofRule(r.findings, "invalid-object")).toEqual([["warning", "apps/app/bad.yaml"]]);
  });
});
