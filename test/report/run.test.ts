/**
 * The renderings of a run's events: the plain CI log (timestamps, progress at most every 5 s), the JSON lines, and
 * the closing summary (counts, failures, critical path, step times), on a run written out event by event.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { RunEvent, StepInfo, TimedStep } from "../../src/execute/events.ts";
import { formatRunSummary, jsonLines, plainLines } from "../../src/report/run.ts";

const T = "2026-11-30T10:00:00.000Z";
const STEPS: StepInfo[] = [
  { id: "preflight/api-ready", phase: "preflight", title: "the API server answers /readyz", needs: [] },
  { id: "crds/crds", phase: "crds", title: "CRDs of 2 charts", needs: ["preflight/api-ready"] },
  {
    id: "releases/kube-system/cilium",
    phase: "releases",
    title: "helm upgrade --install cilium",
    needs: ["crds/crds"],
  },
  {
    id: "releases/kube-system/coredns",
    phase: "releases",
    title: "helm upgrade --install coredns",
    needs: [],
  },
  { id: "releases/flux-system/flux-operator", phase: "releases", title: "flux-operator", needs: [] },
  { id: "handoff/flux", phase: "handoff", title: "Flux takes over", needs: [] },
];

function timed(
  id: string,
  outcome: TimedStep["outcome"],
  start: number,
  end: number,
  detail = "",
): TimedStep {
  return { id, outcome, start, end, detail };
}

function runEnd(outcome: "ok" | "failed" | "interrupted", steps: TimedStep[], criticalPath: string[]) {
  return { type: "run-end" as const, outcome, seconds: 20, steps, criticalPath, time: T };
}

describe("the plain CI log", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date(T));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("stamps every line with the seconds since the start, and shows progress at most every 5 s", () => {
    const out: string[] = [];
    const log = plainLines((text) => out.push(text));
    const at = (seconds: number, event: RunEvent) => {
      vi.setSystemTime(new Date(Date.parse(T) + seconds * 1000));
      log(event);
    };
    at(0, { type: "run-start", cluster: "homelab", steps: STEPS, time: T });
    at(0.1, { type: "step-start", id: "crds/crds", time: T });
    at(1, { type: "step-progress", id: "crds/crds", message: "3 of 9 CRDs Established", time: T });
    at(2, { type: "step-progress", id: "crds/crds", message: "4 of 9 CRDs Established", time: T });
    at(6.5, { type: "step-progress", id: "crds/crds", message: "9 of 9 CRDs Established", time: T });
    at(7, { type: "step-log", id: "crds/crds", line: "applied 9 CRDs", time: T });
    const end = (id: string, outcome: TimedStep["outcome"], detail: string, seconds: number) =>
      at(8, { type: "step-end", id, outcome, detail, seconds, time: T });
    end("crds/crds", "done", "9 CRDs Established", 7.94);
    end("releases/kube-system/cilium", "failed", "timed out", 120.04);
    end("releases/kube-system/coredns", "skipped", "already deployed", 0);
    end("releases/flux-system/flux-operator", "blocked", "", 0);
    end("handoff/flux", "not-started", "interrupted before it started", 0);
    at(123.45, {
      type: "step-end",
      id: "preflight/api-ready",
      outcome: "interrupted",
      detail: "SIGINT",
      seconds: 1,
      time: T,
    });
    at(124, runEnd("interrupted", [], []));
    expect(out.join("")).toBe(
      [
        "kubestrap up: cluster homelab, 6 steps",
        "[   0.1s] start    crds/crds: CRDs of 2 charts",
        "[   1.0s] ...      crds/crds: 3 of 9 CRDs Established",
        "[   6.5s] ...      crds/crds: 9 of 9 CRDs Established",
        "[   7.0s] log      crds/crds: applied 9 CRDs",
        "[   8.0s] done     crds/crds: 9 CRDs Established (7.9 s)",
        "[   8.0s] FAILED   releases/kube-system/cilium: timed out (120.0 s)",
        "[   8.0s] skipped  releases/kube-system/coredns: already deployed",
        "[   8.0s] blocked  releases/flux-system/flux-operator",
        "[   8.0s] not run  handoff/flux: interrupted before it started",
        "[ 123.5s] INTERRUPTED preflight/api-ready: SIGINT",
        "",
      ].join("\n"),
    );
  });

  it("names a step that was not announced without a title", () => {
    const out: string[] = [];
    plainLines((text) => out.push(text))({ type: "step-start", id: "x/y", time: T });
    expect(out).toEqual(["[   0.0s] start    x/y: \n"]);
  });
});

describe("JSON lines", () => {
  it("prints each event as one line of JSON", () => {
    const out: string[] = [];
    const write = jsonLines((text) => out.push(text));
    const events: RunEvent[] = [
      { type: "step-start", id: "crds/crds", time: T },
      { type: "step-log", id: "crds/crds", line: 'a "quoted"\nline', time: T },
    ];
    for (const e of events) write(e);
    expect(out).toEqual(events.map((e) => `${JSON.stringify(e)}\n`));
    expect(out.every((l) => l.indexOf("\n") === l.length - 1)).toBe(true);
  });
});

describe("the run summary", () => {
  const done = [
    timed("preflight/api-ready", "done", 0, 0.4),
    timed("crds/crds", "done", 0.5, 6.5),
    timed("releases/kube-system/cilium", "done", 6.5, 15),
    timed("releases/kube-system/coredns", "skipped", 0, 0, "already deployed"),
    timed("handoff/flux", "done", 15.5, 19.5),
  ];
  const path = ["preflight/api-ready", "crds/crds", "releases/kube-system/cilium", "handoff/flux"];

  it("of a run that bootstrapped the cluster: counts, critical path, step times in plan order", () => {
    const text = formatRunSummary(runEnd("ok", [...done].reverse(), path), "homelab", STEPS, {
      color: false,
    });
    expect(text).toBe(
      [
        "✔ cluster homelab bootstrapped in 20.0 s (4 done, 1 skipped)",
        "critical path: 18.9 s of steps in 20.0 s (6% waiting between them)",
        "  preflight/api-ready 0.4 s → crds/crds 6.0 s → releases/kube-system/cilium 8.5 s",
        "  handoff/flux 4.0 s",
        "step times:",
        "  preflight/api-ready             0.4 s  0.0 → 0.4",
        "  crds/crds                       6.0 s  0.5 → 6.5",
        "  releases/kube-system/cilium     8.5 s  6.5 → 15.0",
        "  handoff/flux                    4.0 s  15.5 → 19.5",
        "",
      ].join("\n"),
    );
  });

  it("wraps the critical path to the terminal's width", () => {
    const text = formatRunSummary(runEnd("ok", done, path), "homelab", STEPS, { color: false, width: 50 });
    expect(text.split("\n").slice(2, 6)).toEqual([
      "  preflight/api-ready 0.4 s → crds/crds 6.0 s",
      "  releases/kube-system/cilium 8.5 s",
      "  handoff/flux 4.0 s",
      "step times:",
    ]);
  });

  it("of a failed run: the failures with their detail, and the failed step's time marked", () => {
    const steps = [
      timed("preflight/api-ready", "done", 0, 0.4),
      timed("crds/crds", "failed", 0.5, 6.5, "CRD certificates.cert-manager.io not Established"),
      timed("releases/kube-system/cilium", "blocked", 0, 0, "needs crds/crds"),
      timed("handoff/flux", "not-started", 0, 0),
    ];
    const text = formatRunSummary(
      runEnd("failed", steps, ["preflight/api-ready", "crds/crds"]),
      "homelab",
      STEPS,
      {
        color: false,
      },
    );
    expect(text).toBe(
      [
        "✖ bootstrap of cluster homelab failed after 20.0 s (1 done, 1 failed, 1 blocked, 1 not run)",
        "  crds/crds: CRD certificates.cert-manager.io not Established",
        "critical path: 6.4 s of steps in 20.0 s (213% waiting between them)",
        "  preflight/api-ready 0.4 s → crds/crds 6.0 s",
        "step times:",
        "  preflight/api-ready     0.4 s  0.0 → 0.4",
        "  crds/crds               6.0 s  0.5 → 6.5  FAILED",
        "",
      ].join("\n"),
    );
  });

  it("of an interrupted run that did nothing: how to resume, no critical path, no times", () => {
    const steps = [
      timed("preflight/api-ready", "interrupted", 0, 0.2, "SIGINT"),
      timed("crds/crds", "not-started", 0, 0),
    ];
    const text = formatRunSummary(runEnd("interrupted", steps, ["preflight/api-ready"]), "homelab", STEPS, {
      color: true,
    });
    expect(text).toContain("interrupted after 20.0 s: run kubestrap up again to resume");
    expect(text).toContain("(1 interrupted, 1 not run)");
    expect(text).not.toContain("critical path");
    expect(text).toContain("  preflight/api-ready: SIGINT");
    expect(text).toMatch(/preflight\/api-ready {5}0\.2 s {2}.*0\.0 → 0\.2.* {2}INTERRUPTED\n$/);
    expect(text).toContain("\u001b[33m");
  });
});
