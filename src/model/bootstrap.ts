import { posix } from "node:path";
import type { Finding, SourceLocation } from "../findings.ts";
import { type Repository, resolveRepoPath } from "../load/repository.ts";
import { chartNameOf } from "./charts.ts";
import { deepMerge } from "./flux.ts";
import { asArray, asRecord, asString, getPath, type Json } from "./objects.ts";

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
  /** How the chart was found, when not written in the helmfile itself. */
  chartFrom?: string;
}

export interface Bootstrap {
  /** Repository-relative directory of the helmfiles. */
  dir?: string;
  /** The folder that holds the bootstrap (the helmfiles' parent: `bootstrap`, `kubernetes/bootstrap`). */
  root?: string;
  releases: BootstrapRelease[];
  findings: Finding[];
}

const BOOTSTRAP_DIRS = ["bootstrap/helmfile.d", "bootstrap/helmfile", "bootstrap"];

/**
 * Reads the bootstrap helmfiles, including the `bases: [default.yaml]` + `defaultInherit` +
 * `templates/release.yaml.gotmpl` convention that takes chart and values from the Flux files of the
 * same release. Go templates are not run: the convention is recognised and resolved natively.
 */
export function loadBootstrap(repo: Repository, helmfiles?: string[]): Bootstrap {
  const result: Bootstrap = { releases: [], findings: [] };
  if (helmfiles) {
    for (const file of helmfiles) {
      const path = resolveRepoPath("", file.replace(/^\.?\/+/, ""));
      if (path === undefined || !repo.isFile(path)) {
        result.findings.push({
          ruleId: "path-missing",
          severity: "error",
          message: `bootstrap helmfile ${file} named in kubestrap.yaml does not exist in the repository`,
        });
        continue;
      }
      const dir = posix.dirname(path);
      result.dir ??= dir;
      readHelmfile(repo, dir, path, result);
    }
    result.root = bootstrapRoot(result.dir);
    return result;
  }
  for (const dir of BOOTSTRAP_DIRS) {
    const files = repo
      .list(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => `${dir}/${f}`)
      .filter((f) => (repo.documents(f) ?? []).some((d) => Array.isArray(asRecord(d.value).releases)));
    if (files.length === 0) continue;
    result.dir = dir;
    result.root = bootstrapRoot(dir);
    for (const file of files) readHelmfile(repo, dir, file, result);
    break;
  }
  return result;
}

function bootstrapRoot(dir: string | undefined): string | undefined {
  if (dir === undefined) return undefined;
  return /(^|\/)helmfile(\.d)?$/.test(dir) ? posix.dirname(dir) : dir;
}

function readHelmfile(repo: Repository, dir: string, file: string, result: Bootstrap): void {
  const phase: BootstrapPhase = /crd/i.test(posix.basename(file)) ? "crds" : "releases";
  const docs = repo.documents(file) ?? [];
  const templates: Record<string, Json> = {};
  const repositories = new Map<string, { url: string; oci: boolean }>();
  let defaultInherit: string | undefined;
  let helmDefaults: Json = {};
  for (const doc of docs) {
    const v = asRecord(doc.value);
    for (const base of asArray(v.bases)) {
      const path = resolveRepoPath(dir, asString(base) ?? "");
      for (const baseDoc of path ? (repo.documents(path) ?? []) : []) {
        Object.assign(templates, asRecord(asRecord(baseDoc.value).templates));
        collectRepositories(asRecord(baseDoc.value), repositories);
        helmDefaults = { ...helmDefaults, ...asRecord(asRecord(baseDoc.value).helmDefaults) };
      }
    }
    Object.assign(templates, asRecord(v.templates));
    collectRepositories(v, repositories);
    defaultInherit = asString(v.defaultInherit) ?? defaultInherit;
    helmDefaults = { ...helmDefaults, ...asRecord(v.helmDefaults) };
  }
  for (const doc of docs) {
    asArray(asRecord(doc.value).releases).forEach((r) => {
      let release = asRecord(r);
      const name = asString(release.name);
      if (!name) return;
      const inherits = asArray(release.inherit)
        .map((i) => asString(asRecord(i).template))
        .filter((t): t is string => !!t);
      if (inherits.length === 0 && defaultInherit) inherits.push(defaultInherit);
      for (const t of inherits.reverse()) {
        const template = templates[t];
        if (template) release = { ...template, ...release };
      }
      const namespace = asString(release.namespace) ?? "default";
      const location = { file, line: lineOfRelease(repo, file, name) ?? doc.line };
      const br: BootstrapRelease = {
        name,
        namespace,
        phase,
        values: inlineValues(release),
        needs: asArray(release.needs)
          .map((n) => asString(n) ?? "")
          .filter(Boolean)
          .map((n) => qualifyNeed(n, namespace)),
        hooks: readHooks(release, location),
        helm: helmFlags({ ...helmDefaults, ...release }),
        location,
        dir,
      };
      const chartText = asString(release.chart);
      if (chartText && !chartText.includes("{{")) {
        br.chart = parseChart(chartText, dir, repositories, repo);
        const version = asString(release.version);
        if (version && !version.includes("{{")) br.chart.version = version;
      } else {
        resolveFromFluxFiles(repo, dir, br, chartText ?? "", result);
      }
      result.releases.push(br);
    });
  }
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

function readHooks(release: Json, location: SourceLocation): HelmfileHook[] {
  return asArray(release.hooks).flatMap((h) => {
    const hook = asRecord(h);
    const command = asString(hook.command);
    if (!command) return [];
    return [
      {
        events: asArray(hook.events)
          .map((e) => asString(e) ?? "")
          .filter(Boolean),
        command,
        args: asArray(hook.args).map((a) => (typeof a === "string" ? a : String(a))),
        showlogs: hook.showlogs === true,
        location,
      },
    ];
  });
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

function collectRepositories(v: Json, into: Map<string, { url: string; oci: boolean }>): void {
  for (const r of asArray(v.repositories)) {
    const repo = asRecord(r);
    const name = asString(repo.name);
    const url = asString(repo.url);
    if (name && url) into.set(name, { url, oci: repo.oci === true });
  }
}

function parseChart(
  chart: string,
  dir: string,
  repositories: Map<string, { url: string; oci: boolean }>,
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
    const r = repositories.get(repoName);
    return r ? { name, url: r.oci ? `oci://${r.url}/${name}` : r.url } : { name };
  }
  return { name: chart };
}

/**
 * The widespread convention: the helmfile's chart and values are read by Go templates from
 * `kubernetes/apps/<namespace>/<name>/app/{ocirepository,helmrelease}.yaml`. The path pattern is taken
 * from the template files when they contain one.
 */
function resolveFromFluxFiles(
  repo: Repository,
  dir: string,
  br: BootstrapRelease,
  chartText: string,
  result: Bootstrap,
): void {
  const patterns: { pattern: string; base: string }[] = [];
  const templateFiles = [...chartText.matchAll(/readFile\s+"([^"]+)"/g)].map((m) => m[1] ?? "");
  for (const t of templateFiles.length > 0 ? templateFiles : ["templates/release.yaml.gotmpl"]) {
    const path = resolveRepoPath(dir, t);
    const text = path === undefined ? undefined : repo.readText(path);
    if (!text) continue;
    for (const m of text.matchAll(/printf\s+"([^"]*ocirepository\.yaml)"/g))
      patterns.push({ pattern: m[1] ?? "", base: dir });
  }
  patterns.push({ pattern: "kubernetes/apps/%s/%s/app/ocirepository.yaml", base: "" });
  for (const { pattern, base } of patterns) {
    const rel = pattern.replace("%s", br.namespace).replace("%s", br.name);
    const candidates = [resolveRepoPath(base, rel), resolveRepoPath(`${base}/templates`, rel)];
    for (const path of candidates) {
      if (path === undefined || !repo.isFile(path)) continue;
      const oci = (repo.documents(path) ?? [])
        .map((d) => asRecord(d.value))
        .find((v) => v.kind === "OCIRepository");
      if (!oci) continue;
      const url = asString(getPath(oci, ["spec", "url"])) ?? "";
      br.chart = { name: chartNameOf(url), url };
      const tag = asString(getPath(oci, ["spec", "ref", "tag"]));
      if (tag) br.chart.version = tag;
      br.chartFrom = path;
      const hrPath = path.replace(/ocirepository\.yaml$/, "helmrelease.yaml");
      const hr = (repo.documents(hrPath) ?? [])
        .map((d) => asRecord(d.value))
        .find((v) => v.kind === "HelmRelease");
      if (hr) br.values = deepMerge(asRecord(getPath(hr, ["spec", "values"])), br.values);
      return;
    }
  }
  result.findings.push({
    ruleId: "bootstrap-unresolved",
    severity: "info",
    message: `bootstrap release ${br.namespace}/${br.name}: chart is a template kubestrap could not resolve; its CRDs are not known`,
    location: br.location,
  });
}

function inlineValues(release: Json): Json {
  let values: Json = {};
  for (const v of asArray(release.values))
    if (v && typeof v === "object" && !Array.isArray(v)) values = deepMerge(values, v as Json);
  return values;
}

function lineOfRelease(repo: Repository, file: string, name: string): number | undefined {
  const text = repo.readText(file);
  if (!text) return undefined;
  const lines = text.split("\n");
  const re = new RegExp(`^\\s*-\\s*name:\\s*["']?${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["']?\\s*$`);
  const idx = lines.findIndex((l) => re.test(l));
  return idx >= 0 ? idx + 1 : undefined;
}
