/**
 * One bootstrap release: `helm upgrade --install` with the chart and values Flux will use, then kubestrap's own
 * wait until everything the release installed is ready (kstatus semantics, webhooks with endpoints and a
 * caBundle), with the helmfile's hooks around it as `helmfile sync` runs them.
 *
 * - A release an interrupted run left `pending-*` is marked failed first, as helm-controller does, so that helm
 *   will upgrade it.
 * - helm failures that mean "not yet" (the API server restarting, a webhook that is not serving yet, another
 *   operation in progress) are retried with backoff until the step's deadline.
 * - helm does not wait (`--wait` polls every 2 s and knows nothing of webhooks): kubestrap watches the objects.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  isPending,
  latestRelease,
  manifestObjects,
  releaseRecords,
  unlockPending,
} from "../../cluster/helm-storage.ts";
import { type ObjectState, pause, waitForObjects } from "../../cluster/wait.ts";
import { resolveHook, SYNC_EVENTS_AFTER, SYNC_EVENTS_BEFORE } from "../../model/hooks.ts";
import { chartName, mirroredChart } from "../../model/releases.ts";
import type { PlanStep } from "../../plan/plan.ts";
import type { ExecuteContext, StepResult } from "../context.ts";
import { runCommand, tail } from "../process.ts";
import type { StepRun } from "../runner.ts";

/** helm and kubectl errors that go away by themselves. */
const TRANSIENT =
  /connection refused|connection reset|\bEOF\b|i\/o timeout|TLS handshake timeout|the server is currently unable|failed calling webhook|no endpoints available|etcdserver|context deadline exceeded|too many requests|http2: client connection lost|another operation \(install\/upgrade\/rollback\) is in progress|unexpected error when reading response body|the server was unable to return a response/i;

export function isTransientHelmError(text: string): boolean {
  return TRANSIENT.test(text);
}

/** A wait's progress as one line: how many are ready, and the first that is not with its reason. */
export function waitProgress(run: StepRun): (states: ObjectState[]) => void {
  return (states) => {
    const pending = states.filter((s) => s.status !== "Current");
    const first = pending[0];
    if (first)
      run.progress(
        `${states.length - pending.length}/${states.length} ready; ${first.ref.kind} ${first.ref.name}: ${first.message}`,
      );
  };
}

export async function runRelease(
  step: Extract<PlanStep, { kind: "release" }>,
  ctx: ExecuteContext,
  run: StepRun,
  { recover = true }: { recover?: boolean } = {},
): Promise<StepResult> {
  const r = step.release;
  const { client, discovery } = await ctx.session();
  const deadline = Date.now() + ctx.settings.waitTimeoutMs;

  run.progress(`fetching ${chartName(r.chart)}`);
  const fetched = await ctx.cache.fetch(ctx.helm, mirroredChart(r.chart, ctx.settings.mirrors), {
    offline: ctx.settings.render.offline ?? false,
  });

  if (step.crdGate) await ctx.crdGate.wait(r.id, run.progress);
  await runHooks(step, SYNC_EVENTS_BEFORE, ctx, run, deadline);

  const valuesFile = join(ctx.scratch(), `${r.namespace}.${r.name}.values.json`);
  writeFileSync(valuesFile, JSON.stringify(r.values), { mode: 0o600 });
  const args = [
    "upgrade",
    "--install",
    r.name,
    fetched.path,
    "--namespace",
    r.namespace,
    "--values",
    valuesFile,
    "--output",
    "json",
    ...(await ctx.helmTargetArgs()),
  ];
  // The CRD phase applied the chart's crds/ already (the newest of them, when charts disagree): helm need not read
  // them again (megabytes, for some charts) nor race to create them.
  if (step.crdGate) args.push("--skip-crds");
  if (r.helm.cleanupOnFail) args.push("--cleanup-on-fail");
  if (r.helm.timeout) args.push("--timeout", `${r.helm.timeout}s`);
  const helmMajor = Number(/^v?(\d+)/.exec(await ctx.helm.version())?.[1] ?? 3);
  if (helmMajor >= 4 && (r.helm.forceConflicts || ctx.settings.forceConflicts))
    args.push("--force-conflicts");
  if (r.helm.args) args.push(...r.helm.args.filter((a) => !HELMFILE_ONLY_ARGS.has(a.split("=")[0] ?? a)));

  let delay = 1_000;
  let output = "";
  for (let attempt = 1; ; attempt++) {
    if (recover || attempt > 1) await recoverPending(step, ctx, run);
    run.progress(attempt === 1 ? "helm upgrade --install" : `helm upgrade --install (attempt ${attempt})`);
    const result = await runCommand(ctx.helm.bin, args, { signal: run.signal });
    if (result.killed === "aborted") throw new Error("interrupted during helm upgrade --install");
    if (result.code === 0) {
      output = result.stdout;
      break;
    }
    const message = ctx.redactor.redact(helmMessage(result.stderr || result.stdout));
    if (!isTransientHelmError(message) || Date.now() + delay > deadline)
      throw new Error(`helm upgrade --install failed: ${message}`);
    run.progress(`helm: ${message.slice(0, 120)}; again in ${(delay / 1000).toFixed(0)} s`);
    await pause(delay, run.signal);
    run.signal.throwIfAborted();
    delay = Math.min(delay * 2, 15_000);
  }

  // helm prints the release it made (-o json); its record in the cluster says the same, one request away.
  const release = installedRelease(output) ?? (await latestRelease(client, r.namespace, r.name));
  if (!release) throw new Error("helm reported success, but the release record is not in the cluster");
  const refs = manifestObjects(release.manifest, r.namespace);
  run.progress(`revision ${release.revision}: waiting for ${refs.length} objects`);
  await waitForObjects(client, discovery, refs, {
    timeoutMs: Math.max(deadline - Date.now(), 1_000),
    signal: run.signal,
    onProgress: waitProgress(run),
  });

  await runHooks(step, SYNC_EVENTS_AFTER, ctx, run, deadline);
  return {
    detail: `revision ${release.revision} (${release.chartName} ${release.chartVersion}), ${refs.length} object${refs.length === 1 ? "" : "s"} ready`,
    revision: release.revision,
  };
}

/** The release `helm upgrade --install -o json` printed: revision, chart and manifest. */
function installedRelease(
  stdout: string,
): { revision: number; chartName: string; chartVersion: string; manifest: string } | undefined {
  try {
    const r = JSON.parse(stdout) as {
      version?: number;
      manifest?: string;
      chart?: { metadata?: { name?: string; version?: string } };
    };
    if (typeof r.version !== "number" || typeof r.manifest !== "string") return undefined;
    return {
      revision: r.version,
      chartName: r.chart?.metadata?.name ?? "",
      chartVersion: r.chart?.metadata?.version ?? "",
      manifest: r.manifest,
    };
  } catch {
    return undefined;
  }
}

/** helmfile `args` that only mean something to `helm template` (the CRD helmfiles'). */
const HELMFILE_ONLY_ARGS = new Set(["--include-crds", "--no-hooks", "--skip-tests"]);

async function recoverPending(
  step: Extract<PlanStep, { kind: "release" }>,
  ctx: ExecuteContext,
  run: StepRun,
): Promise<void> {
  const { client } = await ctx.session();
  const [latest] = await releaseRecords(client, step.release.namespace, step.release.name);
  if (!latest || !isPending(latest.status)) return;
  run.progress(
    `revision ${latest.revision} was left ${latest.status} by an interrupted run: marking it failed`,
  );
  await unlockPending(client, latest, "kubestrap: an interrupted helm operation, recovered");
}

async function runHooks(
  step: Extract<PlanStep, { kind: "release" }>,
  events: readonly string[],
  ctx: ExecuteContext,
  run: StepRun,
  deadline: number,
): Promise<void> {
  const r = step.release;
  const scope = {
    release: { name: r.name, namespace: r.namespace, chart: chartName(r.chart) },
    environment: "default",
  };
  for (const event of events) {
    for (const hook of r.hooks.filter((h) => h.events.includes(event))) {
      const resolved = resolveHook(hook, scope);
      const line = [resolved.command, ...resolved.args].join(" ");
      let delay = 1_000;
      for (;;) {
        run.progress(`${event} hook: ${line}`);
        const result = await runCommand(resolved.command, resolved.args, {
          cwd: join(ctx.repoDir, r.dir ?? ""),
          env: await ctx.hookEnv(),
          signal: run.signal,
          onLine: (text) => {
            if (resolved.showlogs && text.trim()) run.log(`${event}: ${text}`);
          },
        });
        if (result.killed === "aborted") throw new Error(`interrupted during the ${event} hook ${line}`);
        if (result.code === 0) break;
        const output = ctx.redactor.redact(result.stderr || result.stdout);
        // A hook that applies a custom resource often meets the webhook of the release it follows, not serving yet.
        if (!isTransientHelmError(output) || Date.now() + delay > deadline)
          throw new Error(
            `${event} hook \`${line}\` (${hook.location.file}:${hook.location.line}) exited with ${result.code}${tail(output, 4)}`,
          );
        await pause(delay, run.signal);
        run.signal.throwIfAborted();
        delay = Math.min(delay * 2, 15_000);
      }
    }
  }
}

/** helm's own "Error: " prefix and debug hint add nothing. */
function helmMessage(output: string): string {
  return (
    output
      .split("\n")
      .filter((l) => l.trim() && !l.startsWith("Use --debug flag"))
      .map((l) => l.replace(/^Error: /, ""))
      .slice(-6)
      .join("; ") || "no output"
  );
}
