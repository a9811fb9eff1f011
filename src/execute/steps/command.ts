/**
 * A `before` step: a command from kubestrap.yaml that brings the cluster up (`talosctl apply-config`,
 * `talosctl bootstrap`, `talosctl kubeconfig`). It runs without a shell, from the repository (or its `dir`),
 * with retries and backoff when asked (`talosctl bootstrap` fails until etcd is up). Its output is kept to the
 * last lines of a failure: commands of this kind print credentials.
 */
import { join } from "node:path";
import type { PlanStep } from "../../plan/plan.ts";
import type { ExecuteContext, StepResult } from "../context.ts";
import { CommandError, runChecked } from "../process.ts";
import type { StepRun } from "../runner.ts";

export async function runCommandStep(
  step: Extract<PlanStep, { kind: "command" }>,
  ctx: ExecuteContext,
  run: StepRun,
): Promise<StepResult> {
  const c = step.command;
  let delay = 2_000;
  for (let attempt = 0; ; attempt++) {
    try {
      await runChecked(c.command, c.args, {
        cwd: join(ctx.repoDir, c.dir ?? ""),
        env: c.env,
        timeoutMs: c.timeoutSeconds * 1000,
        signal: run.signal,
      });
      return { detail: attempt > 0 ? `succeeded after ${attempt + 1} attempts` : "succeeded" };
    } catch (error) {
      if (
        attempt >= c.retries ||
        run.signal.aborted ||
        (error instanceof CommandError && error.result.code === 127)
      )
        throw error;
      run.progress(
        `attempt ${attempt + 1} failed (${(error as Error).message.split("\n")[0]}); again in ${delay / 1000} s`,
      );
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  }
}
