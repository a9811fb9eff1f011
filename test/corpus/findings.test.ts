/**
 * Every finding on the corpus repositories, pinned as (rule, severity, file, count): a new false positive, or a
 * true finding that disappears, fails CI. Each was checked by hand (the closing note of the issue that added this
 * test says why each is true). joryirving's helmfiles require CLUSTER, as its own bootstrap runs them: each of
 * its three clusters is linted with CLUSTER and --cluster set alike.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lint } from "../../src/analysis/lint.ts";

const CORPUS = join(import.meta.dirname, "../../../shared/corpus");

interface Case {
  repo: string;
  cluster?: string;
  findings: string[];
  bootstrap: { dir: string; crdReleases: number; releases: number };
}

const kopiurRaces = (n: number) =>
  ["restore", "snapshotpolicy", "snapshotschedule"].map(
    (f) => `crd-race warning kubernetes/components/kopiur/backup/${f}.yaml ×${n}`,
  );
const flux = (cluster: string) => [
  `duplicate-object error kubernetes/clusters/${cluster}/flux-instance/helmrelease.yaml ×2`,
  `duplicate-object error kubernetes/clusters/${cluster}/flux-instance/prometheusrule.yaml ×1`,
];
const toolhive = [
  "config/mcp-telemetry.yaml",
  "config/mcpgroup.yaml",
  "config/virtualmcpserver.yaml",
  ...["arr", "dispatch", "flux", "github", "ha", "kubectl", "seerr", "talos", "unifi-network"].map(
    (s) => `mcp-servers/${s}-mcp/mcpserver.yaml`,
  ),
  "mcp-servers/grafana-mcp/mcpserverentry.yaml",
].map((f) => `crd-unwaited warning kubernetes/apps/base/llm/toolhive/${f} ×1`);

const CASES: Case[] = [
  {
    repo: "onedr0p__home-ops",
    findings: [],
    bootstrap: { dir: "bootstrap/helmfile", crdReleases: 5, releases: 8 },
  },
  {
    repo: "bjw-s-labs__home-ops",
    findings: [
      "crd-unresolved info kubernetes/apps/ai/llmkube/models/qwen3-embedding-0.6b.yaml ×1",
      "crd-unresolved info kubernetes/components/dragonfly/cluster.yaml ×1",
      "file-skipped info kubernetes/talos/cluster.yaml.j2 ×1",
      "file-skipped info kubernetes/talos/controlplane.yaml.j2 ×1",
      "file-skipped info kubernetes/talos/nodes/controlplane/delta.yaml.j2 ×1",
    ],
    bootstrap: { dir: "kubernetes/bootstrap/helmfile", crdReleases: 5, releases: 8 },
  },
  {
    repo: "joryirving__home-ops",
    cluster: "main",
    findings: [
      "crd-deadlock error kubernetes/apps/main/observability/silences.yaml ×9",
      ...kopiurRaces(46),
      "crd-race warning kubernetes/components/postgres/cluster.yaml ×14",
      "crd-race warning kubernetes/components/postgres/scheduledbackup.yaml ×14",
      "crd-unresolved info kubernetes/apps/base/llm/litellm/llama-nvidia.yaml ×1",
      "crd-unresolved info kubernetes/components/dragonfly/cluster.yaml ×1",
      ...toolhive,
      "duplicate-object error kubernetes/apps/base/observability/exporters/nut-exporter/grafanadashboard.yaml ×2",
      ...flux("main"),
      "file-skipped info bootstrap/kustomize/secrets.yaml.tpl ×1",
      "source-external info kubernetes/apps/main/games/games-on-whales.yaml ×1",
    ],
    bootstrap: { dir: "bootstrap/helmfile", crdReleases: 5, releases: 7 },
  },
  {
    repo: "joryirving__home-ops",
    cluster: "utility",
    findings: [
      "crd-deadlock error kubernetes/apps/utility/observability/silences.yaml ×2",
      ...kopiurRaces(9),
      "crd-unresolved info kubernetes/apps/utility/flux-system/terraform/authentik.yaml ×1",
      ...flux("utility"),
      "file-skipped info bootstrap/kustomize/secrets.yaml.tpl ×1",
    ],
    bootstrap: { dir: "bootstrap/helmfile", crdReleases: 5, releases: 7 },
  },
  {
    repo: "joryirving__home-ops",
    cluster: "test",
    findings: [...flux("test"), "file-skipped info bootstrap/kustomize/secrets.yaml.tpl ×1"],
    bootstrap: { dir: "bootstrap/helmfile", crdReleases: 5, releases: 7 },
  },
];

function lintCase(c: Case) {
  const before = process.env.CLUSTER;
  if (c.cluster) process.env.CLUSTER = c.cluster;
  try {
    return lint({ repo: join(CORPUS, c.repo), ...(c.cluster ? { cluster: c.cluster } : {}) });
  } finally {
    if (before === undefined) delete process.env.CLUSTER;
    else process.env.CLUSTER = before;
  }
}

describe("the findings on the corpus repositories, each checked to be true", () => {
  for (const c of CASES) {
    describe(`${c.repo}${c.cluster ? ` --cluster ${c.cluster}` : ""}`, () => {
      const result = lintCase(c);

      it("reports exactly the pinned (rule, severity, file) findings", () => {
        const counts = new Map<string, number>();
        for (const f of result.findings) {
          const key = `${f.ruleId} ${f.severity} ${f.location?.file}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        const actual = [...counts].map(([k, n]) => `${k} ×${n}`).sort();
        expect(actual).toEqual([...c.findings].sort());
      });

      it("finds the bootstrap with its releases per phase", () => {
        expect(result.inventory.bootstrap).toMatchObject({ helmfiles: 2, unread: 0, ...c.bootstrap });
      });
    });
  }
});
