/**
 * Runs a DAG of steps: each starts as soon as everything it needs is done (not level by level, as helmfile
 * does), at most `concurrency` at once. A failed step blocks what depends on it; independent branches go on, so
 * one run reports every failure it can reach. A graceful stop (first Ctrl-C) starts nothing new and lets running
 * steps end; an abort (second Ctrl-C) interrupts them.
 */
import { criticalPath, type TimedNode } from "../graph/dag.ts";
import { type Emit, now, type StepOutcome, type TimedStep } from "./events.ts";

export interface StepRun {
  signal: AbortSignal;
  progress(message: string): void;
  log(line: string): void;
}

export interface RunNode {
  id: string;
  needs: string[];
  /** Does the step (or finds it done and returns "skipped"); throws when it fails. */
  execute(run: StepRun): Promise<{ outcome: "done" | "skipped"; detail: string }>;
}

export interface RunnerOptions {
  concurrency: number;
  emit: Emit;
  /** Start nothing new once aborted. */
  stop?: AbortSignal;
  /** Interrupt running steps once aborted. */
  abort?: AbortSignal;
  redact?: (text: string) => string;
  /** Called when a step ends, whatever its outcome (blocked and not-started included). */
  onStepEnd?: (id: string, outcome: StepOutcome) => void;
}

export interface RunResult {
  steps: TimedStep[];
  criticalPath: string[];
  seconds: number;
  outcome: "ok" | "failed" | "interrupted";
}

export async function runGraph(nodes: RunNode[], options: RunnerOptions): Promise<RunResult> {
  const redact = options.redact ?? ((s: string) => s);
  const started = performance.now();
  const at = () => (performance.now() - started) / 1000;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const outcomes = new Map<string, StepOutcome>();
  const timings = new Map<string, TimedStep>();
  const waiting = new Set(nodes.map((n) => n.id));
  const abort = options.abort ?? new AbortController().signal;
  let running = 0;

  const finish = (id: string, outcome: StepOutcome, detail: string, start: number) => {
    const end = at();
    outcomes.set(id, outcome);
    timings.set(id, { id, outcome, start, end, detail });
    options.onStepEnd?.(id, outcome);
    options.emit({
      type: "step-end",
      id,
      outcome,
      detail: redact(detail),
      seconds: end - start,
      time: now(),
    });
  };

  await new Promise<void>((resolve) => {
    const schedule = () => {
      // A node that ends here (blocked, not started) may decide nodes seen earlier in this pass: pass again.
      let settled = false;
      while (!settled) {
        settled = true;
        for (const id of [...waiting]) {
          const node = byId.get(id) as RunNode;
          const deps = node.needs.map((d) => outcomes.get(d));
          const broken = node.needs.find((d) => {
            const o = outcomes.get(d);
            return o !== undefined && o !== "done" && o !== "skipped";
          });
          if (broken) {
            waiting.delete(id);
            const why = outcomes.get(broken);
            settled = false;
            finish(
              id,
              why === "failed" || why === "blocked" ? "blocked" : "not-started",
              `not run: ${broken} ${why === "failed" ? "failed" : why === "blocked" ? "was blocked" : "did not run"}`,
              at(),
            );
            continue;
          }
          if (options.stop?.aborted || abort.aborted) {
            settled = false;
            waiting.delete(id);
            finish(id, "not-started", "not run: the run was stopped", at());
            continue;
          }
          if (deps.some((d) => d === undefined) || running >= options.concurrency) continue;
          waiting.delete(id);
          running++;
          const start = at();
          options.emit({ type: "step-start", id, time: now() });
          const run: StepRun = {
            signal: abort,
            progress: (message) =>
              options.emit({ type: "step-progress", id, message: redact(message), time: now() }),
            log: (line) => options.emit({ type: "step-log", id, line: redact(line), time: now() }),
          };
          node
            .execute(run)
            .then(
              (r) => finish(id, r.outcome, r.detail, start),
              (error: unknown) =>
                finish(
                  id,
                  abort.aborted
                    ? "interrupted"
                    : (error as Error).name === "BlockedError"
                      ? "blocked"
                      : "failed",
                  (error as Error).message ?? String(error),
                  start,
                ),
            )
            .finally(() => {
              running--;
              schedule();
            });
        }
      }
      if (waiting.size === 0 && running === 0) resolve();
    };
    const onStop = () => schedule();
    options.stop?.addEventListener("abort", onStop, { once: true });
    abort.addEventListener("abort", onStop, { once: true });
    schedule();
  });

  const edges = new Map(nodes.map((n) => [n.id, n.needs]));
  const ran = new Map<string, TimedNode>();
  for (const t of timings.values())
    if (t.outcome === "done" || t.outcome === "failed" || t.outcome === "interrupted")
      ran.set(t.id, { id: t.id, start: t.start, end: t.end });
  const steps = nodes.map((n) => timings.get(n.id) as TimedStep);
  const outcome =
    steps.some((s) => s.outcome === "interrupted") || (options.stop?.aborted ?? false) || abort.aborted
      ? steps.some((s) => s.outcome === "failed")
        ? "failed"
        : "interrupted"
      : steps.some((s) => s.outcome !== "done" && s.outcome !== "skipped")
        ? "failed"
        : "ok";
  return { steps, criticalPath: criticalPath(edges, ran).map((t) => t.id), seconds: at(), outcome };
}
