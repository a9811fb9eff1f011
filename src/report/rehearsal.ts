/**
 * The rehearsal's report: every Flux Kustomization and HelmRelease with whether it converged and when it was
 * Ready, or why not in the API server's (or helm's) own words with the file and line of the object at fault,
 * what could not be rehearsed, the critical path and where the time went.
 */
import pc from "picocolors";
import type { Prediction, RehearsalResult, Verdict } from "../app/rehearse.ts";
import { sarifLocation, sarifLog } from "./sarif.ts";

const MARK: Record<Verdict, string> = {
  converged: "ok",
  failed: "FAILED",
  blocked: "blocked",
  "not-rehearsed": "not rehearsed",
  interrupted: "INTERRUPTED",
};

export function formatRehearsalText(result: RehearsalResult, { color = false } = {}): string {
  const paint = (verdict: Verdict, text: string) =>
    !color
      ? text
      : verdict === "converged"
        ? pc.green(text)
        : verdict === "failed" || verdict === "interrupted"
          ? pc.red(text)
          : pc.yellow(text);
  const lines: string[] = [];
  const { controlPlane, bootstrap, convergence } = result.timings;
  const total = controlPlane + bootstrap + convergence;
  lines.push(
    `kubestrap rehearse: cluster ${result.cluster}, ${result.outcome === "ok" ? "converged" : result.outcome === "interrupted" ? "interrupted" : "did not converge"} in ${total.toFixed(1)} s (control plane ${controlPlane.toFixed(1)} s, bootstrap ${bootstrap.toFixed(1)} s, convergence ${convergence.toFixed(1)} s)`,
  );
  if (result.bootstrap?.run && result.bootstrap.run.outcome !== "ok") {
    lines.push("", "the bootstrap did not complete:");
    for (const s of result.bootstrap.run.steps)
      if (s.outcome === "failed" || s.outcome === "interrupted") lines.push(`  ${s.id}: ${s.detail}`);
  }
  const width = Math.max(0, ...result.objects.map((o) => `${o.kind} ${o.id}`.length));
  if (result.objects.length > 0) lines.push("");
  for (const o of result.objects) {
    const name = `${o.kind} ${o.id}`.padEnd(width);
    const mark = paint(o.verdict, MARK[o.verdict].padEnd(13));
    const what =
      o.verdict === "converged"
        ? `Ready at ${(o.readyAt ?? 0).toFixed(1)} s${o.message.startsWith("converged only") ? `; ${o.message}` : ""}`
        : `${o.location.file}:${o.location.line}: ${o.message}${predicted(o.predicted)}`;
    lines.push(`  ${mark} ${name}  ${what}`);
  }
  if (result.notRehearsed.length > 0) {
    lines.push("", "not rehearsed (never counted as converged):");
    for (const n of result.notRehearsed)
      lines.push(
        `  ${n.kind} ${n.id}${n.location ? ` (${n.location.file}:${n.location.line})` : ""}: ${n.reason}`,
      );
  }
  if (result.converge && result.converge.criticalPath.length > 0)
    lines.push("", `critical path: ${result.converge.criticalPath.join(" -> ")}`);
  if (result.prediction) lines.push("", ...predictionLines(result.prediction, result.notRehearsed.length));
  const count = (v: Verdict) => result.objects.filter((o) => o.verdict === v).length;
  lines.push(
    "",
    `${count("converged")} converged, ${count("failed")} failed, ${count("blocked")} blocked, ${result.notRehearsed.length} not rehearsed`,
    "pods do not run on the rehearsal's fake nodes: workloads are Ready as kwok makes them, and kubestrap does the Flux controllers' work",
  );
  if (result.kept) lines.push(`control plane kept running: --kubeconfig ${result.kept.kubeconfig}`);
  return `${lines.join("\n")}\n`;
}

/** The predicted time-to-ready, and the steps of its chain that workloads slow down. */
function predictionLines(p: Prediction, notRehearsed: number): string[] {
  const delays = Object.entries(p.readiness)
    .map(([key, seconds]) => `${key} ${duration(seconds)}${key === "StatefulSet" ? " per Pod" : ""}`)
    .join(", ");
  const slowed = [...p.bootstrap.path, ...p.convergence.path].filter((s) => s.delay > 0);
  return [
    `predicted time-to-ready on a real cluster${notRehearsed > 0 ? ` of what was rehearsed (${notRehearsed} not)` : ""}: ${duration(p.seconds)} (${duration(p.measured)} here, with readiness delays ${delays}; set them in kubestrap.yaml rehearse.readiness)`,
    ...slowed.map((s) => `  ${s.id}: +${duration(s.delay)} for ${s.slowest ?? "its workloads"}`),
  ];
}

/** `45 s`, `2 min 5 s`, `1 h 3 min`. */
function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${seconds < 10 && seconds % 1 !== 0 ? seconds.toFixed(1) : s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
  return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ""}`;
}

function predicted(rules: string[] | undefined): string {
  if (rules === undefined) return "";
  return rules.length > 0 ? ` (lint: ${rules.join(", ")})` : " (lint did not predict it)";
}

export function formatRehearsalJson(result: RehearsalResult): string {
  return `${JSON.stringify(
    {
      cluster: result.cluster,
      outcome: result.outcome,
      timings: result.timings,
      objects: result.objects,
      notRehearsed: result.notRehearsed,
      criticalPath: result.converge?.criticalPath ?? [],
      ...(result.prediction ? { prediction: result.prediction } : {}),
      bootstrap: result.bootstrap?.run
        ? {
            outcome: result.bootstrap.run.outcome,
            steps: result.bootstrap.run.steps.map((s) => ({
              id: s.id,
              outcome: s.outcome,
              detail: s.detail,
            })),
          }
        : undefined,
      ...(result.planErrors ? { planErrors: result.planErrors } : {}),
      ...(result.kept ? { kubeconfig: result.kept.kubeconfig } : {}),
    },
    null,
    2,
  )}\n`;
}

/** The rule each rehearsal result is reported under, for SARIF consumers (GitHub code scanning). */
const REHEARSAL_RULES = [
  {
    id: "rehearsal-failed",
    text: "Did not converge on the rehearsal's API server (its own words)",
    level: "error",
  },
  {
    id: "rehearsal-not-rehearsed",
    text: "Could not be rehearsed offline (a chart, a secret, another repository); never counted as converged",
    level: "note",
  },
] as const;
const [FAILED, NOT_REHEARSED] = REHEARSAL_RULES;

/**
 * SARIF 2.1.0: one result per object that failed (error, with the API server's words and the file and line of
 * the object at fault, and the lint rules that predicted it) and per thing not rehearsed (note).
 */
export function formatRehearsalSarif(result: RehearsalResult, version: string): string {
  const failed = result.objects
    .filter((o) => o.verdict === "failed" || o.verdict === "interrupted")
    .map((o) => ({
      ruleId: FAILED.id,
      level: FAILED.level,
      message: { text: `${o.kind} ${o.id}: ${o.message}${predicted(o.predicted)}` },
      locations: [sarifLocation(o.location)],
      properties: {
        cluster: result.cluster,
        verdict: o.verdict,
        ...(o.predicted ? { lint: o.predicted } : {}),
      },
    }));
  const skipped = result.notRehearsed.map((n) => ({
    ruleId: NOT_REHEARSED.id,
    level: NOT_REHEARSED.level,
    message: { text: `${n.kind} ${n.id}: ${n.reason}` },
    locations: n.location ? [sarifLocation(n.location)] : [],
    properties: { cluster: result.cluster },
  }));
  return sarifLog(
    {
      name: "kubestrap rehearse",
      version,
      informationUri: "https://github.com/kubestrap/kubestrap/blob/main/docs/rehearse.md",
      rules: REHEARSAL_RULES.map((r) => ({
        id: r.id,
        shortDescription: { text: r.text },
        defaultConfiguration: { level: r.level },
      })),
    },
    [...failed, ...skipped],
  );
}
