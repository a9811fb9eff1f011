import type { Finding, Severity } from "../findings.ts";
import type { Repository } from "../load/repository.ts";
import type { Bootstrap } from "../model/bootstrap.ts";
import type { FluxModel } from "../model/flux.ts";
import type { KubeObject } from "../model/objects.ts";
import type { CrdAnalysis } from "./crds.ts";
import type { KustomizationGraph } from "./graph.ts";

/** Everything a rule can read. Rules never load files themselves. */
export interface AnalysisContext {
  repo: Repository;
  model: FluxModel;
  bootstrap: Bootstrap;
  graph: KustomizationGraph;
  crds: CrdAnalysis;
  /** Findings produced while loading and building (YAML, kustomize, Flux paths), by rule id. */
  diagnostics: Finding[];
  /** The 1-based line of a field of an object, e.g. `["spec", "dependsOn", 0]`. */
  lineOf(o: KubeObject, path: (string | number)[]): number;
}

export type RuleFinding = Omit<Finding, "ruleId" | "severity">;

/** A lint rule, ESLint-style: one module each, with an id, a default severity and documentation. */
export interface Rule {
  id: string;
  severity: Severity;
  /** One sentence: what the rule reports. */
  description: string;
  check(ctx: AnalysisContext): RuleFinding[];
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
