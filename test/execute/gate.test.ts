import { describe, expect, test } from "vitest";
import { CrdGate } from "../../src/execute/gate.ts";
import { runGraph } from "../../src/execute/runner.ts";
import { gateVerdict } from "../../src/execute/steps/crds.ts";
import type { ChartRelease } from "../../src/model/releases.ts";

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("the CRD gate", () => {
  test("a release that needs no CRD starts once the charts are rendered, before they are applied", async () => {
    const gate = new CrdGate(true);
    const messages: string[] = [];
    let cniStarted = false;
    let certManagerStarted = false;
    const cni = gate
      .wait("kube-system/cilium", (m) => messages.push(m))
      .then(() => {
        cniStarted = true;
      });
    const certManager = gate
      .wait("cert-manager/cert-manager", (m) => messages.push(m))
      .then(() => {
        certManagerStarted = true;
      });
    await tick();
    expect([cniStarted, certManagerStarted]).toEqual([false, false]);
    gate.decide("kube-system/cilium", { wait: false, why: "" });
    gate.decide("cert-manager/cert-manager", { wait: true, why: "its chart ships 6 CRDs" });
    await cni;
    await tick();
    expect([cniStarted, certManagerStarted]).toEqual([true, false]);
    expect(messages).toEqual(["waiting for the CRD phase: its chart ships 6 CRDs"]);
    gate.applied();
    await certManager;
    expect(certManagerStarted).toBe(true);
  });

  test("without a CRD step, or when it was already done, nothing waits", async () => {
    await new CrdGate(false).wait("a/b", () => {});
    const done = new CrdGate(true);
    done.skipped();
    await done.wait("a/b", () => {});
  });

  test("when the CRD step fails, the releases that needed it are blocked, not failed", async () => {
    const gate = new CrdGate(true);
    gate.decide("a/needs", { wait: true, why: "its chart renders a ServiceMonitor" });
    gate.decide("a/free", { wait: false, why: "" });
    gate.failed("failed");
    const result = await runGraph(
      [
        {
          id: "needs",
          needs: [],
          execute: async (run) => {
            await gate.wait("a/needs", run.progress);
            return { outcome: "done", detail: "" };
          },
        },
        {
          id: "free",
          needs: [],
          execute: async (run) => {
            await gate.wait("a/free", run.progress);
            return { outcome: "done", detail: "" };
          },
        },
      ],
      { concurrency: 4, emit: () => {} },
    );
    expect(result.steps.map((s) => [s.id, s.outcome, s.detail])).toEqual([
      ["needs", "blocked", "not run: the CRD phase failed"],
      ["free", "done", ""],
    ]);
  });
});

describe("which release waits for the CRD phase", () => {
  const release = (hooks = 0) =>
    ({ id: "ns/app", hooks: Array.from({ length: hooks }, () => ({})) }) as unknown as ChartRelease;
  const rendered = (crds: number, kinds: [string, string][]) =>
    ({
      crds: Array.from({ length: crds }, () => ({})),
      objects: kinds.map(([apiVersion, kind]) => ({ apiVersion, kind, name: "x" })),
    }) as never;

  test("a chart of built-in kinds only, without hooks, does not wait", () => {
    expect(
      gateVerdict(
        release(),
        rendered(0, [
          ["apps/v1", "Deployment"],
          ["v1", "Service"],
        ]),
      ),
    ).toEqual({
      wait: false,
      why: "",
    });
  });

  test("a chart that ships CRDs, renders a custom resource, has hooks or did not render waits", () => {
    expect(gateVerdict(release(), rendered(2, []))).toEqual({ wait: true, why: "its chart ships 2 CRDs" });
    expect(gateVerdict(release(), rendered(0, [["monitoring.coreos.com/v1", "ServiceMonitor"]]))).toEqual({
      wait: true,
      why: "its chart renders a ServiceMonitor",
    });
    expect(gateVerdict(release(1), rendered(0, []))).toMatchObject({ wait: true });
    expect(gateVerdict(release(), undefined)).toMatchObject({ wait: true });
  });
});
