/**
 * `kubestrap rehearse --repo examples/homelab` from a warm tool cache: the whole example (its bootstrap, then
 * 15 Kustomizations and 9 HelmReleases converged) on a throwaway control plane, through the CLI, as a user runs
 * it. The charts are the stand-ins (test/fixtures/stand-ins) in a registry of their own, pulled through
 * `--registry-mirror`; no other control plane runs beside the rehearsal's.
 *
 * The first run starts from an empty chart cache, the later ones reuse it. Printed per run: the wall time and
 * how it splits into control-plane start, bootstrap and convergence (the report's own timings), and the
 * medians of the warm runs against the target (60 s).
 *
 *   node bench/rehearse.ts [--runs N]      (N ≥ 2, default 3)
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { provision, toolPaths } from "../scripts/testenv/provision.ts";
import { startRegistry } from "../scripts/testenv/registry.ts";
import { standInMirrors } from "../scripts/testenv/stand-ins.ts";
import { toolCache } from "../src/cluster/local/provision.ts";

const BIN = join(import.meta.dirname, "../bin/kubestrap.js");
const REPO = join(import.meta.dirname, "../examples/homelab");
const TARGET_SECONDS = 60;
const runs = Math.max(2, Number(process.argv[process.argv.indexOf("--runs") + 1]) || 3);

interface Report {
  outcome: string;
  timings: { controlPlane: number; bootstrap: number; convergence: number };
  objects: { verdict: string }[];
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid)
    ? ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
    : (sorted[Math.floor(mid)] as number);
}

async function main() {
  await provision(() => {}, ["kubernetes", "etcd", "kwok", "helm3", "registry"]);
  const work = mkdtempSync(join(tmpdir(), "kubestrap-bench-rehearse-"));
  mkdirSync(join(work, "registry"));
  const registry = await startRegistry(join(work, "registry"));
  try {
    const mirrors = standInMirrors(REPO, registry.registry, toolPaths().helm3);
    // A chart cache of the bench's own, so that the first run is cold; the tools are the usual cache's.
    const cache = join(work, "cache");
    mkdirSync(cache);
    symlinkSync(toolCache(), join(cache, "testenv"));
    const env = { ...process.env, KUBESTRAP_CACHE_DIR: cache };
    const args = [
      BIN,
      "rehearse",
      "--repo",
      REPO,
      "-o",
      "json",
      ...mirrors.flatMap((m) => ["--registry-mirror", m]),
    ];
    const warm: { total: number; timings: Report["timings"] }[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const result = spawnSync(process.execPath, args, {
        env,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      });
      const total = (performance.now() - started) / 1000;
      const report = JSON.parse(result.stdout || "{}") as Partial<Report>;
      if (result.status !== 0 || report.outcome !== "ok" || !report.timings)
        throw new Error(`kubestrap rehearse exited ${result.status}:\n${result.stderr.slice(-3000)}`);
      const { controlPlane, bootstrap, convergence } = report.timings;
      const converged = (report.objects ?? []).filter((o) => o.verdict === "converged").length;
      console.log(
        `run ${i + 1} (${i === 0 ? "cold" : "warm"} chart cache)  ${total.toFixed(1)} s: control plane ${controlPlane.toFixed(1)} s, bootstrap ${bootstrap.toFixed(1)} s, convergence ${convergence.toFixed(1)} s, rest ${(total - controlPlane - bootstrap - convergence).toFixed(1)} s; ${converged} objects converged`,
      );
      if (i > 0) warm.push({ total, timings: report.timings });
    }
    const m = (pick: (r: (typeof warm)[number]) => number) => median(warm.map(pick));
    const total = m((r) => r.total);
    console.log(
      [
        "",
        `examples/homelab, ${warm.length} warm runs (medians)`,
        `rehearsal         ${total.toFixed(1)} s   target < ${TARGET_SECONDS} s: ${total < TARGET_SECONDS ? "met" : "NOT met"}`,
        `  control plane   ${m((r) => r.timings.controlPlane).toFixed(1)} s   (start, with the bootstrap's charts fetched meanwhile)`,
        `  bootstrap       ${m((r) => r.timings.bootstrap).toFixed(1)} s   (kubestrap up)`,
        `  convergence     ${m((r) => r.timings.convergence).toFixed(1)} s   (the Kustomizations and HelmReleases)`,
        `  rest            ${m((r) => r.total - r.timings.controlPlane - r.timings.bootstrap - r.timings.convergence).toFixed(1)} s   (reading the repository, stopping the control plane, node start)`,
      ].join("\n"),
    );
  } finally {
    registry.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
