/**
 * lintFleet's own work, with the per-cluster lint observed (and its findings replaced where a case needs them):
 * what each cluster's lint is asked (entry point, helmfile environment, env), how findings are tagged with their
 * cluster or kept once when every cluster reports them, their order, and `--rule` on kubestrap.yaml's findings.
 */
import { describe, expect, it } from "vitest";
import { lintFleet } from "../../src/analysis/fleet.ts";
import { type LintOptions, type LintResult, lint } from "../../src/analysis/lint.ts";
import type { Finding } from "../../src/findings.ts";
import { fleetRepo, replace } from "../fleet-repo.ts";

const finding = (message: string, file = "a.yaml"): Finding => ({
  ruleId: "crd-missing",
  severity: "error",
  message,
  location: { file, line: 1 },
});

/** A lint that records what it was asked and reports the given findings for each cluster's entry point. */
function observed(findingsByEntry: Record<string, Finding[]> = {}) {
  const asked: LintOptions[] = [];
  const lintOne = (options: LintOptions): LintResult => {
    asked.push(options);
    const result = lint(options);
    const own = findingsByEntry[options.entry ?? ""];
    return own ? { ...result, findings: own } : result;
  };
  return { asked, lintOne };
}

describe("lintFleet", () => {
  const repo = fleetRepo({
    "kubestrap.yaml": replace(
      "    context: apps\n",
      "    context: apps\n    environment: apps\n    env: {TIER: two}\n",
    ),
  });

  it("asks each cluster's lint for its entry point, helmfile environment and variables", async () => {
    const { asked, lintOne } = observed();
    await lintFleet({ repo }, lintOne);
    expect(asked.map((o) => [o.entry, o.cluster, o.environment, o.clusterEnv])).toEqual([
      ["kubernetes/clusters/infra", "infra", undefined, {}],
      ["kubernetes/clusters/apps", "apps", "apps", { TIER: "two" }],
    ]);
  });

  it("--environment wins over a cluster's own, and --cluster narrows the fleet", async () => {
    const { asked, lintOne } = observed();
    await lintFleet({ repo, environment: "other", clusters: ["apps"] }, lintOne);
    expect(asked.map((o) => [o.entry, o.environment])).toEqual([["kubernetes/clusters/apps", "other"]]);
  });

  it("--entry lints that entry point as the named cluster, or the first", async () => {
    const { asked, lintOne } = observed();
    const result = await lintFleet({ repo, entry: "kubernetes/clusters/apps" }, lintOne);
    expect(result.clusters.map((c) => [c.name, c.from])).toEqual([["infra", "--entry"]]);
    expect(asked.map((o) => o.entry)).toEqual(["kubernetes/clusters/apps"]);
    const named = await lintFleet({ repo, entry: "kubernetes/clusters/apps", cluster: "apps" }, lintOne);
    expect(named.clusters.map((c) => c.name)).toEqual(["apps"]);
  });

  it("keeps a finding every cluster reports once and untagged, tags the others, in cluster order", async () => {
    const shared = finding("in the shared base", "base.yaml");
    const { lintOne } = observed({
      "kubernetes/clusters/infra": [finding("infra only", "z.yaml"), shared],
      "kubernetes/clusters/apps": [shared, finding("apps only", "a.yaml")],
    });
    const result = await lintFleet({ repo }, lintOne);
    expect(result.findings.map((f) => [f.message, f.cluster])).toEqual([
      ["in the shared base", undefined],
      ["infra only", "infra"],
      ["apps only", "apps"],
    ]);
  });

  it("tags nothing when only one cluster is analysed of one", async () => {
    const single = fleetRepo({
      "kubestrap.yaml": (t) => t.replace(/ {2}- name: apps[\s\S]*?(?=fleet:)/, ""),
    });
    const { lintOne } = observed({ "kubernetes/clusters/infra": [finding("alone")] });
    const result = await lintFleet({ repo: single, clusters: ["infra"] }, lintOne);
    expect(result.findings.filter((f) => f.message === "alone").map((f) => f.cluster)).toEqual([undefined]);
  });

  it("applies --rule to kubestrap.yaml's own findings: off drops them, a severity replaces theirs", async () => {
    const broken = fleetRepo({ "kubestrap.yaml": replace("handoff:\n", "unknownField: 1\nhandoff:\n") });
    const ids = async (rules?: LintOptions["rules"]) =>
      (await lintFleet({ repo: broken, ...(rules ? { rules } : {}) })).findings
        .filter((f) => f.ruleId === "config-invalid")
        .map((f) => f.severity);
    expect(await ids()).toEqual(["error"]);
    expect(await ids({ "config-invalid": "off" })).toEqual([]);
    expect(await ids({ "config-invalid": "warning" })).toEqual(["warning"]);
  });
});
