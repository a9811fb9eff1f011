/**
 * `kubestrap crds --output yaml` against `helmfile template --include-crds | yq 'select(.kind ==
 * "CustomResourceDefinition")'` on the same 8 charts in the local OCI registry, cold and warm cache.
 *
 * The charts carry the real CRDs of ../shared/fixtures/crds (107 CRDs): some in `crds/`, some as plain
 * templates, some behind a value (cert-manager's `crds.enabled`, external-secrets' `installCRDs`). Both tools
 * run as child processes of this script with the same helm binary. Cold means empty kubestrap, helm and
 * helmfile caches; warm means the caches of the previous run. The outputs are compared document by document.
 *
 *   node bench/crds.ts [--runs N] [--keep]   (--keep leaves the charts, repository and caches in place)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadAll } from "js-yaml";
import { startEnvironment } from "../scripts/testenv/cluster.ts";
import { BENCH_TOOLS, benchToolPaths, provision, toolPaths } from "../scripts/testenv/provision.ts";

const FIXTURES = join(import.meta.dirname, "../../shared/fixtures/crds");
const BIN = join(import.meta.dirname, "../bin/kubestrap.js");

interface ChartSpec {
  chart: string;
  project: string;
  version: string;
  /** Where the CRDs sit in the chart: crds/, plain templates, or templates behind a boolean value. */
  layout: "crds" | "templates" | { value: string };
}

const CHARTS: ChartSpec[] = [
  { chart: "cert-manager", project: "cert-manager", version: "1.19.1", layout: { value: "crds.enabled" } },
  {
    chart: "external-secrets",
    project: "external-secrets",
    version: "0.20.4",
    layout: { value: "installCRDs" },
  },
  { chart: "keda", project: "keda", version: "2.18.0", layout: "crds" },
  { chart: "cloudnative-pg", project: "cloudnative-pg", version: "0.26.1", layout: "templates" },
  { chart: "prometheus-operator-crds", project: "prometheus-operator", version: "24.0.1", layout: "crds" },
  {
    chart: "victoria-metrics-operator-crds",
    project: "victoriametrics-operator",
    version: "0.5.0",
    layout: "crds",
  },
  { chart: "flux-crds", project: "flux", version: "2.7.2", layout: "templates" },
  { chart: "gateway-api-crds", project: "gateway-api", version: "1.4.0", layout: "crds" },
];

const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 3;

function writeChart(root: string, spec: ChartSpec): string {
  const dir = join(root, spec.chart);
  mkdirSync(join(dir, "templates"), { recursive: true });
  writeFileSync(join(dir, "Chart.yaml"), `apiVersion: v2\nname: ${spec.chart}\nversion: ${spec.version}\n`);
  writeFileSync(join(dir, "values.yaml"), valuesYaml(spec) || "{}\n");
  const files = readdirSync(join(FIXTURES, spec.project)).filter((f) => f.endsWith(".yaml"));
  const target = spec.layout === "crds" ? "crds" : "templates";
  mkdirSync(join(dir, target), { recursive: true });
  for (const file of files) {
    const text = readFileSync(join(FIXTURES, spec.project, file), "utf8");
    const body =
      typeof spec.layout === "object" ? `{{- if .Values.${spec.layout.value} }}\n${text}{{- end }}\n` : text;
    writeFileSync(join(dir, target, file), body);
  }
  writeFileSync(
    join(dir, "templates", "serviceaccount.yaml"),
    "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Release.Name }}\n",
  );
  return dir;
}

/** The chart's default turns its CRDs off, as cert-manager's does; both tools must turn them on. */
function valuesYaml(spec: ChartSpec): string {
  if (typeof spec.layout !== "object") return "";
  const keys = spec.layout.value.split(".");
  return `${keys.map((k, i) => `${"  ".repeat(i)}${k}:${i === keys.length - 1 ? " false" : ""}`).join("\n")}\n`;
}

function switchValues(spec: ChartSpec): string {
  if (typeof spec.layout !== "object") return "";
  const keys = spec.layout.value.split(".");
  const lines = keys.map(
    (k, i) => `${"  ".repeat(i + 3)}${i === 0 ? "- " : "  "}${k}:${i === keys.length - 1 ? " true" : ""}`,
  );
  return `    values:\n${lines.join("\n")}\n`;
}

const TIMER = join(import.meta.dirname, "time-command.ts");

/** Runs a command with its output going to a file, as `> crds.yaml` would, timed by a small child process. */
function time(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): { seconds: number; stdout: string } {
  const outFile = join(cwd, "..", "out.yaml");
  const result = spawnSync(process.execPath, [TIMER, outFile, command, ...args], {
    env,
    cwd,
    encoding: "utf8",
  });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stderr}`);
  return { seconds: Number(result.stdout.trim()), stdout: readFileSync(outFile, "utf8") };
}

/** Documents sorted by their text, re-joined: equal bytes mean equal CRD sets, whatever the order. */
function normalised(yaml: string): string {
  return yaml
    .split(/^---[ \t]*$/m)
    .map((d) => d.trim())
    .filter(Boolean)
    .sort()
    .join("\n---\n");
}

function names(yaml: string): string[] {
  return (loadAll(yaml) as { metadata?: { name?: string } }[])
    .filter(Boolean)
    .map((d) => d.metadata?.name ?? "")
    .sort();
}

const min = (xs: number[]) => Math.min(...xs);

async function main() {
  await provision(() => {}, [...BENCH_TOOLS]);
  const tools = toolPaths();
  const { helmfile, yq } = benchToolPaths();
  const { env, reused } = await startEnvironment();
  const work = mkdtempSync(join(tmpdir(), "kubestrap-bench-crds-"));
  try {
    const charts = join(work, "charts");
    for (const spec of CHARTS) {
      const dir = writeChart(charts, spec);
      execFileSync(tools.helm3, ["package", dir, "--destination", join(work, "pkg")], { stdio: "pipe" });
      execFileSync(
        tools.helm3,
        [
          "push",
          join(work, "pkg", `${spec.chart}-${spec.version}.tgz`),
          `oci://${env.registry}/charts`,
          "--plain-http",
        ],
        { stdio: "pipe" },
      );
    }
    const repo = join(work, "repo");
    const helmfilePath = join(repo, "bootstrap/helmfile.d/00-crds.yaml");
    mkdirSync(dirname(helmfilePath), { recursive: true });
    writeFileSync(
      helmfilePath,
      `repositories:\n  - name: local\n    url: ${env.registry}/charts\n    oci: true\n    plainHttp: true\nreleases:\n${CHARTS.map(
        (c) =>
          `  - name: ${c.chart}\n    namespace: ${c.chart}\n    chart: local/${c.chart}\n    version: ${c.version}\n${switchValues(c)}`,
      ).join("")}`,
    );
    const binDir = join(work, "bin");
    mkdirSync(binDir);
    // helmfile runs `helm` from PATH: the same helm 3 as kubestrap.
    execFileSync("ln", ["-s", tools.helm3, join(binDir, "helm")]);

    const freshEnv = (label: string): NodeJS.ProcessEnv => {
      const home = join(work, `home-${label}`);
      rmSync(home, { recursive: true, force: true });
      mkdirSync(home, { recursive: true });
      return {
        ...process.env,
        PATH: `${binDir}:${process.env.PATH}`,
        HOME: home,
        XDG_CACHE_HOME: join(home, "cache"),
        XDG_CONFIG_HOME: join(home, "config"),
        XDG_DATA_HOME: join(home, "data"),
        HELM_CACHE_HOME: join(home, "cache/helm"),
        HELM_CONFIG_HOME: join(home, "config/helm"),
        HELM_DATA_HOME: join(home, "data/helm"),
        KUBESTRAP_CACHE_DIR: join(home, "cache/kubestrap"),
        KUBESTRAP_HELM: tools.helm3,
      };
    };
    const kubestrapArgs = [BIN, "crds", "--repo", repo, "--plain-http", "--output", "yaml"];
    const pipeline = `'${helmfile}' --file '${helmfilePath}' template --include-crds --skip-deps | '${yq}' 'select(.kind == "CustomResourceDefinition")'`;

    const figures = {
      kubestrapCold: [] as number[],
      kubestrapWarm: [] as number[],
      helmfileCold: [] as number[],
      helmfileWarm: [] as number[],
    };
    let kubestrapOut = "";
    let helmfileOut = "";
    for (let i = 0; i < runs; i++) {
      const k = freshEnv(`k${i}`);
      const cold = time(process.execPath, kubestrapArgs, k, repo);
      figures.kubestrapCold.push(cold.seconds);
      kubestrapOut = cold.stdout;
      for (let w = 0; w < 2; w++)
        figures.kubestrapWarm.push(time(process.execPath, kubestrapArgs, k, repo).seconds);
      const h = freshEnv(`h${i}`);
      const hCold = time("bash", ["-o", "pipefail", "-c", pipeline], h, repo);
      figures.helmfileCold.push(hCold.seconds);
      helmfileOut = hCold.stdout;
      for (let w = 0; w < 2; w++)
        figures.helmfileWarm.push(time("bash", ["-o", "pipefail", "-c", pipeline], h, repo).seconds);
    }

    // Same CRDs, same bytes: kubestrap's documents through the same yq expression equal helmfile | yq's.
    const viaYq = execFileSync(yq, ['select(.kind == "CustomResourceDefinition")'], {
      input: kubestrapOut,
      maxBuffer: 1 << 30,
    }).toString();
    const sameNames = JSON.stringify(names(kubestrapOut)) === JSON.stringify(names(helmfileOut));
    const sameBytes = normalised(viaYq) === normalised(helmfileOut);
    const sameValues =
      JSON.stringify(
        (loadAll(kubestrapOut) as { metadata: { name: string } }[]).sort((a, b) =>
          a.metadata.name < b.metadata.name ? -1 : 1,
        ),
      ) ===
      JSON.stringify(
        (loadAll(helmfileOut) as { metadata: { name: string } }[]).sort((a, b) =>
          a.metadata.name < b.metadata.name ? -1 : 1,
        ),
      );

    const crdCount = names(kubestrapOut).length;
    const line = (label: string, k: number[], h: number[]) =>
      `${label.padEnd(6)} kubestrap ${min(k).toFixed(3)} s   helmfile|yq ${min(h).toFixed(3)} s   ratio ${(min(h) / min(k)).toFixed(1)}x`;
    console.log(
      `crds: ${CHARTS.length} charts, ${crdCount} CRDs, ${(kubestrapOut.length / 1024 / 1024).toFixed(1)} MiB; best of ${runs} cold, ${runs * 2} warm`,
    );
    console.log(line("cold", figures.kubestrapCold, figures.helmfileCold));
    console.log(line("warm", figures.kubestrapWarm, figures.helmfileWarm));
    console.log(
      `same CRD names: ${sameNames}; same parsed documents: ${sameValues}; byte-identical through the same yq, documents sorted: ${sameBytes}`,
    );
    if (!sameNames || !sameValues || !sameBytes) process.exitCode = 1;
  } finally {
    if (process.argv.includes("--keep")) console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
    if (!reused) {
      const { stopEnvironment } = await import("../scripts/testenv/cluster.ts");
      await stopEnvironment();
    }
  }
}

await main();
