import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { initConfig } from "../src/app/init.ts";
import { Repository } from "../src/load/repository.ts";
import { loadConfig } from "../src/model/config.ts";
import { makeRepo } from "./helpers.ts";

const bin = new URL("../bin/kubestrap.js", import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });

function copyOfExample(): string {
  const dir = mkdtempSync(join(tmpdir(), "kubestrap-init-"));
  cpSync(new URL("../examples/homelab", import.meta.url).pathname, dir, { recursive: true });
  return dir;
}

describe("kubestrap init", () => {
  it("writes kubestrap.yaml from what it detects, and kubestrap reads it back as valid", () => {
    const repo = copyOfExample();
    const r = run("init", "--repo", repo);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("wrote");
    const text = readFileSync(join(repo, "kubestrap.yaml"), "utf8");
    expect(text).toContain('entry: "kubernetes/flux/cluster"');
    expect(text).toContain('- "bootstrap/helmfile.d/00-crds.yaml"');
    const loaded = loadConfig(Repository.load(repo));
    expect(loaded.findings).toEqual([]);
    expect(loaded.config.bootstrap.helmfiles).toEqual([
      "bootstrap/helmfile.d/00-crds.yaml",
      "bootstrap/helmfile.d/01-apps.yaml",
    ]);
    expect(loaded.config.clusters.map((c) => c.name)).toEqual(["default"]);
  });

  it("never replaces a kubestrap.yaml without --force (exit 2); --stdout writes nothing", () => {
    const repo = copyOfExample();
    expect(run("init", "--repo", repo).status).toBe(0);
    const again = run("init", "--repo", repo);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("kubestrap.yaml already exists");
    expect(run("init", "--repo", repo, "--stdout").stdout).toContain("clusters:");
    expect(run("init", "--repo", repo, "--force").status).toBe(0);
  });

  it("names the environments and variables the helmfiles need, commented, for the user to choose", () => {
    const root = makeRepo({
      "bootstrap/helmfile.yaml.gotmpl": [
        "environments:",
        "  default: {}",
        "  infra: {}",
        "---",
        "releases:",
        '  - name: {{ requiredEnv "CLUSTER" }}-cilium',
        "    namespace: kube-system",
        "    chart: oci://r.example/charts/cilium",
        "",
      ].join("\n"),
      "clusters/infra/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: default}\n",
    });
    const { text } = initConfig({ repo: root, dryRun: true });
    expect(text).toContain("# environment: infra # helmfile environments defined: infra");
    expect(text).toContain('#   CLUSTER: "infra"');
  });

  it("several clusters: each gets its entry point or environment, and its own value of a required variable", () => {
    const helmfile = (envs: string) =>
      [
        "environments:",
        ...envs.split(",").map((e) => `  ${e}: {}`),
        "---",
        "releases:",
        '  - name: {{ requiredEnv "CLUSTER" }}-cilium',
        "    namespace: kube-system",
        "    chart: oci://r.example/charts/cilium",
        "",
      ].join("\n");
    const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: default}\n";
    const byEntry = initConfig({
      repo: makeRepo({
        "bootstrap/helmfile.yaml.gotmpl": helmfile("default,infra,apps"),
        "clusters/infra/cm.yaml": cm,
        "clusters/apps/cm.yaml": cm,
      }),
      dryRun: true,
    }).text;
    expect(byEntry).toContain(
      '  - name: apps\n    entry: "clusters/apps" # conventional layout clusters/<cluster>\n    # env: { CLUSTER: "apps" } # the helmfiles require CLUSTER\n',
    );
    expect(byEntry).not.toContain("# environment:");
    const byEnvironment = initConfig({
      repo: makeRepo({
        "bootstrap/helmfile.yaml.gotmpl": helmfile("default,edge,core"),
        "kubernetes/flux/cluster/cm.yaml": cm,
      }),
      dryRun: true,
    }).text;
    expect(byEnvironment).toContain(
      '  - name: core\n    entry: "kubernetes/flux/cluster" # helmfile environment core (bootstrap/helmfile.yaml.gotmpl)\n    environment: "core" # helmfile environment core (bootstrap/helmfile.yaml.gotmpl)\n',
    );
  });
});
