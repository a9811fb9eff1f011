import { describe, expect, it } from "vitest";
import { configMap, lintApp, ofRule } from "./diagnostics.ts";

describe("yaml-syntax", () => {
  it("valid: every file Flux reads parses", () => {
    expect(ofRule(lintApp({ "apps/app/cm.yaml": configMap("a") }).findings, "yaml-syntax")).toEqual([]);
  });
  it("invalid: a file the Flux tree reads does not parse", () => {
    const r = lintApp({ "apps/app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n" });
    expect(ofRule(r.findings, "yaml-syntax")).toEqual([["error", "apps/app/cm.yaml"]]);
  });
});
