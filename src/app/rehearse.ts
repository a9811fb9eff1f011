/**
 * `kubestrap rehearse` as a library call: a throwaway control plane (etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler, kwok nodes) in a temporary folder, the bootstrap (`up`) on it, then
 * the repository converged the way Flux would (execute/converge), and the control plane removed at the end,
 * whatever happens (a watchdog removes it if this process is killed).
 *
 * Pods do not run on fake nodes: kwok makes them Running and Ready, so workloads become Ready as kwok makes
 * them, and the Flux controllers' part is done by kubestrap itself (it applies, installs and writes their status).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lint } from "../analysis/lint.ts";
import { stableJson } from "../charts/cache.ts";
import { Discovery } from "../cluster/discovery.ts";
import { KubeClient } from "../cluster/kube.ts";
import { type ControlPlane, startControlPlane, stopControlPlane } from "../cluster/local/control-plane.ts";
import {
  ENVIRONMENT_RECIPES,
  provisionRecipes,
  type ToolPaths,
  toolPaths,
} from "../cluster/local/provision.ts";
import { startWatchdog } from "../cluster/local/watchdog.ts";
import type { ExecuteContext } from "../execute/context.ts";
import { type Convergence, convergence } from "../execute/converge/converge.ts";
import { installFluxCrds } from "../execute/converge/flux-crds.ts";
import { standInForFluxOperator } from "../execute/converge/flux-status.ts";
import { type Emit, now, type TimedStep } from "../execute/events.ts";
import {
  listWorkloads,
  predictRun,
  type RunPrediction,
  readinessTable,
  stepWorkloads,
} from "../execute/prediction.ts";
import { Redactor } from "../execute/redact.ts";
import { type RunResult, runGraph } from "../execute/runner.ts";
import type { Finding, SourceLocation } from "../findings.ts";
import { type ChartRelease, mirroredChart } from "../model/releases.ts";
import type { Plan } from "../plan/plan.ts";
import { type NotRehearsed, rehearsalPlan } from "../plan/rehearsal.ts";
import { loadPlan } from "./plan.ts";
import { executeContext, type UpOptions, type UpResult, up } from "./up.ts";

/** The tools a rehearsal needs built, and the ones it links. */
const TOOLS = ["kubernetes", "etcd", "kwok", "helm3"];
const REQUIRED: (keyof ToolPaths)[] = [
  "etcd",
  "kubeApiserver",
  "kubeControllerManager",
  "kubeScheduler",
  "kubectl",
  "kwok",
  "kwokStages",
  "helm3",
];

export interface RehearseOptions
  extends Omit<UpOptions, "kubeconfig" | "context" | "emit" | "loaded" | "waitFlux" | "rerun"> {
  /** Fake nodes (default: kubestrap.yaml's `nodes` for the cluster, at least 3). */
  nodes?: number;
  /** Leave the control plane running and return its kubeconfig. */
  keep?: boolean;
  /** Feature gates of the control plane, over kubestrap.yaml's `rehearse.featureGates`. */
  featureGates?: Record<string, boolean>;
  /** Progress lines (building the tools, starting the control plane). */
  log?: (line: string) => void;
  /** The run events of the bootstrap, then of the convergence. */
  emit: Emit;
}

export type Verdict = "converged" | "failed" | "blocked" | "not-rehearsed" | "interrupted";

export interface RehearsedObject {
  kind: "Kustomization" | "HelmRelease";
  id: string;
  verdict: Verdict;
  /** The API server's (or helm's) own words when it did not converge; what it did when it did. */
  message: string;
  /** Seconds from the start of the convergence to Ready. */
  readyAt?: number;
  location: SourceLocation;
  /** What `kubestrap lint` reports in the same file (rule ids), for one that did not converge. */
  predicted?: string[];
}

export interface RehearsalResult {
  cluster: string;
  outcome: "ok" | "failed" | "interrupted";
  bootstrap?: UpResult;
  converge?: RunResult;
  objects: RehearsedObject[];
  notRehearsed: NotRehearsed[];
  /** Seconds: control plane start (with the tools' build), bootstrap, convergence. */
  timings: { controlPlane: number; bootstrap: number; convergence: number };
  /** Errors of the plan (nothing was started). */
  planErrors?: Finding[];
  /** The control plane, when `keep` left it running. */
  kept?: ControlPlane;
  /** The predicted time-to-ready on a real cluster, when the repository converged. */
  prediction?: Prediction;
}

export interface Prediction {
  /** Seconds: the bootstrap's and the convergence's predicted lengths. */
  seconds: number;
  /** Seconds the two runs took in the rehearsal. */
  measured: number;
  bootstrap: RunPrediction;
  convergence: RunPrediction;
  /** The readiness delays used (seconds), by kind or `Kind/namespace/name`. */
  readiness: Record<string, number>;
}

export async function rehearse(options: RehearseOptions): Promise<RehearsalResult> {
  const log = options.log ?? (() => {});
  // The repository is read before anything starts: a plan with errors rehearses nothing.
  const first = loadPlan(options);
  const checked = rehearsalPlan(first.plan).plan;
  if (checked.findings.some((f) => f.severity === "error"))
    return {
      cluster: first.plan.cluster,
      outcome: "failed",
      planErrors: checked.findings.filter((f) => f.severity === "error"),
      objects: [],
      notRehearsed: [],
      timings: { controlPlane: 0, bootstrap: 0, convergence: 0 },
    };
  const nodeCount = options.nodes ?? Math.max(first.clusterConfig?.nodes ?? 0, 3);
  const root = mkdtempSync(join(tmpdir(), "kubestrap-rehearse-"));
  if (!options.keep) startWatchdog(root);
  const dir = join(root, "control-plane");
  const timings = { controlPlane: 0, bootstrap: 0, convergence: 0 };
  let kept: ControlPlane | undefined;
  let lapStart = performance.now();
  /** Seconds since the previous lap. */
  const lap = () => {
    const now = performance.now();
    const seconds = (now - lapStart) / 1000;
    lapStart = now;
    return seconds;
  };
  try {
    await provisionRecipes(ENVIRONMENT_RECIPES, TOOLS, (line) => log(`tools: ${line}`));
    log(`control plane: starting in ${dir}`);
    const helm = options.helm ?? toolPaths().helm3;
    // The bootstrap's charts are fetched while the control plane starts: what cannot be had is left out.
    const fetching = executeContext({ ...options, helm }, first, new Redactor());
    const [{ env }, unfetchable] = await Promise.all([
      startControlPlane(dir, {
        nodes: nodeCount,
        featureGates: { ...first.config.rehearse.featureGates, ...options.featureGates },
        required: REQUIRED,
        log: (line) => log(`control plane: ${line}`),
      }),
      unfetchableCharts(first.plan, fetching).finally(() => fetching.close()),
    ]);
    timings.controlPlane = lap();
    log(`control plane: ${env.server}, ${env.nodes.length} fake nodes`);
    for (const [id, why] of unfetchable) log(`charts: ${id} is not rehearsed: ${why}`);
    const reshaped = rehearsalPlan(first.plan, unfetchable);
    const bootstrapNotRehearsed = reshaped.notRehearsed;

    const client = await KubeClient.load({ kubeconfig: env.kubeconfig }, { retryForMs: 5_000 });
    const standIn = new AbortController();
    const operator = standInForFluxOperator(client, new Discovery(client), standIn.signal);
    const upOptions: UpOptions = {
      ...options,
      kubeconfig: env.kubeconfig,
      helm,
      // The throwaway control plane, never kubestrap.yaml's kubeconfig or context: those are the real cluster.
      loaded: { ...first, plan: reshaped.plan, target: { kubeconfig: env.kubeconfig } },
      emit: options.emit,
    };
    let bootstrap: UpResult;
    try {
      bootstrap = await up(upOptions);
    } finally {
      standIn.abort();
      await operator;
      client.close();
    }
    timings.bootstrap = lap();
    const cluster = bootstrap.loaded.plan.cluster;
    if (bootstrap.run?.outcome !== "ok") {
      if (options.keep) kept = env;
      return {
        cluster,
        outcome: bootstrap.run?.outcome === "interrupted" ? "interrupted" : "failed",
        bootstrap,
        objects: [],
        notRehearsed: bootstrapNotRehearsed,
        timings,
        ...(kept ? { kept } : {}),
      };
    }

    const ctx = executeContext(upOptions, bootstrap.loaded, new Redactor());
    try {
      const timeoutMs = (options.waitTimeoutSeconds ?? 600) * 1000;
      const session = await ctx.session();
      const installed = await installFluxCrds(session.client, session.discovery, { timeoutMs });
      if (installed.length > 0)
        log(
          `convergence: installed ${installed.length} Flux CRDs from the bundled catalog (flux-operator installs them when it runs)`,
        );
      const unfetchedReleases = new Set(unfetchable.keys());
      const plan = convergence(bootstrap.loaded.project.model, options.repo, ctx, {
        timeoutMs,
        bootstrapNotRehearsed: bootstrapReleases(first.plan).filter((r) => unfetchedReleases.has(r.id)),
      });
      options.emit({
        type: "run-start",
        cluster,
        steps: plan.nodes.map((n) => ({ id: n.id, phase: "handoff", title: n.id, needs: n.needs })),
        time: now(),
      });
      const converge = await runGraph(plan.nodes, {
        concurrency: options.concurrency ?? 8,
        emit: options.emit,
        ...(options.stop ? { stop: options.stop } : {}),
        ...(options.abort ? { abort: options.abort } : {}),
      });
      options.emit({
        type: "run-end",
        outcome: converge.outcome,
        seconds: converge.seconds,
        steps: converge.steps,
        criticalPath: converge.criticalPath,
        time: now(),
      });
      timings.convergence = lap();
      if (options.keep) kept = env;
      const objects = verdicts(plan, converge.steps);
      matchLint(objects, options);
      const prediction =
        converge.outcome === "ok" && bootstrap.run
          ? await predict(session.client, bootstrap, plan, converge, first.config.rehearse.readiness)
          : undefined;
      return {
        cluster,
        outcome: converge.outcome,
        bootstrap,
        converge,
        objects,
        notRehearsed: [...bootstrapNotRehearsed, ...plan.notRehearsed],
        timings,
        ...(kept ? { kept } : {}),
        ...(prediction ? { prediction } : {}),
      };
    } finally {
      await ctx.close();
    }
  } finally {
    if (!kept) {
      await stopControlPlane(dir);
      rmSync(root, { recursive: true, force: true });
    }
  }
}

/**
 * What the static analysis predicted of each failure: its errors and warnings in the file the failure points at,
 * and errors that name the object (a dependsOn cycle is reported once, at one of its members).
 * A failure lint did not predict is a gap of lint (or something only an API server can see).
 */
function matchLint(objects: RehearsedObject[], options: RehearseOptions): void {
  const failed = objects.filter((o) => o.verdict === "failed");
  if (failed.length === 0) return;
  const { findings } = lint({
    repo: options.repo,
    ...(options.cluster ? { cluster: options.cluster } : {}),
    ...(options.entry ? { entry: options.entry } : {}),
    ...(options.environment ? { environment: options.environment } : {}),
  });
  for (const o of failed) {
    const rules = findings
      .filter(
        (f) =>
          f.severity !== "info" &&
          (f.location?.file === o.location.file || (f.severity === "error" && f.message.includes(o.id))),
      )
      .map((f) => f.ruleId);
    o.predicted = [...new Set(rules)];
  }
}

/** Each Kustomization and HelmRelease with how its step ended. */
function verdicts(plan: Convergence, steps: TimedStep[]): RehearsedObject[] {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const notRehearsed = new Set(plan.notRehearsed.map((n) => `${n.kind}/${n.id}`));
  return plan.targets.map((t) => {
    const step = byId.get(t.step);
    const object: RehearsedObject = {
      kind: t.kind,
      id: t.id,
      verdict: "failed",
      message: step?.detail ?? "not run",
      location: t.location,
    };
    if (notRehearsed.has(`${t.kind}/${t.id}`)) object.verdict = "not-rehearsed";
    else if (step?.outcome === "done") {
      object.verdict = "converged";
      object.readyAt = step.end;
      const note = t.kind === "Kustomization" ? plan.notes.get(t.id) : undefined;
      if (note) object.message = note;
    } else if (step?.outcome === "blocked" || step?.outcome === "not-started") object.verdict = "blocked";
    else if (step?.outcome === "interrupted") object.verdict = "interrupted";
    // The apply step of a Kustomization fails first; its own words are the useful ones.
    if (t.kind === "Kustomization" && object.verdict === "blocked") {
      const apply = byId.get(t.step.replace(/^ready\//, "apply/"));
      if (apply?.outcome === "failed") {
        object.verdict = "failed";
        object.message = apply.detail;
        const at = plan.failedAt.get(apply.id);
        if (at) object.location = at;
      }
    }
    return object;
  });
}

/** The two runs with each step's workloads given the readiness delays of a real cluster (execute/prediction). */
async function predict(
  client: KubeClient,
  bootstrap: UpResult,
  plan: Convergence,
  converge: RunResult,
  declared: Record<string, string>,
): Promise<Prediction> {
  const readiness = readinessTable(declared);
  const workloads = await listWorkloads(client);
  const steps = bootstrap.loaded.plan.steps;
  const bootstrapReleaseSteps = new Map<string, string>();
  for (const s of steps)
    if (s.kind === "release") bootstrapReleaseSteps.set(`${s.release.namespace}/${s.release.name}`, s.id);
  const bootstrapRun = predictRun(
    bootstrap.run?.steps ?? [],
    new Map(steps.map((s) => [s.id, s.needs])),
    stepWorkloads(workloads, bootstrapReleaseSteps),
    readiness,
  );
  const convergenceRun = predictRun(
    converge.steps,
    new Map(plan.nodes.map((n) => [n.id, n.needs])),
    // A release the bootstrap installed is only upgraded in place by its HelmRelease: its Pods were Ready already.
    stepWorkloads(
      workloads,
      new Map([...plan.releaseSteps].filter(([release]) => !bootstrapReleaseSteps.has(release))),
      plan.waitedBy,
    ),
    readiness,
  );
  return {
    seconds: bootstrapRun.seconds + convergenceRun.seconds,
    measured: (bootstrap.run?.seconds ?? 0) + converge.seconds,
    bootstrap: bootstrapRun,
    convergence: convergenceRun,
    readiness: Object.fromEntries(readiness),
  };
}

/** Every release of the bootstrap plan, of the CRD phase and of the release phase, once each. */
function bootstrapReleases(plan: Plan): ChartRelease[] {
  const releases = new Map<string, ChartRelease>();
  for (const s of plan.steps) {
    if (s.kind === "release") releases.set(s.release.id, s.release);
    if (s.kind === "crds") for (const r of s.releases) if (!releases.has(r.id)) releases.set(r.id, r);
  }
  return [...releases.values()];
}

/** Release id → why its chart cannot be fetched (into the chart cache, through the mirrors), for each that cannot. */
async function unfetchableCharts(plan: Plan, ctx: ExecuteContext): Promise<Map<string, string>> {
  const byChart = new Map<string, { chart: ChartRelease["chart"]; ids: string[] }>();
  for (const r of bootstrapReleases(plan)) {
    const chart = mirroredChart(r.chart, ctx.settings.mirrors);
    const key = stableJson(chart);
    byChart.set(key, { chart, ids: [...(byChart.get(key)?.ids ?? []), r.id] });
  }
  const unfetchable = new Map<string, string>();
  const queue = [...byChart.values()];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      try {
        await ctx.cache.fetch(ctx.helm, next.chart, { offline: ctx.settings.render.offline ?? false });
      } catch (error) {
        const why = (error as Error).message.split("\n")[0] ?? "";
        for (const id of next.ids) unfetchable.set(id, why);
      }
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  return unfetchable;
}
