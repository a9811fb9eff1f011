/**
 * The predicted time-to-ready of a rehearsed repository on a real cluster. On the rehearsal's fake nodes a Pod is
 * Ready as soon as kwok makes it so; on a real one each workload takes its image pull, start and probes. The
 * prediction is the rehearsal's measured run with, on each step that waits for workloads (a helm release, a
 * Kustomization's `wait` or `healthChecks`), the slowest of them added: the readiness delay the user declares in
 * kubestrap.yaml (`rehearse.readiness`) or the default of its kind, pushing back everything that needs it.
 *
 * Not counted: Flux's intervals (a Kustomization whose dependency is not Ready yet is tried again after
 * kustomize-controller's requeue interval), nodes joining, and anything slower than the declared delays.
 */
import type { KubeClient } from "../cluster/kube.ts";
import { READY_AFTER_ANNOTATION } from "../cluster/local/control-plane.ts";
import type { Edges } from "../graph/dag.ts";
import { durationSeconds } from "../model/duration.ts";
import { asRecord, asString } from "../model/objects.ts";
import type { TimedStep } from "./events.ts";

/** Seconds from created to Ready on a real cluster, by kind, when kubestrap.yaml does not say. */
export const DEFAULT_READINESS: Readonly<Record<string, number>> = {
  Deployment: 30,
  StatefulSet: 30,
  DaemonSet: 30,
  Job: 60,
};

/** Each workload kind and where the API server lists it across namespaces. */
const WORKLOAD_LISTS: { kind: string; path: string }[] = [
  { kind: "Deployment", path: "/apis/apps/v1/deployments" },
  { kind: "StatefulSet", path: "/apis/apps/v1/statefulsets" },
  { kind: "DaemonSet", path: "/apis/apps/v1/daemonsets" },
  { kind: "Job", path: "/apis/batch/v1/jobs" },
];

export interface Workload {
  kind: string;
  namespace: string;
  name: string;
  replicas: number;
  /** A StatefulSet that starts its Pods one after the other (OrderedReady, the default). */
  ordered: boolean;
  /** The delay kwok already gave its Pods in the rehearsal (the stand-ins' `kubestrap.dev/ready-after`). */
  rehearsedSeconds: number;
  /** `namespace/name` of the helm release that installed it. */
  release?: string;
}

export interface PredictedStep {
  id: string;
  /** Seconds the step took in the rehearsal. */
  measured: number;
  /** Seconds its workloads would add on a real cluster. */
  delay: number;
  /** The workload that decides the delay (`Kind namespace/name`). */
  slowest?: string;
}

export interface RunPrediction {
  seconds: number;
  path: PredictedStep[];
}

/** Readiness by kind or `Kind/namespace/name`: the defaults, then kubestrap.yaml's `rehearse.readiness`. */
export function readinessTable(declared: Record<string, string>): Map<string, number> {
  const table = new Map(Object.entries(DEFAULT_READINESS));
  for (const [key, value] of Object.entries(declared)) {
    const seconds = durationSeconds(value);
    if (seconds !== undefined) table.set(key, seconds);
  }
  return table;
}

/** Seconds a workload adds on a real cluster over what it took in the rehearsal. */
export function workloadDelay(w: Workload, readiness: ReadonlyMap<string, number>): number {
  if (w.replicas === 0) return 0;
  const each = readiness.get(`${w.kind}/${w.namespace}/${w.name}`) ?? readiness.get(w.kind) ?? 0;
  const pods = w.ordered ? w.replicas : 1;
  return Math.max(0, (each - w.rehearsedSeconds) * pods);
}

/** The workload of a live object (Deployment, StatefulSet, DaemonSet, Job). */
export function workloadOf(object: Record<string, unknown>, kind: string): Workload {
  const metadata = asRecord(object.metadata);
  const spec = asRecord(object.spec);
  const annotations = asRecord(metadata.annotations);
  const template = asRecord(asRecord(asRecord(spec.template).metadata).annotations);
  const replicas = typeof spec.replicas === "number" ? spec.replicas : 1;
  const releaseName = asString(annotations["meta.helm.sh/release-name"]);
  const releaseNamespace = asString(annotations["meta.helm.sh/release-namespace"]);
  const workload: Workload = {
    kind,
    namespace: asString(metadata.namespace) ?? "",
    name: asString(metadata.name) ?? "",
    replicas,
    ordered:
      kind === "StatefulSet" && (asString(spec.podManagementPolicy) ?? "OrderedReady") === "OrderedReady",
    rehearsedSeconds: durationSeconds(asString(template[READY_AFTER_ANNOTATION]) ?? "") ?? 0,
  };
  if (releaseName && releaseNamespace) workload.release = `${releaseNamespace}/${releaseName}`;
  return workload;
}

/** Every workload the cluster holds. */
export async function listWorkloads(client: KubeClient): Promise<Workload[]> {
  const lists = await Promise.all(
    WORKLOAD_LISTS.map(async ({ kind, path }) => {
      const list = await client.list(path);
      return list.items.map((o) => workloadOf(o, kind));
    }),
  );
  return lists.flat();
}

/**
 * Which step waited for each workload: the release that installed it, else the Kustomization that waits for it.
 * A workload no step waits for is not counted: Flux does not wait for it either.
 */
export function stepWorkloads(
  workloads: Workload[],
  releaseSteps: ReadonlyMap<string, string>,
  waitedBy: ReadonlyMap<string, string> = new Map(),
): Map<string, Workload[]> {
  const byStep = new Map<string, Workload[]>();
  for (const w of workloads) {
    const step =
      (w.release ? releaseSteps.get(w.release) : undefined) ??
      waitedBy.get(`${w.kind}/${w.namespace}/${w.name}`);
    if (step) byStep.set(step, [...(byStep.get(step) ?? []), w]);
  }
  return byStep;
}

/**
 * A run as it would go on a real cluster: each step ends as late as it did here, plus its slowest workload's
 * delay, plus the delay it inherits from what it needs (a step starts once they end, so their delays push it).
 * The measured schedule stays as it was (steps that waited for a free slot waited), so the prediction is never
 * shorter than the rehearsal. The path is the chain to the step that ends last, through the need that ended last.
 */
export function predictRun(
  steps: readonly TimedStep[],
  needs: Edges,
  workloads: ReadonlyMap<string, Workload[]>,
  readiness: ReadonlyMap<string, number>,
): RunPrediction {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const own = new Map<string, { delay: number; slowest?: string }>();
  for (const s of steps) {
    if (s.outcome !== "done") continue;
    let delay = 0;
    let slowest: string | undefined;
    for (const w of workloads.get(s.id) ?? []) {
      const d = workloadDelay(w, readiness);
      if (d > delay) [delay, slowest] = [d, `${w.kind} ${w.namespace}/${w.name}`];
    }
    if (delay > 0) own.set(s.id, slowest ? { delay, slowest } : { delay });
  }
  const shift = new Map<string, number>();
  const shiftOf = (id: string, stack: Set<string>): number => {
    const known = shift.get(id);
    if (known !== undefined) return known;
    if (stack.has(id)) throw new Error(`dependency cycle through ${id}`);
    stack.add(id);
    let inherited = 0;
    for (const d of needs.get(id) ?? []) if (byId.has(d)) inherited = Math.max(inherited, shiftOf(d, stack));
    stack.delete(id);
    const value = inherited + (own.get(id)?.delay ?? 0);
    shift.set(id, value);
    return value;
  };
  const predictedEnd = (id: string) => (byId.get(id)?.end ?? 0) + shiftOf(id, new Set());
  let last: string | undefined;
  for (const s of steps) if (last === undefined || predictedEnd(s.id) > predictedEnd(last)) last = s.id;
  const path: string[] = [];
  for (let id = last; id !== undefined; ) {
    path.unshift(id);
    const before = (needs.get(id) ?? []).filter((d) => byId.has(d));
    id = before.reduce<string | undefined>(
      (best, d) => (best === undefined || predictedEnd(d) > predictedEnd(best) ? d : best),
      undefined,
    );
  }
  const measured = (id: string) => {
    const s = byId.get(id);
    return s ? Math.max(0, s.end - s.start) : 0;
  };
  return {
    seconds: last === undefined ? 0 : predictedEnd(last),
    path: path.map((id) => {
      const e = own.get(id);
      return {
        id,
        measured: measured(id),
        delay: e?.delay ?? 0,
        ...(e?.slowest ? { slowest: e.slowest } : {}),
      };
    }),
  };
}
