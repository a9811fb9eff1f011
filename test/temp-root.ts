/**
 * Every test run gets its own temporary folder, removed when the run ends: the repositories tests write
 * (makeRepo), chart caches, registries and what helm and helmfile leave in TMPDIR. Workers, and the programs tests
 * start, inherit TMPDIR. Without it each run left thousands of folders in /tmp.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "kubestrap-test-run-"));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
