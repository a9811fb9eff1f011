import { describe, expect, it } from "vitest";
import { helmRelease, ks, lintFlux, ruleIds } from "../helpers.ts";

const CNPG = "oci://ghcr.io/cloudnative-pg/charts/cloudnative-pg";

describe("source-missing", () => {
  it("valid: the OCIRepository exists", () => {
    expect(
      ruleIds(lintFlux([ks("a", { wait: true })], { "apps/a/hr.yaml": helmRelease("cloudnative-pg", CNPG) })),
    ).toEqual([]);
  });
  it("invalid: chartRef points at nothing", () => {
    const onlyHr = helmRelease("x", CNPG).split("---").slice(2).join("---");
    expect(ruleIds(lintFlux([ks("a")], { "apps/a/hr.yaml": `---${onlyHr}` }))).toEqual(["source-missing"]);
  });

  it("invalid: the finding names the source, says where to define it, and points at chartRef or chart", () => {
    const chartRef = helmRelease("x", CNPG).split("---").slice(2).join("---");
    const chartSpec = [
      "---",
      "apiVersion: helm.toolkit.fluxcd.io/v2",
      "kind: HelmRelease",
      "metadata: {name: y, namespace: db}",
      "spec:",
      "  interval: 1h",
      "  chart:",
      "    spec: {chart: app, sourceRef: {kind: HelmRepository, name: charts, namespace: flux-system}}",
      "",
    ].join("\n");
    const r = lintFlux([ks("a")], { "apps/a/hr.yaml": `---${chartRef}${chartSpec}` });
    expect(r.findings.map((f) => [f.message, f.fix, f.location?.line, f.object])).toEqual([
      [
        "HelmRelease default/x takes its chart from OCIRepository default/x, which no Kustomization applies",
        "define OCIRepository x in namespace default next to the HelmRelease",
        9,
        "HelmRelease default/x",
      ],
      [
        "HelmRelease db/y takes its chart from HelmRepository flux-system/charts, which no Kustomization applies",
        "define HelmRepository charts in namespace flux-system next to the HelmRelease",
        19,
        "HelmRelease db/y",
      ],
    ]);
  });
});
