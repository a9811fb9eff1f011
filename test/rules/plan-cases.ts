/** Bootstrap repositories for the findings of the plan (`kubestrap plan` and `up`), through loadPlan. */
import { loadPlan } from "../../src/app/plan.ts";
import { type BootstrapRepoSpec, bootstrapRepo, type ReleaseSpec } from "../bootstrap-repo.ts";

export const release = (name: string, namespace: string, extra: Partial<ReleaseSpec> = {}): ReleaseSpec => ({
  name,
  namespace,
  chart: `oci://registry.example/charts/${name}`,
  ...extra,
});

/** The plan's findings of one id, as [severity, file]. */
export function planFindings(spec: BootstrapRepoSpec, id: string): [string, string | undefined][] {
  return loadPlan({ repo: bootstrapRepo(spec) })
    .plan.findings.filter((f) => f.ruleId === id)
    .map((f) => [f.severity, f.location?.file]);
}
