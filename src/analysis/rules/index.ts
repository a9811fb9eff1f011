import { diagnosticRule, type FleetRule, type Rule, type RuleInfo } from "../context.ts";
import { chartVersionDrift } from "./chart-version-drift.ts";
import { clusterCidrOverlap } from "./cluster-cidr-overlap.ts";
import { clusterPlacement } from "./cluster-placement.ts";
import { clusterUniqueValue } from "./cluster-unique-value.ts";
import { clusterVersionSkew } from "./cluster-version-skew.ts";
import { crdDeadlock } from "./crd-deadlock.ts";
import { crdMissing } from "./crd-missing.ts";
import { crdRace } from "./crd-race.ts";
import { crdSameUnit } from "./crd-same-unit.ts";
import { crdUnresolved } from "./crd-unresolved.ts";
import { crdUnwaited } from "./crd-unwaited.ts";
import { dependsOnCycle } from "./dependson-cycle.ts";
import { dependsOnMissing } from "./dependson-missing.ts";
import { duplicateObject } from "./duplicate-object.ts";
import { lbIpOutsidePool } from "./lb-ip-outside-pool.ts";
import { schemaInvalid } from "./schema-invalid.ts";
import { schemaRuleUnsupported } from "./schema-rule-unsupported.ts";
import { sourceMissing } from "./source-missing.ts";
import { substitutionUndefined } from "./substitution-undefined.ts";

/** Every rule, in the order their findings are reported. Rule ids are public interface. */
export const RULES: Rule[] = [
  crdMissing,
  crdDeadlock,
  crdSameUnit,
  crdUnwaited,
  crdRace,
  crdUnresolved,
  dependsOnMissing,
  dependsOnCycle,
  duplicateObject,
  substitutionUndefined,
  schemaInvalid,
  schemaRuleUnsupported,
  diagnosticRule(
    "path-missing",
    "error",
    "A path that Flux or kustomize reads (Kustomization spec.path, resources, components, patches, generator files) does not exist.",
  ),
  sourceMissing,
  chartVersionDrift,
  diagnosticRule("yaml-syntax", "error", "A YAML document that cannot be parsed."),
  diagnosticRule(
    "invalid-object",
    "warning",
    "A document in a kustomize resource file that is not a Kubernetes object.",
  ),
  diagnosticRule(
    "kustomize-invalid",
    "error",
    "A kustomization that kustomize would refuse to build (a patch that matches nothing, a JSON patch that fails).",
  ),
  diagnosticRule("kustomize-cycle", "error", "Kustomize directories that include each other."),
  diagnosticRule(
    "substitution-invalid",
    "error",
    "A postBuild substitution expression Flux's envsubst cannot parse: kustomize-controller fails to build the Kustomization.",
  ),
  diagnosticRule(
    "kustomize-unsupported",
    "warning",
    "A kustomize feature kubestrap does not evaluate (remote resources, helmCharts, plugins): the objects it adds or changes are not analysed.",
  ),
  diagnosticRule(
    "source-external",
    "info",
    "A Flux Kustomization that reads another source than this repository: its objects are not analysed.",
  ),
  diagnosticRule(
    "bootstrap-unresolved",
    "warning",
    "A bootstrap helmfile kubestrap cannot evaluate here: it needs an environment variable that is not set, or a function kubestrap does not run (exec, secret stores).",
  ),
  diagnosticRule(
    "config-invalid",
    "error",
    "A kubestrap.yaml that does not match its schema (schema/kubestrap.schema.json): its defaults are used instead.",
  ),
  diagnosticRule(
    "helmfile-invalid",
    "error",
    "A bootstrap helmfile that helmfile itself would refuse: a template error, a missing key, file or template, YAML that does not parse.",
  ),
  diagnosticRule(
    "chart-render-failed",
    "error",
    "A chart that helm cannot pull or render (kubestrap crds, kubestrap lint --render).",
  ),
  diagnosticRule(
    "schema-version",
    "info",
    "The Kubernetes version asked for (--kube-version) is not bundled: built-in kinds are validated against the nearest bundled one.",
  ),
  diagnosticRule("entry-point", "info", "How the Flux entry point was chosen, when it is not certain."),
  diagnosticRule(
    "file-skipped",
    "info",
    "A template file (.j2 and the like) that is not YAML and is skipped.",
  ),
];

/** Rules over the clusters of the repository (and within each): they run after every cluster's own rules. */
export const FLEET_RULES: FleetRule[] = [
  clusterUniqueValue,
  clusterCidrOverlap,
  lbIpOutsidePool,
  clusterPlacement,
  clusterVersionSkew,
];

/** Every rule id, cluster and fleet rules alike: `--rule`, `--help`, SARIF and the docs list these. */
export const ALL_RULES: RuleInfo[] = [...RULES, ...FLEET_RULES];

export function findRule(id: string): RuleInfo | undefined {
  return ALL_RULES.find((r) => r.id === id);
}
