/**
 * The GitHub Action's steps (action/run.sh, which action.yml runs) on a fixture repository, with GitHub's
 * variables set as a pull request and a push set them, and nothing fetched.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROJECT, runAction } from "./action-run.ts";
import { git, gitRepo } from "./git-repo.ts";
import { ks } from "./helpers.ts";

const ENTRY = "kubernetes/flux/cluster/ks.yaml";
const cm = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  a: "${name}"\n`;

/**
 * origin/main: a depends on a missing Kustomization. The branch: a fixed, c added with a missing path and a
 * missing dependency, and a ConfigMap added to a.
 */
let root: string;
beforeAll(() => {
  root = gitRepo({ [ENTRY]: ks("a", { dependsOn: ["nope"] }), "apps/a/cm.yaml": cm("a") });
  git(root, "update-ref", "refs/remotes/origin/main", "HEAD");
  writeFileSync(join(root, ENTRY), ks("a") + ks("c", { dependsOn: ["missing"] }));
  writeFileSync(join(root, "apps/a/extra.yaml"), cm("extra"));
  git(root, "checkout", "-q", "-b", "change");
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "fix a, break c");
});

describe("the GitHub Action", () => {
  it("on a pull request: annotations and SARIF for the new error, the diff in the summary, exit-code 1", () => {
    const r = runAction(root, { GITHUB_EVENT_NAME: "pull_request", GITHUB_BASE_REF: "main" });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.outputs["exit-code"]).toBe("1");
    const annotations = r.stdout.split("\n").filter((l) => l.startsWith("::error "));
    // c's path does not exist and its dependency is missing; a's old error is gone.
    expect(
      annotations.map((a) => a.match(/title=kubestrap ([\w-]+)::Kustomization flux-system\/(\w+)/)?.slice(1)),
    ).toEqual([
      ["path-missing", "c"],
      ["dependson-missing", "c"],
    ]);
    expect(r.stdout).toMatch(
      /::notice title=kubestrap::against origin\/main \(\w{12}\): 2 new \(2 errors\), 1 fixed/,
    );

    const sarif = JSON.parse(readFileSync(join(r.workspace, r.outputs["sarif-file"] ?? ""), "utf8"));
    const results = sarif.runs[0].results as { baselineState: string; locations: unknown[] }[];
    expect(results.map((x) => x.baselineState)).toEqual(["new", "new"]);

    expect(r.summary).toContain("### kubestrap lint against `origin/main`");
    expect(r.summary).toContain("Fixed by this change (1):");
    expect(r.summary).toContain("### kubestrap diff against `origin/main (");
    expect(r.summary).toContain("<summary><b>Kustomization flux-system/a</b>: 1 added</summary>");
    expect(r.summary).not.toContain("\u001b[");
    expect(readFileSync(r.outputs["diff-file"] ?? "", "utf8")).toContain(
      "+++ b/apps/a/extra.yaml\tConfigMap default/extra",
    );
  });

  it("on a push: every error counts, and no diff", () => {
    const r = runAction(root, { GITHUB_EVENT_NAME: "push" });
    expect(r.code).toBe(0);
    expect(r.outputs["exit-code"]).toBe("1");
    expect(r.outputs["diff-file"]).toBeUndefined();
    expect(r.summary).toContain("### kubestrap lint\n");
    expect(r.summary).not.toContain("kubestrap diff");
  });

  it("a pull request that introduces no error: exit-code 0", () => {
    const r = runAction(root, { GITHUB_EVENT_NAME: "pull_request", INPUT_BASELINE: "HEAD" });
    expect(r.outputs["exit-code"]).toBe("0");
    expect(r.stdout).not.toContain("::error ");
    expect(r.summary).toContain("no change to the cluster against HEAD");
  });

  it("a base it cannot read stops the step with exit 2 and an annotation saying why", () => {
    const r = runAction(root, { GITHUB_EVENT_NAME: "pull_request", INPUT_BASELINE: "no-such-branch" });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(
      /^::error title=kubestrap::kubestrap lint failed \(exit 2\): kubestrap: baseline no-such-branch: no such commit/m,
    );
  });

  it("action.yml runs that script with the inputs, uploads SARIF when asked, and fails on exit-code", () => {
    const action = parse(readFileSync(join(PROJECT, "action.yml"), "utf8"));
    expect(action.runs.using).toBe("composite");
    const steps = action.runs.steps as {
      id?: string;
      run?: string;
      uses?: string;
      if?: string;
      env?: Record<string, string>;
    }[];
    const lint = steps.find((s) => s.id === "kubestrap");
    expect(lint?.run).toBe('bash "$GITHUB_ACTION_PATH/action/run.sh"');
    for (const input of ["repo", "cluster", "baseline", "sarif", "render"])
      expect(lint?.env?.[`INPUT_${input.toUpperCase()}`]).toBe(`\${{ inputs.${input} }}`);
    expect(Object.keys(action.inputs)).toEqual([
      "repo",
      "cluster",
      "baseline",
      "sarif",
      "upload-sarif",
      "render",
      "fail",
    ]);
    const upload = steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"));
    expect(upload?.if).toBe("${{ inputs.upload-sarif == 'true' }}");
    const fail = steps.at(-1);
    expect(fail?.if).toBe("${{ inputs.fail == 'true' && steps.kubestrap.outputs.exit-code != '0' }}");
    expect(fail?.run).toMatch(/exit 1\n$/);
  });
});
