/**
 * Loading a repository into its model, without analysing it: the repository, the Flux entry point, the Flux
 * model (Kustomizations with what they apply, HelmReleases, sources) and the bootstrap helmfiles. `lint`
 * analyses this; `kubestrap crds` only needs the releases in it.
 */
import type { Finding } from "../findings.ts";
import { Repository } from "../load/repository.ts";
import { addDeclaredReleases, type Bootstrap, loadBootstrap } from "./bootstrap.ts";
import { builtinScope } from "./builtin-api.ts";
import { catalogScopes } from "./catalog/charts.ts";
import { type LoadedConfig, loadConfig } from "./config.ts";
import { clusterName, findEntryPoints } from "./entry.ts";
import { buildFluxModel, type EntryPoint, type FluxModel } from "./flux.ts";
import type { HelmfileReadOptions } from "./helmfile/state.ts";
import { KustomizeBuilder } from "./kustomize.ts";
import { asRecord, asString, getPath } from "./objects.ts";

/** Bad usage (an entry point or cluster that does not exist): exit status 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface ProjectOptions {
  /** Repository directory. */
  repo: string;
  /** Repository-relative directory of the Flux entry point; detected when absent. */
  entry?: string;
  /** Cluster name, for repositories with several entry points (`clusters/<name>`). */
  cluster?: string;
  /**
   * Objects each HelmRelease's chart renders (by HelmRelease id): its custom resources are consumers of
   * their CRDs when the release installs, in the Kustomization that applies the HelmRelease.
   */
  chartObjects?: Map<string, { apiVersion: string; kind: string; name: string; namespace?: string }[]>;
  /** Findings made before loading (charts that failed to render), reported by their diagnostic rules. */
  diagnostics?: Finding[];
  /** Bootstrap helmfiles to read instead of detecting them (kubestrap.yaml `bootstrap.helmfiles`). */
  helmfiles?: string[];
  /** The helmfile environment (`helmfile -e`); by default the one named like `cluster`, else "default". */
  environment?: string;
  /** Environment variables of this cluster's helmfiles (kubestrap.yaml `clusters[].env`), over `bootstrap.env`. */
  clusterEnv?: Record<string, string>;
  /** kubestrap.yaml as already read (the plan reads it first); by default it is read here. */
  config?: LoadedConfig;
  /** An already loaded repository (kubestrap.yaml was read from it). */
  repository?: Repository;
}

export interface Project {
  repo: Repository;
  /** The kustomize builder the Flux model was built with (it caches what it built). */
  builder: KustomizeBuilder;
  entry: EntryPoint | undefined;
  model: FluxModel;
  bootstrap: Bootstrap;
  /** Findings made while loading: YAML, kustomize, Flux paths, the bootstrap, the entry point. */
  diagnostics: Finding[];
}

export function loadProject(options: ProjectOptions): Project {
  const repo = options.repository ?? Repository.load(options.repo);
  const diagnostics: Finding[] = [...(options.diagnostics ?? [])];
  const entries = findEntryPoints(repo);
  const entry = chooseEntry(repo, entries, options, diagnostics);
  const scopes = catalogScopes();
  const crdScopes = collectCrdScopes(repo);
  const builder = new KustomizeBuilder(repo, (gk) => {
    const s = builtinScope(gk) ?? crdScopes.get(gk) ?? scopes.get(gk);
    return s === "Cluster" ? "Cluster" : "Namespaced";
  });
  const others = entry ? entries.filter((e) => e.path !== entry.path).map((e) => e.path) : [];
  const model = buildFluxModel(repo, builder, entry, others);
  if (options.chartObjects) addChartObjects(model, options.chartObjects);
  const loaded = options.config ?? loadConfig(repo);
  if (!options.config) diagnostics.push(...loaded.findings);
  const { bootstrap: declared } = loaded.config;
  const helmfileOptions: HelmfileReadOptions = {
    env: { ...process.env, ...declared.env, ...options.clusterEnv },
  };
  const environment = options.environment ?? declared.environment;
  if (environment) helmfileOptions.environment = environment;
  if (options.cluster) helmfileOptions.cluster = options.cluster;
  const bootstrap = loadBootstrap(repo, options.helmfiles ?? declared.helmfiles, helmfileOptions);
  if (loaded.file) addDeclaredReleases(repo, bootstrap, declared.releases, loaded.file);
  diagnostics.push(...readFindings(repo), ...builder.findings, ...model.findings, ...bootstrap.findings);
  return { repo, builder, entry, model, bootstrap, diagnostics };
}

/**
 * The repository's own findings (YAML that does not parse, skipped files), for the files Flux, kustomize or the
 * bootstrap read. A file nothing reads (a chart's `templates/`, Ansible or Terraform YAML) is not an error of
 * the bootstrap: those are summed up in one info finding.
 */
function readFindings(repo: Repository): Finding[] {
  const out: Finding[] = [];
  const unread: string[] = [];
  for (const f of repo.findings) {
    const file = f.location?.file;
    if (f.ruleId === "yaml-syntax" && file !== undefined && !repo.wasConsulted(file)) {
      if (!unread.includes(file)) unread.push(file);
    } else out.push(f);
  }
  if (unread.length > 0)
    out.push({
      ruleId: "file-skipped",
      severity: "info",
      message: `${unread.length} YAML file${unread.length === 1 ? "" : "s"} that neither Flux nor the bootstrap reads do${unread.length === 1 ? "es" : ""} not parse, and ${unread.length === 1 ? "is" : "are"} not checked: ${unread.slice(0, 3).join(", ")}${unread.length > 3 ? ", ..." : ""}`,
      location: { file: unread[0] as string, line: 1 },
    });
  return out;
}

function chooseEntry(
  repo: Repository,
  entries: EntryPoint[],
  options: ProjectOptions,
  diagnostics: Finding[],
): EntryPoint | undefined {
  if (options.entry !== undefined) {
    const path = options.entry.replace(/^\.?\/+/, "").replace(/\/+$/, "");
    if (!repo.isDir(path))
      throw new UsageError(`entry point ${options.entry} is not a directory of the repository`);
    return { path, from: "--entry" };
  }
  if (options.cluster !== undefined) {
    const match = entries.find((e) => clusterName(e) === options.cluster);
    if (!match) {
      const names = entries.map(clusterName).join(", ") || "none";
      throw new UsageError(`cluster ${options.cluster} not found (clusters: ${names})`);
    }
    return match;
  }
  if (entries.length === 0) {
    diagnostics.push({
      ruleId: "entry-point",
      severity: "info",
      message:
        "no Flux entry point found (FluxInstance sync path, kubernetes/flux/cluster, clusters/<name>): every Flux Kustomization in the repository is analysed as a root",
    });
    return undefined;
  }
  if (entries.length > 1) {
    diagnostics.push({
      ruleId: "entry-point",
      severity: "info",
      message: `several entry points (${entries.map((e) => e.path).join(", ")}): analysing ${entries[0]?.path}; choose one with --cluster`,
    });
  }
  return entries[0];
}

/**
 * Adds what each HelmRelease's chart renders to the objects of the Kustomization that applies it, located at
 * the HelmRelease (generated objects have no document of their own).
 */
function addChartObjects(model: FluxModel, chartObjects: NonNullable<ProjectOptions["chartObjects"]>): void {
  for (const hr of model.helmReleases) {
    const ks = model.kustomizations.get(hr.ks);
    for (const o of chartObjects.get(hr.id) ?? []) {
      ks?.objects.push({
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.name,
        namespace: o.namespace ?? hr.namespace,
        body: { apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.name } },
        source: { file: hr.object.source.file, line: hr.object.source.line, docIndex: -1, renderedBy: hr.id },
      });
    }
  }
}

/** Scopes declared by CRD manifests anywhere in the repository. */
function collectCrdScopes(repo: Repository): Map<string, string> {
  const scopes = new Map<string, string>();
  for (const doc of repo.allDocuments()) {
    const v = asRecord(doc.value);
    if (v.kind !== "CustomResourceDefinition") continue;
    const group = asString(getPath(v, ["spec", "group"]));
    const kind = asString(getPath(v, ["spec", "names", "kind"]));
    const scope = asString(getPath(v, ["spec", "scope"]));
    if (group && kind && scope) scopes.set(`${group}/${kind}`, scope);
  }
  return scopes;
}
