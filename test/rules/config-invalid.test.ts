import { describe, expect, it } from "vitest";
import { configMap, lintApp, ofRule } from "./diagnostics.ts";

describe("config-invalid", () => {
  it("valid: a kubestrap.yaml that matches its schema", () => {
    const r = lintApp({
      "apps/app/cm.yaml": configMap("a"),
      "kubestrap.yaml": "clusters:\n  - name: home\n",
    });
    expect(ofRule(r.findings, "config-invalid")).toEqual([]);
  });
  it("invalid: a field kubestrap.yaml does not have, at its line", () => {
    const r = lintApp({
      "apps/app/cm.yaml": configMap("a"),
      "kubestrap.yaml": "clusters:\n  - name: home\n    kubectx: x\n",
    });
    expect(
      r.findings.filter((f) => f.ruleId === "config-invalid").map((f) => [f.severity, f.location]),
    ).toEqual([["error", { file: "kubestrap.yaml", line: 2 }]]);
  });
});
