/**
 * `kubestrap up` as a library call: plan, then run the plan against the cluster. Events go to `emit` as they
 * happen (the CLI renders them as a task list, plain lines or JSON); the result says how every step ended.
 */
import { ChartCache } from "../charts/cache.ts";
import { Helm } from "../charts/helm.ts";
import type { RenderSettings } from "../charts/render.ts";
import { ExecuteContext } from "../execute/context.ts";
import { type Emit, now, type RunEvent } from "../execute/events.ts";
import { Redactor } from "../execute/redact.ts";
import type { RunResult } from "../execute/runner.ts";
import { executePlan } from "../execute/up.ts";
import { type LoadedPlan, loadPlan, type PlanOptions } from "./plan.ts";

export interface UpOptions
  extends PlanOptions,
    Pick<RenderSettings, "helm" | "cacheDir" | "offline" | "kubeVersion"> {
  /** Steps at once (default 8). */
  concurrency?: number;
  /** How long a step waits for what it applied or installed (default 600 s). */
  waitTimeoutSeconds?: number;
  /** How long preflight waits for the API server and the nodes (default 300 s). */
  apiTimeoutSeconds?: number;
  /** After the handoff, wait for every Flux Kustomization and HelmRelease to be Ready. */
  waitFlux?: boolean;
  forceConflicts?: boolean;
  /** Step ids or prefixes to run even when done. */
  rerun?: string[];
  /** Registry host → mirror, on top of kubestrap.yaml's. */
  mirrors?: Record<string, string>;
  emit: Emit;
  /** Graceful stop: start no new step. */
  stop?: AbortSignal;
  /** Interrupt running steps. */
  abort?: AbortSignal;
  /** The plan as already loaded from these options (the rehearsal reads and reshapes it: plan/rehearsal.ts). */
  loaded?: LoadedPlan;
}

export interface UpResult {
  loaded: LoadedPlan;
  /** Absent when the plan had errors and nothing ran. */
  run?: RunResult;
  /** Everything printed has been through it; tests check it found the secrets. */
  redactor: Redactor;
}

export async function up(options: UpOptions): Promise<UpResult> {
  const loaded = options.loaded ?? loadPlan(options);
  const redactor = new Redactor();
  if (loaded.plan.findings.some((f) => f.severity === "error")) return { loaded, redactor };
  const ctx = executeContext(options, loaded, redactor);
  options.emit({
    type: "run-start",
    cluster: loaded.plan.cluster,
    steps: loaded.plan.steps.map((s) => ({ id: s.id, phase: s.phase, title: s.title, needs: s.needs })),
    time: now(),
  });
  try {
    const run = await executePlan(loaded.plan, ctx, {
      concurrency: options.concurrency ?? 8,
      emit: options.emit,
      ...(options.stop ? { stop: options.stop } : {}),
      ...(options.abort ? { abort: options.abort } : {}),
      ...(options.rerun ? { rerun: options.rerun } : {}),
    });
    return { loaded, run, redactor };
  } finally {
    await ctx.close();
  }
}

/** What the steps of a run share: the cluster session, helm, the chart cache, the redactor and the settings. */
export function executeContext(
  options: Omit<UpOptions, "emit">,
  loaded: LoadedPlan,
  redactor: Redactor,
): ExecuteContext {
  const render: RenderSettings = {};
  if (options.offline) render.offline = true;
  if (options.plainHttp) render.plainHttp = true;
  const helm = new Helm(options.helm);
  return new ExecuteContext({
    repoDir: options.repo,
    cluster: loaded.plan.cluster,
    target: loaded.target,
    config: loaded.config,
    helm,
    cache: new ChartCache(options.cacheDir),
    redactor,
    settings: {
      forceConflicts: options.forceConflicts ?? false,
      waitTimeoutMs: (options.waitTimeoutSeconds ?? 600) * 1000,
      apiTimeoutMs: (options.apiTimeoutSeconds ?? 300) * 1000,
      waitFlux: options.waitFlux ?? false,
      render,
      mirrors: { ...loaded.config.registries.mirrors, ...options.mirrors },
      ...(options.kubeVersion ? { kubeVersion: options.kubeVersion } : {}),
    },
  });
}

export interface FleetUpOptions extends Omit<UpOptions, "cluster" | "emit" | "context"> {
  /** The clusters to bootstrap, at once; each is reached through its own kubestrap.yaml kubeconfig and context. */
  clusters: string[];
  emit: (cluster: string, event: RunEvent) => void;
}

export interface ClusterUp {
  cluster: string;
  result?: UpResult;
  /** Why the cluster's bootstrap could not start (a plan that cannot be read, a kubeconfig without its context). */
  error?: Error;
}

/**
 * `kubestrap up --cluster infra --cluster apps`: every cluster bootstrapped at once, each with its own plan,
 * journal, identity check and lock. One cluster failing does not stop the others; each result says how its run
 * ended.
 */
export async function upFleet(options: FleetUpOptions): Promise<ClusterUp[]> {
  const { clusters, emit, ...rest } = options;
  return Promise.all(
    clusters.map(async (cluster): Promise<ClusterUp> => {
      try {
        return { cluster, result: await up({ ...rest, cluster, emit: (e) => emit(cluster, e) }) };
      } catch (error) {
        return { cluster, error: error instanceof Error ? error : new Error(String(error)) };
      }
    }),
  );
}
