import { describe, expect, test } from "vitest";
import type { TimedStep } from "../../src/execute/events.ts";
import {
  predictRun,
  readinessTable,
  stepWorkloads,
  type Workload,
  workloadDelay,
  workloadOf,
} from "../../src/execute/prediction.ts";

const workload = (over: Partial<Workload> = {}): Workload => ({
  kind: "Deployment",
  namespace: "demo",
  name: "web",
  replicas: 1,
  ordered: false,
  rehearsedSeconds: 0,
  ...over,
});

const step = (id: string, start: number, end: number, outcome: TimedStep["outcome"] = "done"): TimedStep => ({
  id,
  outcome,
  start,
  end,
  detail: "",
});

describe("readiness delays", () => {
  test("defaults by kind, overridden by kind or by one workload in kubestrap.yaml", () => {
    const table = readinessTable({ StatefulSet: "1m", "Deployment/demo/slow": "2m30s" });
    expect(table.get("Deployment")).toBe(30);
    expect(table.get("Job")).toBe(60);
    expect(table.get("StatefulSet")).toBe(60);
    expect(workloadDelay(workload(), table)).toBe(30);
    expect(workloadDelay(workload({ name: "slow" }), table)).toBe(150);
  });

  test("an ordered StatefulSet starts its Pods one after the other; a parallel one and a Deployment at once", () => {
    const table = readinessTable({});
    expect(workloadDelay(workload({ kind: "StatefulSet", replicas: 3, ordered: true }), table)).toBe(90);
    expect(workloadDelay(workload({ kind: "StatefulSet", replicas: 3, ordered: false }), table)).toBe(30);
    expect(workloadDelay(workload({ replicas: 5 }), table)).toBe(30);
  });

  test("what the rehearsal already waited for is not counted twice; no replicas or an unknown kind add nothing", () => {
    const table = readinessTable({});
    expect(workloadDelay(workload({ rehearsedSeconds: 3 }), table)).toBe(27);
    expect(workloadDelay(workload({ rehearsedSeconds: 45 }), table)).toBe(0);
    expect(workloadDelay(workload({ replicas: 0 }), table)).toBe(0);
    expect(workloadDelay(workload({ kind: "CronJob" }), table)).toBe(0);
  });
});

describe("workloads of live objects", () => {
  test("replicas, pod management, the stand-ins' delay and the helm release that installed it", () => {
    const sts = workloadOf(
      {
        metadata: {
          name: "db",
          namespace: "data",
          annotations: { "meta.helm.sh/release-name": "pg", "meta.helm.sh/release-namespace": "data" },
        },
        spec: { replicas: 3, template: { metadata: { annotations: { "kubestrap.dev/ready-after": "2s" } } } },
      },
      "StatefulSet",
    );
    expect(sts).toEqual({
      kind: "StatefulSet",
      namespace: "data",
      name: "db",
      replicas: 3,
      ordered: true,
      rehearsedSeconds: 2,
      release: "data/pg",
    });
    const parallel = workloadOf(
      { metadata: { name: "db", namespace: "data" }, spec: { podManagementPolicy: "Parallel" } },
      "StatefulSet",
    );
    expect(parallel).toMatchObject({ replicas: 1, ordered: false, rehearsedSeconds: 0 });
    expect(parallel.release).toBeUndefined();
  });

  test("each goes to the release that installed it, else to the Kustomization that waits for it, else nowhere", () => {
    const byStep = stepWorkloads(
      [
        workload({ name: "a", release: "demo/a" }),
        workload({ name: "b" }),
        workload({ name: "c" }),
        workload({ name: "d", release: "other/d" }),
      ],
      new Map([["demo/a", "helmrelease/demo/a"]]),
      new Map([
        ["Deployment/demo/b", "ready/flux-system/b"],
        ["Deployment/demo/a", "ready/flux-system/a"],
      ]),
    );
    expect(Object.fromEntries([...byStep].map(([id, ws]) => [id, ws.map((w) => w.name)]))).toEqual({
      "helmrelease/demo/a": ["a"],
      "ready/flux-system/b": ["b"],
    });
  });
});

describe("predictRun", () => {
  // a → b → d and a → c → d; b is fast in the rehearsal but waits for a slow StatefulSet on a real cluster.
  const needs = new Map([
    ["b", ["a"]],
    ["c", ["a"]],
    ["d", ["b", "c"]],
  ]);
  const steps = [step("a", 0, 1), step("b", 1, 2), step("c", 1, 4), step("d", 4, 5)];

  test("the measured chain when no step waits for a workload", () => {
    const p = predictRun(steps, needs, new Map(), readinessTable({}));
    expect(p.seconds).toBe(5);
    expect(p.path.map((s) => s.id)).toEqual(["a", "c", "d"]);
  });

  test("each step gets its slowest workload's delay, and the chain that decides can change", () => {
    const p = predictRun(
      steps,
      needs,
      new Map([
        ["b", [workload({ kind: "StatefulSet", name: "db", replicas: 2, ordered: true }), workload()]],
        ["c", [workload({ name: "api" })]],
      ]),
      readinessTable({}),
    );
    expect(p.path).toEqual([
      { id: "a", measured: 1, delay: 0 },
      { id: "b", measured: 1, delay: 60, slowest: "StatefulSet demo/db" },
      { id: "d", measured: 1, delay: 0 },
    ]);
    // d ends at 4 + 1 here; b's 60 s push it: 65.
    expect(p.seconds).toBe(65);
  });

  test("never shorter than the rehearsal: a step that waited for a free slot keeps its place", () => {
    const late = [step("a", 0, 1), step("b", 3, 4)];
    const chain = new Map([["b", ["a"]]]);
    expect(predictRun(late, chain, new Map(), readinessTable({})).seconds).toBe(4);
    expect(predictRun(late, chain, new Map([["a", [workload()]]]), readinessTable({})).seconds).toBe(34);
  });

  test("a step that did not end done adds no delay (its workloads never came up)", () => {
    const p = predictRun(
      [step("a", 0, 1, "skipped")],
      new Map(),
      new Map([["a", [workload()]]]),
      readinessTable({}),
    );
    expect(p).toEqual({ seconds: 1, path: [{ id: "a", measured: 1, delay: 0 }] });
  });
});
