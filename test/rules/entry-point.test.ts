import { describe, expect, it } from "vitest";
import { ks } from "../helpers.ts";
import { configMap, lintApp, ofRule } from "./diagnostics.ts";

describe("entry-point", () => {
  it("valid: one Flux entry point (kubernetes/flux/cluster)", () => {
    expect(ofRule(lintApp({ "apps/app/cm.yaml": configMap("a") }).findings, "entry-point")).toEqual([]);
  });
  it("invalid: no entry point, so every Flux Kustomization is analysed as a root (info)", () => {
    const r = lintApp(
      { "flux/ks.yaml": ks("app"), "apps/app/cm.yaml": configMap("a") },
      { withEntry: false },
    );
    expect(ofRule(r.findings, "entry-point")).toEqual([["info", undefined]]);
    expect(r.findings.find((f) => f.ruleId === "entry-point")?.message).toMatch(/^no Flux entry point found/);
  });
});
