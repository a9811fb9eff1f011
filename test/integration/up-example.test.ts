/**
 * `kubestrap up` of the bundled example (examples/homelab) on a freshly started control plane of its own, end to
 * end: every phase, the helmfile's hook, the webhooks' readiness gate, the Flux handoff; then `status`, and a
 * second `up` that writes nothing. The example's charts are stand-ins (test/fixtures/stand-ins) pulled through
 * registry mirrors; the FluxInstance is marked Ready by the environment's stand-in controller. Everything
 * kubestrap does is real.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startEnvironment, stopEnvironment, type TestEnvironment } from "../../scripts/testenv/cluster.ts";
import { standInMirrors } from "../../scripts/testenv/stand-ins.ts";
import type { RunEvent } from "../../src/execute/events.ts";
import { adminWrites, auditMark, runKubestrap, stepOutcomes } from "./up-env.ts";

const EXAMPLE = join(import.meta.dirname, "../../examples/homelab");
const dir = join(mkdtempSync(join(tmpdir(), "kubestrap-example-")), "env");
let fresh: TestEnvironment;
let mirrorArgs: string[];

function kubectlJson<T>(args: string[]): T {
  return JSON.parse(
    execFileSync(fresh.bin.kubectl, ["--kubeconfig", fresh.kubeconfig, ...args, "-o", "json"], {
      encoding: "utf8",
      maxBuffer: 512 * 1024 * 1024,
    }),
  ) as T;
}

const up = (extra: string[] = []) =>
  runKubestrap([
    "up",
    "--repo",
    EXAMPLE,
    "--kubeconfig",
    fresh.kubeconfig,
    "-o",
    "json",
    ...mirrorArgs,
    ...extra,
  ]);

beforeAll(async () => {
  fresh = (await startEnvironment(() => {}, dir)).env;
  mirrorArgs = standInMirrors(EXAMPLE, fresh.registry, fresh.bin.helm3).flatMap((m) => [
    "--registry-mirror",
    m,
  ]);
}, 180_000);

afterAll(async () => {
  await stopEnvironment(dir);
});

describe("kubestrap up of the bundled example on a fresh cluster", () => {
  let firstRun: Awaited<ReturnType<typeof up>>;

  test("runs every phase and every step, and hands off to Flux", async () => {
    firstRun = await up();
    expect(firstRun.code, firstRun.stderr + firstRun.stdout).toBe(0);
    expect(stepOutcomes(firstRun.events)).toEqual({
      "preflight/api-ready": "done",
      "preflight/identity": "done",
      "preflight/nodes": "done",
      "preflight/helm": "done",
      "prerequisites/namespaces": "done",
      "crds/crds": "done",
      "releases/kube-system/cilium": "done",
      "releases/kube-system/coredns": "done",
      "releases/cert-manager/cert-manager": "done",
      "releases/external-secrets/external-secrets": "done",
      "releases/flux-system/flux-operator": "done",
      "releases/flux-system/flux-instance": "done",
      "handoff/flux": "done",
    });
    const end = firstRun.events.at(-1) as Extract<RunEvent, { type: "run-end" }>;
    expect(end.outcome).toBe("ok");
    // The needs chain decides the run's length: the critical path goes through the releases to the handoff.
    expect(end.criticalPath).toEqual(
      expect.arrayContaining([
        "releases/kube-system/cilium",
        "releases/flux-system/flux-instance",
        "handoff/flux",
      ]),
    );
    // Releases wait for the CRD phase only when their chart needs it: the Cilium stand-in ships two CRDs (and
    // starts while they are applied, so it says it waits); CoreDNS needs none.
    const progress = (id: string) =>
      firstRun.events
        .filter((e) => e.type === "step-progress" && e.id === id)
        .map((e) => (e as { message: string }).message);
    const waited = (id: string) => progress(id).find((m) => m.startsWith("waiting for the CRD phase"));
    expect(waited("releases/kube-system/cilium")).toBe("waiting for the CRD phase: its chart ships 2 CRDs");
    expect(waited("releases/kube-system/coredns")).toBeUndefined();
  });

  test("installed what the charts hold, in order, and the helmfile's hook applied the Cilium pool", () => {
    const crds = kubectlJson<{
      items: { metadata: { name: string; annotations?: Record<string, string> } }[];
    }>(["get", "crd"]).items;
    const names = crds.map((c) => c.metadata.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "prometheusrules.monitoring.coreos.com",
        "clusterissuers.cert-manager.io",
        "clustersecretstores.external-secrets.io",
        "fluxinstances.fluxcd.controlplane.io",
        "kustomizations.kustomize.toolkit.fluxcd.io",
      ]),
    );
    // cert-manager renders its CRDs from templates: applied with its ownership, helm adopted them.
    const issuers = crds.find((c) => c.metadata.name === "clusterissuers.cert-manager.io");
    expect(issuers?.metadata.annotations?.["meta.helm.sh/release-name"]).toBe("cert-manager");
    const manifest = execFileSync(
      fresh.bin.helm3,
      ["get", "manifest", "cert-manager", "-n", "cert-manager", "--kubeconfig", fresh.kubeconfig],
      { encoding: "utf8" },
    );
    expect(manifest).toContain("name: clusterissuers.cert-manager.io");
    const pools = kubectlJson<{ items: { metadata: { name: string } }[] }>([
      "get",
      "ciliumloadbalancerippools",
    ]).items;
    expect(pools.map((p) => p.metadata.name)).toEqual(["pool"]);
    const hookLines = firstRun.events
      .filter((e) => e.type === "step-log")
      .map((e) => (e as { line: string }).line);
    expect(hookLines).toContain("postsync: ciliumloadbalancerippool.cilium.io/pool serverside-applied");
    // Releases ran in needs order: each started after the one it needs ended.
    const at = (type: string, id: string) =>
      firstRun.events.findIndex((e) => e.type === type && (e as { id?: string }).id === id);
    expect(at("step-start", "releases/kube-system/coredns")).toBeGreaterThan(
      at("step-end", "releases/kube-system/cilium"),
    );
    expect(at("step-start", "releases/flux-system/flux-instance")).toBeGreaterThan(
      at("step-end", "releases/flux-system/flux-operator"),
    );
  });

  test("waited for the webhooks: caBundle set and endpoints ready before the next release started", () => {
    const progress = firstRun.events
      .filter((e) => e.type === "step-progress" && e.id === "releases/cert-manager/cert-manager")
      .map((e) => (e as { message: string }).message);
    expect(progress.some((m) => /ValidatingWebhookConfiguration|cert-manager-webhook/.test(m))).toBe(true);
    const slices = kubectlJson<{ items: { endpoints?: { conditions?: { ready?: boolean } }[] }[] }>([
      "get",
      "endpointslices",
      "-n",
      "cert-manager",
      "-l",
      "kubernetes.io/service-name=cert-manager-webhook",
    ]).items;
    expect(slices.flatMap((s) => s.endpoints ?? []).some((e) => e.conditions?.ready)).toBe(true);
  });

  test("status shows every step done and the Flux instance Ready", async () => {
    const status = await runKubestrap([
      "status",
      "--repo",
      EXAMPLE,
      "--kubeconfig",
      fresh.kubeconfig,
      "-o",
      "json",
    ]);
    expect(status.code, status.stderr).toBe(0);
    const json = JSON.parse(status.stdout) as {
      journalCluster: string;
      steps: { id: string; state: string }[];
    };
    expect(json.journalCluster).toBe("default");
    const states = Object.fromEntries(
      json.steps.filter((s) => !s.id.startsWith("preflight/")).map((s) => [s.id, s.state]),
    );
    expect(
      Object.values(states).every((s) => s === "done"),
      JSON.stringify(states),
    ).toBe(true);
    expect(Object.keys(states)).toHaveLength(9);
  });

  test("a second up writes nothing: no write request, no changed object, no new helm revision", async () => {
    const objects = () =>
      kubectlJson<{
        items: { kind: string; metadata: { namespace?: string; name: string; resourceVersion: string } }[];
      }>([
        "get",
        "deployments,daemonsets,services,configmaps,secrets,validatingwebhookconfigurations,namespaces,crd",
        "-A",
      ]).items.map(
        (o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}@${o.metadata.resourceVersion}`,
      );
    const before = objects();
    const mark = auditMark(fresh.auditLog);
    const second = await up();
    expect(second.code, second.stderr).toBe(0);
    const outcomes = stepOutcomes(second.events);
    for (const [id, outcome] of Object.entries(outcomes))
      expect(outcome, id).toBe(id.startsWith("preflight/") || id.startsWith("handoff/") ? "done" : "skipped");
    const writes = adminWrites(mark, fresh.auditLog);
    expect(writes.map((w) => `${w.verb} ${w.requestURI}`)).toEqual([]);
    expect(objects()).toEqual(before);
    const revisions = kubectlJson<{ items: { metadata: { labels: Record<string, string> } }[] }>([
      "get",
      "secrets",
      "-A",
      "-l",
      "owner=helm",
    ]).items.map((s) => `${s.metadata.labels.name}.v${s.metadata.labels.version}`);
    expect(revisions.sort()).toEqual(
      ["cert-manager", "cilium", "coredns", "external-secrets", "flux-instance", "flux-operator"].map(
        (n) => `${n}.v1`,
      ),
    );
  });

  test("plan --live says nothing is left to do", async () => {
    const plan = await runKubestrap(["plan", "--repo", EXAMPLE, "--kubeconfig", fresh.kubeconfig, "--live"]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain("Nothing to do: every step holds.");
  });
});
