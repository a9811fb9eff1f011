/**
 * One readiness function for any object, with the semantics of kstatus (sigs.k8s.io/cli-utils): a pure
 * `computeStatus(object)` from the object's own fields, with generic rules first (deletion, observed generation,
 * the Reconciling and Stalled conditions) and then a rule per kind.
 *
 * Where kubestrap's question differs from kstatus' ("may the bootstrap go on?"), it answers that question and
 * says so here:
 * - a Job is Current only once it completed (kstatus: as soon as it started), as `helm --wait-for-jobs` waits;
 * - a custom resource with a `Ready` condition is Current only when it is True, and InProgress while False or
 *   Unknown or while the condition's own observedGeneration lags (kstatus: Current unless Reconciling/Stalled);
 * - an APIService is Current only when Available (the aggregator has reached its Service).
 * Webhook configurations also depend on other objects (their Service's endpoints): see `webhookStatus`.
 */

export type Status = "InProgress" | "Current" | "Failed" | "Terminating" | "NotFound";

export interface StatusResult {
  status: Status;
  message: string;
}

export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    generation?: number;
    deletionTimestamp?: string;
    creationTimestamp?: string;
    [key: string]: unknown;
  };
};

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

const current = (message: string): StatusResult => ({ status: "Current", message });
const inProgress = (message: string): StatusResult => ({ status: "InProgress", message });
const failed = (message: string): StatusResult => ({ status: "Failed", message });

type KindRule = (o: KubeObject) => StatusResult;

const RULES: Record<string, KindRule> = {
  Service: serviceStatus,
  Pod: podStatus,
  Secret: () => current("Secret is always ready"),
  ConfigMap: () => current("ConfigMap is always ready"),
  PersistentVolumeClaim: pvcStatus,
  Namespace: namespaceStatus,
  "apps/Deployment": deploymentStatus,
  "apps/StatefulSet": statefulSetStatus,
  "apps/DaemonSet": daemonSetStatus,
  "apps/ReplicaSet": replicaSetStatus,
  "batch/Job": jobStatus,
  "batch/CronJob": () => current("CronJob is always ready"),
  "policy/PodDisruptionBudget": () => current("PodDisruptionBudget is always ready"),
  "apiextensions.k8s.io/CustomResourceDefinition": crdStatus,
  "apiregistration.k8s.io/APIService": apiServiceStatus,
};

/** Built-in API groups whose kinds without a rule are ready once they exist (RBAC, storage, admission, ...). */
const BUILTIN_GROUPS = new Set([
  "",
  "apps",
  "batch",
  "policy",
  "rbac.authorization.k8s.io",
  "storage.k8s.io",
  "scheduling.k8s.io",
  "networking.k8s.io",
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "apiregistration.k8s.io",
  "coordination.k8s.io",
  "discovery.k8s.io",
  "node.k8s.io",
  "autoscaling",
  "certificates.k8s.io",
]);

export function groupOf(apiVersion: string | undefined): string {
  const v = apiVersion ?? "";
  return v.includes("/") ? v.slice(0, v.indexOf("/")) : "";
}

/** The readiness of one object from its own fields. */
export function computeStatus(object: KubeObject): StatusResult {
  const generic = genericStatus(object);
  if (generic) return generic;
  const group = groupOf(object.apiVersion);
  const kind = object.kind ?? "";
  const rule = RULES[group ? `${group}/${kind}` : kind];
  if (rule) return rule(object);
  if (!BUILTIN_GROUPS.has(group)) return readyConditionStatus(object) ?? current("Resource is current");
  return current(`${kind} is ready once it exists`);
}

function conditions(o: KubeObject): Condition[] {
  const list = (o.status as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(list) ? (list.filter((c) => c && typeof c === "object") as Condition[]) : [];
}

function condition(o: KubeObject, type: string): Condition | undefined {
  return conditions(o).find((c) => c.type === type);
}

function int(o: unknown, path: string[], fallback: number): number {
  let cur: unknown = o;
  for (const key of path) {
    if (!cur || typeof cur !== "object") return fallback;
    cur = (cur as Record<string, unknown>)[key];
  }
  return typeof cur === "number" ? cur : fallback;
}

function str(o: unknown, path: string[], fallback: string): string {
  let cur: unknown = o;
  for (const key of path) {
    if (!cur || typeof cur !== "object") return fallback;
    cur = (cur as Record<string, unknown>)[key];
  }
  return typeof cur === "string" ? cur : fallback;
}

function genericStatus(o: KubeObject): StatusResult | undefined {
  if (o.metadata?.deletionTimestamp) return { status: "Terminating", message: "scheduled for deletion" };
  const generation = o.metadata?.generation;
  const observed = (o.status as { observedGeneration?: unknown } | undefined)?.observedGeneration;
  if (typeof generation === "number" && typeof observed === "number" && observed !== generation)
    return inProgress(`generation ${generation} not observed yet (observed ${observed})`);
  for (const c of conditions(o)) {
    if (c.type === "Reconciling" && c.status === "True") return inProgress(c.message || "reconciling");
    if (c.type === "Stalled" && c.status === "True") return failed(c.message || c.reason || "stalled");
  }
  return undefined;
}

/** For custom resources: their Ready condition, when they have one. */
function readyConditionStatus(o: KubeObject): StatusResult | undefined {
  const ready = condition(o, "Ready");
  if (!ready) return undefined;
  const generation = o.metadata?.generation;
  if (
    typeof generation === "number" &&
    typeof ready.observedGeneration === "number" &&
    ready.observedGeneration < generation
  )
    return inProgress(`Ready describes generation ${ready.observedGeneration}, not ${generation}`);
  if (ready.status === "True") return current(ready.message || "Ready");
  return inProgress(
    `not Ready${ready.reason ? ` (${ready.reason})` : ""}${ready.message ? `: ${ready.message}` : ""}`,
  );
}

function deploymentStatus(o: KubeObject): StatusResult {
  const progressing = condition(o, "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded") return failed("progress deadline exceeded");
  const spec = int(o, ["spec", "replicas"], 1);
  const replicas = int(o, ["status", "replicas"], 0);
  const updated = int(o, ["status", "updatedReplicas"], 0);
  const ready = int(o, ["status", "readyReplicas"], 0);
  const available = int(o, ["status", "availableReplicas"], 0);
  if (spec > replicas) return inProgress(`replicas ${replicas}/${spec}`);
  if (spec > updated) return inProgress(`updated ${updated}/${spec}`);
  if (replicas > spec) return inProgress(`${replicas - spec} old replicas pending termination`);
  if (updated > available) return inProgress(`available ${available}/${updated}`);
  if (spec > ready) return inProgress(`ready ${ready}/${spec}`);
  // Without a progress deadline (absent, or the maximum that disables it) the controller sets no Progressing
  // condition.
  const deadline = (o.spec as { progressDeadlineSeconds?: unknown } | undefined)?.progressDeadlineSeconds;
  const deadlineDisabled = deadline === undefined || deadline === 2147483647;
  if (
    !deadlineDisabled &&
    !(progressing?.status === "True" && progressing.reason === "NewReplicaSetAvailable")
  )
    return inProgress("new ReplicaSet not available yet");
  if (condition(o, "Available")?.status !== "True") return inProgress("Deployment not Available");
  return current(`${available} of ${spec} replicas available`);
}

function statefulSetStatus(o: KubeObject): StatusResult {
  if (str(o, ["spec", "updateStrategy", "type"], "") === "OnDelete")
    return current("OnDelete update strategy: updates are the user's to roll");
  const spec = int(o, ["spec", "replicas"], 1);
  const ready = int(o, ["status", "readyReplicas"], 0);
  const currentReplicas = int(o, ["status", "currentReplicas"], 0);
  const updated = int(o, ["status", "updatedReplicas"], 0);
  const replicas = int(o, ["status", "replicas"], 0);
  const partition = int(o, ["spec", "updateStrategy", "rollingUpdate", "partition"], -1);
  if (spec > replicas) return inProgress(`replicas ${replicas}/${spec}`);
  if (spec > ready) return inProgress(`ready ${ready}/${spec}`);
  if (replicas > spec) return inProgress(`${replicas - spec} replicas pending termination`);
  if (partition !== -1) {
    if (updated < spec - partition)
      return inProgress(`partition rollout: updated ${updated}/${spec - partition}`);
    return current(`partition rollout complete: ${updated} updated`);
  }
  if (spec > currentReplicas) return inProgress(`current ${currentReplicas}/${spec}`);
  if (str(o, ["status", "currentRevision"], "") !== str(o, ["status", "updateRevision"], ""))
    return inProgress("waiting for the update revision to become current");
  return current(`${ready} of ${spec} replicas ready`);
}

function daemonSetStatus(o: KubeObject): StatusResult {
  if (typeof o.metadata?.generation !== "number") return inProgress("metadata.generation not set yet");
  if (typeof (o.status as { observedGeneration?: unknown } | undefined)?.observedGeneration !== "number")
    return inProgress("not observed by the DaemonSet controller yet");
  const desired = int(o, ["status", "desiredNumberScheduled"], -1);
  const scheduled = int(o, ["status", "currentNumberScheduled"], 0);
  const updated = int(o, ["status", "updatedNumberScheduled"], 0);
  const available = int(o, ["status", "numberAvailable"], 0);
  const ready = int(o, ["status", "numberReady"], 0);
  if (desired === -1) return inProgress("desiredNumberScheduled not computed yet");
  if (desired > scheduled) return inProgress(`scheduled ${scheduled}/${desired}`);
  if (desired > updated) return inProgress(`updated ${updated}/${desired}`);
  if (desired > available) return inProgress(`available ${available}/${desired}`);
  if (desired > ready) return inProgress(`ready ${ready}/${desired}`);
  return current(`${ready} of ${desired} pods ready`);
}

function replicaSetStatus(o: KubeObject): StatusResult {
  if (condition(o, "ReplicaFailure")?.status === "True") return inProgress("replica failure: check the Pods");
  const spec = int(o, ["spec", "replicas"], 1);
  const labelled = int(o, ["status", "fullyLabeledReplicas"], 0);
  const available = int(o, ["status", "availableReplicas"], 0);
  const ready = int(o, ["status", "readyReplicas"], 0);
  const replicas = int(o, ["status", "replicas"], 0);
  if (spec > labelled) return inProgress(`labelled ${labelled}/${spec}`);
  if (spec > available) return inProgress(`available ${available}/${spec}`);
  if (spec > ready) return inProgress(`ready ${ready}/${spec}`);
  if (replicas > spec) return inProgress(`${replicas - spec} replicas pending termination`);
  return current(`${available} of ${spec} replicas available`);
}

function jobStatus(o: KubeObject): StatusResult {
  const parallelism = int(o, ["spec", "parallelism"], 1);
  const completions = int(o, ["spec", "completions"], parallelism);
  const succeeded = int(o, ["status", "succeeded"], 0);
  for (const c of conditions(o)) {
    if (c.type === "Complete" && c.status === "True")
      return current(`completed: ${succeeded}/${completions}`);
    if (c.type === "Failed" && c.status === "True")
      return failed(
        `failed${c.message ? `: ${c.message}` : ""} (${int(o, ["status", "failed"], 0)} failed pods)`,
      );
    if (c.type === "Suspended" && c.status === "True") return current("suspended");
  }
  if (!str(o, ["status", "startTime"], "")) return inProgress("not started");
  return inProgress(
    `running: ${succeeded}/${completions} succeeded, ${int(o, ["status", "active"], 0)} active`,
  );
}

function podStatus(o: KubeObject): StatusResult {
  const phase = str(o, ["status", "phase"], "");
  if (phase === "Succeeded") return current("completed");
  if (phase === "Failed") return current("completed, but not successfully");
  if (phase === "Running") {
    if (condition(o, "Ready")?.status === "True") return current("Ready");
    const statuses = (o.status as { containerStatuses?: unknown } | undefined)?.containerStatuses;
    const looping = (Array.isArray(statuses) ? statuses : [])
      .filter((s) => str(s, ["state", "waiting", "reason"], "") === "CrashLoopBackOff")
      .map((s) => str(s, ["name"], "?"));
    if (looping.length > 0) return failed(`containers in CrashLoopBackOff: ${looping.join(", ")}`);
    return inProgress("running, not Ready");
  }
  if (phase === "Pending") {
    const scheduled = condition(o, "PodScheduled");
    if (scheduled?.status === "False" && scheduled.reason === "Unschedulable")
      return inProgress(`unschedulable${scheduled.message ? `: ${scheduled.message}` : ""}`);
    return inProgress("Pending");
  }
  return inProgress(phase ? `phase ${phase}` : "not observed yet");
}

function serviceStatus(o: KubeObject): StatusResult {
  if (str(o, ["spec", "type"], "ClusterIP") === "LoadBalancer" && !str(o, ["spec", "clusterIP"], ""))
    return inProgress("no cluster IP assigned yet");
  return current("Service is ready");
}

function pvcStatus(o: KubeObject): StatusResult {
  const phase = str(o, ["status", "phase"], "unknown");
  return phase === "Bound" ? current("Bound") : inProgress(`not Bound (phase ${phase})`);
}

function namespaceStatus(o: KubeObject): StatusResult {
  const phase = str(o, ["status", "phase"], "Active");
  return phase === "Active" ? current("Active") : { status: "Terminating", message: `phase ${phase}` };
}

function crdStatus(o: KubeObject): StatusResult {
  for (const c of conditions(o)) {
    if (c.type === "NamesAccepted" && c.status === "False")
      return failed(c.message || c.reason || "names not accepted");
  }
  const established = condition(o, "Established");
  if (established?.status === "False" && established.reason !== "Installing")
    return failed(established.message || established.reason || "not established");
  if (established?.status === "True") return current("Established");
  return inProgress("not Established yet");
}

function apiServiceStatus(o: KubeObject): StatusResult {
  const available = condition(o, "Available");
  if (available?.status === "True") return current("Available");
  return inProgress(
    `not Available${available?.reason ? ` (${available.reason})` : ""}${available?.message ? `: ${available.message}` : ""}`,
  );
}

export interface ServiceEndpoints {
  /** Ready endpoint addresses of the Service, from its EndpointSlices. */
  ready: number;
}

/**
 * A Validating- or MutatingWebhookConfiguration can take requests only when each webhook's Service has a
 * ready endpoint and its caBundle is set (cert-manager's cainjector, say, fills it in after install).
 * `endpoints` maps `namespace/name` of a Service to what its EndpointSlices say; a Service that is absent
 * from the map has none. Webhooks called by URL are not checked beyond their caBundle's presence not being
 * required (a public CA may serve them).
 */
export function webhookStatus(
  config: KubeObject,
  endpoints: ReadonlyMap<string, ServiceEndpoints>,
): StatusResult {
  const webhooks = (config as { webhooks?: unknown }).webhooks;
  for (const w of Array.isArray(webhooks) ? webhooks : []) {
    const name = str(w, ["name"], "?");
    const client = (w as { clientConfig?: Record<string, unknown> }).clientConfig ?? {};
    const service = client.service as { namespace?: string; name?: string } | undefined;
    if (!service) continue;
    if (!client.caBundle) return inProgress(`webhook ${name}: caBundle not set yet`);
    const key = `${service.namespace ?? "default"}/${service.name ?? ""}`;
    if ((endpoints.get(key)?.ready ?? 0) === 0)
      return inProgress(`webhook ${name}: Service ${key} has no ready endpoint`);
  }
  return current("every webhook's Service has a ready endpoint");
}

/** The Services a webhook configuration calls, as `namespace/name`. */
export function webhookServices(config: KubeObject): string[] {
  const webhooks = (config as { webhooks?: unknown }).webhooks;
  const out = new Set<string>();
  for (const w of Array.isArray(webhooks) ? webhooks : []) {
    const service = (w as { clientConfig?: { service?: { namespace?: string; name?: string } } }).clientConfig
      ?.service;
    if (service?.name) out.add(`${service.namespace ?? "default"}/${service.name}`);
  }
  return [...out];
}

export function isWebhookConfiguration(o: { apiVersion?: string; kind?: string }): boolean {
  return (
    groupOf(o.apiVersion) === "admissionregistration.k8s.io" &&
    (o.kind === "ValidatingWebhookConfiguration" || o.kind === "MutatingWebhookConfiguration")
  );
}

/**
 * For the handoff: a Flux object (FluxInstance, Kustomization, HelmRelease, sources) is Ready only with a
 * `Ready=True` condition for its current generation. kstatus would call an object without conditions Current,
 * which is what a FluxInstance looks like before the operator has seen it.
 */
export function fluxReadiness(object: KubeObject): StatusResult {
  const generic = genericStatus(object);
  if (generic) return generic;
  return readyConditionStatus(object) ?? inProgress("no Ready condition yet: not reconciled");
}
