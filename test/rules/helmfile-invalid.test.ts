import { describe, expect, it } from "vitest";
import { configMap, lintApp, ofRule } from "./diagnostics.ts";

const helmfile = (version: string) =>
  `releases:\n  - name: podinfo\n    namespace: default\n    chart: oci://ghcr.io/stefanprodan/charts/podinfo\n    version: ${version}\n`;

describe("helmfile-invalid", () => {
  it("valid: a helmfile helmfile reads", () => {
    const r = lintApp({
      "apps/app/cm.yaml": configMap("a"),
      "bootstrap/helmfile.yaml.gotmpl": helmfile("6.9.2"),
    });
    expect(ofRule(r.findings, "helmfile-invalid")).toEqual([]);
  });
  it("invalid: a template that reads a value no environment defines", () => {
    const r = lintApp({
      "apps/app/cm.yaml": configMap("a"),
      "bootstrap/helmfile.yaml.gotmpl": helmfile("{{ .Values.podinfoVersion }}"),
    });
    expect(ofRule(r.findings, "helmfile-invalid")).toEqual([["error", "bootstrap/helmfile.yaml.gotmpl"]]);
  });
});
