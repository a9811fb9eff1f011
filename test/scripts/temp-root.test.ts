import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import setup, { removeOrphanRunFolders } from "../temp-root.ts";

/** The PID of a process that has ended. */
function deadPid(): number {
  const run = spawnSync(process.execPath, ["-e", ""]);
  if (run.pid === undefined) throw new Error("no child process");
  return run.pid;
}

describe("the test run's temporary folder", () => {
  const saved = process.env.TMPDIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  });

  it("removes the run folders of processes that are gone, and nothing else", () => {
    const parent = mkdtempSync(join(tmpdir(), "parent-"));
    const dead = join(parent, `kubestrap-test-run-${deadPid()}-AbC123`);
    mkdirSync(join(dead, "repo", "kubernetes"), { recursive: true });
    writeFileSync(join(dead, "repo", "kubernetes", "ks.yaml"), "kind: Kustomization\n");
    const live = join(parent, `kubestrap-test-run-${process.pid}-XyZ789`);
    mkdirSync(live);
    mkdirSync(join(parent, "kubestrap-test-run-notapid"));
    mkdirSync(join(parent, "helm-cache-1"));

    expect(removeOrphanRunFolders(parent)).toEqual([basename(dead)]);
    expect(readdirSync(parent).sort()).toEqual(
      [basename(live), "helm-cache-1", "kubestrap-test-run-notapid"].sort(),
    );
    expect(removeOrphanRunFolders(parent)).toEqual([]);
  });

  it("answers an unreadable folder with nothing removed", () => {
    expect(removeOrphanRunFolders(join(tmpdir(), "does-not-exist"))).toEqual([]);
  });

  it("names its folder with its PID, sweeps orphans first, and removes its own at teardown", () => {
    const parent = mkdtempSync(join(tmpdir(), "parent-"));
    const orphan = join(parent, `kubestrap-test-run-${deadPid()}-000000`);
    mkdirSync(orphan);
    process.env.TMPDIR = parent;

    const teardown = setup();
    const root = process.env.TMPDIR ?? "";
    expect(dirname(root)).toBe(parent);
    expect(basename(root)).toMatch(new RegExp(`^kubestrap-test-run-${process.pid}-`));
    expect(existsSync(orphan)).toBe(false);

    teardown();
    expect(process.env.TMPDIR).toBe(parent);
    expect(existsSync(root)).toBe(false);
  });
});
