/**
 * Golden files of `kubestrap plan` and `kubestrap status` as text and JSON, on the plan of examples/homelab: offline,
 * and with live states and journal entries of every kind. The states are given, not read from a cluster: the
 * integration tests check that a cluster yields them; these check how each one is printed.
 */
import { describe, expect, it } from "vitest";
import { loadPlan } from "../../src/app/plan.ts";
import type { StatusResult } from "../../src/app/status.ts";
import type { Finding } from "../../src/findings.ts";
import type { Inspection, LiveState } from "../../src/plan/live.ts";
import { formatPlanJson, formatPlanText, formatStatusJson, formatStatusText } from "../../src/report/plan.ts";

const homelab = new URL("../../examples/homelab", import.meta.url).pathname;
const STATES: LiveState[] = ["done", "changed", "drifted", "pending", "failed", "interrupted", "always"];
const SERVER = "https://127.0.0.1:6443";
const FLUX_INSTANCE = {
  apiVersion: "fluxcd.controlplane.io/v1",
  kind: "FluxInstance",
  namespace: "flux-system",
  name: "flux",
};

function loaded() {
  return loadPlan({ repo: homelab });
}

/** Every step gets the next state in turn, with a detail on all but the first of each round. */
function inspections(ids: string[]): Map<string, Inspection> {
  return new Map(
    ids.map((id, i) => {
      const state = STATES[i % STATES.length] as LiveState;
      return [id, { state, detail: i % STATES.length === 0 ? "" : `${state} because of step ${i}` }];
    }),
  );
}

const finding: Finding = {
  ruleId: "plan-invalid",
  severity: "warning",
  message: "a warning the plan carries",
  location: { file: "kubestrap.yaml", line: 3 },
};

describe("plan output", () => {
  it("offline, as text and JSON", async () => {
    const result = loaded();
    await expect(formatPlanText(result, { color: false })).toMatchFileSnapshot("./golden/homelab.plan.txt");
    await expect(formatPlanJson(result)).toMatchFileSnapshot("./golden/homelab.plan.json");
  });

  it("with a live state for every step, a finding, and colour", async () => {
    const base = loaded();
    const result = {
      ...base,
      plan: {
        ...base.plan,
        findings: [finding, { ...finding, severity: "error" as const, location: undefined }],
      },
      live: inspections(base.plan.steps.map((s) => s.id)),
      server: SERVER,
    };
    await expect(formatPlanText(result, { color: false })).toMatchFileSnapshot(
      "./golden/homelab.plan-live.txt",
    );
    await expect(formatPlanText(result, { color: true })).toMatchFileSnapshot(
      "./golden/homelab.plan-live.ansi.txt",
    );
    await expect(formatPlanJson(result)).toMatchFileSnapshot("./golden/homelab.plan-live.json");
  });

  it("says there is nothing to do when every step holds, and counts the steps left otherwise", () => {
    const base = loaded();
    const ids = base.plan.steps.map((s) => s.id);
    const all = (state: LiveState) => new Map(ids.map((id) => [id, { state, detail: "" }]));
    const text = (live: Map<string, Inspection>) =>
      formatPlanText({ ...base, live, server: SERVER }, { color: false })
        .trimEnd()
        .split("\n")
        .at(-1);
    expect(text(all("done"))).toBe("Nothing to do: every step holds.");
    expect(text(all("always"))).toBe("Nothing to do: every step holds.");
    const one = all("done");
    one.set(ids[1] as string, { state: "pending", detail: "" });
    expect(text(one)).toBe("1 step to run.");
    expect(text(all("changed"))).toBe(`${ids.length} steps to run.`);
  });
});

describe("status output", () => {
  function status(overrides: Partial<StatusResult> = {}): StatusResult {
    const base = loaded();
    const live = inspections(base.plan.steps.map((s) => s.id));
    return {
      loaded: base,
      server: SERVER,
      identity: "0b5a3f9e-uid",
      journalCluster: "homelab",
      steps: base.plan.steps.map((step, i) => ({
        step,
        inspection: live.get(step.id) as Inspection,
        ...(i % 2 === 0
          ? {
              entry: {
                id: step.id,
                hash: step.hash,
                state: "done" as const,
                startedAt: "2026-11-30T10:00:00.000Z",
                endedAt: "2026-11-30T10:00:04.250Z",
                seconds: 4.3,
                run: "run-1",
              },
            }
          : {}),
      })),
      flux: {
        instances: [
          {
            ref: FLUX_INSTANCE,
            status: "InProgress",
            message: "Reconciliation in progress",
          },
          {
            ref: { apiVersion: "v1", kind: "Namespace", name: "flux-system" },
            status: "Current",
            message: "",
          },
        ],
        counts: [
          {
            kind: "Kustomization",
            ready: 2,
            total: 12,
            notReady: Array.from({ length: 10 }, (_, i) => `flux-system/app-${i}`),
          },
          { kind: "HelmRelease", ready: 3, total: 3, notReady: [] },
          { kind: "OCIRepository", ready: 0, total: 0, notReady: [] },
        ],
      },
      ...overrides,
    };
  }

  it("with journal entries, a Flux instance not yet Ready and Kustomizations waiting, as text and JSON", async () => {
    await expect(formatStatusText(status(), { color: false })).toMatchFileSnapshot(
      "./golden/homelab.status.txt",
    );
    await expect(formatStatusText(status(), { color: true })).toMatchFileSnapshot(
      "./golden/homelab.status.ansi.txt",
    );
    await expect(formatStatusJson(status())).toMatchFileSnapshot("./golden/homelab.status.json");
  });

  it("before the first bootstrap and before Flux has anything", async () => {
    const fresh = status({
      journalCluster: undefined,
      flux: { instances: [], counts: [{ kind: "Kustomization", ready: 0, total: 0, notReady: [] }] },
    });
    await expect(formatStatusText(fresh, { color: false })).toMatchFileSnapshot(
      "./golden/homelab.status-fresh.txt",
    );
    await expect(formatStatusJson(fresh)).toMatchFileSnapshot("./golden/homelab.status-fresh.json");
  });

  it("with every Flux instance Ready, the handoff is done", () => {
    const ready = status({
      flux: {
        instances: [
          {
            ref: FLUX_INSTANCE,
            status: "Current",
            message: "",
          },
        ],
        counts: [],
      },
    });
    expect(formatStatusText(ready, { color: false })).toMatch(
      /^handoff\n {2}done {8}flux\b.*\n {14}FluxInstance flux-system\/flux: Ready$/m,
    );
    expect(
      JSON.parse(formatStatusJson(ready)).steps.find((s: { phase: string }) => s.phase === "handoff"),
    ).toMatchObject({ state: "done", detail: "FluxInstance flux-system/flux: Ready" });
  });
});
