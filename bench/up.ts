/**
 * `kubestrap up` against `helmfile sync` of the same helmfile, on the local control plane, from the same
 * starting state: 10 releases whose dependency graph has parallel branches, each a Deployment of two Pods that
 * become Ready after a realistic delay (kwok's pod-ready stage), two of them with CRDs (one behind a value, as
 * cert-manager's). Both tools run as child processes of this script with the same helm 3 binary; each run gets
 * namespaces of its own and the bench's CRDs are deleted before it, so every run starts from a cluster that has
 * none of it.
 *
 * Printed: wall time per run, the ratio, the floor (the sum of readiness delays along the longest chain: what
 * any tool takes if helm and the API server were instant), kubestrap's overhead over it and over its own critical
 * path, and the time of a no-op re-run.
 *
 *   node bench/up.ts [--runs N]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEnvironment } from "../scripts/testenv/cluster.ts";
import { BENCH_TOOLS, benchToolPaths, provision, toolPaths } from "../scripts/testenv/provision.ts";
import type { RunEvent } from "../src/execute/events.ts";

const BIN = join(import.meta.dirname, "../bin/kubestrap.js");
const CRDS = join(import.meta.dirname, "../test/fixtures/crds");
const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 2;

interface Release {
  name: string;
  /** Seconds until its Pods are Ready. */
  delay: number;
  needs: string[];
  crds?: { files: string[]; behind?: string };
}

/** The shape of the bootstrap chains real repositories run, with the side branches they could run in parallel. */
const RELEASES: Release[] = [
  { name: "cilium", delay: 3, needs: [] },
  { name: "coredns", delay: 2, needs: ["cilium"] },
  { name: "spegel", delay: 3, needs: ["cilium"] },
  { name: "metrics-server", delay: 1, needs: ["cilium"] },
  {
    name: "cert-manager",
    delay: 3,
    needs: ["coredns"],
    crds: {
      files: ["cert-manager/certificates.cert-manager.io", "cert-manager/clusterissuers.cert-manager.io"],
      behind: "crds.enabled",
    },
  },
  { name: "reloader", delay: 1, needs: ["coredns"] },
  {
    name: "external-secrets",
    delay: 2,
    needs: ["cert-manager"],
    crds: {
      files: [
        "external-secrets/externalsecrets.external-secrets.io",
        "external-secrets/clustersecretstores.external-secrets.io",
      ],
    },
  },
  { name: "onepassword-connect", delay: 1, needs: ["external-secrets"] },
  { name: "flux-operator", delay: 2, needs: ["onepassword-connect"] },
  { name: "flux-instance", delay: 2, needs: ["flux-operator"] },
];

/** Σ delays along the longest chain: the least any tool can take. */
function floorSeconds(): number {
  const memo = new Map<string, number>();
  const longest = (name: string): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const r = RELEASES.find((x) => x.name === name) as Release;
    const value = r.delay + Math.max(0, ...r.needs.map(longest));
    memo.set(name, value);
    return value;
  };
  return Math.max(...RELEASES.map((r) => longest(r.name)));
}

function chart(work: string, r: Release): string {
  const dir = join(work, "charts", r.name);
  mkdirSync(join(dir, "templates"), { recursive: true });
  writeFileSync(join(dir, "Chart.yaml"), `apiVersion: v2\nname: ${r.name}\nversion: 1.0.0\n`);
  writeFileSync(
    join(dir, "values.yaml"),
    `readyAfter: ${r.delay}s\n${r.crds?.behind ? "crds:\n  enabled: false\n" : ""}`,
  );
  writeFileSync(
    join(dir, "templates", "deployment.yaml"),
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
spec:
  replicas: 2
  selector:
    matchLabels: { app: {{ .Release.Name }} }
  template:
    metadata:
      labels: { app: {{ .Release.Name }} }
      annotations:
        kubestrap.dev/ready-after: {{ .Values.readyAfter | quote }}
    spec:
      containers:
        - name: app
          image: registry.invalid/${r.name}:stand-in
`,
  );
  for (const file of r.crds?.files ?? []) {
    const text = readFileSync(join(CRDS, `${file}.yaml`), "utf8");
    const name = file.slice(file.indexOf("/") + 1);
    if (r.crds?.behind) {
      writeFileSync(
        join(dir, "templates", `crd-${name}.yaml`),
        `{{- if .Values.${r.crds.behind} }}\n${text.replace(/\{\{/g, '{{ "{{" }}')}{{- end }}\n`,
      );
    } else {
      mkdirSync(join(dir, "crds"), { recursive: true });
      writeFileSync(join(dir, "crds", `${name}.yaml`), text);
    }
  }
  return dir;
}

/** The helmfile both tools read, with the run's own namespaces. */
function helmfile(registry: string, run: string): string {
  const release = (r: Release) =>
    [
      `  - name: ${r.name}`,
      `    namespace: ${run}-${r.name}`,
      `    chart: local/${r.name}`,
      "    version: 1.0.0",
      ...(r.crds?.behind ? ["    values:", "      - crds:", "          enabled: true"] : []),
      ...(r.needs.length ? ["    needs:", ...r.needs.map((n) => `      - ${run}-${n}/${n}`)] : []),
    ].join("\n");
  return `repositories:
  - name: local
    url: ${registry}/bench
    oci: true
    plainHttp: true
helmDefaults:
  wait: true
  waitForJobs: true
  timeout: 600
releases:
${RELEASES.map(release).join("\n")}
`;
}

function seconds(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): { seconds: number; stdout: string } {
  const started = performance.now();
  const result = spawnSync(command, args, { env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const elapsed = (performance.now() - started) / 1000;
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(" ")} exited ${result.status}:\n${result.stderr}\n${result.stdout.slice(-3000)}`,
    );
  return { seconds: elapsed, stdout: result.stdout };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] as number;

async function main() {
  await provision(() => {}, [...BENCH_TOOLS]);
  const tools = toolPaths();
  const { helmfile: helmfileBin } = benchToolPaths();
  const { env } = await startEnvironment();
  const work = mkdtempSync(join(tmpdir(), "kubestrap-bench-up-"));
  const started: string[] = [];
  const kubectl = (args: string[]) =>
    execFileSync(tools.kubectl, ["--kubeconfig", env.kubeconfig, ...args], {
      stdio: "pipe",
      encoding: "utf8",
    });
  try {
    for (const r of RELEASES) {
      execFileSync(tools.helm3, ["package", chart(work, r), "--destination", join(work, "pkg")], {
        stdio: "pipe",
      });
      execFileSync(
        tools.helm3,
        ["push", join(work, "pkg", `${r.name}-1.0.0.tgz`), `oci://${env.registry}/bench`, "--plain-http"],
        { stdio: "pipe" },
      );
    }
    const binDir = join(work, "bin");
    mkdirSync(binDir);
    execFileSync("ln", ["-s", tools.helm3, join(binDir, "helm")]);
    const toolEnv: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${binDir}:${process.env.PATH}`,
      KUBECONFIG: env.kubeconfig,
      KUBESTRAP_HELM: tools.helm3,
      KUBESTRAP_CACHE_DIR: join(work, "cache"),
      HELM_CACHE_HOME: join(work, "helm-cache"),
      HELM_CONFIG_HOME: join(work, "helm-config"),
      HELM_DATA_HOME: join(work, "helm-data"),
    };
    const crdNames = RELEASES.flatMap((r) => (r.crds?.files ?? []).map((f) => f.slice(f.indexOf("/") + 1)));
    const fresh = () => kubectl(["delete", "crd", ...crdNames, "--ignore-not-found", "--wait"]);
    const figures = {
      helmfile: [] as number[],
      kubestrap: [] as number[],
      path: [] as number[],
      noop: [] as number[],
    };
    for (let i = 0; i < runs; i++) {
      for (const tool of ["helmfile", "kubestrap"] as const) {
        const run = `b${Date.now().toString(36)}`;
        const repo = join(work, run);
        mkdirSync(join(repo, "bootstrap/helmfile.d"), { recursive: true });
        const file = join(repo, "bootstrap/helmfile.d/01-apps.yaml");
        writeFileSync(file, helmfile(env.registry, run));
        writeFileSync(
          join(repo, "kubestrap.yaml"),
          `clusters:\n  - name: ${run}\njournal:\n  namespace: ${run}-journal\nhandoff:\n  enabled: false\n`,
        );
        fresh();
        started.push(run);
        if (tool === "helmfile") {
          const t = seconds(helmfileBin, ["--file", file, "sync", "--skip-deps"], toolEnv);
          figures.helmfile.push(t.seconds);
          console.log(`run ${i + 1} helmfile sync   ${t.seconds.toFixed(1)} s`);
        } else {
          const t = seconds(
            process.execPath,
            [BIN, "up", "--repo", repo, "--plain-http", "-o", "json"],
            toolEnv,
          );
          const end = t.stdout
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l) as RunEvent)
            .find((e) => e.type === "run-end") as Extract<RunEvent, { type: "run-end" }>;
          const byId = new Map(end.steps.map((s) => [s.id, s]));
          const path = end.criticalPath.reduce((sum, id) => {
            const s = byId.get(id);
            return sum + (s ? s.end - s.start : 0);
          }, 0);
          figures.kubestrap.push(t.seconds);
          figures.path.push(path);
          const noop = seconds(
            process.execPath,
            [BIN, "up", "--repo", repo, "--plain-http", "-o", "json"],
            toolEnv,
          );
          figures.noop.push(noop.seconds);
          console.log(
            `run ${i + 1} kubestrap up   ${t.seconds.toFixed(1)} s (critical path ${path.toFixed(1)} s: ${end.criticalPath
              .filter((s) => s.startsWith("releases/"))
              .map((s) => s.slice(s.lastIndexOf("/") + 1))
              .join(" → ")}); no-op re-run ${noop.seconds.toFixed(2)} s`,
          );
        }
      }
    }
    const floor = floorSeconds();
    const k = median(figures.kubestrap);
    const h = median(figures.helmfile);
    console.log(
      [
        "",
        `${RELEASES.length} releases, ${RELEASES.filter((r) => r.crds).length} with CRDs, ${runs} runs each (medians)`,
        `helmfile sync     ${h.toFixed(1)} s`,
        `kubestrap up      ${k.toFixed(1)} s   ratio ${(k / h).toFixed(2)}x of helmfile's time`,
        `floor             ${floor.toFixed(1)} s   (readiness delays along the longest chain)`,
        `overhead          ${((k / floor - 1) * 100).toFixed(0)}% over the floor; ${((k / median(figures.path) - 1) * 100).toFixed(0)}% over kubestrap's own critical path (${median(figures.path).toFixed(1)} s)`,
        `no-op re-run      ${median(figures.noop).toFixed(2)} s`,
      ].join("\n"),
    );
  } finally {
    try {
      // What the runs installed goes, so that a reused environment does not fill up.
      const namespaces = kubectl(["get", "namespaces", "-o", "name"])
        .split("\n")
        .map((n) => n.replace(/^namespace\//, ""))
        .filter((n) => started.some((r) => n.startsWith(`${r}-`)));
      if (namespaces.length > 0) kubectl(["delete", "namespace", ...namespaces, "--wait=false"]);
    } catch {}
    try {
      kubectl([
        "delete",
        "crd",
        ...RELEASES.flatMap((r) => (r.crds?.files ?? []).map((f) => f.slice(f.indexOf("/") + 1))),
        "--ignore-not-found",
      ]);
    } catch {}
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
