/**
 * The live task list of `kubestrap up` on a terminal, drawn by listr2: one task per phase, one subtask per step,
 * all concurrent (the DAG runner decides what really runs; a step that waits for another says so), with the
 * step's latest progress under it, its duration when it ends, and skipped steps marked as already done.
 */
import { Listr, type ListrTask } from "listr2";
import pc from "picocolors";
import type { RunEvent, StepInfo } from "../execute/events.ts";
import { PHASES } from "../plan/plan.ts";

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

type End = Extract<RunEvent, { type: "step-end" }>;

interface StepHandle {
  started: Deferred<void>;
  ended: Deferred<End>;
  progress?: (message: string) => void;
}

export class TaskList {
  private readonly steps = new Map<string, StepHandle>();
  private readonly c: ReturnType<typeof pc.createColors>;
  private listr: Listr | undefined;
  private running: Promise<unknown> | undefined;

  /** `color` follows `--color`/`NO_COLOR`, as every reporter does, not picocolors' own guess from the environment. */
  constructor(options: { color: boolean }) {
    this.c = pc.createColors(options.color);
  }

  /** Starts drawing the list for the steps of a run. */
  start(steps: StepInfo[]): void {
    for (const s of steps) this.steps.set(s.id, { started: deferred(), ended: deferred() });
    const phases = PHASES.filter((p) => steps.some((s) => s.phase === p));
    const tasks: ListrTask[] = phases.map((phase) => ({
      title: phase,
      task: (_ctx, phaseTask) =>
        phaseTask.newListr(
          steps.filter((s) => s.phase === phase).map((s) => this.stepTask(s)),
          { concurrent: true, exitOnError: false },
        ),
    }));
    this.listr = new Listr(tasks, {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      rendererOptions: {
        collapseSubtasks: false,
        collapseSkips: true,
        showSkipMessage: true,
        collapseErrors: false,
        // Every task starts with the list (the runner decides what runs), so listr2's timers would count from the
        // run's start: each step shows its own duration in its title instead.
      },
    });
    this.running = this.listr.run().catch(() => {});
  }

  private stepTask(s: StepInfo): ListrTask {
    return {
      title: `${s.id.slice(s.phase.length + 1)} ${this.c.dim(`waiting for ${s.needs.length} step${s.needs.length === 1 ? "" : "s"}`)}`,
      task: async (_ctx, task) => {
        const handle = this.steps.get(s.id) as StepHandle;
        const name = s.id.slice(s.phase.length + 1);
        await Promise.race([handle.started.promise, handle.ended.promise]);
        task.title = `${name} ${this.c.dim(s.title)}`;
        handle.progress = (message) => {
          task.output = message;
        };
        const end = await handle.ended.promise;
        switch (end.outcome) {
          case "done":
            task.title = `${name} ${this.c.dim(end.detail)} ${this.c.dim(`(${end.seconds.toFixed(1)} s)`)}`;
            return;
          case "skipped":
            task.skip(`${name} ${this.c.dim(`already done: ${end.detail}`)}`);
            return;
          case "blocked":
          case "not-started":
            task.skip(`${name} ${this.c.yellow(end.detail)}`);
            return;
          default:
            throw new Error(`${name}: ${end.detail}`);
        }
      },
      rendererOptions: { outputBar: 1, persistentOutput: false },
    };
  }

  handle(event: RunEvent): void {
    switch (event.type) {
      case "run-start":
        this.start(event.steps);
        break;
      case "step-start":
        this.steps.get(event.id)?.started.resolve();
        break;
      case "step-progress":
        this.steps.get(event.id)?.progress?.(event.message);
        break;
      case "step-log":
        this.steps.get(event.id)?.progress?.(event.line);
        break;
      case "step-end":
        this.steps.get(event.id)?.ended.resolve(event);
        break;
      default:
        break;
    }
  }

  /** Resolves once the list has drawn its final state. */
  async finish(): Promise<void> {
    await this.running;
  }
}
