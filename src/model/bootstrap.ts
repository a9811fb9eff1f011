import { posix } from "node:path";
import type { Finding, SourceLocation } from "../findings.ts";
import { isYamlPath, type Repository, resolveRepoPath } from "../load/repository.ts";
import { chartNameOf } from "./charts.ts";
import type { DeclaredRelease } from "./config.ts";
import { deepMerge } from "./flux.ts";
import {
  type HelmfileReadOptions,
  type HelmfileRelease,
  type HelmfileState,
  helmfilesOf,
  readHelmfiles,
} from "./helmfile/state.ts";
import { type HookCrd, hookCrds } from "./hook-crds.ts";
import { asArray, asRecord, asString, type Json } from "./objects.ts";

export type BootstrapPhase = "crds" | "releases";

export interface BootstrapChart {
  name: string;
  url?: string;
  version?: string;
  localPath?: string;
}

/** A helmfile hook: a command run at a release's events (presync, postsync, ...), from the helmfile's folder. */
export interface HelmfileHook {
  events: string[];
  command: string;
  /** As written: `{{ .Release.Name }}`-style templates are resolved when the hook runs. */
  args: string[];
  showlogs: boolean;
  location: SourceLocation;
}

/** What the helmfile's `helmDefaults` and the release say about how helm runs, as far as kubestrap honours it. */
export interface HelmFlags {
  cleanupOnFail?: boolean;
  /** helm 4's `--force-conflicts` (server-side apply). */
  forceConflicts?: boolean;
  /** Seconds helm waits for the chart's own hooks (pre-install Jobs). */
  timeout?: number;
  /** Extra arguments to helm. */
  args?: string[];
}

/** A release of the bootstrap helmfiles: installed (or, in the CRD phase, its CRDs applied) before Flux runs. */
export interface BootstrapRelease {
  name: string;
  namespace: string;
  phase: BootstrapPhase;
  chart?: BootstrapChart;
  values: Json;
  /** `namespace/name` of releases that must be installed first (helmfile's `needs`, qualified). */
  needs: string[];
  hooks: HelmfileHook[];
  helm: HelmFlags;
  location: SourceLocation;
  /** Repository-relative directory of the helmfile: hooks run from it. */
  dir: string;
  /** The Flux file the helmfile's chart template read the chart from, when it did. */
  chartFrom?: string;
  /** CRDs its hooks apply with kubectl (they exist once the release is installed). */
  hookCrds: HookCrd[];
}

export interface Bootstrap {
  /** Repository-relative directory of the (first) helmfiles. */
  dir?: string;
  /** The helmfiles read, in order. */
  helmfiles: string[];
  /** The helmfile environment the releases were read with (the last helmfile's). */
  environment?: string;
  /** Helmfiles that could not be read (each is a finding). */
  unread: string[];
  /** The folder that holds the bootstrap (the helmfiles' parent: `bootstrap`, `kubernetes/bootstrap`). */
  root?: string;
  releases: BootstrapRelease[];
  findings: Finding[];
}

const FLUX_SOURCE_KINDS = new Set([
  "OCIRepository",
  "HelmRepository",
  "GitRepository",
  "HelmRelease",
  "HelmChart",
]);

/**
 * Reads the bootstrap helmfiles with helmfile's semantics (src/model/helmfile): the ones `kubestrap.yaml`
 * names, or the ones found in the tree (`findBootstrapHelmfiles`). Releases helmfile would not install
 * (`installed: false`, a false `condition`) are left out.
 */
export function loadBootstrap(
  repo: Repository,
  helmfiles?: string[],
  options: HelmfileReadOptions = {},
): Bootstrap {
  const result: Bootstrap = { helmfiles: [], unread: [], releases: [], findings: [] };
  let files: string[];
  if (helmfiles) {
    files = [];
    for (const file of helmfiles) {
      const path = resolveRepoPath("", file.replace(/^\.?\/+/, ""));
      const found = path === undefined ? [] : helmfilesOf(repo, path);
      if (found.length === 0) {
        result.findings.push({
          ruleId: "path-missing",
          severity: "error",
          message: `bootstrap helmfile ${file} named in kubestrap.yaml does not exist in the repository`,
        });
        continue;
      }
      files.push(...found);
    }
  } else files = findBootstrapHelmfiles(repo);
  if (files.length === 0) return result;
  result.helmfiles = files;
  result.dir = posix.dirname(files[0] as string);
  result.root = bootstrapRoot(result.dir);
  const read = readHelmfiles(repo, files, options);
  result.unread = read.failed;
  // A plain YAML helmfile that does not parse is already a yaml-syntax finding of the repository.
  const unparsed = new Set(
    repo.findings.filter((f) => f.ruleId === "yaml-syntax").map((f) => f.location?.file),
  );
  result.findings.push(...read.findings.filter((f) => !unparsed.has(f.location?.file)));
  for (const state of read.states) {
    result.environment = state.environment;
    const phase: BootstrapPhase = /crd/i.test(state.file) ? "crds" : "releases";
    for (const release of state.releases)
      if (release.installed && release.enabled)
        result.releases.push(bootstrapRelease(repo, state, release, phase));
  }
  return result;
}

/**
 * The bootstrap helmfiles of a repository, wherever they live: `helmfile.yaml(.gotmpl)`, the files of a
 * `helmfile.d/` or `helmfile/` folder, or any YAML below a `bootstrap/` folder, that declare releases (bases
 * that only hold templates are read through the helmfiles that name them). Helmfiles under a `bootstrap` folder
 * win over others; chart `templates/` folders are never searched.
 */
export function findBootstrapHelmfiles(repo: Repository): string[] {
  const candidates = repo
    .files()
    .filter((f) => !/(^|\/)templates\//.test(f))
    .filter(
      (f) =>
        /(^|\/)helmfile\.ya?ml(\.gotmpl)?$/.test(f) ||
        /(^|\/)helmfile(\.d)?\/[^/]+\.ya?ml(\.gotmpl)?$/.test(f) ||
        // Any name below a bootstrap folder (`bootstrap/crds/00-crds.yaml`): no manifest has top-level releases.
        /(^|\/)bootstrap\/(.+\/)?[^/]+\.ya?ml(\.gotmpl)?$/.test(f),
    )
    .filter((f) => /^(releases|helmfiles):/m.test(repo.readText(f) ?? ""))
    .sort();
  const bootstrap = candidates.filter((f) => /(^|\/)bootstrap\//.test(f));
  return bootstrap.length > 0 ? bootstrap : candidates;
}

/**
 * Releases kubestrap.yaml declares as installed before Flux (`bootstrap.releases`), for bootstraps no helmfile
 * describes: they join the helmfiles' releases, located at their entry in kubestrap.yaml.
 */
export function addDeclaredReleases(
  repo: Repository,
  bootstrap: Bootstrap,
  releases: DeclaredRelease[],
  file: string,
): void {
  const doc = (repo.documents(file) ?? [])[0];
  releases.forEach((r, i) => {
    const location = doc
      ? repo.location(file, doc.index, ["bootstrap", "releases", i], doc.line)
      : { file, line: 1 };
    const chart: BootstrapChart = r.repo ? { name: r.chart, url: r.repo } : parseChart(r.chart, "", [], repo);
    if (r.version) chart.version = r.version;
    bootstrap.releases.push({
      name: r.name,
      namespace: r.namespace,
      phase: r.phase,
      chart,
      values: r.values as Json,
      needs: r.needs.map((n) => qualifyNeed(n, r.namespace)),
      hooks: [],
      helm: {},
      location,
      dir: "",
      hookCrds: [],
    });
  });
}

function bootstrapRoot(dir: string): string {
  const root = /(^|\/)helmfile(\.d)?$/.test(dir) ? posix.dirname(dir) : dir;
  return root === "." ? "" : root;
}

function bootstrapRelease(
  repo: Repository,
  state: HelmfileState,
  release: HelmfileRelease,
  phase: BootstrapPhase,
): BootstrapRelease {
  const namespace = release.namespace || "default";
  const location = release.location;
  const br: BootstrapRelease = {
    name: release.name,
    namespace,
    phase,
    values: release.values.reduce<Json>((acc, v) => deepMerge(acc, v), {}),
    needs: release.needs.map((n) => qualifyNeed(n, namespace)),
    hooks: release.hooks.map((h) => ({ ...h, location })),
    helm: helmFlags({ ...state.helmDefaults, ...release.spec }),
    location,
    dir: state.dir,
    hookCrds: [],
  };
  br.hookCrds = hookCrds(repo, state.dir, br.hooks, {
    release: { name: br.name, namespace, chart: chartNameOf(release.chart ?? "") },
    environment: state.environment,
  });
  if (release.chart) {
    br.chart = parseChart(release.chart, state.dir, state.repositories, repo);
    if (release.version) br.chart.version = release.version;
  }
  const chartFrom = release.chartReads.find(
    (path) =>
      isYamlPath(path) &&
      (repo.documents(path) ?? []).some((d) => FLUX_SOURCE_KINDS.has(asString(asRecord(d.value).kind) ?? "")),
  );
  if (chartFrom) br.chartFrom = chartFrom;
  return br;
}

/**
 * helmfile's `needs` entries: `name`, `namespace/name` or `kubecontext/namespace/name`. An unqualified name is
 * in the release's own namespace.
 */
function qualifyNeed(need: string, namespace: string): string {
  const parts = need.split("/");
  if (parts.length === 1) return `${namespace}/${need}`;
  return parts.slice(-2).join("/");
}

function helmFlags(v: Json): HelmFlags {
  const flags: HelmFlags = {};
  if (typeof v.cleanupOnFail === "boolean") flags.cleanupOnFail = v.cleanupOnFail;
  if (typeof v.forceConflicts === "boolean") flags.forceConflicts = v.forceConflicts;
  if (typeof v.timeout === "number") flags.timeout = v.timeout;
  // `args` of the CRD helmfiles (--include-crds, --no-hooks) are for `helm template`: only the release phase's
  // arguments reach `helm upgrade`.
  const args = asArray(v.args)
    .map((a) => asString(a))
    .filter((a): a is string => a !== undefined);
  if (args.length > 0) flags.args = args;
  return flags;
}

function parseChart(
  chart: string,
  dir: string,
  repositories: { name: string; url: string; oci: boolean }[],
  repo: Repository,
): BootstrapChart {
  if (chart.startsWith("oci://")) return { name: chartNameOf(chart), url: chart };
  if (chart.startsWith("./") || chart.startsWith("../") || chart.startsWith("/")) {
    const local = resolveRepoPath(dir, chart);
    const out: BootstrapChart = { name: chartNameOf(chart) };
    if (local !== undefined && repo.isDir(local)) out.localPath = local;
    return out;
  }
  const slash = chart.indexOf("/");
  if (slash > 0) {
    const repoName = chart.slice(0, slash);
    const name = chart.slice(slash + 1);
    const r = repositories.find((x) => x.name === repoName);
    return r ? { name, url: r.oci ? `oci://${r.url}/${name}` : r.url } : { name };
  }
  return { name: chart };
}
