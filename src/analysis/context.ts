import type { Finding, Severity } from "../findings.ts";
import type { Repository } from "../load/repository.ts";
import type { Bootstrap } from "../model/bootstrap.ts";
import type { Config } from "../model/config.ts";
import type { FluxModel } from "../model/flux.ts";
import type { KubeObject } from "../model/objects.ts";
import type { CrdAnalysis } from "./crds.ts";
import type { KustomizationGraph } from "./graph.ts";
import type { SchemaIndex } from "./schema/sources.ts";

/** Everything a rule can read. Rules never load files themselves. */
export interface AnalysisContext {
  repo: Repository;
  model: FluxModel;
  bootstrap: Bootstrap;
  graph: KustomizationGraph;
  crds: CrdAnalysis;
  /** Findings produced while loading and building (YAML, kustomize, Flux paths), by rule id. */
  diagnostics: Finding[];
  /** The schemas objects are validated against; absent when schema validation is not wanted. */
  schemas?: SchemaIndex;
  /** The 1-based line of a field of an object, e.g. `["spec", "dependsOn", 0]`. */
  lineOf(o: KubeObject, path: (string | number)[]): number;
  /** What HelmReleases' charts render (`lint --render`), validated against the schemas too. */
  renderedManifests?: RenderedManifests[];
}

/** The objects a HelmRelease's chart rendered, for schema validation (`renderedObjects`: at the HelmRelease). */
export interface RenderedManifests {
  /** Id of the Flux Kustomization that applies the HelmRelease. */
  ks: string;
  objects: KubeObject[];
}

export type RuleFinding = Omit<Finding, "ruleId" | "severity">;

/** What every rule has: an id (public interface), a default severity, and one sentence of documentation. */
export interface RuleInfo {
  id: string;
  severity: Severity;
  /** One sentence: what the rule reports. */
  description: string;
}

/** A lint rule, ESLint-style: one module each, with an id, a default severity and documentation. */
export interface Rule extends RuleInfo {
  check(ctx: AnalysisContext): RuleFinding[];
}

/** One analysed cluster of the fleet: its name and everything a cluster rule could read of it. */
export interface ClusterContext extends AnalysisContext {
  name: string;
}

/** Everything a fleet rule can read: every cluster analysed, and kubestrap.yaml. */
export interface FleetContext {
  repo: Repository;
  config: Config;
  /** kubestrap.yaml, when the repository has one. */
  configFile?: string;
  clusters: ClusterContext[];
}

/** A fleet rule's finding names the cluster it belongs to. */
export type FleetRuleFinding = RuleFinding & { cluster: string };

/**
 * A rule over the clusters of the repository (and within each of them): address ranges, unique values,
 * placement, version skew. It runs with one cluster too; what it compares between clusters then finds nothing.
 */
export interface FleetRule extends RuleInfo {
  check(ctx: FleetContext): FleetRuleFinding[];
}

/** Rules whose findings are produced while loading the repository. */
export function diagnosticRule(id: string, severity: Severity, description: string): Rule {
  return {
    id,
    severity,
    description,
    check: (ctx) =>
      ctx.diagnostics.filter((f) => f.ruleId === id).map(({ ruleId: _r, severity: _s, ...rest }) => rest),
  };
}
