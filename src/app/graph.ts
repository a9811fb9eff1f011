/** `kubestrap graph` as a library call: the Flux Kustomization DAG with its CRD edges. */
import { buildDag, type KustomizationDag } from "../analysis/dag.ts";
import { type LintOptions, lint } from "../analysis/lint.ts";

export function kustomizationGraph(options: LintOptions): KustomizationDag {
  return buildDag(lint(options));
}
