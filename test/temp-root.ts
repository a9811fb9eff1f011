/**
 * Every test run gets its own temporary folder, removed when the run ends: the repositories tests write
 * (makeRepo), chart caches, registries and what helm and helmfile leave in TMPDIR. Workers, and the programs tests
 * start, inherit TMPDIR. Without it each run left thousands of folders in /tmp.
 *
 * The folder's name carries the PID of the process that made it. A run that is killed (Stryker kills its vitest
 * workers instead of closing them) never reaches its teardown, so every setup, and `npm run test:mutation` after
 * each part, first removes the run folders whose process is gone.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PREFIX = "kubestrap-test-run-";
const RUN_FOLDER = new RegExp(`^${PREFIX}(\\d+)-`);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes the run folders in `dir` whose process no longer runs; returns their names. */
export function removeOrphanRunFolders(dir: string = tmpdir()): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = RUN_FOLDER.exec(name)?.[1];
    if (pid === undefined || isAlive(Number(pid))) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

export default function setup(): () => void {
  const parent = tmpdir();
  removeOrphanRunFolders(parent);
  const root = mkdtempSync(join(parent, `${PREFIX}${process.pid}-`));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
