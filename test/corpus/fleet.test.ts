/**
 * The fleet lint on the corpus: joryirving's three clusters (main, test, utility; a shared apps/base) are all
 * analysed with no flag, and every cross-cluster finding is pinned (the closing note of the fleet issue says why
 * each is true). The single-cluster repositories lint exactly as before, with nothing tagged.
 */
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lintFleet } from "../../src/analysis/fleet.ts";
import { lint } from "../../src/analysis/lint.ts";
import { FLEET_RULES } from "../../src/analysis/rules/index.ts";

const CORPUS = join(import.meta.dirname, "../../../shared/corpus");
const fleetIds = new Set(FLEET_RULES.map((r) => r.id));

describe("fleet lint of the corpus", () => {
  it("joryirving: three clusters, and the cross-cluster findings", async () => {
    const result = await lintFleet({ repo: join(CORPUS, "joryirving__home-ops") });
    expect(result.clusters.map((c) => [c.name, c.result.inventory.entry])).toEqual([
      ["main", "kubernetes/clusters/main"],
      ["test", "kubernetes/clusters/test"],
      ["utility", "kubernetes/clusters/utility"],
    ]);
    const cross = result.findings
      .filter((f) => fleetIds.has(f.ruleId))
      .map(
        (f) =>
          `${f.cluster} ${f.ruleId} ${f.location?.file}:${f.location?.line} ← ${f.related?.[0]?.cluster}`,
      );
    expect(cross).toEqual([
      "test cluster-cidr-overlap kubernetes/apps/base/kube-system/cilium/helmrelease.yaml:45 ← main",
      "test cluster-cidr-overlap kubernetes/apps/test/kube-system/cilium/networking.yaml:2 ← main",
      "utility cluster-unique-value kubernetes/apps/base/kube-system/cilium/helmrelease.yaml:30 ← test",
      "utility cluster-cidr-overlap kubernetes/apps/base/kube-system/cilium/helmrelease.yaml:45 ← main",
      "utility cluster-cidr-overlap kubernetes/apps/base/kube-system/cilium/helmrelease.yaml:45 ← test",
      "utility cluster-cidr-overlap kubernetes/apps/utility/kube-system/cilium/networking.yaml:2 ← main",
      "utility cluster-cidr-overlap kubernetes/apps/utility/kube-system/cilium/networking.yaml:2 ← test",
    ]);
    // Every finding names its cluster, or holds for all three alike.
    expect(
      result.findings.every(
        (f) => f.cluster === undefined || ["main", "test", "utility"].includes(f.cluster),
      ),
    ).toBe(true);
  });

  it("single-cluster repositories: the same findings as lint, nothing tagged", async () => {
    for (const repo of ["onedr0p__home-ops", "bjw-s-labs__home-ops"]) {
      const path = join(CORPUS, repo);
      const fleet = await lintFleet({ repo: path });
      expect(fleet.clusters).toHaveLength(1);
      expect(fleet.findings).toEqual(lint({ repo: path }).findings);
    }
  });

  it("joryirving with each cluster's CLUSTER in kubestrap.yaml: every bootstrap is read, as per-cluster lint reads it", async () => {
    const repo = join(mkdtempSync(join(tmpdir(), "kubestrap-jory-")), "repo");
    cpSync(join(CORPUS, "joryirving__home-ops"), repo, { recursive: true });
    const clusters = ["main", "test", "utility"];
    writeFileSync(
      join(repo, "kubestrap.yaml"),
      `clusters:\n${clusters.map((c) => `  - name: ${c}\n    env: { CLUSTER: ${c} }\n`).join("")}`,
    );
    const result = await lintFleet({ repo });
    expect(result.findings.filter((f) => f.ruleId === "bootstrap-unresolved")).toEqual([]);
    expect(
      result.clusters.map((c) => [
        c.name,
        c.result.inventory.bootstrap.crdReleases,
        c.result.inventory.bootstrap.releases,
      ]),
    ).toEqual([
      ["main", 5, 7],
      ["test", 5, 7],
      ["utility", 5, 7],
    ]);
    // main's own findings are those of `CLUSTER=main kubestrap lint --cluster main`.
    const saved = process.env.CLUSTER;
    process.env.CLUSTER = "main";
    try {
      const alone = lint({ repo, cluster: "main" }).findings;
      const main = result.clusters.find((c) => c.name === "main")?.result.findings;
      expect(main?.map((f) => `${f.ruleId} ${f.location?.file}:${f.location?.line}`)).toEqual(
        alone.map((f) => `${f.ruleId} ${f.location?.file}:${f.location?.line}`),
      );
    } finally {
      if (saved === undefined) delete process.env.CLUSTER;
      else process.env.CLUSTER = saved;
    }
  });
});
