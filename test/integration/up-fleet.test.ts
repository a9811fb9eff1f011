/**
 * `kubestrap up` of the bundled multi-cluster example (examples/fleet) on two control planes of its own, side by
 * side on different ports: infra and apps bootstrapped at once from one command, each through its own kubeconfig
 * context, journal and identity check. Then the contexts are swapped, and neither cluster is written; then one
 * cluster cannot be reached, and the other still runs.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startEnvironment, stopEnvironment, type TestEnvironment } from "../../scripts/testenv/cluster.ts";
import { pushStandIns, type UpstreamChart } from "../../scripts/testenv/stand-ins.ts";
import { loadPlan } from "../../src/app/plan.ts";
import type { RunEvent } from "../../src/execute/events.ts";
import { adminWrites, auditMark, kubeconfigWith, runKubestrap } from "./up-env.ts";

const EXAMPLE = join(import.meta.dirname, "../../examples/fleet");
const base = mkdtempSync(join(tmpdir(), "kubestrap-fleet-"));
const clusters: Record<"infra" | "apps", TestEnvironment> = {} as never;
let mirrorArgs: string[];

type ClusterEvent = RunEvent & { cluster: string };

function kubectlJson<T>(target: TestEnvironment, args: string[]): T {
  return JSON.parse(
    execFileSync(target.bin.kubectl, ["--kubeconfig", target.kubeconfig, ...args, "-o", "json"], {
      encoding: "utf8",
    }),
  ) as T;
}

const up = (kubeconfig: string, extra: string[]) =>
  runKubestrap(["up", "--repo", EXAMPLE, "--kubeconfig", kubeconfig, ...mirrorArgs, ...extra]);

/** Runs up and returns its result with the admin writes each API server saw meanwhile. */
async function watched(kubeconfig: string, extra: string[]) {
  const marks = { infra: auditMark(clusters.infra.auditLog), apps: auditMark(clusters.apps.auditLog) };
  const run = await up(kubeconfig, extra);
  return {
    ...run,
    writes: {
      infra: adminWrites(marks.infra, clusters.infra.auditLog),
      apps: adminWrites(marks.apps, clusters.apps.auditLog),
    },
  };
}

beforeAll(async () => {
  const [infra, apps] = await Promise.all([
    startEnvironment(() => {}, join(base, "infra")),
    startEnvironment(() => {}, join(base, "apps")),
  ]);
  clusters.infra = infra.env;
  clusters.apps = apps.env;
  // Both clusters pull the stand-in charts from infra's registry.
  const charts = new Map<string, UpstreamChart>();
  for (const cluster of ["infra", "apps"])
    for (const step of loadPlan({ repo: EXAMPLE, cluster }).plan.steps)
      if (step.kind === "crds")
        for (const r of step.releases)
          if (r.chart.type === "oci")
            charts.set(r.chart.url, { url: r.chart.url, version: r.chart.tag ?? r.chart.semver ?? "" });
  const mirrors = pushStandIns([...charts.values()], clusters.infra.registry, clusters.infra.bin.helm3);
  mirrorArgs = Object.entries(mirrors).flatMap(([host, target]) => [
    "--registry-mirror",
    `${host}=${target}`,
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([stopEnvironment(join(base, "infra")), stopEnvironment(join(base, "apps"))]);
});

describe("kubestrap up of two clusters at once", () => {
  test("bootstraps infra and apps concurrently, each from its own helmfile environment", async () => {
    const right = kubeconfigWith({ infra: clusters.infra, apps: clusters.apps });
    const run = await up(right, ["--all-clusters", "-o", "json"]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const events = run.events as ClusterEvent[];
    const ends = events.filter((e) => e.type === "run-end");
    expect(ends.map((e) => [e.cluster, (e as { outcome: string }).outcome]).sort()).toEqual([
      ["apps", "ok"],
      ["infra", "ok"],
    ]);
    // Concurrent: each cluster started steps before the other's run ended.
    const index = (cluster: string, type: string) =>
      events.findIndex((e) => e.cluster === cluster && e.type === type);
    expect(index("apps", "step-start")).toBeLessThan(index("infra", "run-end"));
    expect(index("infra", "step-start")).toBeLessThan(index("apps", "run-end"));
    for (const [name, target] of Object.entries(clusters)) {
      // Cilium installed with the cluster's own environment values.
      const values = JSON.parse(
        execFileSync(
          target.bin.helm3,
          ["get", "values", "cilium", "-n", "kube-system", "-o", "json", "--kubeconfig", target.kubeconfig],
          {
            encoding: "utf8",
          },
        ),
      ) as { cluster: { name: string; id: number } };
      expect(values.cluster).toEqual({ name, id: name === "infra" ? 1 : 2 });
      // The journal in each cluster records that cluster.
      const journal = kubectlJson<{ data: Record<string, string> }>(target, [
        "get",
        "configmap",
        "kubestrap-journal",
        "-n",
        "kube-system",
      ]);
      expect(JSON.stringify(journal.data)).toContain(`"cluster":"${name}"`);
    }
  });

  test("text output: every line names its cluster, and each cluster's summary follows", async () => {
    const right = kubeconfigWith({ infra: clusters.infra, apps: clusters.apps });
    const run = await up(right, ["--cluster", "infra", "--cluster", "apps"]);
    expect(run.code, run.stdout).toBe(0);
    const lines = run.stdout.split("\n").filter((l) => /^\[(infra|apps) *\] /.test(l));
    expect(lines.some((l) => l.startsWith("[infra] kubestrap up: cluster infra"))).toBe(true);
    expect(lines.some((l) => l.startsWith("[apps ] kubestrap up: cluster apps"))).toBe(true);
    expect(run.stdout).toMatch(/clusters: infra ok, apps ok\n$/);
  });

  test("status of both clusters: each read through its own context, every step done", async () => {
    const right = kubeconfigWith({ infra: clusters.infra, apps: clusters.apps });
    expect((await up(right, ["--all-clusters"])).code).toBe(0);
    const status = await runKubestrap([
      "status",
      "--repo",
      EXAMPLE,
      "--kubeconfig",
      right,
      "--all-clusters",
      "-o",
      "json",
    ]);
    expect(status.code, status.stderr).toBe(0);
    const json = JSON.parse(status.stdout) as {
      clusters: { cluster: string; journalCluster: string; server: string }[];
    };
    expect(json.clusters.map((c) => [c.cluster, c.journalCluster, c.server])).toEqual([
      ["infra", "infra", clusters.infra.server],
      ["apps", "apps", clusters.apps.server],
    ]);
  });

  test("swapped contexts: both clusters refuse, and neither API server sees a write", async () => {
    // Both clusters have been bootstrapped under their names (a no-op when the first test ran).
    const right = await up(kubeconfigWith({ infra: clusters.infra, apps: clusters.apps }), [
      "--all-clusters",
    ]);
    expect(right.code, right.stdout).toBe(0);
    const swapped = kubeconfigWith({ infra: clusters.apps, apps: clusters.infra });
    const run = await watched(swapped, ["--all-clusters"]);
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toMatch(
      /\[infra\] .*FAILED\s+preflight\/identity: this is cluster apps .*, not infra/,
    );
    expect(run.stdout).toMatch(
      /\[apps \] .*FAILED\s+preflight\/identity: this is cluster infra .*, not apps/,
    );
    expect(run.writes).toEqual({ infra: [], apps: [] });
  });

  test("one cluster unreachable: the other still runs, and the exit status says one failed", async () => {
    const onlyInfra = kubeconfigWith({ infra: clusters.infra });
    const run = await watched(onlyInfra, ["--all-clusters"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^\[apps \] \[ *[0-9.]+s\] FAILED {3}preflight\/api-ready: context apps is not in the kubeconfig/m,
    );
    expect(run.stdout).toContain("✔ cluster infra bootstrapped in");
    expect(run.stdout).toMatch(/clusters: infra ok, apps failed\n$/);
    expect(run.writes.apps).toEqual([]);
  });
});
