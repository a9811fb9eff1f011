/** `kubestrap plan` and `kubestrap status` as text and JSON. */
import pc from "picocolors";
import type { PlanResult } from "../app/plan.ts";
import type { StatusResult } from "../app/status.ts";
import type { Finding } from "../findings.ts";
import type { Inspection, LiveState } from "../plan/live.ts";
import { PHASES, type Plan, type PlanStep } from "../plan/plan.ts";

export interface TextOptions {
  color: boolean;
}

const STATE_WORD: Record<LiveState, string> = {
  done: "done",
  changed: "changed",
  drifted: "drifted",
  pending: "to do",
  failed: "failed",
  interrupted: "interrupted",
  always: "check",
};

function colors(options: TextOptions) {
  return pc.createColors(options.color);
}

function paint(state: LiveState, text: string, options: TextOptions): string {
  const c = colors(options);
  if (state === "done") return c.green(text);
  if (state === "failed" || state === "drifted") return c.red(text);
  if (state === "changed" || state === "interrupted") return c.yellow(text);
  return c.dim(text);
}

function stepName(step: PlanStep): string {
  return step.id.slice(step.phase.length + 1);
}

function findingLines(findings: Finding[], options: TextOptions): string[] {
  const c = colors(options);
  return findings.map((f) => {
    const where = f.location ? `${f.location.file}:${f.location.line}: ` : "";
    return `${where}${f.severity === "error" ? c.red("error") : c.yellow(f.severity)} ${f.ruleId}: ${f.message}`;
  });
}

/** The plan, phase by phase; with live states, a column says what already holds. */
export function formatPlanText(result: PlanResult, options: TextOptions): string {
  return formatSteps(
    result.plan,
    result.live,
    options,
    result.server ? `against ${result.server}` : "offline",
  );
}

function formatSteps(
  plan: Plan,
  live: Map<string, Inspection> | undefined,
  options: TextOptions,
  where: string,
): string {
  const c = colors(options);
  const lines: string[] = [];
  const phases = PHASES.filter((p) => plan.steps.some((s) => s.phase === p));
  lines.push(
    c.bold(
      `Plan for cluster ${plan.cluster} (${where}): ${plan.steps.length} steps in ${phases.length} phases`,
    ),
  );
  const width = Math.min(Math.max(...plan.steps.map((s) => stepName(s).length)), 40);
  for (const phase of phases) {
    lines.push("", c.bold(phase));
    for (const step of plan.steps.filter((s) => s.phase === phase)) {
      const inspection = live?.get(step.id);
      const state = inspection
        ? `${paint(inspection.state, STATE_WORD[inspection.state].padEnd(11), options)} `
        : "";
      lines.push(`  ${state}${stepName(step).padEnd(width)}  ${step.title}`);
      const pad = " ".repeat(2 + (inspection ? 12 : 0) + width + 2);
      if (inspection?.detail && inspection.state !== "always")
        lines.push(`${pad}${c.dim(inspection.detail)}`);
      lines.push(`${pad}${c.dim(`why: ${step.why}`)}`);
      const needs = step.needs.filter((n) => !n.startsWith("preflight/") || step.phase === "prerequisites");
      if (step.phase === "releases" && needs.some((n) => n.startsWith("releases/")))
        lines.push(`${pad}${c.dim(`after: ${needs.filter((n) => n.startsWith("releases/")).join(", ")}`)}`);
    }
  }
  if (plan.findings.length > 0) lines.push("", ...findingLines(plan.findings, options));
  if (live) {
    const todo = plan.steps.filter((s) => {
      const st = live.get(s.id)?.state;
      return st !== undefined && st !== "done" && st !== "always";
    }).length;
    lines.push(
      "",
      todo === 0
        ? c.green("Nothing to do: every step holds.")
        : `${todo} step${todo === 1 ? "" : "s"} to run.`,
    );
  }
  return `${lines.map((l) => l.trimEnd()).join("\n")}\n`;
}

/** The plan as JSON: steps with their phase, needs, hash and, with --live, state. */
export function formatPlanJson(result: PlanResult): string {
  return `${JSON.stringify(
    {
      cluster: result.plan.cluster,
      ...(result.server ? { server: result.server } : {}),
      steps: result.plan.steps.map((s) => ({
        id: s.id,
        phase: s.phase,
        kind: s.kind,
        title: s.title,
        why: s.why,
        ...(s.source ? { source: { file: s.source.file, line: s.source.line } } : {}),
        needs: s.needs,
        hash: s.hash,
        ...(s.kind === "release" && s.crdGate ? { crdGate: s.crdGate } : {}),
        ...(result.live?.get(s.id) ? { live: result.live.get(s.id) } : {}),
      })),
      findings: result.plan.findings.map((f) => ({
        ...f,
        location: f.location ? { file: f.location.file, line: f.location.line } : undefined,
      })),
    },
    null,
    2,
  )}\n`;
}

const STATUS_WORD: Record<LiveState, string> = { ...STATE_WORD, pending: "pending" };

export function formatStatusText(result: StatusResult, options: TextOptions): string {
  return `${statusLines(result, options)
    .map((l) => l.trimEnd())
    .join("\n")}\n`;
}

function statusLines(result: StatusResult, options: TextOptions): string[] {
  const c = colors(options);
  const lines: string[] = [];
  lines.push(
    c.bold(
      `Cluster ${result.loaded.plan.cluster} at ${result.server} (kube-system UID ${result.identity}${result.journalCluster ? "" : "; never bootstrapped by kubestrap"})`,
    ),
  );
  const width = Math.min(Math.max(...result.steps.map((s) => s.step.id.length)), 50);
  for (const phase of PHASES) {
    const steps = result.steps.filter((s) => s.step.phase === phase && s.step.kind !== "preflight");
    if (steps.length === 0) continue;
    lines.push("", c.bold(phase));
    for (const s of steps) {
      const state = s.step.kind === "handoff" ? handoffState(result) : s.inspection.state;
      const when = s.entry?.endedAt
        ? c.dim(` ${s.entry.endedAt.replace("T", " ").replace(/\.\d+Z$/, "Z")}, ${s.entry.seconds ?? 0} s`)
        : "";
      const detail = s.step.kind === "handoff" ? handoffDetail(result) : s.inspection.detail;
      lines.push(
        `  ${paint(state, STATUS_WORD[state].padEnd(11), options)} ${stepName(s.step).padEnd(width)}${when}`,
      );
      if (detail) lines.push(`  ${" ".repeat(12)}${c.dim(detail)}`);
    }
  }
  const counts = result.flux.counts
    .filter((k) => k.total > 0)
    .map((k) => `${k.ready}/${k.total} ${k.kind}s Ready`);
  if (counts.length > 0) lines.push("", `Flux: ${counts.join(", ")}`);
  else if (result.flux.counts.length > 0)
    lines.push("", "Flux: no Kustomization or HelmRelease in the cluster yet");
  for (const k of result.flux.counts)
    if (k.notReady.length > 0)
      lines.push(
        c.dim(`  not Ready: ${k.notReady.slice(0, 8).join(", ")}${k.notReady.length > 8 ? ", ..." : ""}`),
      );
  return lines;
}

function handoffState(result: StatusResult): LiveState {
  if (result.flux.instances.length === 0) return "pending";
  return result.flux.instances.every((i) => i.status === "Current") ? "done" : "drifted";
}

function handoffDetail(result: StatusResult): string {
  if (result.flux.instances.length === 0) return "no Flux instance yet";
  return result.flux.instances
    .map(
      (i) =>
        `${i.ref.kind} ${i.ref.namespace ? `${i.ref.namespace}/` : ""}${i.ref.name}: ${i.status === "Current" ? "Ready" : i.message}`,
    )
    .join("; ");
}

export function formatStatusJson(result: StatusResult): string {
  return `${JSON.stringify(
    {
      cluster: result.loaded.plan.cluster,
      server: result.server,
      identity: result.identity,
      journalCluster: result.journalCluster ?? null,
      steps: result.steps.map((s) => ({
        id: s.step.id,
        phase: s.step.phase,
        state: s.step.kind === "handoff" ? handoffState(result) : s.inspection.state,
        detail: s.step.kind === "handoff" ? handoffDetail(result) : s.inspection.detail,
        ...(s.entry ? { lastRun: s.entry } : {}),
      })),
      flux: result.flux,
    },
    null,
    2,
  )}\n`;
}
