/**
 * The GitHub Action with `render: true` (action/run.sh, INPUT_RENDER) on a pull request: lint validates what the
 * charts render and the diff shows the rendered objects, with the real helm and the local OCI registry.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { runAction } from "../action-run.ts";
import { git, gitRepo } from "../git-repo.ts";
import { helmRelease, ks } from "../helpers.ts";
import { helmBin, pushChart, writeChart } from "./env.ts";
import { DEPLOYMENT_TEMPLATE } from "./render-cli.ts";

let webRef = "";

beforeAll(async () => {
  webRef = await pushChart(
    writeChart({
      name: "action-web",
      version: "1.0.0",
      values: "replicas: 1\n",
      templates: { "deployment.yaml": DEPLOYMENT_TEMPLATE },
    }),
  );
});

/** A repository whose origin/main has the release web at `replicas: 1`, and a branch that changes it. */
function pullRequest(change: (dir: string) => void): string {
  const dir = gitRepo({
    "kubernetes/flux/cluster/ks.yaml": ks("web"),
    "apps/web/release.yaml": helmRelease("web", webRef, "replicas: 1", { insecure: true }),
  });
  git(dir, "update-ref", "refs/remotes/origin/main", "HEAD");
  git(dir, "checkout", "-q", "-b", "change");
  change(dir);
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "change");
  return dir;
}

function runRendered(dir: string, render = "true") {
  return runAction(dir, {
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_BASE_REF: "main",
    INPUT_RENDER: render,
    KUBESTRAP_HELM: helmBin(3),
    KUBESTRAP_CACHE_DIR: mkdtempSync(join(tmpdir(), "kubestrap-cache-")),
  });
}

const release = (dir: string, values: string) =>
  writeFileSync(join(dir, "apps/web/release.yaml"), helmRelease("web", webRef, values, { insecure: true }));

describe("the GitHub Action with render: true", () => {
  test("a value the chart renders wrong is a new error, and the diff shows the Deployment it changes", () => {
    const dir = pullRequest((d) => release(d, "replicas: three"));
    const r = runRendered(dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.outputs["exit-code"]).toBe("1");
    const annotations = r.stdout.split("\n").filter((l) => l.startsWith("::error "));
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toContain("title=kubestrap schema-invalid::");
    expect(annotations[0]).toContain(
      "Deployment default/web, rendered by the chart of HelmRelease default/web",
    );
    expect(r.summary).toContain("values changed; rendered objects 1 changed");
    expect(r.summary).toMatch(/^- {2}replicas: 1\n\+ {2}replicas: three$/m);
    expect(r.stdout).not.toContain("::warning ");

    // Without render, neither the rendered error nor the rendered objects are there.
    const plain = runRendered(dir, "false");
    expect(plain.outputs["exit-code"]).toBe("0");
    expect(plain.summary).not.toContain("rendered objects");
  });

  test("a chart it cannot pull: chart-render-failed, and a warning that the diff lacks its objects", () => {
    const dir = pullRequest((d) =>
      writeFileSync(
        join(d, "apps/web/release.yaml"),
        helmRelease("web", webRef, "replicas: 2", { insecure: true }).replace("tag: 1.0.0", "tag: 9.9.9"),
      ),
    );
    const r = runRendered(dir);
    expect(r.code).toBe(0);
    expect(r.outputs["exit-code"]).toBe("1");
    expect(r.stdout).toMatch(/^::error [^\n]*title=kubestrap chart-render-failed::/m);
    expect(r.stdout).toMatch(
      /^::warning title=kubestrap::kubestrap diff --render could not render every chart; their objects are not compared/m,
    );
    expect(r.summary).toContain("not rendered, its objects not compared");
  });

  test("a render input other than true or false stops the step with exit 2", () => {
    const r = runRendered(
      pullRequest((d) => release(d, "replicas: 2")),
      "yes",
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("::error title=kubestrap::the input render is true or false, not 'yes'");
  });
});
