/**
 * `lint` over the clusters of a repository: the repository and kubestrap.yaml are read once, each cluster is
 * analysed as its own project (its entry point, its helmfile environment and variables), then the fleet rules
 * compare them. Every finding names its cluster when the repository has several; one that every analysed cluster
 * reports alike (a file of the shared base) is reported once, for all of them.
 */
import { compareFindings, type Finding } from "../findings.ts";
import { Repository } from "../load/repository.ts";
import { loadConfig } from "../model/config.ts";
import { chooseClusters, type FleetCluster, type FleetProjectOptions } from "../model/fleet.ts";
import type { ClusterContext, FleetContext } from "./context.ts";
import { type Inventory, type LintOptions, type LintResult, lint } from "./lint.ts";
import { FLEET_RULES } from "./rules/index.ts";

export interface FleetLintOptions extends LintOptions, FleetProjectOptions {}

export interface ClusterLint {
  name: string;
  /** How the cluster was found. */
  from: string;
  result: LintResult;
}

export interface FleetLintResult {
  /** Every cluster's findings and the fleet rules', in cluster order. */
  findings: Finding[];
  /** The first cluster's inventory (the only one, in a repository with one cluster). */
  inventory: Inventory;
  clusters: ClusterLint[];
  /** Every cluster of the repository, analysed or not. */
  fleet: FleetCluster[];
}

export type LintOne = (options: LintOptions) => LintResult | Promise<LintResult>;

export async function lintFleet(
  options: FleetLintOptions,
  lintOne: LintOne = lint,
): Promise<FleetLintResult> {
  const repository = options.repository ?? Repository.load(options.repo);
  const config = options.config ?? loadConfig(repository);
  const { fleet, several: tag, chosen } = chooseClusters(options, repository, config);
  const results: ClusterLint[] = [];
  for (const { cluster: c, options: one } of chosen)
    results.push({ name: c.name, from: c.from, result: await lintOne(one) });
  const findings = [...withSettings(config.findings, options.rules), ...mergeClusters(results, tag)];
  const ctx: FleetContext = {
    repo: repository,
    config: config.config,
    clusters: results.map((r): ClusterContext => ({ ...r.result.context, name: r.name })),
  };
  if (config.file) ctx.configFile = config.file;
  for (const rule of FLEET_RULES) {
    const setting = options.rules?.[rule.id] ?? rule.severity;
    if (setting === "off") continue;
    for (const { cluster, ...f } of rule.check(ctx))
      findings.push({ ruleId: rule.id, severity: setting, ...f, ...(tag ? { cluster } : {}) });
  }
  const order = new Map(results.map((r, i) => [r.name, i]));
  findings.sort(
    (a, b) =>
      (order.get(a.cluster ?? "") ?? -1) - (order.get(b.cluster ?? "") ?? -1) || compareFindings(a, b),
  );
  const first = results[0];
  if (!first) throw new Error("no cluster to analyse");
  return { findings, inventory: first.result.inventory, clusters: results, fleet };
}

/** kubestrap.yaml's findings, read once for every cluster, with the severities `--rule` sets. */
function withSettings(findings: Finding[], rules: LintOptions["rules"]): Finding[] {
  return findings.flatMap((f) => {
    const setting = rules?.[f.ruleId];
    if (setting === "off") return [];
    return [setting ? { ...f, severity: setting } : f];
  });
}

/**
 * Each cluster's findings, tagged with it; a finding every cluster reports alike is kept once, untagged. With one
 * cluster nothing is tagged.
 */
function mergeClusters(results: ClusterLint[], tag: boolean): Finding[] {
  if (!tag) return results.flatMap((r) => r.result.findings);
  const key = (f: Finding) =>
    [f.ruleId, f.severity, f.location?.file, f.location?.line, f.object, f.message].join("\0");
  const clustersOf = new Map<string, Set<string>>();
  for (const r of results)
    for (const f of r.result.findings) {
      const k = key(f);
      const set = clustersOf.get(k) ?? new Set<string>();
      set.add(r.name);
      clustersOf.set(k, set);
    }
  const out: Finding[] = [];
  const shared = new Set<string>();
  for (const r of results)
    for (const f of r.result.findings) {
      const k = key(f);
      if (results.length > 1 && clustersOf.get(k)?.size === results.length) {
        if (!shared.has(k)) out.push(f);
        shared.add(k);
      } else out.push({ ...f, cluster: r.name });
    }
  return out;
}
