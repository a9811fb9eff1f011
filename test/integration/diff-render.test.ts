/**
 * `kubestrap diff --baseline REV --render`: every HelmRelease's chart rendered by the real helm from the local
 * OCI registry, in the working tree and at the baseline commit, and what they render compared object by object.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { git, gitRepo } from "../git-repo.ts";
import { helmRelease, ks } from "../helpers.ts";
import { pushChart, writeChart } from "./env.ts";
import { DEPLOYMENT_TEMPLATE, kubestrap } from "./render-cli.ts";

let webRef = "";

beforeAll(async () => {
  for (const [version, templates] of [
    ["1.0.0", { "deployment.yaml": DEPLOYMENT_TEMPLATE }],
    [
      "1.1.0",
      {
        "deployment.yaml": DEPLOYMENT_TEMPLATE,
        "configmap.yaml":
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata: {a: b}\n",
      },
    ],
  ] as const)
    webRef = await pushChart(writeChart({ name: "diff-web", version, values: "replicas: 1\n", templates }));
});

type Diff = {
  clusters: {
    renderFailures?: string[];
    changes: { unit: string; id: string; objects: { change: string; kind: string; name: string }[] }[];
  }[];
};

function repository(): string {
  return gitRepo({
    "kubernetes/flux/cluster/ks.yaml": ks("web") + ks("same"),
    "apps/web/release.yaml": helmRelease("web", webRef, "replicas: 1", { insecure: true }),
    "apps/same/release.yaml": helmRelease("same", webRef, "replicas: 1", {
      namespace: "same",
      insecure: true,
    }),
  });
}

describe("kubestrap diff --render", () => {
  test("a value shows as the Deployment it changes; an unchanged release shows nothing", async () => {
    const dir = repository();
    writeFileSync(
      join(dir, "apps/web/release.yaml"),
      helmRelease("web", webRef, "replicas: 3", { insecure: true }),
    );
    const cache = mkdtempSync(join(tmpdir(), "kubestrap-cache-"));
    const text = await kubestrap(["diff", "--repo", dir, "--baseline", "HEAD", "--render"], cache);
    expect(text.stderr).toBe("");
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("HelmRelease default/web: values changed; rendered objects 1 changed\n");
    expect(text.stdout).toContain("--- a/apps/web/release.yaml\tDeployment default/web\n");
    expect(text.stdout).toMatch(/^- {2}replicas: 1\n\+ {2}replicas: 3$/m);
    expect(text.stdout).not.toContain("same/same");
    // The HelmRelease is itself a changed object of its Kustomization; the Deployment is the rendered one.
    expect(text.stdout).toContain(
      "1 Kustomization and 1 HelmRelease changed; objects 0 added, 2 changed, 0 removed",
    );

    // Without --render the values diff is all there is.
    const plain = await kubestrap(["diff", "--repo", dir, "--baseline", "HEAD", "-o", "json"], cache);
    const [web] = ((JSON.parse(plain.stdout) as Diff).clusters[0]?.changes ?? []).filter(
      (c) => c.unit === "HelmRelease",
    );
    expect([web?.id, web?.objects]).toEqual(["default/web", []]);
  });

  test("a new chart version shows the objects it adds, even with the values as they were", async () => {
    const dir = repository();
    const bumped = helmRelease("web", webRef, "replicas: 1", { insecure: true }).replace(
      "ref: {tag: 1.0.0}",
      "ref: {tag: 1.1.0}",
    );
    writeFileSync(join(dir, "apps/web/release.yaml"), bumped);
    git(dir, "commit", "-qam", "bump");
    const cache = mkdtempSync(join(tmpdir(), "kubestrap-cache-"));
    const run = await kubestrap(
      ["diff", "--repo", dir, "--baseline", "HEAD~1", "--render", "-o", "json"],
      cache,
    );
    expect(run.code).toBe(0);
    const changes = ((JSON.parse(run.stdout) as Diff).clusters[0]?.changes ?? []).filter(
      (c) => c.unit === "HelmRelease",
    );
    expect(changes.map((c) => [c.unit, c.id, c.objects.map((o) => [o.change, o.kind, o.name])])).toEqual([
      ["HelmRelease", "default/web", [["added", "ConfigMap", "web"]]],
    ]);
    const markdown = await kubestrap(
      ["diff", "--repo", dir, "--baseline", "HEAD~1", "--render", "-o", "markdown"],
      cache,
    );
    expect(markdown.stdout).toContain(
      "<summary><b>HelmRelease default/web</b>: chart changed; rendered objects 1 added</summary>",
    );
  });

  test("a chart that cannot be rendered is said, its objects are not compared, and the exit status is 1", async () => {
    const dir = repository();
    writeFileSync(
      join(dir, "apps/web/release.yaml"),
      helmRelease("web", webRef, "replicas: 3", { insecure: true }).replace(
        "ref: {tag: 1.0.0}",
        "ref: {tag: 9.9.9}",
      ),
    );
    const cache = mkdtempSync(join(tmpdir(), "kubestrap-cache-"));
    const run = await kubestrap(["diff", "--repo", dir, "--baseline", "HEAD", "--render"], cache);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^not rendered, its objects not compared: HelmRelease default\/web: release default\/web \(chart oci:\/\/.*diff-web:9\.9\.9\): pull failed/m,
    );
    expect(run.stdout).toContain("HelmRelease default/web: chart and values changed\n");
  });
});
