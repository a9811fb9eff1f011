import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { bootstrapRepo } from "./bootstrap-repo.ts";

const bin = new URL("../bin/kubestrap.js", import.meta.url).pathname;
const example = new URL("../examples/homelab", import.meta.url).pathname;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("kubestrap plan, up and status on the command line", () => {
  it("plan prints the phases of the example offline, each step with why it is there", () => {
    const r = run("plan", "--repo", example);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("Plan for cluster default (offline): 13 steps in 5 phases");
    expect(r.stdout).toContain("  kube-system/coredns ");
    expect(r.stdout).toContain(
      "why: bootstrap/helmfile.d/01-apps.yaml:23, needs kube-system/cilium; after the CRD phase",
    );
    expect(r.stdout).not.toContain("\u001b[");
  });

  it("plan -o json lists every step with its phase, needs and hash", () => {
    const plan = JSON.parse(run("plan", "--repo", example, "-o", "json").stdout);
    expect(plan.cluster).toBe("default");
    expect(plan.steps).toHaveLength(13);
    const coredns = plan.steps.find((s: { id: string }) => s.id === "releases/kube-system/coredns");
    expect(coredns).toMatchObject({
      phase: "releases",
      kind: "release",
      needs: expect.arrayContaining(["releases/kube-system/cilium", "prerequisites/namespaces"]),
      crdGate: "crds/crds",
      source: { file: "bootstrap/helmfile.d/01-apps.yaml", line: 23 },
    });
    expect(coredns.hash).toMatch(/^[0-9a-f]{32}$/);
  });

  it("a plan with errors exits 1 for plan, and up runs nothing and exits 2", () => {
    const repo = bootstrapRepo({
      releases: [
        { name: "coredns", namespace: "kube-system", chart: "oci://r.example/c/coredns", needs: ["cilium"] },
      ],
    });
    const plan = run("plan", "--repo", repo);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain(
      "bootstrap/helmfile.d/01-apps.yaml:2: error plan-invalid: bootstrap release kube-system/coredns needs kube-system/cilium",
    );
    const up = run("up", "--repo", repo, "--kubeconfig", "/nonexistent/kubeconfig");
    expect(up.code).toBe(2);
    expect(up.stderr).toContain("kubestrap: the plan has errors; nothing was run");
    expect(up.stdout).toBe("");
  });

  it("up that cannot reach its cluster fails in preflight, names the kubeconfig, writes nothing and exits 1", () => {
    const up = run("up", "--repo", example, "--kubeconfig", "/nonexistent/kubeconfig");
    expect(up.code).toBe(1);
    expect(up.stdout).toContain(
      "FAILED   preflight/api-ready: cannot read the kubeconfig /nonexistent/kubeconfig",
    );
    expect(up.stdout).toContain("blocked  releases/kube-system/cilium");
    // helm may be missing where the unit tests run: its preflight check then fails too.
    expect(up.stdout).toMatch(
      /✖ bootstrap of cluster default failed after [\d.]+ s \((1 done, 1|2) failed, 11 blocked\)/,
    );
  });

  it("up -o json streams one event per line", () => {
    const up = run("up", "--repo", example, "--kubeconfig", "/nonexistent/kubeconfig", "-o", "json");
    const events = up.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ type: "run-start", cluster: "default" });
    expect(events.at(-1)).toMatchObject({ type: "run-end", outcome: "failed" });
    expect(events.filter((e) => e.type === "step-end")).toHaveLength(13);
  });

  it("--help of each command explains it and its exit status", () => {
    expect(run("up", "--help").stdout).toMatch(
      /Exit status: 0 every step done, 1 a step failed .*130 interrupted/s,
    );
    expect(run("plan", "--help").stdout).toContain("--live");
    expect(run("status", "--help").stdout).toContain("Read-only");
    expect(run("up", "--help").stdout).toContain("--registry-mirror");
  });
});
