export type { AnalysisContext, Rule, RuleFinding } from "./analysis/context.ts";
export {
  analyseCrds,
  type ConsumerVerdict,
  type CrdAnalysis,
  type CrdProvider,
  type Verdict,
} from "./analysis/crds.ts";
export { KustomizationGraph } from "./analysis/graph.ts";
export { type Inventory, type LintOptions, type LintResult, lint, UsageError } from "./analysis/lint.ts";
export { RULES } from "./analysis/rules/index.ts";
export type { Finding, Severity, SourceLocation } from "./findings.ts";
export { Repository, RepositoryError } from "./load/repository.ts";
export { parseYaml } from "./load/yaml.ts";
export { loadBootstrap } from "./model/bootstrap.ts";
export type { ChartCrdResolver, ChartCrds, ChartRef } from "./model/charts.ts";
export {
  buildFluxModel,
  type FluxKustomization,
  type FluxModel,
  type HelmReleaseModel,
} from "./model/flux.ts";
export { KustomizeBuilder } from "./model/kustomize.ts";
export { loadProject, type Project, type ProjectOptions } from "./model/project.ts";
export { substitute } from "./model/substitute.ts";
export { buildDag, formatDot, formatMermaid } from "./report/graph.ts";
