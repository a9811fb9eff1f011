import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lint } from "../../src/analysis/lint.ts";

const CORPUS = new URL("../../../shared/corpus/onedr0p__home-ops", import.meta.url).pathname;

describe("the onedr0p/home-ops corpus (a real, working repository)", () => {
  it("is present beside the project", () => {
    // CI clones the project with ../shared beside it; a missing corpus is a broken setup, not a skip.
    expect(existsSync(CORPUS)).toBe(true);
  });

  const result = lint({ repo: CORPUS });

  it("reads every YAML file and counts what the repository holds", () => {
    expect(result.inventory).toMatchObject({
      files: 430,
      kustomizations: { total: 78, reachable: 78 },
      helmReleases: { total: 69, reachable: 68 },
      entry: "kubernetes/flux/cluster",
    });
    expect(result.entry?.from).toContain("instance.sync.path");
  });

  it("reads the bootstrap helmfiles through the default.yaml + gotmpl convention", () => {
    const releases = result.bootstrap.releases.map(
      (r) => `${r.phase} ${r.namespace}/${r.name} ${r.chart?.name}@${r.chart?.version}`,
    );
    expect(releases).toContain("crds o11y/kube-prometheus-stack kube-prometheus-stack@88.3.0");
    expect(releases).toContain("releases cert-manager/cert-manager cert-manager@v1.21.1");
    expect(releases).toHaveLength(13);
  });

  it("proves every custom resource's CRD ordering", () => {
    const verdicts = new Set(result.crds.verdicts.map((v) => v.verdict));
    expect([...verdicts]).toEqual(["ok"]);
  });

  it("reports no finding: the repository is complete and bootstraps as it is", () => {
    // The copy now holds every file of kubernetes/ and bootstrap/, so the two configMapGenerator scripts that
    // the earlier YAML-only copy lacked are there, and nothing is missing.
    expect(
      result.findings.map((f) => `${f.ruleId} ${f.location?.file}:${f.location?.line} ${f.message}`),
    ).toEqual([]);
  });
});
