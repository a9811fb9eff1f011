/**
 * chart-render-failed comes from `lint --render` (and `crds`) when helm cannot render a chart. Here helm is a
 * two-line stand-in that answers `version` and fails or succeeds at `template`, so that the reporting path runs
 * without a registry; test/integration/lint-render.test.ts renders real charts with the real helm.
 */
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lintWithCharts } from "../../src/app/lint-render.ts";
import { ks, makeRepo } from "../helpers.ts";

function fakeHelm(template: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "kubestrap-fake-helm-")), "helm");
  writeFileSync(file, `#!/bin/sh\nif [ "$1" = version ]; then echo v3.22.0; exit 0; fi\n${template}\n`);
  chmodSync(file, 0o755);
  return file;
}

const repo = () =>
  makeRepo({
    "kubernetes/flux/cluster/ks.yaml": ks("app"),
    "apps/app/hr.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: app
  namespace: default
spec:
  chart:
    spec:
      chart: ./charts/app
      sourceRef:
        kind: GitRepository
        name: flux-system
        namespace: flux-system
`,
    "charts/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\n",
  });

const cacheDir = () => mkdtempSync(join(tmpdir(), "kubestrap-render-cache-"));

describe("chart-render-failed", () => {
  it("valid: helm renders the chart", async () => {
    const helm = fakeHelm("printf -- '---\\napiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: x\\n'");
    const r = await lintWithCharts({ repo: repo(), helm, cacheDir: cacheDir(), offline: true });
    expect(r.findings.filter((f) => f.ruleId === "chart-render-failed")).toEqual([]);
  });

  it("invalid: helm refuses the chart: an error at the HelmRelease, with helm's message", async () => {
    const helm = fakeHelm(
      'echo "Error: parse error at (app/templates/x.yaml:1): unexpected EOF" >&2; exit 1',
    );
    const r = await lintWithCharts({ repo: repo(), helm, cacheDir: cacheDir(), offline: true });
    const failed = r.findings.filter((f) => f.ruleId === "chart-render-failed");
    expect(failed.map((f) => [f.severity, f.location?.file])).toEqual([["error", "apps/app/hr.yaml"]]);
    expect(failed[0]?.message).toContain("unexpected EOF");
  });
});
