import { describe, expect, it } from "vitest";
import type { RehearsalResult } from "../../src/app/rehearse.ts";
import { formatRehearsalSarif } from "../../src/report/rehearsal.ts";

const result: RehearsalResult = {
  cluster: "home",
  outcome: "failed",
  timings: { controlPlane: 8, bootstrap: 10, convergence: 5 },
  objects: [
    {
      kind: "Kustomization",
      id: "flux-system/app",
      verdict: "converged",
      message: "3 objects ready",
      readyAt: 2.5,
      location: { file: "kubernetes/apps/app/ks.yaml", line: 3 },
    },
    {
      kind: "Kustomization",
      id: "flux-system/db",
      verdict: "failed",
      message: "Cluster db/main: the cluster serves no Cluster in postgresql.cnpg.io/v1",
      location: { file: "kubernetes/apps/db/app/cluster.yaml", line: 2 },
      predicted: ["crd-deadlock"],
    },
    {
      kind: "HelmRelease",
      id: "db/cnpg",
      verdict: "blocked",
      message: "not run: apply/flux-system/db failed",
      location: { file: "kubernetes/apps/db/app/helmrelease.yaml", line: 2 },
    },
  ],
  notRehearsed: [
    {
      kind: "bootstrap release",
      id: "kube-system/cilium",
      reason: "its chart cannot be fetched: offline",
      location: { file: "bootstrap/helmfile.d/01-apps.yaml", line: 4 },
    },
    { kind: "handoff", id: "handoff/flux", reason: "bootstrap releases were not rehearsed" },
  ],
};

describe("SARIF of a rehearsal", () => {
  // biome-ignore lint/suspicious/noExplicitAny: SARIF is read as parsed JSON.
  const run: any = JSON.parse(formatRehearsalSarif(result, "0.0.0-test")).runs[0];

  it("has an error per failure, with the file and line at fault and what lint predicted", () => {
    const errors = run.results.filter((r: { level: string }) => r.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      ruleId: "rehearsal-failed",
      message: {
        text: "Kustomization flux-system/db: Cluster db/main: the cluster serves no Cluster in postgresql.cnpg.io/v1 (lint: crd-deadlock)",
      },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "kubernetes/apps/db/app/cluster.yaml", uriBaseId: "REPOROOT" },
            region: { startLine: 2 },
          },
        },
      ],
      properties: { cluster: "home", verdict: "failed", lint: ["crd-deadlock"] },
    });
  });

  it("has a note per thing not rehearsed, located when it has a place; converged and blocked give nothing", () => {
    const notes = run.results.filter((r: { level: string }) => r.level === "note");
    expect(notes.map((n: { message: { text: string } }) => n.message.text)).toEqual([
      "bootstrap release kube-system/cilium: its chart cannot be fetched: offline",
      "handoff handoff/flux: bootstrap releases were not rehearsed",
    ]);
    expect(notes[0].locations[0].physicalLocation.region.startLine).toBe(4);
    expect(notes[1].locations).toEqual([]);
    expect(run.results).toHaveLength(3);
  });

  it("names its tool and both rules", () => {
    expect(run.tool.driver.name).toBe("kubestrap rehearse");
    expect(run.tool.driver.version).toBe("0.0.0-test");
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual([
      "rehearsal-failed",
      "rehearsal-not-rehearsed",
    ]);
  });
});
