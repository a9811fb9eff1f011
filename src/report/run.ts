/**
 * Renderings of a run's events (execute/events.ts): one JSON object per line (`-o json`), plain timestamped
 * lines for CI logs, and the final summary with per-step timings and the critical path. The live task list of a
 * terminal is in tasks.ts.
 */
import pc from "picocolors";
import type { RunEvent, StepInfo, StepOutcome, TimedStep } from "../execute/events.ts";

export type Write = (text: string) => void;

/** `-o json`: every event as one line of JSON. */
export function jsonLines(write: Write): (event: RunEvent) => void {
  return (event) => write(`${JSON.stringify(event)}\n`);
}

const OUTCOME_WORD: Record<StepOutcome, string> = {
  done: "done",
  skipped: "skipped",
  failed: "FAILED",
  interrupted: "INTERRUPTED",
  blocked: "blocked",
  "not-started": "not run",
};

/**
 * Plain lines for a CI log: one when a step starts, one when it ends, and its progress at most every 5 s (the
 * latest message wins), each prefixed with the seconds since the run started.
 */
export function plainLines(write: Write): (event: RunEvent) => void {
  const started = Date.now();
  const titles = new Map<string, string>();
  const lastProgress = new Map<string, number>();
  const stamp = () => `[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s]`;
  return (event) => {
    switch (event.type) {
      case "run-start":
        for (const s of event.steps) titles.set(s.id, s.title);
        write(`kubestrap up: cluster ${event.cluster}, ${event.steps.length} steps\n`);
        break;
      case "step-start":
        write(`${stamp()} start    ${event.id}: ${titles.get(event.id) ?? ""}\n`);
        break;
      case "step-progress": {
        const last = lastProgress.get(event.id) ?? 0;
        if (Date.now() - last < 5_000) break;
        lastProgress.set(event.id, Date.now());
        write(`${stamp()} ...      ${event.id}: ${event.message}\n`);
        break;
      }
      case "step-log":
        write(`${stamp()} log      ${event.id}: ${event.line}\n`);
        break;
      case "step-end":
        write(
          `${stamp()} ${OUTCOME_WORD[event.outcome].padEnd(8)} ${event.id}${event.detail ? `: ${event.detail}` : ""}${event.outcome === "done" || event.outcome === "failed" ? ` (${event.seconds.toFixed(1)} s)` : ""}\n`,
        );
        break;
      case "run-end":
        break;
    }
  };
}

export interface SummaryOptions {
  color: boolean;
  /** Terminal width, for wrapping the critical path. */
  width?: number;
}

/** The closing summary: outcome, counts, the critical path and every step's time. */
export function formatRunSummary(
  end: Extract<RunEvent, { type: "run-end" }>,
  cluster: string,
  steps: StepInfo[],
  options: SummaryOptions,
): string {
  const c = pc.createColors(options.color);
  const lines: string[] = [];
  const count = (o: StepOutcome) => end.steps.filter((s) => s.outcome === o).length;
  const counts = (["done", "skipped", "failed", "interrupted", "blocked", "not-started"] as StepOutcome[])
    .filter((o) => count(o) > 0)
    .map((o) => `${count(o)} ${OUTCOME_WORD[o].toLowerCase()}`)
    .join(", ");
  const head =
    end.outcome === "ok"
      ? c.green(`✔ cluster ${cluster} bootstrapped in ${end.seconds.toFixed(1)} s`)
      : end.outcome === "interrupted"
        ? c.yellow(`■ interrupted after ${end.seconds.toFixed(1)} s: run kubestrap up again to resume`)
        : c.red(`✖ bootstrap of cluster ${cluster} failed after ${end.seconds.toFixed(1)} s`);
  lines.push(`${head} (${counts})`);
  for (const s of end.steps.filter((x) => x.outcome === "failed" || x.outcome === "interrupted"))
    lines.push(c.red(`  ${s.id}: ${s.detail}`));
  const byId = new Map(end.steps.map((s) => [s.id, s]));
  const path = end.criticalPath.map((id) => byId.get(id)).filter((s): s is TimedStep => s !== undefined);
  if (path.length > 0 && count("done") > 0) {
    const busy = path.reduce((sum, s) => sum + (s.end - s.start), 0);
    const chain = path.map((s) => `${s.id} ${(s.end - s.start).toFixed(1)} s`);
    lines.push(
      `critical path: ${busy.toFixed(1)} s of steps in ${end.seconds.toFixed(1)} s (${((end.seconds / Math.max(busy, 0.001) - 1) * 100).toFixed(0)}% waiting between them)`,
    );
    lines.push(...wrap(chain, " → ", options.width ?? 100, "  "));
  }
  const ran = end.steps.filter(
    (s) => s.outcome === "done" || s.outcome === "failed" || s.outcome === "interrupted",
  );
  if (ran.length > 0) {
    lines.push("step times:");
    const width = Math.min(Math.max(...ran.map((s) => s.id.length)), 50);
    const order = new Map(steps.map((s, i) => [s.id, i]));
    for (const s of [...ran].sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0)))
      lines.push(
        `  ${s.id.padEnd(width)}  ${(s.end - s.start).toFixed(1).padStart(6)} s  ${c.dim(`${s.start.toFixed(1)} → ${s.end.toFixed(1)}`)}${s.outcome === "done" ? "" : `  ${OUTCOME_WORD[s.outcome]}`}`,
      );
  }
  return `${lines.join("\n")}\n`;
}

function wrap(parts: string[], separator: string, width: number, indent: string): string[] {
  const out: string[] = [];
  let line = indent;
  for (const [i, part] of parts.entries()) {
    const piece = i === 0 ? part : `${separator}${part}`;
    if (line.length + piece.length > width && line.trim()) {
      out.push(line);
      line = `${indent}${part}`;
    } else line += piece;
  }
  if (line.trim()) out.push(line);
  return out;
}
