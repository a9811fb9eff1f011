import { describe, expect, it } from "vitest";
import type { RehearsalResult } from "../../src/app/rehearse.ts";
import { formatRehearsalJson, formatRehearsalText } from "../../src/report/rehearsal.ts";

const converged: RehearsalResult = {
  cluster: "home",
  outcome: "ok",
  timings: { controlPlane: 8, bootstrap: 12.5, convergence: 4.5 },
  objects: [
    {
      kind: "HelmRelease",
      id: "data/pg",
      verdict: "converged",
      message: "revision 1",
      readyAt: 3.2,
      location: { file: "kubernetes/apps/data/pg/helmrelease.yaml", line: 1 },
    },
  ],
  notRehearsed: [],
  prediction: {
    seconds: 141.5,
    measured: 17,
    bootstrap: {
      seconds: 42.5,
      path: [
        {
          id: "releases/kube-system/cilium",
          measured: 12.5,
          delay: 30,
          slowest: "DaemonSet kube-system/cilium",
        },
      ],
    },
    convergence: {
      seconds: 99,
      path: [
        { id: "apply/flux-system/pg", measured: 0.5, delay: 0 },
        { id: "helmrelease/data/pg", measured: 3.5, delay: 95, slowest: "StatefulSet data/pg" },
      ],
    },
    readiness: { Deployment: 30, StatefulSet: 30, DaemonSet: 30, Job: 60 },
  },
};

describe("the rehearsal's text report", () => {
  const text = formatRehearsalText(converged);

  it("gives the predicted time-to-ready, what it rests on, and each step workloads slow down", () => {
    expect(text).toContain(
      "predicted time-to-ready on a real cluster: 2 min 22 s (17 s here, with readiness delays Deployment 30 s, StatefulSet 30 s per Pod, DaemonSet 30 s, Job 1 min; set them in kubestrap.yaml rehearse.readiness)",
    );
    expect(text).toContain("  releases/kube-system/cilium: +30 s for DaemonSet kube-system/cilium\n");
    expect(text).toContain("  helmrelease/data/pg: +1 min 35 s for StatefulSet data/pg\n");
    expect(text).not.toContain("apply/flux-system/pg: +");
  });

  it("says the prediction leaves out what was not rehearsed", () => {
    const partial = formatRehearsalText({
      ...converged,
      notRehearsed: [{ kind: "HelmRelease", id: "a/b", reason: "its chart cannot be fetched" }],
    });
    expect(partial).toContain(
      "predicted time-to-ready on a real cluster of what was rehearsed (1 not): 2 min 22 s",
    );
  });

  it("says nothing of a prediction when the repository did not converge", () => {
    const { prediction: _, ...failed } = converged;
    expect(formatRehearsalText({ ...failed, outcome: "failed" })).not.toContain("predicted");
  });

  it("carries the prediction in JSON", () => {
    expect(JSON.parse(formatRehearsalJson(converged)).prediction).toEqual(converged.prediction);
  });
});
