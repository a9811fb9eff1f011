import { describe, expect, it } from "vitest";
import { helmRelease, ks, lintFlux, ruleIds } from "../helpers.ts";

describe("chart-version-drift", () => {
  const PODINFO = "oci://ghcr.io/stefanprodan/charts/podinfo";
  const helmfile = (chart: string, version: string) =>
    `releases:\n  - name: podinfo\n    namespace: default\n    chart: ${chart}\n    version: ${version}\n`;
  const lintWith = (helmfileText: string) =>
    lintFlux([ks("podinfo")], {
      "apps/podinfo/hr.yaml": helmRelease("podinfo", PODINFO),
      "bootstrap/helmfile.d/01-apps.yaml": helmfileText,
    });
  it("valid: the helmfile installs the chart and version Flux uses", () => {
    expect(ruleIds(lintWith(helmfile(PODINFO, "1.0.0")))).not.toContain("chart-version-drift");
  });
  it("valid: a helmfile release that reads its chart from the Flux files cannot drift", () => {
    const result = lintWith("releases:\n  - name: podinfo\n    namespace: default\n");
    expect(ruleIds(result)).not.toContain("chart-version-drift");
  });
  it("invalid: another version", () => {
    const result = lintWith(helmfile(PODINFO, "0.9.0"));
    const finding = result.findings.find((f) => f.ruleId === "chart-version-drift");
    expect(finding?.message).toMatch(/installs version 0\.9\.0 vs 1\.0\.0/);
    expect(finding?.location).toEqual({ file: "bootstrap/helmfile.d/01-apps.yaml", line: 2 });
    expect(finding?.related?.[0]?.file).toBe("apps/podinfo/hr.yaml");
  });
  it("valid: the same version written with and without a v", () => {
    expect(ruleIds(lintWith(helmfile(PODINFO, "v1.0.0")))).not.toContain("chart-version-drift");
  });
  it("invalid: another chart", () => {
    const result = lintWith(helmfile("oci://ghcr.io/example/charts/webapp", "1.0.0"));
    expect(result.findings.find((f) => f.ruleId === "chart-version-drift")?.message).toMatch(
      /chart webapp vs podinfo/,
    );
  });
});
