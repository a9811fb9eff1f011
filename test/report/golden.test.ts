/**
 * Golden files of the reporters: the whole SARIF, JSON, text and GitHub output of the broken example, its graph
 * as Mermaid and DOT, and the same of a broken copy of the multi-cluster example, byte for byte. A change to what kubestrap reports shows up as a diff of
 * these files in review; `vitest run -u` rewrites them after a deliberate change.
 */
import { describe, expect, it } from "vitest";
import { buildDag } from "../../src/analysis/dag.ts";
import { lintFleet } from "../../src/analysis/fleet.ts";
import { lint } from "../../src/analysis/lint.ts";
import { FLEET_RULES } from "../../src/analysis/rules/index.ts";
import { formatGithub } from "../../src/report/github.ts";
import { formatDot, formatMermaid } from "../../src/report/graph.ts";
import { formatJson } from "../../src/report/json.ts";
import { formatSarif } from "../../src/report/sarif.ts";
import { formatText } from "../../src/report/text.ts";
import { fleetRepo, replace } from "../fleet-repo.ts";

const broken = new URL("../../examples/homelab-broken", import.meta.url).pathname;

describe("golden reports", () => {
  it("SARIF of examples/homelab-broken", async () => {
    await expect(formatSarif(lint({ repo: broken }), "0.0.0-test")).toMatchFileSnapshot(
      "./golden/homelab-broken.sarif.json",
    );
  });

  it("JSON of examples/homelab-broken", async () => {
    await expect(formatJson(lint({ repo: broken }))).toMatchFileSnapshot("./golden/homelab-broken.json");
  });

  it("text of examples/homelab-broken, plain and coloured", async () => {
    const result = lint({ repo: broken });
    await expect(formatText(result, { color: false })).toMatchFileSnapshot("./golden/homelab-broken.txt");
    await expect(formatText(result, { color: true })).toMatchFileSnapshot("./golden/homelab-broken.ansi.txt");
  });

  it("GitHub annotations of examples/homelab-broken, with and without a repository prefix", async () => {
    const result = lint({ repo: broken });
    await expect(formatGithub(result)).toMatchFileSnapshot("./golden/homelab-broken.github.txt");
    expect(formatGithub(result, "infra/")).toBe(formatGithub(result).replaceAll("file=", "file=infra/"));
  });

  it("escapes what GitHub's workflow commands read as syntax", () => {
    const report = lint({ repo: broken });
    const finding = {
      ruleId: "crd-missing",
      severity: "warning" as const,
      message: "50%\r\nnext",
      location: { file: "a:b,c.yaml", line: 2 },
    };
    expect(formatGithub({ ...report, findings: [finding] }).split("\n")[0]).toBe(
      "::warning file=a%3Ab%2Cc.yaml,line=2,title=kubestrap crd-missing::50%25%0D%0Anext",
    );
  });

  it("the Kustomization graphs of examples/homelab and homelab-broken as Mermaid and DOT", async () => {
    for (const name of ["homelab", "homelab-broken"]) {
      const dag = buildDag(lint({ repo: new URL(`../../examples/${name}`, import.meta.url).pathname }));
      await expect(formatMermaid(dag)).toMatchFileSnapshot(`./golden/${name}.mmd`);
      await expect(formatDot(dag)).toMatchFileSnapshot(`./golden/${name}.dot`);
    }
  });

  it("JSON of examples/fleet broken for every cross-cluster rule: messages, fixes, related locations", async () => {
    const settings = (cluster: string) => `kubernetes/clusters/${cluster}/cluster-settings.yaml`;
    const repo = fleetRepo({
      // cluster-unique-value and cluster-cidr-overlap (apps' pods inside infra's, infra's pool inside its services).
      [settings("apps")]: (t) =>
        t
          .replace('CLUSTER_ID: "2"', 'CLUSTER_ID: "1"')
          .replace("POD_CIDR: 10.52.0.0/16", "POD_CIDR: 10.42.128.0/17")
          .replace("  LB_POOL:", "  COREDNS_VERSION: 1.43.0\n  LB_POOL:"),
      [settings("infra")]: replace("LB_POOL: 192.168.10.64/27", "LB_POOL: 10.43.200.0/24"),
      // lb-ip-outside-pool, and cluster-placement (apps applies the observability tree).
      "kubernetes/apps/infra/observability/kube-prometheus-stack/app/helmrelease.yaml": replace(
        "lbipam.cilium.io/ips: 192.168.10.70",
        "lbipam.cilium.io/ips: 192.168.10.100",
      ),
      "kubernetes/apps/apps/kustomization.yaml": replace(
        "  - ../base/flux-system\n",
        "  - ../base/flux-system\n  - ../infra/observability\n",
      ),
      // cluster-version-skew.
      "kubernetes/apps/base/kube-system/coredns/app/ocirepository.yaml": replace(
        "tag: 1.44.3",
        "tag: ${COREDNS_VERSION:=1.44.3}",
      ),
    });
    const result = await lintFleet({ repo });
    const fleetRules = new Set(FLEET_RULES.map((r) => r.id));
    const found = result.findings.filter((f) => fleetRules.has(f.ruleId));
    expect(new Set(found.map((f) => f.ruleId)).size).toBe(5);
    await expect(`${JSON.stringify(found, null, 2)}\n`).toMatchFileSnapshot("./golden/fleet-rules.json");
  });

  it("JSON and SARIF of examples/fleet with apps reusing infra's Cilium id and pool", async () => {
    const repo = fleetRepo({
      "kubernetes/clusters/apps/cluster-settings.yaml": (t) =>
        t
          .replace('CLUSTER_ID: "2"', 'CLUSTER_ID: "1"')
          .replace("LB_POOL: 192.168.10.96/27", "LB_POOL: 192.168.10.64/26"),
    });
    const result = await lintFleet({ repo });
    await expect(formatJson(result)).toMatchFileSnapshot("./golden/fleet-broken.json");
    await expect(formatSarif(result, "0.0.0-test")).toMatchFileSnapshot("./golden/fleet-broken.sarif.json");
    await expect(formatText(result, { color: false })).toMatchFileSnapshot("./golden/fleet-broken.txt");
    await expect(formatGithub(result)).toMatchFileSnapshot("./golden/fleet-broken.github.txt");
  });
});
