/**
 * The live task list of `kubestrap up`, drawn by listr2; outside a terminal listr2 falls back to one line per
 * change, which is what this test reads. One task per phase, one per step titled by its name within the phase,
 * waiting for its needs until it starts, then each outcome as the list shows it.
 */
import { expect, it, vi } from "vitest";
import type { RunEvent } from "../../src/execute/events.ts";
import { TaskList } from "../../src/report/tasks.ts";

const T = "2026-11-30T10:00:00.000Z";

it("shows every phase and step, what each waits for, and how each ended", async () => {
  const out: string[] = [];
  const capture = (text: unknown) => {
    out.push(String(text));
    return true;
  };
  // listr2 colours its icons through node's styleText, which follows FORCE_COLOR; the test reads plain lines.
  vi.stubEnv("FORCE_COLOR", "0");
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation(capture);
  try {
    const list = new TaskList({ color: false });
    const events: RunEvent[] = [
      {
        type: "run-start",
        cluster: "homelab",
        time: T,
        steps: [
          { id: "preflight/api-ready", phase: "preflight", title: "the API answers", needs: [] },
          { id: "crds/crds", phase: "crds", title: "CRDs of 2 charts", needs: ["preflight/api-ready"] },
          {
            id: "releases/kube-system/cilium",
            phase: "releases",
            title: "cilium",
            needs: ["crds/crds", "x"],
          },
          { id: "releases/kube-system/coredns", phase: "releases", title: "coredns", needs: [] },
          { id: "handoff/flux", phase: "handoff", title: "Flux takes over", needs: [] },
        ],
      },
      { type: "step-start", id: "preflight/api-ready", time: T },
      { type: "step-progress", id: "preflight/api-ready", message: "waiting for /readyz", time: T },
      { type: "step-log", id: "preflight/api-ready", line: "ok", time: T },
      {
        type: "step-end",
        id: "preflight/api-ready",
        outcome: "done",
        detail: "ready",
        seconds: 1.23,
        time: T,
      },
      {
        type: "step-end",
        id: "crds/crds",
        outcome: "skipped",
        detail: "9 CRDs Established",
        seconds: 0,
        time: T,
      },
      { type: "step-start", id: "releases/kube-system/cilium", time: T },
      {
        type: "step-end",
        id: "releases/kube-system/cilium",
        outcome: "failed",
        detail: "timed out",
        seconds: 2,
        time: T,
      },
      {
        type: "step-end",
        id: "releases/kube-system/coredns",
        outcome: "blocked",
        detail: "needs cilium",
        seconds: 0,
        time: T,
      },
      {
        type: "step-end",
        id: "handoff/flux",
        outcome: "not-started",
        detail: "not run",
        seconds: 0,
        time: T,
      },
      { type: "run-end", outcome: "failed", seconds: 3, steps: [], criticalPath: [], time: T },
    ];
    for (const e of events) list.handle(e);
    await list.finish();
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    vi.unstubAllEnvs();
  }
  const lines = out.join("").split("\n").filter(Boolean);
  expect(lines.slice(0, 4)).toEqual(["❯ preflight", "❯ crds", "❯ releases", "❯ handoff"]);
  expect(lines).toEqual(
    expect.arrayContaining([
      "❯ api-ready waiting for 0 steps",
      "❯ crds waiting for 1 step",
      "❯ kube-system/cilium waiting for 2 steps",
      "✔ api-ready ready (1.2 s)",
      "↓ crds CRDs of 2 charts [SKIPPED: crds already done: 9 CRDs Established]",
      "✖ kube-system/cilium cilium [FAILED: kube-system/cilium: timed out]",
      "↓ kube-system/coredns coredns [SKIPPED: kube-system/coredns needs cilium]",
      "↓ flux Flux takes over [SKIPPED: flux not run]",
      "✔ handoff",
    ]),
  );
});
