/**
 * Lint against flate, side by side in this run, on the corpus repositories (../shared/corpus): `kubestrap lint`
 * (schema validation included) and `flate get ks` (its reconcile pipeline: every Kustomization built from the
 * repository, then its sources fetched), each a fresh process, best of 3, one after the other.
 *
 * Both run offline. flate reaches for the OCI and Helm repositories of the charts, which this machine cannot
 * resolve, reports them as failed and stops the Kustomizations that depend on them; kubestrap never fetches a
 * chart for lint. The ratio is flate's wall time over kubestrap's.
 *
 *   npm run bench:flate
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { BENCH_TOOLS, benchToolPaths, provision } from "../scripts/testenv/provision.ts";
import { VERSIONS } from "../src/cluster/local/versions.ts";

const ROOT = join(import.meta.dirname, "..");
const CORPUS = join(ROOT, "../shared/corpus");
const KUBESTRAP = join(ROOT, "bin/kubestrap.js");

function timed(bin: string, args: string[]): { ms: number; status: number | null; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync(bin, args, { encoding: "utf8", maxBuffer: 1 << 28 });
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
console.log(
  `lint vs flate ${VERSIONS.flate} (node ${process.version}, best of 3, a fresh process each, offline)`,
);
console.log(
  "repository                 kubestrap ms   flate ms   flate/kubestrap   flate: sources it could not fetch",
);
for (const name of readdirSync(CORPUS).sort()) {
  const repo = join(CORPUS, name);
  const ours = best(3, () =>
    timed(process.execPath, [KUBESTRAP, "lint", "--repo", repo, "--output", "json"]),
  );
  const theirs = best(3, () => timed(flate, ["get", "ks", "--no-progress", "--path", repo]));
  const unreachable = new Set(theirs.stderr.match(/(?:OCI|Helm)Repository\/[\w.-]+\/[\w.-]+/g) ?? []).size;
  console.log(
    `${name.padEnd(26)} ${ours.ms.toFixed(0).padStart(12)} ${theirs.ms.toFixed(0).padStart(10)} ${`${(theirs.ms / ours.ms).toFixed(1)}×`.padStart(17)}   ${unreachable} (exit ${theirs.status})`,
  );
}
console.log("target: flate/kubestrap ≥ 20×");
