/**
 * The package as npm installs it, in a new temporary folder: dist/ built by scripts/build.ts, bin/, data/ and
 * package.json copied, no src/ (so bin/kubestrap.js runs the bundle), and this checkout's node_modules linked.
 * The test of the built package and the lint-vs-flate benchmark run kubestrap from it.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");

/** Returns the folder; the caller removes it. */
export function packageFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "kubestrap-package-"));
  const built = spawnSync(process.execPath, [join(ROOT, "scripts/build.ts"), "--out", join(folder, "dist")], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (built.status !== 0) throw new Error(`scripts/build.ts failed:\n${built.stderr}`);
  for (const part of ["bin", "data", "package.json"])
    cpSync(join(ROOT, part), join(folder, part), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(folder, "node_modules"));
  return folder;
}
