import { describe, expect, it } from "vitest";
import { configMap, kustomization, lintApp, ofRule } from "./diagnostics.ts";

const replacement = (field: string) =>
  kustomization(
    `resources: [cm.yaml, other.yaml]\nreplacements:\n  - source: {kind: ConfigMap, name: a, fieldPath: data.a}\n    targets:\n      - select: {kind: ConfigMap, name: b}\n        fieldPaths: [${field}]\n`,
  );

describe("kustomize-invalid", () => {
  it("valid: a replacement whose target field exists", () => {
    const r = lintApp({
      "apps/app/kustomization.yaml": replacement("data.a"),
      "apps/app/cm.yaml": configMap("a"),
      "apps/app/other.yaml": configMap("b"),
    });
    expect(ofRule(r.findings, "kustomize-invalid")).toEqual([]);
  });
  it("invalid: a replacement into a field the target lacks, which kustomize refuses", () => {
    const r = lintApp({
      "apps/app/kustomization.yaml": replacement("data.missing.deeper"),
      "apps/app/cm.yaml": configMap("a"),
      "apps/app/other.yaml": configMap("b"),
    });
    expect(ofRule(r.findings, "kustomize-invalid")).toEqual([["error", "apps/app/kustomization.yaml"]]);
  });
});
