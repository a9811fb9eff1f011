/**
 * Stand-in charts for the bootstrap example (test/fixtures/stand-ins): each has the name of the real chart it
 * stands in for, installs the same kinds of objects (Deployments and DaemonSets that become Ready after a delay
 * on kwok's fake nodes, webhooks with their Services, the real CRDs from test/fixtures/crds), and is pushed to
 * the local registry under the path the real chart has upstream, so that `kubestrap up --registry-mirror
 * ghcr.io=http://<registry>/ghcr.io` installs it in place of the real one. Containers never run; everything
 * kubestrap does with them is real.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPlan } from "../../src/app/plan.ts";
import { loadProject } from "../../src/model/project.ts";
import { fluxChartReleases } from "../../src/model/releases.ts";

const HERE = import.meta.dirname;
export const STAND_INS = join(HERE, "../../test/fixtures/stand-ins");
const CRD_FIXTURES = join(HERE, "../../test/fixtures/crds");

interface CrdEntry {
  /** `<project>/<crd name>` under test/fixtures/crds. */
  fixture: string;
  /** A values condition (`.Values.crds.enabled`): the CRD becomes a template behind it, as real charts do. */
  condition?: string;
}

export function standInNames(): string[] {
  return readdirSync(STAND_INS, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** Writes the stand-in for `name` at `version` into a fresh directory and returns its path. */
export function buildStandIn(name: string, version: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "kubestrap-standin-")), name);
  cpSync(join(STAND_INS, name), dir, { recursive: true });
  const chartFile = join(dir, "Chart.yaml");
  writeFileSync(chartFile, readFileSync(chartFile, "utf8").replace(/^version: .*$/m, `version: ${version}`));
  let crds: CrdEntry[] = [];
  try {
    crds = (JSON.parse(readFileSync(join(dir, "crds.json"), "utf8")) as { crds: CrdEntry[] }).crds;
  } catch {}
  rmSync(join(dir, "crds.json"), { force: true });
  for (const crd of crds) {
    const text = readFileSync(join(CRD_FIXTURES, `${crd.fixture}.yaml`), "utf8");
    const file = crd.fixture.slice(crd.fixture.indexOf("/") + 1);
    if (crd.condition) {
      mkdirSync(join(dir, "templates"), { recursive: true });
      // Helm templates: braces inside the CRD's descriptions must not be read as actions.
      const escaped = text.replace(/\{\{/g, '{{ "{{" }}');
      writeFileSync(
        join(dir, "templates", `crd-${file}.yaml`),
        `{{- if ${crd.condition} }}\n${escaped}{{- end }}\n`,
      );
    } else {
      mkdirSync(join(dir, "crds"), { recursive: true });
      writeFileSync(join(dir, "crds", `${file}.yaml`), text);
    }
  }
  return dir;
}

export interface UpstreamChart {
  /** `oci://ghcr.io/coredns/charts/coredns`. */
  url: string;
  version: string;
}

/**
 * Packages and pushes the stand-in of each chart to `registry` under its upstream path, and returns the
 * registry mirrors that make kubestrap pull them (`ghcr.io` → `http://<registry>/ghcr.io`).
 */
export function pushStandIns(
  charts: UpstreamChart[],
  registry: string,
  helm: string,
): Record<string, string> {
  const mirrors: Record<string, string> = {};
  const out = mkdtempSync(join(tmpdir(), "kubestrap-standin-pkg-"));
  try {
    for (const chart of charts) {
      const path = chart.url.replace(/^oci:\/\//, "");
      const host = path.slice(0, path.indexOf("/"));
      const name = path.slice(path.lastIndexOf("/") + 1);
      const repository = path.slice(host.length + 1, path.lastIndexOf("/"));
      const dir = buildStandIn(name, chart.version);
      const packaged = execFileSync(helm, ["package", dir, "--destination", out], { encoding: "utf8" });
      const tgz = /saved it to: (\S+)/.exec(packaged)?.[1];
      if (!tgz) throw new Error(`helm package ${name} gave no archive: ${packaged}`);
      execFileSync(helm, ["push", tgz, `oci://${registry}/${host}/${repository}`, "--plain-http"], {
        stdio: "pipe",
        env: { ...process.env, HELM_REGISTRY_CONFIG: join(out, "registry.json") },
      });
      rmSync(join(dir, ".."), { recursive: true, force: true });
      mirrors[host] = `http://${registry}/${host}`;
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return mirrors;
}

/**
 * The stand-ins of every oci:// chart a repository's bootstrap names, and of each of its HelmReleases' charts that
 * has a stand-in, pushed to `registry`: the `--registry-mirror` values (`ghcr.io=http://<registry>/ghcr.io`) that
 * make `kubestrap up` or `rehearse` of the repository pull them.
 */
export function standInMirrors(repo: string, registry: string, helm: string): string[] {
  const charts: UpstreamChart[] = [];
  const add = (chart: { type: string; url?: string; tag?: string; semver?: string }) => {
    if (chart.type === "oci" && chart.url)
      charts.push({ url: chart.url, version: chart.tag ?? chart.semver ?? "" });
  };
  for (const step of loadPlan({ repo }).plan.steps) {
    if (step.kind === "crds") for (const r of step.releases) add(r.chart);
    if (step.kind === "release") add(step.release.chart);
  }
  const names = new Set(standInNames());
  for (const r of fluxChartReleases(loadProject({ repo }).model, repo).releases)
    if (r.chart.type === "oci" && names.has(r.chart.url.slice(r.chart.url.lastIndexOf("/") + 1)))
      add(r.chart);
  const unique = [...new Map(charts.map((c) => [`${c.url}:${c.version}`, c])).values()];
  return Object.entries(pushStandIns(unique, registry, helm)).map(([host, target]) => `${host}=${target}`);
}
