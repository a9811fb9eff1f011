import { compareFindings, type Finding, type Severity } from "../findings.ts";
import type { Repository } from "../load/repository.ts";
import type { Bootstrap } from "../model/bootstrap.ts";
import { isBuiltinKind } from "../model/builtin-api.ts";
import { CatalogResolver, type ChartCrdResolver, LocalChartResolver } from "../model/charts.ts";
import { type EntryPoint, type FluxModel, isFluxKustomization, isHelmRelease } from "../model/flux.ts";
import { asRecord, asString, groupOf } from "../model/objects.ts";
import { loadProject, type ProjectOptions } from "../model/project.ts";
import { crdReleases } from "../model/releases.ts";
import type { AnalysisContext, RenderedManifests } from "./context.ts";
import { analyseCrds, type CrdAnalysis, isFluxGroup } from "./crds.ts";
import { KustomizationGraph } from "./graph.ts";
import { RULES } from "./rules/index.ts";
import { type CrdDefinition, chooseKubeVersion, crdDefinitions, SchemaIndex } from "./schema/sources.ts";

export { UsageError } from "../model/project.ts";

export type SeveritySetting = Severity | "off";

export interface LintOptions extends ProjectOptions {
  /** Per-rule severity overrides. */
  rules?: Record<string, SeveritySetting>;
  /** Chart CRD resolvers tried before the bundled catalog (a helm renderer, say). */
  resolvers?: ChartCrdResolver[];
  /** The Kubernetes version built-in kinds are validated for (a bundled one); the newest bundled by default. */
  kubeVersion?: string;
  /** CRDs rendered from charts (`--render`), whose schemas custom resources are validated against. */
  renderedCrds?: CrdDefinition[];
  /** What HelmReleases' charts render (`--render`), validated against the schemas like the repository's objects. */
  renderedManifests?: RenderedManifests[];
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
  /** What was found of the bootstrap: its helmfiles' folder, and releases per phase. */
  bootstrap: BootstrapInventory;
}

export interface BootstrapInventory {
  helmfiles: number;
  /** Helmfiles that could not be read (see their findings). */
  unread: number;
  dir?: string;
  /** Releases whose CRDs are applied before anything else (the CRD helmfiles). */
  crdReleases: number;
  /** Releases installed before Flux takes over. */
  releases: number;
  /** The helmfile environment read. */
  environment?: string;
}

export interface LintResult {
  findings: Finding[];
  inventory: Inventory;
  model: FluxModel;
  bootstrap: Bootstrap;
  graph: KustomizationGraph;
  crds: CrdAnalysis;
  entry?: EntryPoint;
  /** What the rules read: the fleet rules read it again, per cluster. */
  context: AnalysisContext;
}

/** Loads a repository, builds its Flux model and graphs, and runs every rule. */
export function lint(options: LintOptions): LintResult {
  const { repo, entry, model, bootstrap, diagnostics } = loadProject(options);
  const graph = new KustomizationGraph(model);
  const resolvers = [...(options.resolvers ?? []), new LocalChartResolver(repo), new CatalogResolver()];
  // The one chart-release model: the bootstrap's charts as the CRD phase (and `up`) resolve and render them.
  const bootstrapCharts = crdReleases(bootstrap, model, options.repo).releases;
  const crds = analyseCrds(model, bootstrap, graph, resolvers, bootstrapCharts);
  const kubeVersion = chooseKubeVersion(options.kubeVersion);
  const allDiagnostics: Finding[] = kubeVersion.substitute
    ? [...diagnostics, { ruleId: "schema-version", severity: "info", message: kubeVersion.substitute }]
    : diagnostics;
  const repositoryCrds = crdDefinitions([...model.kustomizations.values()].flatMap((ks) => ks.objects));
  const schemas = new SchemaIndex(kubeVersion.minor, [...repositoryCrds, ...(options.renderedCrds ?? [])]);
  const ctx: AnalysisContext = {
    repo,
    model,
    bootstrap,
    graph,
    crds,
    diagnostics: allDiagnostics,
    schemas,
    lineOf: (o, path) =>
      o.source.docIndex < 0
        ? o.source.line
        : (repo.lineOf(o.source.file, o.source.docIndex, path) ?? o.source.line),
  };
  if (options.renderedManifests) ctx.renderedManifests = options.renderedManifests;
  const findings: Finding[] = [];
  for (const rule of RULES) {
    const setting = options.rules?.[rule.id] ?? rule.severity;
    if (setting === "off") continue;
    for (const f of rule.check(ctx)) findings.push({ ruleId: rule.id, severity: setting, ...f });
  }
  findings.sort(compareFindings);
  const result: LintResult = {
    findings,
    inventory: inventory(repo, model, crds, entry, bootstrap),
    model,
    bootstrap,
    graph,
    crds,
    context: ctx,
  };
  if (entry) result.entry = entry;
  return result;
}

function inventory(
  repo: Repository,
  model: FluxModel,
  crds: CrdAnalysis,
  entry: EntryPoint | undefined,
  bootstrap: Bootstrap,
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
    bootstrap: {
      helmfiles: bootstrap.helmfiles.length,
      unread: bootstrap.unread.length,
      crdReleases: bootstrap.releases.filter((r) => r.phase === "crds").length,
      releases: bootstrap.releases.filter((r) => r.phase === "releases").length,
    },
  };
  if (bootstrap.dir !== undefined) inv.bootstrap.dir = bootstrap.dir;
  if (bootstrap.environment !== undefined) inv.bootstrap.environment = bootstrap.environment;
  if (entry) inv.entry = entry.path;
  return inv;
}

function isCustomResource(apiVersion: string, kind: string): boolean {
  const group = groupOf(apiVersion);
  if (group === "kustomize.config.k8s.io" || isFluxGroup(group)) return false;
  return !isBuiltinKind(`${group}/${kind}`);
}
