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

  it("invalid: the whole finding, pointing at the OCIRepository Flux reads the version from", () => {
    const finding = lintWith(helmfile(PODINFO, "0.9.0")).findings.find(
      (f) => f.ruleId === "chart-version-drift",
    );
    expect(finding).toMatchObject({
      message:
        "bootstrap release default/podinfo installs version 0.9.0 vs 1.0.0 that Flux's HelmRelease default/podinfo uses: at handoff Flux changes the release it takes over",
      fix: "use the same chart and version in the helmfile as in apps/podinfo/hr.yaml, or read them from it (the templates/release.yaml.gotmpl convention)",
      object: "HelmRelease default/podinfo",
      related: [{ file: "apps/podinfo/hr.yaml", line: 2, message: "what Flux installs" }],
    });
  });
  it("valid: a helmfile release without a version, or a Flux version that is a range, is not compared", () => {
    const noVersion = `releases:\n  - name: podinfo\n    namespace: default\n    chart: ${PODINFO}\n`;
    expect(ruleIds(lintWith(noVersion))).not.toContain("chart-version-drift");
    const range = lintFlux([ks("podinfo")], {
      "apps/podinfo/hr.yaml": helmRelease("podinfo", PODINFO).replace("tag: 1.0.0", "semver: '>=1.0.0'"),
      "bootstrap/helmfile.d/01-apps.yaml": helmfile(PODINFO, "0.9.0"),
    });
    expect(ruleIds(range)).not.toContain("chart-version-drift");
  });
  it("invalid: Flux pins a digest the helmfile's version is not", () => {
    const pinned = lintFlux([ks("podinfo")], {
      "apps/podinfo/hr.yaml": helmRelease("podinfo", PODINFO).replace("tag: 1.0.0", "digest: 'sha256:abc'"),
      "bootstrap/helmfile.d/01-apps.yaml": helmfile(PODINFO, "1.0.0"),
    });
    expect(pinned.findings.find((f) => f.ruleId === "chart-version-drift")?.message).toMatch(
      /installs version 1\.0\.0 vs sha256:abc/,
    );
  });
  it("invalid: only a leading v is ignored", () => {
    const result = lintFlux([ks("podinfo")], {
      "apps/podinfo/hr.yaml": helmRelease("podinfo", PODINFO).replace("tag: 1.0.0", "tag: 1.0.0-de"),
      "bootstrap/helmfile.d/01-apps.yaml": helmfile(PODINFO, "1.0.0-dev"),
    });
    expect(ruleIds(result)).toContain("chart-version-drift");
  });
});
