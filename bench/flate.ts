/**
 * Lint against flate, side by side in this run, on the corpus repositories (../shared/corpus): `kubestrap lint`
 * (schema validation included), from the sources as a checkout runs it and from the bundled package as npm
 * installs it (built here into a temporary folder), and `flate get ks` (its reconcile pipeline: every Kustomization built from the
 * repository, then its sources fetched), each a fresh process, best of 3, one after the other.
 *
 * Both run offline. flate reaches for the OCI and Helm repositories of the charts, which this machine cannot
 * resolve, reports them as failed and stops the Kustomizations that depend on them; kubestrap never fetches a
 * chart for lint. The ratio is flate's wall time over kubestrap's.
 *
 *   npm run bench:flate
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { packageFolder } from "../scripts/package-folder.ts";
import { BENCH_TOOLS, benchToolPaths, provision } from "../scripts/testenv/provision.ts";
import { VERSIONS } from "../src/cluster/local/versions.ts";

const ROOT = join(import.meta.dirname, "..");
const CORPUS = join(ROOT, "../shared/corpus");
const KUBESTRAP = join(ROOT, "bin/kubestrap.js");

function timed(
  bin: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { ms: number; status: number | null; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync(bin, args, { encoding: "utf8", maxBuffer: 1 << 28, env });
  return { ms: performance.now() - t0, status: r.status, stderr: r.stderr };
}

function best(runs: number, f: () => ReturnType<typeof timed>): ReturnType<typeof timed> {
  let out: ReturnType<typeof timed> | undefined;
  for (let i = 0; i < runs; i++) {
    const r = f();
    if (!out || r.ms < out.ms) out = r;
  }
  return out as ReturnType<typeof timed>;
}

if (!existsSync(CORPUS)) {
  console.log("lint vs flate: skipped, ../shared/corpus is not beside the project");
  process.exit(0);
}
await provision(() => {}, [...BENCH_TOOLS]);
const { flate } = benchToolPaths();

// The package as npm installs it: dist/ bundled, no src/ beside bin/ (its dependencies from this checkout).
const installed = packageFolder();
const PACKAGE = join(installed, "bin/kubestrap.js");
const env = { ...process.env, KUBESTRAP_CACHE_DIR: join(installed, ".cache") };

console.log(
  `lint vs flate ${VERSIONS.flate} (node ${process.version}, best of 3, a fresh process each, offline)`,
);
console.log(
  "repository                 sources ms  package ms   flate ms   flate/sources  flate/package   flate: sources it could not fetch",
);
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
try {
  for (const name of readdirSync(CORPUS).sort()) {
    const repo = join(CORPUS, name);
    const args = ["lint", "--repo", repo, "--output", "json"];
    const sources = best(3, () => timed(process.execPath, [KUBESTRAP, ...args]));
    const bundled = best(3, () => timed(process.execPath, [PACKAGE, ...args], env));
    const theirs = best(3, () => timed(flate, ["get", "ks", "--no-progress", "--path", repo]));
    const unreachable = new Set(theirs.stderr.match(/(?:OCI|Helm)Repository\/[\w.-]+\/[\w.-]+/g) ?? []).size;
    console.log(
      `${name.padEnd(26)} ${sources.ms.toFixed(0).padStart(10)} ${bundled.ms.toFixed(0).padStart(11)} ${theirs.ms.toFixed(0).padStart(10)} ${ratio(theirs.ms, sources.ms).padStart(14)} ${ratio(theirs.ms, bundled.ms).padStart(14)}   ${unreachable} (exit ${theirs.status})`,
    );
  }
} finally {
  rmSync(installed, { recursive: true, force: true });
}
console.log("target: flate/kubestrap ≥ 20×");
