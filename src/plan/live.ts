/**
 * A plan against the live cluster: for each step, whether what it would write is already there. `plan --live`
 * and `status` print this; `up` asks it before each step and skips the step when it is done, which is why a
 * second `up` on a healthy cluster writes nothing.
 *
 * A step is done when the journal has it done with the same input hash and what it applied is still there and
 * healthy. A release is also done without a journal entry when helm's record shows the same chart version and
 * values (installed before, by helmfile say). A release that Flux has upgraded since stays done: the bootstrap
 * never downgrades what Flux owns.
 */
import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { stableJson } from "../charts/cache.ts";
import type { Discovery, ObjectRef } from "../cluster/discovery.ts";
import { isPending, latestRelease, manifestObjects, releaseRecords } from "../cluster/helm-storage.ts";
import type { JournalData, JournalEntry } from "../cluster/journal.ts";
import type { KubeClient } from "../cluster/kube.ts";
import type { KubeObject } from "../cluster/status.ts";
import { type ObjectState, observe } from "../cluster/wait.ts";
import type { CommandSpec } from "../model/config.ts";
import type { ChartLocation } from "../model/releases.ts";
import type { PlanStep } from "./plan.ts";

export type LiveState = "done" | "changed" | "drifted" | "pending" | "failed" | "interrupted" | "always";

export interface Inspection {
  state: LiveState;
  detail: string;
  /** For a release that is deployed: its revision. */
  revision?: number;
}

export interface LiveSession {
  client: KubeClient;
  discovery: Discovery;
  journal: JournalData;
  repoDir: string;
  /** Runs a `skipIf` command; true when it exits 0. Absent: skipIf is not evaluated (plan without side effects). */
  probe?: (command: CommandSpec, cwd: string) => Promise<boolean>;
}

/** What a step would do, seen from before the cluster exists (only `before` steps can be judged). */
export async function inspectOffline(
  step: PlanStep,
  repoDir: string,
  journal?: JournalData,
): Promise<Inspection> {
  if (step.kind === "command") return inspectCommand(step, repoDir, journal, undefined);
  return { state: step.kind === "preflight" || step.kind === "handoff" ? "always" : "pending", detail: "" };
}

export async function inspectStep(step: PlanStep, session: LiveSession): Promise<Inspection> {
  const entry = session.journal.steps.get(step.id);
  switch (step.kind) {
    case "preflight":
    case "handoff":
      return { state: "always", detail: "checked on every run" };
    case "command":
      return inspectCommand(step, session.repoDir, session.journal, session.probe);
    case "release":
      return inspectRelease(step, entry, session);
    case "namespaces":
      return inspectApplied(
        step,
        entry,
        session,
        step.namespaces.map((n) => ({ apiVersion: "v1", kind: "Namespace", name: n.name })),
      );
    case "crds":
    case "resources":
      return inspectApplied(step, entry, session, entry?.objects ?? []);
  }
}

/** The journal's verdict alone: undefined when it has nothing to say for this hash. */
function fromJournal(step: PlanStep, entry: JournalEntry | undefined): Inspection | undefined {
  if (!entry) return undefined;
  if (entry.state === "running" || entry.state === "interrupted")
    return {
      state: "interrupted",
      detail: `a run stopped during this step (${entry.startedAt}): it runs again`,
    };
  if (entry.hash !== step.hash)
    return {
      state: "changed",
      detail: `its inputs changed since it ran (${entry.endedAt ?? entry.startedAt})`,
    };
  if (entry.state === "failed") return { state: "failed", detail: `failed last time: ${entry.detail ?? ""}` };
  return undefined;
}

async function inspectCommand(
  step: Extract<PlanStep, { kind: "command" }>,
  repoDir: string,
  journal: JournalData | undefined,
  probe: LiveSession["probe"],
): Promise<Inspection> {
  const entry = journal?.steps.get(step.id);
  if (entry?.state === "done" && entry.hash === step.hash)
    return { state: "done", detail: entry.detail ?? "done" };
  const cwd = join(repoDir, step.command.dir ?? "");
  if (step.command.creates) {
    const target = isAbsolute(step.command.creates) ? step.command.creates : join(cwd, step.command.creates);
    if (existsSync(target)) return { state: "done", detail: `${step.command.creates} exists` };
  }
  if (step.command.skipIf && probe && (await probe(step.command.skipIf, cwd)))
    return { state: "done", detail: `${step.command.skipIf.command} says it is done` };
  return fromJournal(step, entry) ?? { state: "pending", detail: "" };
}

async function inspectApplied(
  step: PlanStep,
  entry: JournalEntry | undefined,
  session: LiveSession,
  refs: ObjectRef[],
): Promise<Inspection> {
  const verdict = fromJournal(step, entry);
  if (verdict) return verdict;
  if (!entry) {
    if (step.kind !== "namespaces") return { state: "pending", detail: "" };
    // Namespaces the cluster already has are done once their labels and annotations are as wanted.
    const states = await observeAll(session, refs);
    const missing = states.filter((s) => s.status === "NotFound").length;
    if (missing > 0) return { state: "pending", detail: `${missing} of ${refs.length} to create` };
    return (await namespacesMatch(step, session))
      ? { state: "done", detail: `${refs.length} namespaces exist as wanted` }
      : { state: "changed", detail: "labels or annotations to set" };
  }
  const states = await observeAll(session, refs);
  const bad = states.filter((s) => s.status !== "Current");
  if (bad.length > 0) return { state: "drifted", detail: describeStates(bad) };
  return { state: "done", detail: entry.detail ?? `${refs.length} objects in place` };
}

async function namespacesMatch(step: PlanStep, session: LiveSession): Promise<boolean> {
  if (step.kind !== "namespaces") return true;
  for (const need of step.namespaces) {
    const live = await session.client.get<KubeObject>(`/api/v1/namespaces/${need.name}`);
    const want = (need.object.metadata ?? {}) as {
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    };
    const have = live?.metadata ?? {};
    for (const field of ["labels", "annotations"] as const) {
      const wanted = want[field] ?? {};
      const present = (have[field] ?? {}) as Record<string, string>;
      if (Object.entries(wanted).some(([k, v]) => present[k] !== v)) return false;
    }
  }
  return true;
}

async function inspectRelease(
  step: Extract<PlanStep, { kind: "release" }>,
  entry: JournalEntry | undefined,
  session: LiveSession,
): Promise<Inspection> {
  const { namespace, name } = step.release;
  const records = await releaseRecords(session.client, namespace, name);
  const latest = records[0];
  if (!latest)
    return entry?.state === "done"
      ? { state: "drifted", detail: "the helm release is gone" }
      : { state: "pending", detail: "" };
  if (isPending(latest.status))
    return {
      state: "interrupted",
      detail: `helm left revision ${latest.revision} ${latest.status}: it is recovered, then installed`,
    };
  const verdict = fromJournal(step, entry);
  if (latest.status === "failed")
    return {
      state: "failed",
      detail: `helm revision ${latest.revision} failed${verdict ? `; ${verdict.detail}` : ""}`,
    };
  if (latest.status !== "deployed") return { state: "pending", detail: `helm status ${latest.status}` };
  const detail = await latestRelease(session.client, namespace, name);
  if (!detail) return { state: "pending", detail: "" };
  const handedOff =
    entry?.revision !== undefined && detail.revision > entry.revision
      ? `, upgraded since by another owner (Flux) to revision ${detail.revision}`
      : "";
  const recorded = entry?.state === "done" && entry.hash === step.hash;
  if (!recorded) {
    // Inputs changed since kubestrap installed it: it runs again, even if helm's record looks the same (the
    // hooks or helm flags may be what changed).
    if (entry && entry.hash !== step.hash && verdict) return { ...verdict, revision: detail.revision };
    // Never recorded as done (installed by another tool, or a run died after helm finished): the release is
    // done when helm deployed this chart with these values, and nothing else had to happen after helm (hooks).
    const same =
      sameVersion(step.release.chart, detail.chartVersion) &&
      stableJson(detail.config) === stableJson(step.release.values);
    if (!same || step.release.hooks.length > 0)
      return verdict
        ? { ...verdict, revision: detail.revision }
        : {
            state: "changed",
            detail: `deployed revision ${detail.revision} (chart ${detail.chartName} ${detail.chartVersion}) differs in chart or values`,
            revision: detail.revision,
          };
  }
  const states = await observeAll(session, manifestObjects(detail.manifest, namespace));
  const bad = states.filter((s) => s.status !== "Current");
  if (bad.length > 0)
    // Not ready after a run that failed or stopped on it: that run's outcome, not a drift.
    return !recorded && verdict
      ? { ...verdict, detail: `${verdict.detail}; ${describeStates(bad)}`, revision: detail.revision }
      : { state: "drifted", detail: describeStates(bad), revision: detail.revision };
  return {
    state: "done",
    detail: `revision ${detail.revision} deployed, ${states.length} object${states.length === 1 ? "" : "s"} ready${handedOff}${recorded ? "" : " (deployed with the same chart and values)"}`,
    revision: detail.revision,
  };
}

function sameVersion(chart: ChartLocation, deployed: string): boolean {
  const want =
    chart.type === "oci" ? (chart.tag ?? chart.semver) : chart.type === "repo" ? chart.version : undefined;
  if (!want) return true;
  return want.replace(/^v/, "") === deployed.replace(/^v/, "");
}

async function observeAll(session: LiveSession, refs: ObjectRef[]): Promise<ObjectState[]> {
  const out: ObjectState[] = [];
  for (let i = 0; i < refs.length; i += 16)
    out.push(...(await observe(session.client, session.discovery, refs.slice(i, i + 16))));
  return out;
}

export function describeStates(states: ObjectState[], max = 3): string {
  const shown = states
    .slice(0, max)
    .map(
      (s) =>
        `${s.ref.kind} ${s.ref.namespace ? `${s.ref.namespace}/` : ""}${s.ref.name} ${s.status === "NotFound" ? "missing" : `${s.status}: ${s.message}`}`,
    );
  return `${shown.join("; ")}${states.length > max ? `; and ${states.length - max} more` : ""}`;
}
