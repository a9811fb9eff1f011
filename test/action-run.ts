/** action/run.sh (the GitHub Action's work) as GitHub runs it, in a fresh workspace, with nothing fetched. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const PROJECT = new URL("..", import.meta.url).pathname;

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: string;
  outputs: Record<string, string>;
  workspace: string;
}

/** `env` holds the action's inputs (INPUT_*) and GitHub's variables; only PATH and HOME come from this process. */
export function runAction(repo: string, env: Record<string, string>): ActionRun {
  const workspace = mkdtempSync(join(tmpdir(), "kubestrap-test-action-"));
  const summary = join(workspace, "summary.md");
  const output = join(workspace, "output");
  writeFileSync(summary, "");
  writeFileSync(output, "");
  const r = spawnSync("bash", [join(PROJECT, "action/run.sh")], {
    cwd: workspace,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_CONFIG_NOSYSTEM: "1",
      NODE: process.execPath,
      KUBESTRAP_BIN: join(PROJECT, "bin/kubestrap.js"),
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_OUTPUT: output,
      RUNNER_TEMP: workspace,
      INPUT_REPO: repo,
      ...env,
    },
  });
  const outputs = Object.fromEntries(
    readFileSync(output, "utf8")
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    summary: readFileSync(summary, "utf8"),
    outputs,
    workspace,
  };
}
