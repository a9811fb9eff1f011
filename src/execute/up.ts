/**
 * `kubestrap up` over a plan: each step, when its turn comes, is first inspected against the journal and the
 * live cluster (plan/live.ts) and skipped when it is done; otherwise it runs and the journal records it
 * (running, then done, failed or interrupted). Preflight checks and the handoff run every time and only read.
 *
 * Nothing is written before the identity check has passed, and a run with nothing to do writes nothing: the
 * journal's lock is taken at the first step that has work to do.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { JournalData, JournalEntry, StepState } from "../cluster/journal.ts";
import type { CommandSpec } from "../model/config.ts";
import { type Inspection, inspectOffline, inspectStep } from "../plan/live.ts";
import type { Plan, PlanStep } from "../plan/plan.ts";
import type { ExecuteContext, StepResult } from "./context.ts";
import { type Emit, now } from "./events.ts";
import { CrdGate } from "./gate.ts";
import { runCommand } from "./process.ts";
import { type RunNode, type RunResult, runGraph, type StepRun } from "./runner.ts";
import { runNamespaces, runResources } from "./steps/apply.ts";
import { runCommandStep } from "./steps/command.ts";
import { runCrds } from "./steps/crds.ts";
import { runHandoff } from "./steps/handoff.ts";
import { runPreflight } from "./steps/preflight.ts";
import { runRelease } from "./steps/release.ts";

export interface ExecuteOptions {
  concurrency: number;
  emit: Emit;
  stop?: AbortSignal;
  abort?: AbortSignal;
  /** Step ids (or prefixes, `releases/`) to run even when they are done. */
  rerun?: string[];
}

export async function executePlan(
  plan: Plan,
  ctx: ExecuteContext,
  options: ExecuteOptions,
): Promise<RunResult> {
  const writer = new JournalWriter(ctx, randomBytes(6).toString("hex"));
  const crdStep = plan.steps.find((s) => s.kind === "crds");
  ctx.crdGate = new CrdGate(crdStep !== undefined);
  const injectors = [
    ...new Set(
      plan.steps.flatMap((s) =>
        s.kind === "resources" && s.resources.inject ? [s.resources.inject.command] : [],
      ),
    ),
  ];
  const forced = (id: string) =>
    (options.rerun ?? []).some((r) => id === r || id.startsWith(r.endsWith("/") ? r : `${r}/`));
  const nodes: RunNode[] = plan.steps.map((step) => ({
    id: step.id,
    needs: step.needs,
    execute: async (run) => {
      if (step.kind === "preflight")
        return { outcome: "done", detail: (await runPreflight(step, ctx, run, injectors)).detail };
      if (step.kind === "handoff")
        return { outcome: "done", detail: (await runHandoff(step, ctx, run)).detail };
      let inspection: Inspection | undefined;
      if (!forced(step.id)) {
        inspection = await inspect(step, ctx, writer);
        if (inspection.state === "done") {
          if (step.kind === "crds") ctx.crdGate.skipped();
          return { outcome: "skipped", detail: inspection.detail };
        }
        if (inspection.state !== "pending") run.progress(inspection.detail);
      }
      const started = new Date();
      await writer.write(step, "running", started, "");
      try {
        const result = await runStep(step, ctx, run, inspection);
        await writer.write(step, "done", started, result.detail, result);
        return { outcome: "done", detail: result.detail };
      } catch (error) {
        const state: StepState = run.signal.aborted ? "interrupted" : "failed";
        await writer
          .write(step, state, started, ctx.redactor.redact((error as Error).message))
          .catch(() => {});
        throw error;
      }
    },
  }));
  try {
    const result = await runGraph(nodes, {
      concurrency: options.concurrency,
      emit: options.emit,
      ...(options.stop ? { stop: options.stop } : {}),
      ...(options.abort ? { abort: options.abort } : {}),
      redact: (s) => ctx.redactor.redact(s),
      onStepEnd: (id, outcome) => {
        if (id === crdStep?.id && outcome !== "done" && outcome !== "skipped")
          ctx.crdGate.failed(outcome === "failed" ? "failed" : "did not run");
      },
    });
    await writer.close();
    options.emit({
      type: "run-end",
      outcome: result.outcome,
      seconds: result.seconds,
      steps: result.steps.map((s) => ({ ...s, detail: ctx.redactor.redact(s.detail) })),
      criticalPath: result.criticalPath,
      time: now(),
    });
    return result;
  } finally {
    await writer.close().catch(() => {});
  }
}

async function runStep(
  step: PlanStep,
  ctx: ExecuteContext,
  run: StepRun,
  inspection: Inspection | undefined,
): Promise<StepResult> {
  switch (step.kind) {
    case "command":
      return runCommandStep(step, ctx, run);
    case "namespaces":
      return runNamespaces(step, ctx, run);
    case "resources":
      return runResources(step, ctx, run);
    case "crds":
      return runCrds(step, ctx, run);
    case "release":
      // Its helm records were just read: only an interrupted one needs recovering before the first attempt.
      return runRelease(step, ctx, run, {
        recover: inspection === undefined || inspection.state === "interrupted",
      });
    default:
      throw new Error(`step ${step.id} has no runner`);
  }
}

async function inspect(step: PlanStep, ctx: ExecuteContext, writer: JournalWriter) {
  const probe = async (command: CommandSpec, cwd: string) =>
    (
      await runCommand(command.command, command.args, { cwd, env: command.env, timeoutMs: 60_000 }).catch(
        () => undefined,
      )
    )?.code === 0;
  if (step.phase === "before") {
    const journal = await writer.peek();
    if (step.kind === "command") {
      const offline = await inspectOffline(step, ctx.repoDir, journal);
      if (offline.state === "done" || !step.command.skipIf) return offline;
      return (await probe(step.command.skipIf, join(ctx.repoDir, step.command.dir ?? "")))
        ? { state: "done" as const, detail: `${step.command.skipIf.command} says it is done` }
        : offline;
    }
  }
  const session = await ctx.session();
  return inspectStep(step, {
    client: session.client,
    discovery: session.discovery,
    journal: session.data,
    repoDir: ctx.repoDir,
    probe,
  });
}

/**
 * Journal writes for one run. Entries of the `before` phase wait in memory until the cluster exists and its
 * identity has been checked; the lock is taken with the first write.
 */
class JournalWriter {
  private readonly ctx: ExecuteContext;
  private readonly run: string;
  private locked: Promise<void> | undefined;
  private readonly waiting: JournalEntry[] = [];
  private peeked: Promise<JournalData | undefined> | undefined;
  private closed = false;

  constructor(ctx: ExecuteContext, run: string) {
    this.ctx = ctx;
    this.run = run;
  }

  /** The journal, if the cluster can be reached now (before the cluster exists, it cannot). */
  peek(): Promise<JournalData | undefined> {
    this.peeked ??= (async () => {
      try {
        const session = await this.ctx.session();
        if (!(await session.client.readyz(3_000)).ready) return undefined;
        return await session.journal.read();
      } catch {
        return undefined;
      }
    })();
    return this.peeked;
  }

  async write(
    step: PlanStep,
    state: StepState,
    started: Date,
    detail: string,
    result?: StepResult,
  ): Promise<void> {
    const entry: JournalEntry = {
      id: step.id,
      hash: step.hash,
      state,
      startedAt: started.toISOString(),
      run: this.run,
    };
    if (state !== "running") {
      entry.endedAt = new Date().toISOString();
      entry.seconds = Math.round((Date.now() - started.getTime()) / 100) / 10;
      entry.detail = detail.slice(0, 500);
    }
    if (result?.objects) entry.objects = result.objects;
    if (result?.revision !== undefined) entry.revision = result.revision;
    const session = await this.ctx.openedSession()?.catch(() => undefined);
    if (!session?.identity) {
      // Before the identity check (the `before` phase): kept until it has passed.
      this.waiting.push(entry);
      return;
    }
    await this.lock();
    await session.journal.record(entry);
  }

  private lock(): Promise<void> {
    this.locked ??= (async () => {
      const session = await this.ctx.session();
      if (!session.identity)
        throw new Error("the journal cannot be written before the cluster's identity is checked");
      await session.journal.acquire(this.ctx.cluster, session.identity, this.run);
      for (const entry of this.waiting.splice(0)) await session.journal.record(entry);
    })();
    return this.locked;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const session = await this.ctx.openedSession()?.catch(() => undefined);
    if (this.waiting.length > 0 && session?.identity) await this.lock();
    if (this.locked) {
      await this.locked.catch(() => {});
      await session?.journal.release().catch(() => {});
    }
  }
}
