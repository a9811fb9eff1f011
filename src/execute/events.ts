/**
 * What a run reports, as it happens: the task list, the plain CI log and the JSON event stream (`-o json`, one
 * event per line) are three renderings of these events. Every text in them has been through the redactor.
 */
import type { PhaseName } from "../plan/plan.ts";

export type StepOutcome = "done" | "skipped" | "failed" | "interrupted" | "blocked" | "not-started";

export interface StepInfo {
  id: string;
  phase: PhaseName;
  title: string;
  needs: string[];
}

export interface TimedStep {
  id: string;
  outcome: StepOutcome;
  /** Seconds from the start of the run. */
  start: number;
  end: number;
  detail: string;
}

export type RunEvent =
  | { type: "run-start"; cluster: string; server?: string; steps: StepInfo[]; time: string }
  | { type: "step-start"; id: string; time: string }
  | { type: "step-progress"; id: string; message: string; time: string }
  | { type: "step-log"; id: string; line: string; time: string }
  | {
      type: "step-end";
      id: string;
      outcome: StepOutcome;
      detail: string;
      seconds: number;
      time: string;
    }
  | {
      type: "run-end";
      outcome: "ok" | "failed" | "interrupted";
      seconds: number;
      steps: TimedStep[];
      /** Step ids, first to last, of the chain that decided the run's length. */
      criticalPath: string[];
      time: string;
    };

export type Emit = (event: RunEvent) => void;

export function now(): string {
  return new Date().toISOString();
}
