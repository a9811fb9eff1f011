/**
 * A revision of a git repository as a folder: what `lint --baseline REV` and `diff --baseline REV` read the
 * repository's past from. The tree comes from `git archive`, so the work tree, the index and `.git` are never
 * touched, and uncommitted changes of the work tree do not leak into the baseline.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { RepositoryError } from "./repository.ts";
import { readTar } from "./tar.ts";

export interface Checkout {
  /** The folder holding the revision's copy of the repository folder. */
  dir: string;
  /** The revision as given. */
  revision: string;
  /** The commit it names. */
  commit: string;
}

function git(cwd: string, args: string[], what: string): Buffer {
  const run = spawnSync("git", args, { cwd, maxBuffer: 2 ** 31 - 1 });
  if (run.error) throw new RepositoryError(`${what}: git could not be run (${run.error.message})`);
  if (run.status !== 0) {
    const reason = run.stderr.toString("utf8").trim().split("\n")[0] ?? `exit ${run.status}`;
    throw new RepositoryError(`${what}: ${reason}`);
  }
  return run.stdout;
}

/** The commit `revision` names in the git repository that holds `repoDir`. */
export function resolveCommit(repoDir: string, revision: string): string {
  const what = `baseline ${revision}`;
  git(repoDir, ["rev-parse", "--is-inside-work-tree"], `${what}: ${repoDir} is not in a git work tree`);
  const run = spawnSync(
    "git",
    ["rev-parse", "--verify", "--quiet", "--end-of-options", `${revision}^{commit}`],
    {
      cwd: repoDir,
    },
  );
  const commit = run.stdout?.toString("utf8").trim();
  if (run.status !== 0 || !commit)
    throw new RepositoryError(
      `${what}: no such commit in ${repoDir} (a shallow clone may lack it: git fetch origin ${revision})`,
    );
  return commit;
}

/**
 * Writes the tree of `revision` for the folder `repoDir` (the repository root or a folder in it) into a new
 * temporary folder. The caller removes it with `removeCheckout`, or uses `withCheckout`.
 */
export function checkout(repoDir: string, revision: string): Checkout {
  const commit = resolveCommit(repoDir, revision);
  const what = `baseline ${revision}`;
  const top = git(repoDir, ["rev-parse", "--show-toplevel"], what).toString("utf8").trim();
  const prefix = git(repoDir, ["rev-parse", "--show-prefix"], what).toString("utf8").trim();
  const tree = prefix ? `${commit}:${prefix.replace(/\/$/, "")}` : commit;
  // From the top: git refuses to archive from a folder of the work tree that the index does not know.
  const tar = git(top, ["archive", "--format=tar", tree], `${what}: git archive`);
  const dir = mkdtempSync(join(tmpdir(), `kubestrap-baseline-${process.pid}-`));
  try {
    for (const entry of readTar(tar)) {
      const path = resolve(dir, entry.name);
      if (!path.startsWith(dir + sep)) continue;
      mkdirSync(dirname(path), { recursive: true });
      if (entry.type === "symlink") symlinkSync(entry.target ?? "", path);
      else writeFileSync(path, entry.data);
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, revision, commit };
}

export function removeCheckout(c: Checkout): void {
  rmSync(c.dir, { recursive: true, force: true });
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * Runs `use` on a checkout of `revision`, and removes the folder afterwards: also when `use` throws, and when the
 * process is interrupted meanwhile (the signal is raised again once the folder is gone, so the exit status is
 * what it would have been).
 */
export async function withCheckout<T>(
  repoDir: string,
  revision: string,
  use: (c: Checkout) => T | Promise<T>,
): Promise<T> {
  const c = checkout(repoDir, revision);
  const onSignal = (signal: NodeJS.Signals) => {
    removeCheckout(c);
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    process.kill(process.pid, signal);
  };
  for (const s of SIGNALS) process.once(s, onSignal);
  try {
    return await use(c);
  } finally {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    removeCheckout(c);
  }
}

/**
 * Runs `use` on the baseline of a change: the folder `baseline` when one exists at that path, otherwise a
 * checkout of the git revision `baseline` of the repository that holds `repoDir` (with its commit), removed
 * afterwards as `withCheckout` removes it.
 */
export async function withBaseline<T>(
  repoDir: string,
  baseline: string,
  use: (dir: string, commit?: string) => T | Promise<T>,
): Promise<T> {
  const folder = resolve(baseline);
  if (existsSync(folder) && statSync(folder).isDirectory()) return use(folder);
  return withCheckout(repoDir, baseline, (c) => use(c.dir, c.commit));
}
