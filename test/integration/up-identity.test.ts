/**
 * A run meant for one cluster never writes into another: two control planes side by side (the suite's and one
 * started here), each bootstrapped under its own name, then kubeconfigs and contexts that point the wrong way.
 * Every refusal is checked in both API servers' audit logs: not a single write.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startEnvironment, stopEnvironment, type TestEnvironment } from "../../scripts/testenv/cluster.ts";
import { bootstrapRepo } from "../bootstrap-repo.ts";
import { env } from "./env.ts";
import {
  adminWrites,
  auditMark,
  kubeconfigWith,
  removeTestNamespaces,
  runKubestrap,
  testNamespace,
  workloadChart,
} from "./up-env.ts";

// Namespaces this file created go, so that an environment reused across runs does not fill up.
afterAll(removeTestNamespaces);

const dir = join(mkdtempSync(join(tmpdir(), "kubestrap-identity-")), "env");
let second: TestEnvironment;
let repo: string;
let ns: string;

/** Runs kubestrap and returns its result with the admin writes both API servers saw meanwhile. */
async function watched(args: string[]) {
  const marks = [auditMark(), auditMark(second.auditLog)];
  const result = await runKubestrap(args);
  return {
    ...result,
    writes: [...adminWrites(marks[0] as number), ...adminWrites(marks[1] as number, second.auditLog)],
  };
}

beforeAll(async () => {
  second = (await startEnvironment(() => {}, dir)).env;
  ns = testNamespace("ident");
  const chart = await workloadChart();
  repo = bootstrapRepo({
    releases: [{ name: "app", namespace: ns, chart, values: "readyAfter: 0s" }],
    config: `clusters:\n  - name: infra\n  - name: apps\n  - name: edge\n    identity: 00000000-0000-0000-0000-000000000000\njournal:\n  namespace: ${ns}-journal\nhandoff:\n  enabled: false\n`,
  });
  // Each cluster is bootstrapped under its own name (the second pulls the chart from the first one's registry).
  for (const [cluster, target] of [
    ["infra", env],
    ["apps", second],
  ] as const) {
    const run = await runKubestrap([
      "up",
      "--repo",
      repo,
      "--cluster",
      cluster,
      "--kubeconfig",
      target.kubeconfig,
      "--plain-http",
    ]);
    if (run.code !== 0) throw new Error(`bootstrap of ${cluster} failed:\n${run.stdout}`);
  }
}, 120_000);

afterAll(async () => {
  await stopEnvironment(dir);
});

describe("the cluster identity check", () => {
  test("--cluster naming another cluster than the kubeconfig reaches is refused, and nothing is written", async () => {
    const wrong = await watched([
      "up",
      "--repo",
      repo,
      "--cluster",
      "apps",
      "--kubeconfig",
      env.kubeconfig,
      "--plain-http",
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(
      /FAILED\s+preflight\/identity: this is cluster infra \(kube-system UID [0-9a-f-]+\), not apps/,
    );
    expect(wrong.stdout).toContain("nothing was written");
    expect(wrong.writes).toEqual([]);
  });

  test("swapped kubeconfig contexts: neither cluster is written", async () => {
    const swapped = kubeconfigWith({ infra: second, apps: env });
    for (const cluster of ["infra", "apps"]) {
      const run = await watched([
        "up",
        "--repo",
        repo,
        "--cluster",
        cluster,
        "--kubeconfig",
        swapped,
        "--context",
        cluster,
        "--plain-http",
      ]);
      expect(run.code, run.stdout).toBe(1);
      expect(run.stdout).toContain(`not ${cluster}:`);
      expect(run.writes).toEqual([]);
    }
    // The right contexts still work, and write nothing either (everything is in place).
    const right = kubeconfigWith({ infra: env, apps: second });
    const ok = await watched([
      "up",
      "--repo",
      repo,
      "--cluster",
      "apps",
      "--kubeconfig",
      right,
      "--context",
      "apps",
      "--plain-http",
    ]);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.writes).toEqual([]);
  });

  test("an identity pinned in kubestrap.yaml protects even a cluster never bootstrapped", async () => {
    const run = await watched(["up", "--repo", repo, "--cluster", "edge", "--kubeconfig", env.kubeconfig]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /kubestrap.yaml pins cluster edge to kube-system UID 00000000-0000-0000-0000-000000000000/,
    );
    expect(run.writes).toEqual([]);
  });

  test("status and plan --live refuse the wrong cluster too", async () => {
    const status = await runKubestrap([
      "status",
      "--repo",
      repo,
      "--cluster",
      "apps",
      "--kubeconfig",
      env.kubeconfig,
    ]);
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(/kubestrap: this is cluster infra .*, not apps/);
    const plan = await runKubestrap([
      "plan",
      "--live",
      "--repo",
      repo,
      "--cluster",
      "apps",
      "--kubeconfig",
      env.kubeconfig,
    ]);
    expect(plan.code).toBe(1);
  });
});
