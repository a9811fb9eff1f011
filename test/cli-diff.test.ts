import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { git, gitRepo } from "./git-repo.ts";
import { helmRelease, ks } from "./helpers.ts";

const bin = new URL("../bin/kubestrap.js", import.meta.url).pathname;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const cm = (name: string, value = "1") =>
  `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  a: "${value}"\n`;
const secret = (password: string) =>
  `---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: default\ndata:\n  password: ${password}\n  user: YWRtaW4=\n`;
const ENTRY = "kubernetes/flux/cluster/ks.yaml";
const OLD_PASSWORD = "b2xkLXBhc3N3b3Jk";
const NEW_PASSWORD = "bmV3LXBhc3N3b3Jk";

/**
 * HEAD~1: a depends on a missing Kustomization (an error the change fixes); web applies a HelmRelease, a Secret
 * and a ConfigMap; gone applies one ConfigMap.
 * HEAD: a fixed; c added with a missing dependency (the change's new error); gone removed; in web the
 * HelmRelease's values and the Secret's password changed, ConfigMap old replaced by new.
 */
let root: string;
beforeAll(() => {
  const podinfo = (replicas: number) =>
    helmRelease("podinfo", "oci://ghcr.io/stefanprodan/charts/podinfo", `replicaCount: ${replicas}`);
  root = gitRepo({
    [ENTRY]: ks("a", { dependsOn: ["nope"] }) + ks("web") + ks("gone"),
    "apps/a/cm.yaml": cm("a"),
    "apps/web/app.yaml": podinfo(1) + secret(OLD_PASSWORD) + cm("old"),
    "apps/gone/cm.yaml": cm("gone"),
  });
  writeFileSync(join(root, ENTRY), ks("a") + ks("web") + ks("c", { dependsOn: ["missing"] }));
  writeFileSync(join(root, "apps/web/app.yaml"), podinfo(2) + secret(NEW_PASSWORD) + cm("new"));
  mkdirSync(join(root, "apps/c"));
  writeFileSync(join(root, "apps/c/cm.yaml"), cm("c"));
  rmSync(join(root, "apps/gone"), { recursive: true });
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "fix a, add c, drop gone, change web");
});

describe("diff --baseline", () => {
  it("prints per Kustomization and HelmRelease what the change adds, removes and changes", () => {
    const r = run("diff", "--repo", root, "--baseline", "HEAD~1");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const headings = r.stdout.split("\n").filter((l) => /^(Kustomization|HelmRelease) /.test(l));
    expect(headings).toEqual([
      "Kustomization flux-system/flux-system: 1 added, 1 changed, 1 removed",
      "Kustomization flux-system/web: 1 added, 2 changed, 1 removed",
      "Kustomization flux-system/c: added, 1 added",
      "Kustomization flux-system/gone: removed, 1 removed",
      "HelmRelease default/podinfo: values changed",
    ]);
    const commit = git(root, "rev-parse", "HEAD~1").slice(0, 12);
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe(
      `against HEAD~1 (${commit}): 4 Kustomizations and 1 HelmRelease changed; objects 3 added, 3 changed, 3 removed`,
    );
  });

  it("shows each object as a unified diff headed by its file and name", () => {
    const { stdout } = run("diff", "--repo", root, "--baseline", "HEAD~1");
    expect(stdout).toContain(
      [
        "--- a/apps/web/app.yaml\tHelmRelease default/podinfo",
        "+++ b/apps/web/app.yaml\tHelmRelease default/podinfo",
      ].join("\n"),
    );
    expect(stdout).toContain("-    replicaCount: 1\n+    replicaCount: 2\n");
    expect(stdout).toContain("--- /dev/null\n+++ b/apps/web/app.yaml\tConfigMap default/new\n");
    expect(stdout).toContain("--- a/apps/web/app.yaml\tConfigMap default/old\n+++ /dev/null\n");
    expect(stdout).toContain("--- a/apps/gone/cm.yaml\tConfigMap default/gone\n+++ /dev/null\n");
    // The dependency a no longer has, in the entry point's Kustomization.
    expect(stdout).toMatch(/ {4}- name: nope\n/);
    // The HelmRelease's own section: its chart, unchanged, and its values.
    expect(stdout).toContain(
      "chart: podinfo 1.0.0 from oci://ghcr.io/stefanprodan/charts/podinfo (unchanged)\n" +
        "--- a/apps/web/app.yaml\tHelmRelease default/podinfo values\n" +
        "+++ b/apps/web/app.yaml\tHelmRelease default/podinfo values\n" +
        "@@ -1,1 +1,1 @@\n-replicaCount: 1\n+replicaCount: 2\n",
    );
  });

  it("never prints Secret data, but says which key changed", () => {
    const { stdout } = run("diff", "--repo", root, "--baseline", "HEAD~1", "-o", "json");
    const markdown = run("diff", "--repo", root, "--baseline", "HEAD~1", "-o", "markdown").stdout;
    const text = run("diff", "--repo", root, "--baseline", "HEAD~1").stdout;
    for (const out of [stdout, markdown, text]) {
      expect(out).not.toContain(OLD_PASSWORD);
      expect(out).not.toContain(NEW_PASSWORD);
      expect(out).not.toContain("YWRtaW4=");
    }
    expect(text).toContain("-  password: (redacted)\n+  password: (redacted, changed)\n");
    expect(text).toContain("   user: (redacted)\n");
  });

  it("JSON holds every change with its location, and totals", () => {
    const out = JSON.parse(run("diff", "--repo", root, "--baseline", "HEAD~1", "-o", "json").stdout);
    expect(out.baseline).toBe("HEAD~1");
    expect(out.commit).toBe(git(root, "rev-parse", "HEAD~1"));
    expect(out.summary).toEqual({
      kustomizations: 4,
      helmReleases: 1,
      objects: { added: 3, changed: 3, removed: 3 },
    });
    const web = out.clusters[0].changes.find((u: { id: string }) => u.id === "flux-system/web");
    expect(
      web.objects.map(
        (o: { kind: string; name: string; change: string }) => `${o.change} ${o.kind}/${o.name}`,
      ),
    ).toEqual([
      "changed HelmRelease/podinfo",
      "changed Secret/db",
      "added ConfigMap/new",
      "removed ConfigMap/old",
    ]);
    expect(web.objects[0].location).toEqual({ file: "apps/web/app.yaml", line: 12 });
    const podinfo = out.clusters[0].changes.find((u: { unit: string }) => u.unit === "HelmRelease");
    expect(podinfo.before.values).toEqual({ replicaCount: 1 });
    expect(podinfo.after.values).toEqual({ replicaCount: 2 });
  });

  it("Markdown collapses one section per Kustomization and HelmRelease", () => {
    const { stdout, code } = run("diff", "--repo", root, "--baseline", "HEAD~1", "-o", "markdown");
    expect(code).toBe(0);
    const commit = git(root, "rev-parse", "HEAD~1").slice(0, 12);
    expect(stdout.split("\n")[0]).toBe(`### kubestrap diff against \`HEAD~1 (${commit})\``);
    expect(stdout.match(/<details>/g)).toHaveLength(5);
    expect(stdout).toContain(
      "<details><summary><b>HelmRelease default/podinfo</b>: values changed</summary>\n\n```diff\nchart: podinfo",
    );
    expect(stdout).not.toContain("\u001b[");
  });

  it("lint --baseline on the same change: one new error, one fixed", () => {
    const r = run("lint", "--repo", root, "--baseline", "HEAD~1", "-o", "json");
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.findings.map((f: { ruleId: string; object: string }) => `${f.ruleId} ${f.object}`)).toEqual([
      "dependson-missing Kustomization flux-system/c",
    ]);
    expect(out.fixed.map((f: { ruleId: string; object: string }) => `${f.ruleId} ${f.object}`)).toEqual([
      "dependson-missing Kustomization flux-system/a",
    ]);
  });

  it("against itself there is no change", () => {
    const r = run("diff", "--repo", root, "--baseline", "HEAD");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `no change to the cluster against HEAD (${git(root, "rev-parse", "HEAD").slice(0, 12)})\n`,
    );
  });

  it("an unknown revision is bad usage, exit 2; --baseline is required", () => {
    const r = run("diff", "--repo", root, "--baseline", "origin/main");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^kubestrap: baseline origin\/main: no such commit/);
    const none = run("diff", "--repo", root);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("--baseline <rev>");
  });

  it("a cluster the baseline lacks is all added, and says why", () => {
    const repo = gitRepo({ [ENTRY]: ks("a"), "apps/a/cm.yaml": cm("a") });
    writeFileSync(
      join(repo, "kubestrap.yaml"),
      "clusters:\n  - name: infra\n    entry: kubernetes/flux/cluster\n",
    );
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "name the cluster");
    const r = run("diff", "--repo", repo, "--baseline", "HEAD~1", "--cluster", "infra");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").slice(0, 3)).toEqual([
      "baseline HEAD~1 could not be read (cluster infra not found (clusters: default)): everything counts as added",
      "Kustomization flux-system/flux-system: added, 1 added",
      "--- /dev/null",
    ]);
    expect(r.stdout).toMatch(
      /2 Kustomizations and 0 HelmReleases changed; objects 2 added, 0 changed, 0 removed\n$/,
    );
  });
});
