import { describe, expect, it } from "vitest";
import { configMap, lintApp, ofRule } from "./diagnostics.ts";

describe("file-skipped", () => {
  it("valid: YAML nothing reads is not reported when it parses", () => {
    const r = lintApp({ "apps/app/cm.yaml": configMap("a"), "ansible/site.yaml": "- hosts: all\n" });
    expect(ofRule(r.findings, "file-skipped")).toEqual([]);
  });
  it("invalid: YAML nothing reads does not parse: one info finding, not a yaml-syntax error", () => {
    const r = lintApp({
      "apps/app/cm.yaml": configMap("a"),
      "talos/node.yaml": "machine: {{ .ip }\n  bad: [\n",
    });
    expect(ofRule(r.findings, "file-skipped")).toEqual([["info", "talos/node.yaml"]]);
    expect(ofRule(r.findings, "yaml-syntax")).toEqual([]);
  });
});
