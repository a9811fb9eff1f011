import { describe, expect, it } from "vitest";
import { lintFleet } from "../../src/analysis/fleet.ts";
import { Repository } from "../../src/load/repository.ts";
import { loadConfig } from "../../src/model/config.ts";
import { findClusters, selectClusters } from "../../src/model/fleet.ts";
import { UsageError } from "../../src/model/project.ts";
import { FLEET_EXAMPLE, fleetRepo, replace } from "../fleet-repo.ts";
import { ks, makeRepo } from "../helpers.ts";

const clustersOf = (repo: string) => {
  const repository = Repository.load(repo);
  return findClusters(repository, loadConfig(repository).config);
};

const configMap = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  a: "1"\n`;

describe("the clusters of a repository", () => {
  it("kubestrap.yaml's clusters, with the entry point of the same name", () => {
    expect(clustersOf(FLEET_EXAMPLE).map((c) => [c.name, c.from, c.entry])).toEqual([
      ["infra", "kubestrap.yaml", "kubernetes/clusters/infra"],
      ["apps", "kubestrap.yaml", "kubernetes/clusters/apps"],
    ]);
  });

  it("without kubestrap.yaml: one cluster per entry point", () => {
    const repo = fleetRepo({ "kubestrap.yaml": "{}\n" });
    expect(clustersOf(repo).map((c) => [c.name, c.entry])).toEqual([
      ["apps", "kubernetes/clusters/apps"],
      ["infra", "kubernetes/clusters/infra"],
    ]);
  });

  it("one Flux tree and a helmfile with environments: one cluster per environment", () => {
    const repo = makeRepo({
      "kubernetes/flux/cluster/ks.yaml": ks("apps"),
      "apps/cm.yaml": configMap("a"),
      "bootstrap/helmfile.yaml": `environments:\n  default: {}\n  edge: {}\n  core: {}\n---\nreleases:\n  - name: x\n    namespace: default\n    chart: oci://example.com/x\n    version: 1.0.0\n`,
    });
    expect(clustersOf(repo).map((c) => [c.name, c.environment, c.entry, c.from])).toEqual([
      ["edge", "edge", "kubernetes/flux/cluster", "helmfile environment edge (bootstrap/helmfile.yaml)"],
      ["core", "core", "kubernetes/flux/cluster", "helmfile environment core (bootstrap/helmfile.yaml)"],
    ]);
  });

  it("one environment besides default is one cluster; the environments of the helmfiles kubestrap.yaml names count", () => {
    const envs = (names: string[]) =>
      `environments:\n${names.map((n) => `  ${n}: {}\n`).join("")}---\nreleases:\n  - name: x\n    namespace: default\n    chart: oci://example.com/x\n`;
    const one = makeRepo({
      "apps/cm.yaml": configMap("a"),
      "bootstrap/helmfile.yaml": envs(["default", "edge"]),
    });
    expect(clustersOf(one).map((c) => [c.name, c.environment])).toEqual([["default", undefined]]);
    const named = makeRepo({
      "kubestrap.yaml": "bootstrap:\n  helmfiles: [./setup/]\n",
      "apps/cm.yaml": configMap("a"),
      "bootstrap/helmfile.yaml": envs(["ignored", "too"]),
      "setup/helmfile.yaml": envs(["default", "east", "west"]),
    });
    expect(clustersOf(named).map((c) => [c.name, c.entry, c.from])).toEqual([
      ["east", undefined, "helmfile environment east (setup/helmfile.yaml)"],
      ["west", undefined, "helmfile environment west (setup/helmfile.yaml)"],
    ]);
  });

  it("a kubestrap.yaml cluster keeps its own entry point and helmfile environment", () => {
    const repo = fleetRepo({
      "kubestrap.yaml": replace(
        "    context: infra\n",
        "    context: infra\n    entry: kubernetes/clusters/apps\n    environment: edge\n",
      ),
    });
    expect(clustersOf(repo).map((c) => [c.name, c.entry, c.environment])).toEqual([
      ["infra", "kubernetes/clusters/apps", "edge"],
      ["apps", "kubernetes/clusters/apps", undefined],
    ]);
  });

  it("one entry point and no environments: one cluster named after it", () => {
    const repo = makeRepo({ "kubernetes/flux/cluster/ks.yaml": ks("apps"), "apps/cm.yaml": configMap("a") });
    expect(clustersOf(repo).map((c) => c.name)).toEqual(["default"]);
  });

  it("chooses the named clusters, all of them, or refuses to guess", () => {
    const clusters = clustersOf(FLEET_EXAMPLE);
    expect(selectClusters(clusters, ["apps"]).map((c) => c.name)).toEqual(["apps"]);
    expect(selectClusters(clusters, ["apps", "infra", "apps"]).map((c) => c.name)).toEqual(["apps", "infra"]);
    expect(selectClusters(clusters, [], { all: true })).toHaveLength(2);
    expect(selectClusters(clusters, [], { defaultAll: true })).toHaveLength(2);
    expect(() => selectClusters(clusters, [])).toThrow(
      /several clusters \(infra, apps\): choose one with --cluster/,
    );
    expect(() => selectClusters(clusters, ["edge"])).toThrow(UsageError);
    expect(() => selectClusters(clusters, ["edge"])).toThrow(
      "cluster edge is not in kubestrap.yaml (clusters: infra, apps)",
    );
    expect(() => selectClusters(clusters, ["apps"], { all: true })).toThrow(/exclude each other/);
  });
});

describe("lint over the fleet", () => {
  it("analyses every cluster with its own entry point and helmfile environment", async () => {
    const result = await lintFleet({ repo: FLEET_EXAMPLE });
    expect(result.findings).toEqual([]);
    expect(
      result.clusters.map((c) => [
        c.name,
        c.result.inventory.entry,
        c.result.inventory.bootstrap.environment,
      ]),
    ).toEqual([
      ["infra", "kubernetes/clusters/infra", "infra"],
      ["apps", "kubernetes/clusters/apps", "apps"],
    ]);
    // kube-prometheus-stack is in infra's tree only.
    expect(result.clusters.map((c) => c.result.inventory.helmReleases.reachable)).toEqual([5, 4]);
  });

  it("tags each cluster's findings; one every cluster reports alike is kept once, untagged", async () => {
    const repo = fleetRepo({
      // Only on apps: a variable its settings do not define.
      "kubernetes/clusters/apps/cluster-settings.yaml": replace("  DNS_IP: 10.53.0.10\n", ""),
      // Shared by both: a dependsOn on a Kustomization that does not exist.
      "kubernetes/apps/base/kube-system/coredns/ks.yaml": replace(
        "    - name: cilium",
        "    - name: cilium-typo",
      ),
    });
    const result = await lintFleet({ repo });
    expect(result.findings.map((f) => [f.cluster ?? "*", f.ruleId])).toEqual([
      ["*", "dependson-missing"],
      ["apps", "substitution-undefined"],
    ]);
  });

  it("analyses only the clusters named, still tagging them", async () => {
    const repo = fleetRepo({
      "kubernetes/clusters/apps/cluster-apps.yaml": replace(
        "path: ./kubernetes/apps/apps",
        "path: ./kubernetes/apps/nope",
      ),
    });
    const result = await lintFleet({ repo, clusters: ["apps"] });
    expect(result.clusters.map((c) => c.name)).toEqual(["apps"]);
    expect(result.findings.map((f) => [f.cluster, f.ruleId])).toEqual([["apps", "path-missing"]]);
  });

  it("kubestrap.yaml's own findings are reported once; a fleet rule set off is not run", async () => {
    const repo = fleetRepo({
      "kubestrap.yaml": replace("handoff:\n", "unknown: 1\nhandoff:\n"),
      "kubernetes/clusters/apps/cluster-settings.yaml": replace('CLUSTER_ID: "2"', 'CLUSTER_ID: "1"'),
    });
    const on = await lintFleet({ repo });
    expect(on.findings.map((f) => f.ruleId)).toEqual(["config-invalid", "cluster-unique-value"]);
    const off = await lintFleet({
      repo,
      rules: { "cluster-unique-value": "off", "config-invalid": "warning" },
    });
    expect(off.findings.map((f) => [f.ruleId, f.severity])).toEqual([["config-invalid", "warning"]]);
  });
});
