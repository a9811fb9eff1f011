import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { FLEET_EXAMPLE, fleetRepo, replace } from "./fleet-repo.ts";

const bin = new URL("../bin/kubestrap.js", import.meta.url).pathname;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The example with apps reusing infra's Cilium id, and a variable only apps lacks. */
const broken = () =>
  fleetRepo({
    "kubernetes/clusters/apps/cluster-settings.yaml": (t) =>
      t.replace('CLUSTER_ID: "2"', 'CLUSTER_ID: "1"').replace("  DNS_IP: 10.53.0.10\n", ""),
  });

describe("kubestrap lint of a repository with several clusters", () => {
  it("checks every cluster by default and ends with each one's inventory", () => {
    const r = run("lint", "--repo", FLEET_EXAMPLE);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^✔ 0 errors, 0 warnings, 0 info\ncluster infra \(kubestrap.yaml\): 0 errors/);
    expect(r.stdout).toContain(
      "  bootstrap: 1 helmfile in bootstrap, environment apps: 0 CRD releases, 4 releases\n",
    );
  });

  it("groups the text output by cluster, and the related place names the other cluster", () => {
    const r = run("lint", "--repo", broken(), "--no-color");
    expect(r.code).toBe(1);
    const apps = r.stdout.indexOf("── cluster apps ");
    expect(apps).toBeGreaterThanOrEqual(0);
    expect(r.stdout.slice(apps)).toContain("cilium cluster.id is 1 on cluster apps, as on cluster infra");
    expect(r.stdout).toContain("[infra] bootstrap/helmfile.yaml.gotmpl:15 the same cluster.id on infra");
    expect(r.stdout).toContain("cluster apps (kubestrap.yaml): 1 error, 1 warning, 0 info of its own");
  });

  it("json and SARIF carry each finding's cluster", () => {
    const repo = broken();
    // An entry point named alone is the cluster that has it.
    const byEntry = run("plan", "--repo", FLEET_EXAMPLE, "--entry", "kubernetes/clusters/apps");
    expect(byEntry.code, byEntry.stderr).toBe(0);
    expect(byEntry.stdout).toMatch(/^Plan for cluster apps \(offline\)/);
    const json = JSON.parse(run("lint", "--repo", repo, "-o", "json").stdout);
    expect(json.findings.map((f: { cluster: string; ruleId: string }) => [f.cluster, f.ruleId])).toEqual([
      ["apps", "cluster-unique-value"],
      ["apps", "substitution-undefined"],
    ]);
    expect(json.clusters.map((c: { name: string; summary: unknown }) => [c.name, c.summary])).toEqual([
      ["infra", { error: 0, warning: 0, info: 0 }],
      ["apps", { error: 1, warning: 1, info: 0 }],
    ]);
    const sarif = JSON.parse(run("lint", "--repo", repo, "-o", "sarif").stdout);
    const unique = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === "cluster-unique-value");
    expect(unique.properties).toEqual({ cluster: "apps" });
    expect(unique.message.text).toMatch(/^\[apps\] cilium cluster.id is 1/);
    expect(unique.relatedLocations[0].message.text).toBe("[infra] the same cluster.id on infra");
  });

  it("--cluster, repeatable, picks clusters; an unknown one is bad usage", () => {
    const only = JSON.parse(run("lint", "--repo", broken(), "--cluster", "infra", "-o", "json").stdout);
    expect(only.findings).toEqual([]);
    const both = run("lint", "--repo", broken(), "--cluster", "infra", "--cluster", "apps", "-o", "json");
    expect(JSON.parse(both.stdout).findings).toHaveLength(2);
    const unknown = run("lint", "--repo", FLEET_EXAMPLE, "--cluster", "edge");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("kubestrap: cluster edge is not in kubestrap.yaml (clusters: infra, apps)\n");
    expect(run("lint", "--repo", FLEET_EXAMPLE, "--cluster", "apps", "--all-clusters").code).toBe(2);
  });

  it("--rule sets a fleet rule's severity", () => {
    const r = run("lint", "--repo", broken(), "--rule", "cluster-unique-value=warning", "-o", "json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings.map((f: { severity: string }) => f.severity)).toEqual([
      "warning",
      "warning",
    ]);
  });

  it("graph and crds show one cluster and refuse several; plan shows several, and refuses to guess", () => {
    for (const command of ["graph", "crds"]) {
      const r = run(command, "--repo", FLEET_EXAMPLE, "--cluster", "infra", "--cluster", "apps");
      expect(r.code, command).toBe(2);
      expect(r.stderr).toBe(
        `kubestrap: ${command} shows one cluster at a time: name it with --cluster, and run ${command} once per cluster\n`,
      );
    }
    const plan = run("plan", "--repo", FLEET_EXAMPLE);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toMatch(/several clusters \(infra, apps\): choose one with --cluster NAME/);
    const apps = run("plan", "--repo", FLEET_EXAMPLE, "--cluster", "apps");
    expect(apps.code, apps.stderr).toBe(0);
    const both = run("plan", "--repo", FLEET_EXAMPLE, "--all-clusters");
    expect(both.code, both.stderr).toBe(0);
    expect(both.stdout.match(/^Plan for cluster \w+/gm)).toEqual([
      "Plan for cluster infra",
      "Plan for cluster apps",
    ]);
    const json = JSON.parse(
      run("plan", "--repo", FLEET_EXAMPLE, "--cluster", "apps", "--cluster", "infra", "-o", "json").stdout,
    );
    expect(json.clusters.map((c: { cluster: string }) => c.cluster)).toEqual(["apps", "infra"]);
    expect(apps.stdout).toMatch(/^Plan for cluster apps \(offline\)/);
  });

  it("up names its --all-clusters when no cluster is given, and refuses --context with several", () => {
    const none = run("up", "--repo", FLEET_EXAMPLE);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /choose one with --cluster NAME \(up takes several: repeat --cluster, or --all-clusters\)/,
    );
    const context = run("up", "--repo", FLEET_EXAMPLE, "--all-clusters", "--context", "x");
    expect(context.code).toBe(2);
    expect(context.stderr).toMatch(/kubestrap.yaml gives each its own \(clusters\[\]\.context\)/);
  });

  it("the placement policy and the example's edit helper stay honest", () => {
    expect(() => fleetRepo({ "kubestrap.yaml": replace("no such text", "x") })).toThrow(/changed nothing/);
  });
});
