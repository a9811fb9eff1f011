// The library: every command is one call in ./app; the layers below it are exported for tools that build on
// the model or the analysis.

export {
  type Change,
  compareModels,
  type ObjectChange,
  type ReleaseState,
  type UnitChange,
} from "./analysis/changes.ts";
export type {
  AnalysisContext,
  ClusterContext,
  FleetContext,
  FleetRule,
  FleetRuleFinding,
  Rule,
  RuleFinding,
  RuleInfo,
} from "./analysis/context.ts";
export {
  analyseCrds,
  type ConsumerVerdict,
  type CrdAnalysis,
  type CrdProvider,
  type Verdict,
} from "./analysis/crds.ts";
export { buildDag, type KustomizationDag } from "./analysis/dag.ts";
export {
  type ClusterLint,
  type FleetLintOptions,
  type FleetLintResult,
  lintFleet,
} from "./analysis/fleet.ts";
export { KustomizationGraph } from "./analysis/graph.ts";
export { type Inventory, type LintOptions, type LintResult, lint, UsageError } from "./analysis/lint.ts";
export { ALL_RULES, FLEET_RULES, RULES } from "./analysis/rules/index.ts";
export { bootstrapCrds, type CrdPhase, type CrdsOptions, type CrdsResult, crds } from "./app/crds.ts";
export { type ClusterDiff, type DiffOptions, diffAgainstBaseline, type RepositoryDiff } from "./app/diff.ts";
export { kustomizationGraph } from "./app/graph.ts";
export { type InitOptions, type InitResult, initConfig } from "./app/init.ts";
export {
  type BaselineComparison,
  type BaselineLintResult,
  type LintRunOptions,
  lintAgainstBaseline,
  lintRepository,
} from "./app/lint.ts";
export { lintWithCharts, type RenderLintOptions } from "./app/lint-render.ts";
export {
  type LoadedPlan,
  loadPlan,
  type PlanOptions,
  type PlanResult,
  plan,
  repositoryClusters,
} from "./app/plan.ts";
export { type StatusResult, status } from "./app/status.ts";
export {
  type ClusterUp,
  type FleetUpOptions,
  type UpOptions,
  type UpResult,
  up,
  upFleet,
} from "./app/up.ts";
export { computeStatus, type Status as ReadinessStatus, webhookStatus } from "./cluster/status.ts";
export type { RunEvent, StepOutcome } from "./execute/events.ts";
export type { Finding, Severity, SourceLocation } from "./findings.ts";
export { Repository, RepositoryError } from "./load/repository.ts";
export { parseYaml } from "./load/yaml.ts";
export { findBootstrapHelmfiles, loadBootstrap } from "./model/bootstrap.ts";
export type { ChartCrdResolver, ChartCrds, ChartRef } from "./model/charts.ts";
export { type Config, ConfigSchema, configJsonSchema, type FleetConfig } from "./model/config.ts";
export { type FleetCluster, findClusters, selectClusters } from "./model/fleet.ts";
export {
  buildFluxModel,
  type FluxKustomization,
  type FluxModel,
  type HelmReleaseModel,
} from "./model/flux.ts";
export {
  type HelmfileReadOptions,
  type HelmfileRelease,
  type HelmfileState,
  helmfilesOf,
  readHelmfile,
  readHelmfiles,
} from "./model/helmfile/state.ts";
export { KustomizeBuilder } from "./model/kustomize.ts";
export { loadProject, type Project, type ProjectOptions } from "./model/project.ts";
export type { ChartLocation, ChartRelease } from "./model/releases.ts";
export { substitute } from "./model/substitute.ts";
export { PHASES, type Plan, type PlanStep } from "./plan/plan.ts";
export { formatDot, formatMermaid } from "./report/graph.ts";
