/**
 * `npm run demo:fleet`: both clusters of the multi-cluster example (examples/fleet) bootstrapped at once, on two
 * local control planes side by side (`.testenv-fleet/infra` and `.testenv-fleet/apps`, each on its own ports).
 * Writes one kubeconfig with an `infra` and an `apps` context (the contexts examples/fleet/kubestrap.yaml names),
 * pushes stand-ins of the charts to infra's registry, runs `kubestrap lint` and `kubestrap up --all-clusters`,
 * and leaves both running; `npm run demo:fleet -- --down` stops them.
 */
import { spawnSync } from "node:child_process";
import { delimiter, dirname, join, relative } from "node:path";
import { loadPlan } from "../src/app/plan.ts";
import { startEnvironment, stopEnvironment, type TestEnvironment } from "./testenv/cluster.ts";
import { writeContextsKubeconfig } from "./testenv/kubeconfig.ts";
import { provision } from "./testenv/provision.ts";
import { pushStandIns, type UpstreamChart } from "./testenv/stand-ins.ts";

const ROOT = join(import.meta.dirname, "..");
const DIR = join(ROOT, ".testenv-fleet");
const repo = join(ROOT, "examples/fleet");
const names = ["infra", "apps"] as const;
const log = (line: string) => console.log(`demo: ${line}`);

if (process.argv.includes("--down")) {
  for (const name of names) await stopEnvironment(join(DIR, name));
  await stopEnvironment(DIR);
  log("stopped both clusters and removed .testenv-fleet");
  process.exit(0);
}

await provision((line) => {
  if (!line.includes("cached")) log(line);
});
const started = await Promise.all(names.map((name) => startEnvironment(() => {}, join(DIR, name))));
const envs = Object.fromEntries(names.map((name, i) => [name, (started[i] as { env: TestEnvironment }).env]));
for (const name of names) log(`cluster ${name}: the local control plane at ${envs[name]?.server}`);

// One kubeconfig, one context per cluster.
const kubeconfig = writeContextsKubeconfig(join(DIR, "kubeconfig"), envs as Record<string, TestEnvironment>);

const infra = envs.infra as TestEnvironment;
const charts = new Map<string, UpstreamChart>();
for (const cluster of names)
  for (const step of loadPlan({ repo, cluster }).plan.steps)
    if (step.kind === "crds")
      for (const r of step.releases)
        if (r.chart.type === "oci" && (r.chart.tag ?? r.chart.semver))
          charts.set(r.chart.url, { url: r.chart.url, version: (r.chart.tag ?? r.chart.semver) as string });
const mirrors = pushStandIns([...charts.values()], infra.registry, infra.bin.helm3);
log(`pushed ${charts.size} stand-in charts to ${infra.registry}`);

const kubestrap = (args: string[]) => {
  const shown = args.map((a) => (a.startsWith("/") ? relative(process.cwd(), a) : a));
  console.log(`\n$ kubestrap ${shown.join(" ")}\n`);
  return spawnSync(process.execPath, [join(ROOT, "bin/kubestrap.js"), ...args], {
    stdio: "inherit",
    env: { ...process.env, PATH: `${dirname(infra.bin.kubectl)}${delimiter}${process.env.PATH ?? ""}` },
  }).status;
};
kubestrap(["lint", "--repo", repo]);
const mirrorArgs = Object.entries(mirrors).flatMap(([host, target]) => [
  "--registry-mirror",
  `${host}=${target}`,
]);
const up = kubestrap(["up", "--repo", repo, "--all-clusters", "--kubeconfig", kubeconfig, ...mirrorArgs]);
console.log(
  `\nBoth clusters keep running: kubectl --kubeconfig ${relative(process.cwd(), kubeconfig)} --context apps get pods -A; stop them with npm run demo:fleet -- --down.`,
);
process.exitCode = up ?? 1;
