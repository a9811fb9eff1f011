import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { git, gitRepo } from "./git-repo.ts";
import { ks } from "./helpers.ts";

const bin = new URL("../bin/kubestrap.js", import.meta.url).pathname;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const cm = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  a: "1"\n`;
const ENTRY = "kubernetes/flux/cluster/ks.yaml";
const apps = Object.fromEntries(["a", "b", "c", "d"].map((n) => [`apps/${n}/cm.yaml`, cm(n)]));

/**
 * main~1: a depends on a missing Kustomization (fixed by the change), and so does d (left alone, moved down).
 * main: c depends on a missing one (the change's new error), written above d.
 */
let root: string;
beforeAll(() => {
  root = gitRepo({ [ENTRY]: ks("a", { dependsOn: ["nope"] }) + ks("d", { dependsOn: ["gone"] }), ...apps });
  writeFileSync(
    join(root, ENTRY),
    ks("a") + ks("c", { dependsOn: ["missing"] }) + ks("d", { dependsOn: ["gone"] }),
  );
  git(root, "commit", "-q", "-am", "fix a, break c");
});

describe("lint --baseline", () => {
  it("prints the new error and the fixed one, and exits 1 for the new error", () => {
    const r = run("lint", "--repo", root, "--baseline", "HEAD~1");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const commit = git(root, "rev-parse", "HEAD~1").slice(0, 12);
    expect(r.stdout).toContain(`New findings against HEAD~1 (${commit}):`);
    expect(r.stdout).toContain("flux-system/c depends on Kustomization flux-system/missing");
    expect(r.stdout).not.toContain("flux-system/gone, which");
    expect(r.stdout).toMatch(
      new RegExp(
        `✔ ${ENTRY}:13 {2}Kustomization flux-system/a: .*flux-system/nope, which no Kustomization .* defines {2}dependson-missing`,
      ),
    );
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe(
      `against HEAD~1 (${commit}): 1 new (1 error), 1 fixed (1 error), 1 unchanged`,
    );
  });

  it("exits 0 when the change only fixes, though old errors remain", () => {
    const r = run("lint", "--repo", root, "--baseline", "HEAD", "-o", "json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.findings).toEqual([]);
    expect(out.baseline).toEqual({ revision: "HEAD", commit: git(root, "rev-parse", "HEAD") });
    expect(out.summary.unchanged.error).toBe(2);
    expect(run("lint", "--repo", root).code).toBe(1);
  });

  it("json, github and sarif say the same", () => {
    const json = JSON.parse(run("lint", "--repo", root, "--baseline", "HEAD~1", "-o", "json").stdout);
    expect(json.findings.map((f: { object: string }) => f.object)).toEqual(["Kustomization flux-system/c"]);
    expect(json.fixed.map((f: { object: string }) => f.object)).toEqual(["Kustomization flux-system/a"]);
    expect(json.unchanged.map((f: { object: string }) => f.object)).toEqual(["Kustomization flux-system/d"]);
    expect(json.summary.new).toEqual({ error: 1, warning: 0, info: 0 });

    const github = run("lint", "--repo", root, "--baseline", "HEAD~1", "-o", "github");
    expect(github.code).toBe(1);
    const lines = github.stdout.trimEnd().split("\n");
    expect(lines.filter((l) => l.startsWith("::error "))).toHaveLength(1);
    expect(lines[0]).toContain("flux-system/c");
    expect(lines.at(-1)).toMatch(/^::notice title=kubestrap::against HEAD~1 \(\w{12}\): 1 new \(1 error\)/);

    const sarif = JSON.parse(run("lint", "--repo", root, "--baseline", "HEAD~1", "-o", "sarif").stdout);
    const results = sarif.runs[0].results as { baselineState: string; message: { text: string } }[];
    expect(results.map((x) => [x.baselineState, x.message.text.split(":")[0]])).toEqual([
      ["new", "Kustomization flux-system/c"],
      ["unchanged", "Kustomization flux-system/d"],
    ]);
  });

  it("takes a folder as the baseline", () => {
    const past = join(root, "..", "past");
    git(root, "worktree", "add", "-q", "--detach", past, "HEAD~1");
    const r = run("lint", "--repo", root, "--baseline", past, "-o", "json");
    expect(JSON.parse(r.stdout).baseline).toEqual({ revision: past });
    expect(JSON.parse(r.stdout).summary.fixed.error).toBe(1);
  });

  it("an unknown revision is bad usage, exit 2, and says how to get it", () => {
    const r = run("lint", "--repo", root, "--baseline", "origin/main");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^kubestrap: baseline origin\/main: no such commit in .*git fetch origin origin\/main\)\n$/,
    );
  });

  it("a baseline that cannot be linted makes every finding new, and says why", () => {
    const repo = gitRepo({ [ENTRY]: ks("a", { dependsOn: ["nope"] }), ...apps });
    writeFileSync(
      join(repo, "kubestrap.yaml"),
      "clusters:\n  - name: infra\n    entry: kubernetes/flux/cluster\n",
    );
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "name the cluster");
    const r = run("lint", "--repo", repo, "--baseline", "HEAD~1", "--cluster", "infra", "--no-color");
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n")[0]).toBe(
      "baseline HEAD~1 could not be linted (cluster infra not found (clusters: default)): every finding is new",
    );
    expect(r.stdout).toMatch(/1 new \(1 error\), 0 fixed, 0 unchanged\n$/);
  });
});
