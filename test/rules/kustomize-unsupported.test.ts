import { describe, expect, it } from "vitest";
import { configMap, kustomization, lintApp, ofRule } from "./diagnostics.ts";

describe("kustomize-unsupported", () => {
  it("valid: a kustomization of local resources", () => {
    const r = lintApp({
      "apps/app/kustomization.yaml": kustomization("resources: [cm.yaml]\n"),
      "apps/app/cm.yaml": configMap("a"),
    });
    expect(ofRule(r.findings, "kustomize-unsupported")).toEqual([]);
  });
  it("invalid: helmCharts, which kubestrap does not inflate", () => {
    const r = lintApp({
      "apps/app/kustomization.yaml": kustomization(
        "resources: [cm.yaml]\nhelmCharts:\n  - name: foo\n    repo: https://example.com\n",
      ),
      "apps/app/cm.yaml": configMap("a"),
    });
    expect(ofRule(r.findings, "kustomize-unsupported")).toEqual([["warning", "apps/app/kustomization.yaml"]]);
  });
});
