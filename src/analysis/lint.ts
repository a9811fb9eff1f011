import { compareFindings, type Finding, type Severity } from "../findings.ts";
import { Repository } from "../load/repository.ts";
import { type Bootstrap, loadBootstrap } from "../model/bootstrap.ts";
import { builtinScope, isBuiltinKind } from "../model/builtin-api.ts";
import { catalogScopes } from "../model/catalog/charts.ts";
import { CatalogResolver, type ChartCrdResolver, LocalChartResolver } from "../model/charts.ts";
import { clusterName, findEntryPoints } from "../model/entry.ts";
import {
  buildFluxModel,
  type EntryPoint,
  type FluxModel,
  isFluxKustomization,
  isHelmRelease,
} from "../model/flux.ts";
import { KustomizeBuilder } from "../model/kustomize.ts";
import { asRecord, asString, getPath, groupOf } from "../model/objects.ts";
import type { AnalysisContext } from "./context.ts";
import { analyseCrds, type CrdAnalysis, isFluxGroup } from "./crds.ts";
import { KustomizationGraph } from "./graph.ts";
import { RULES } from "./rules/index.ts";

export type SeveritySetting = Severity | "off";

export interface LintOptions {
  /** Repository directory. */
  repo: string;
  /** Repository-relative directory of the Flux entry point; detected when absent. */
  entry?: string;
  /** Cluster name, for repositories with several entry points (`clusters/<name>`). */
  cluster?: string;
  /** Per-rule severity overrides. */
  rules?: Record<string, SeveritySetting>;
  /** Chart CRD resolvers tried before the bundled catalog (a helm renderer, say). */
  resolvers?: ChartCrdResolver[];
  /**
   * Objects each HelmRelease's chart renders (by HelmRelease id): its custom resources are consumers of
   * their CRDs when the release installs, in the Kustomization that applies the HelmRelease.
   */
  chartObjects?: Map<string, { apiVersion: string; kind: string; name: string; namespace?: string }[]>;
  /** Findings made before the analysis (charts that failed to render), reported by their diagnostic rules. */
  diagnostics?: Finding[];
}

export interface Count {
  total: number;
  reachable: number;
}

export interface Inventory {
  files: number;
  kustomizations: Count;
  helmReleases: Count;
  crds: Count;
  customResources: Count;
  entry?: string;
}

export interface LintResult {
  findings: Finding[];
  inventory: Inventory;
  model: FluxModel;
  bootstrap: Bootstrap;
  graph: KustomizationGraph;
  crds: CrdAnalysis;
  entry?: EntryPoint;
}

export class UsageError extends Error {}

/** Loads a repository, builds its Flux model and graphs, and runs every rule. */
export function lint(options: LintOptions): LintResult {
  const repo = Repository.load(options.repo);
  const diagnostics: Finding[] = [...repo.findings, ...(options.diagnostics ?? [])];
  const entry = chooseEntry(repo, options, diagnostics);
  const scopes = catalogScopes();
  const crdScopes = collectCrdScopes(repo);
  const builder = new KustomizeBuilder(repo, (gk) => {
    const s = builtinScope(gk) ?? crdScopes.get(gk) ?? scopes.get(gk);
    return s === "Cluster" ? "Cluster" : "Namespaced";
  });
  const model = buildFluxModel(repo, builder, entry);
  if (options.chartObjects) addChartObjects(model, options.chartObjects);
  const bootstrap = loadBootstrap(repo);
  diagnostics.push(...builder.findings, ...model.findings, ...bootstrap.findings);
  const graph = new KustomizationGraph(model);
  const resolvers = [...(options.resolvers ?? []), new LocalChartResolver(repo), new CatalogResolver()];
  const crds = analyseCrds(model, bootstrap, graph, resolvers);
  const ctx: AnalysisContext = {
    repo,
    model,
    bootstrap,
    graph,
    crds,
    diagnostics,
    lineOf: (o, path) =>
      o.source.docIndex < 0
        ? o.source.line
        : (repo.lineOf(o.source.file, o.source.docIndex, path) ?? o.source.line),
  };
  const findings: Finding[] = [];
  for (const rule of RULES) {
    const setting = options.rules?.[rule.id] ?? rule.severity;
    if (setting === "off") continue;
    for (const f of rule.check(ctx)) findings.push({ ruleId: rule.id, severity: setting, ...f });
  }
  findings.sort(compareFindings);
  const result: LintResult = {
    findings,
    inventory: inventory(repo, model, crds, entry),
    model,
    bootstrap,
    graph,
    crds,
  };
  if (entry) result.entry = entry;
  return result;
}

function chooseEntry(repo: Repository, options: LintOptions, diagnostics: Finding[]): EntryPoint | undefined {
  if (options.entry !== undefined) {
    const path = options.entry.replace(/^\.?\/+/, "").replace(/\/+$/, "");
    if (!repo.isDir(path))
      throw new UsageError(`entry point ${options.entry} is not a directory of the repository`);
    return { path, from: "--entry" };
  }
  const entries = findEntryPoints(repo);
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
function addChartObjects(model: FluxModel, chartObjects: NonNullable<LintOptions["chartObjects"]>): void {
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

function inventory(
  repo: Repository,
  model: FluxModel,
  crds: CrdAnalysis,
  entry: EntryPoint | undefined,
): Inventory {
  const total = { kustomizations: 0, helmReleases: 0, crds: 0, customResources: 0 };
  for (const doc of repo.allDocuments()) {
    const v = asRecord(doc.value);
    const apiVersion = asString(v.apiVersion);
    const kind = asString(v.kind);
    if (!apiVersion || !kind) continue;
    const o = { apiVersion, kind };
    if (isFluxKustomization(o)) total.kustomizations++;
    else if (isHelmRelease(o)) total.helmReleases++;
    else if (kind === "CustomResourceDefinition") total.crds++;
    else if (isCustomResource(apiVersion, kind)) total.customResources++;
  }
  let reachableKs = 0;
  for (const ks of model.kustomizations.values()) if (ks.object.source.docIndex >= 0 || !entry) reachableKs++;
  const inv: Inventory = {
    files: repo.yamlFiles().length,
    kustomizations: { total: total.kustomizations, reachable: reachableKs },
    helmReleases: { total: total.helmReleases, reachable: model.helmReleases.length },
    crds: { total: total.crds, reachable: crds.crdCount },
    customResources: { total: total.customResources, reachable: crds.verdicts.length },
  };
  if (entry) inv.entry = entry.path;
  return inv;
}

function isCustomResource(apiVersion: string, kind: string): boolean {
  const group = groupOf(apiVersion);
  if (group === "kustomize.config.k8s.io" || isFluxGroup(group)) return false;
  return !isBuiltinKind(`${group}/${kind}`);
}
