/**
 * kubestrap benchmarks. Lint of synthetic repositories of N apps (each a Flux Kustomization, a
 * HelmRelease, an OCIRepository and three custom resources), each in a fresh process, reporting wall
 * time, time per app and peak memory; then the real onedr0p/home-ops corpus.
 *
 *   npm run bench            N = 100, 1000, 5000
 *   npm run bench -- 200 400 sizes of your choice
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeSyntheticRepo } from "./synthetic.ts";

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const lintOnce = new URL("./lint-once.ts", import.meta.url).pathname;

interface Run {
  ms: number;
  maxRssMiB: number;
  findings: number;
  inventory: { files: number };
}

function measure(repo: string, runs = 3, args: string[] = []): Run {
  let best: Run | undefined;
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, [lintOnce, repo, ...args], {
      encoding: "utf8",
      maxBuffer: 1 << 26,
    });
    const r = JSON.parse(out) as Run;
    if (!best || r.ms < best.ms) best = r;
  }
  return best as Run;
}

console.log(`kubestrap lint benchmark (node ${process.version}, best of 3, fresh process each)`);
console.log("apps    files   lint ms   ms/app   peak RSS MiB   findings");
let first: { apps: number; ms: number } | undefined;
for (const apps of sizes.length > 0 ? sizes : [100, 1000, 5000]) {
  const root = mkdtempSync(join(tmpdir(), "kubestrap-bench-"));
  try {
    writeSyntheticRepo(root, apps);
    const r = measure(root);
    console.log(
      `${String(apps).padStart(4)} ${String(r.inventory.files).padStart(8)} ${r.ms.toFixed(0).padStart(9)} ${(r.ms / apps).toFixed(3).padStart(8)} ${r.maxRssMiB.toFixed(0).padStart(14)} ${String(r.findings).padStart(10)}`,
    );
    if (r.findings !== 0) console.log(`  unexpected findings on a clean synthetic repository: ${r.findings}`);
    if (first) {
      const growth = r.ms / first.ms / (apps / first.apps);
      console.log(`       time grows ${growth.toFixed(2)}× relative to linear from ${first.apps} apps`);
    } else first = { apps, ms: r.ms };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const corpus = new URL("../../shared/corpus/onedr0p__home-ops", import.meta.url).pathname;
if (existsSync(corpus)) {
  const r = measure(corpus);
  console.log(
    `onedr0p/home-ops: ${r.inventory.files} files in ${r.ms.toFixed(0)} ms, peak RSS ${r.maxRssMiB.toFixed(0)} MiB, ${r.findings} findings`,
  );
}

// Several clusters: one fleet lint (the repository read once, each cluster analysed, the fleet rules) against
// one lint per cluster, each in its own process as a script linting cluster by cluster would run them.
const fleet = new URL("../../shared/corpus/joryirving__home-ops", import.meta.url).pathname;
if (existsSync(fleet)) {
  const all = measure(fleet, 3, ["--fleet"]);
  const each = ["main", "test", "utility"].map((c) => measure(fleet, 3, ["--cluster", c]).ms);
  const sum = each.reduce((a, b) => a + b, 0);
  console.log(
    `joryirving/home-ops, 3 clusters: fleet lint ${all.ms.toFixed(0)} ms (peak RSS ${all.maxRssMiB.toFixed(0)} MiB); one lint per cluster ${each.map((m) => m.toFixed(0)).join(" + ")} = ${sum.toFixed(0)} ms; ratio ${(all.ms / sum).toFixed(2)}`,
  );
}
