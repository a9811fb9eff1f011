/**
 * `npm run demo`: the whole bootstrap of the bundled example against the local control plane, in one command.
 * Starts (or reuses) the test environment, pushes stand-ins of the example's charts to its registry under their
 * upstream paths, runs `kubestrap up` (a task list on a terminal) and `kubestrap status`, and leaves the
 * environment running (`npm run env:down` stops it).
 *
 * Containers never run on kwok's fake nodes: the charts are stand-ins that install the same kinds of objects,
 * and a stand-in controller marks the FluxInstance Ready (see docs/up.md). Everything kubestrap does is real.
 */
import { spawnSync } from "node:child_process";
import { delimiter, dirname, join, relative } from "node:path";
import { loadPlan } from "../src/app/plan.ts";
import { startEnvironment } from "./testenv/cluster.ts";
import { provision } from "./testenv/provision.ts";
import { pushStandIns, type UpstreamChart } from "./testenv/stand-ins.ts";

const ROOT = join(import.meta.dirname, "..");
const repo = process.argv[2] ?? join(ROOT, "examples/homelab");
const log = (line: string) => console.log(`demo: ${line}`);

await provision((line) => {
  if (!line.includes("cached")) log(line);
});
const { env, reused } = await startEnvironment((line) => log(line));
log(`${reused ? "reusing" : "started"} the local control plane at ${env.server}`);

const charts: UpstreamChart[] = [];
for (const step of loadPlan({ repo }).plan.steps) {
  const releases = step.kind === "crds" ? step.releases : step.kind === "release" ? [step.release] : [];
  for (const r of releases) {
    const chart = r.chart;
    if (chart.type !== "oci") continue;
    const version = chart.tag ?? chart.semver;
    if (version && !charts.some((c) => c.url === chart.url)) charts.push({ url: chart.url, version });
  }
}
const mirrors = pushStandIns(charts, env.registry, env.bin.helm3);
log(
  `pushed ${charts.length} stand-in charts to ${env.registry}: ${charts.map((c) => c.url.slice(c.url.lastIndexOf("/") + 1)).join(", ")}`,
);

const kubestrap = (args: string[]) => {
  const rel = relative(process.cwd(), repo) || ".";
  console.log(`\n$ kubestrap ${args.join(" ").replace(repo, rel)}\n`);
  return spawnSync(process.execPath, [join(ROOT, "bin/kubestrap.js"), ...args], {
    stdio: "inherit",
    // kubectl for the helmfile's hooks, helm for the releases.
    env: { ...process.env, PATH: `${dirname(env.bin.kubectl)}${delimiter}${process.env.PATH ?? ""}` },
  }).status;
};
const mirrorArgs = Object.entries(mirrors).flatMap(([host, target]) => [
  "--registry-mirror",
  `${host}=${target}`,
]);
const up = kubestrap(["up", "--repo", repo, "--kubeconfig", env.kubeconfig, ...mirrorArgs]);
kubestrap(["status", "--repo", repo, "--kubeconfig", env.kubeconfig]);
const kubeconfig = relative(process.cwd(), env.kubeconfig);
console.log(
  `\nThe environment keeps running: ${relative(process.cwd(), env.bin.kubectl)} --kubeconfig ${kubeconfig} get pods -A; stop it with npm run env:down.`,
);
process.exitCode = up ?? 1;
