import type { SourceLocation } from "../findings.ts";
import { shortestPath } from "../graph/dag.ts";
import type { Bootstrap, BootstrapRelease } from "../model/bootstrap.ts";
import { isBuiltinKind } from "../model/builtin-api.ts";
import { type ChartCrdResolver, type ChartRef, installedBy, resolveChartCrds } from "../model/charts.ts";
import {
  type FluxKustomization,
  type FluxModel,
  type HelmReleaseModel,
  isHelmRelease,
} from "../model/flux.ts";
import { asString, getPath, groupKind, groupOf, type KubeObject } from "../model/objects.ts";
import { type ChartRelease, chartName } from "../model/releases.ts";
import type { KustomizationGraph } from "./graph.ts";

export type Verdict = "ok" | "unwaited" | "same-unit" | "race" | "deadlock" | "missing" | "unresolved";

export type ProviderKind = "builtin" | "flux" | "platform" | "bootstrap" | "manifest" | "chart" | "external";

export interface CrdProvider {
  kind: ProviderKind;
  /** Human-readable: `HelmRelease o11y/kube-prometheus-stack`, `bootstrap release kube-system/cilium`. */
  label: string;
  /** The Flux Kustomization that applies the provider (manifest and chart providers). */
  ks?: string;
  release?: HelmReleaseModel;
  bootstrapRelease?: BootstrapRelease;
  location?: SourceLocation;
  /** CRDs created by the chart's running workload rather than rendered by helm. */
  runtime?: boolean;
  /** The provider was inferred (same API group, or a chart named like the group), not read. */
  inferred?: string;
  via?: string;
}

export interface ConsumerVerdict {
  consumer: KubeObject;
  ks: FluxKustomization;
  groupKind: string;
  verdict: Verdict;
  provider?: CrdProvider;
  /** dependsOn path between consumer and provider Kustomizations, when one exists. */
  path?: string[];
  /** For a deadlock: the consumer's Kustomization applies the provider's (`path` is the chain, provider first). */
  createdBy?: boolean;
  /**
   * The consumer is rendered by a HelmRelease, and its provider is another HelmRelease: their order is
   * helm-controller's (HelmRelease `dependsOn`), not only the Kustomizations'.
   */
  releases?: { consumer: string; provider: string; path?: string[] };
  /** Providers that could not be read, for `unresolved`. */
  candidates?: CrdProvider[];
}

export interface CrdAnalysis {
  providers: Map<string, CrdProvider[]>;
  verdicts: ConsumerVerdict[];
  /** Chart providers kubestrap could not read, with the reason. */
  unresolved: { provider: CrdProvider; reason: string }[];
  crdCount: number;
}

/** API groups registered by the platform rather than by anything in the repository. */
const PLATFORM_GROUPS: Record<string, string> = {
  "talos.dev": "Talos Linux (machine.features.kubernetesTalosAPIAccess)",
};

const VERDICT_RANK: Record<Verdict, number> = {
  ok: 0,
  unwaited: 1,
  race: 2,
  "same-unit": 3,
  deadlock: 4,
  unresolved: 5,
  missing: 6,
};

export function isFluxGroup(group: string): boolean {
  return group.endsWith(".toolkit.fluxcd.io");
}

/**
 * Indexes every CRD provider (manifests, charts of HelmReleases, the bootstrap phases, the built-in
 * API) and decides, for every custom resource Flux applies, whether its CRD is guaranteed to exist
 * when it is applied (DESIGN §4.5).
 */
export function analyseCrds(
  model: FluxModel,
  bootstrap: Bootstrap,
  graph: KustomizationGraph,
  resolvers: ChartCrdResolver[],
  /** The bootstrap's chart releases as the CRD phase renders them (model/releases.ts `crdReleases`). */
  bootstrapCharts: ChartRelease[] = [],
): CrdAnalysis {
  const chartsById = new Map(bootstrapCharts.map((c) => [c.id, c]));
  const providers = new Map<string, CrdProvider[]>();
  const unresolved: CrdAnalysis["unresolved"] = [];
  const add = (gk: string, p: CrdProvider): void => {
    const list = providers.get(gk);
    if (list) list.push(p);
    else providers.set(gk, [p]);
  };
  let crdCount = 0;

  for (const br of bootstrap.releases) {
    const label = `bootstrap ${br.phase === "crds" ? "CRD phase" : "release"} ${br.namespace}/${br.name}`;
    const p: CrdProvider = { kind: "bootstrap", label, bootstrapRelease: br, location: br.location };
    for (const h of br.hookCrds)
      add(`${h.group}/${h.kind}`, {
        ...p,
        label: `${label} (its hook applies ${h.from})`,
        location: h.location,
      });
    // The chart and values the CRD phase renders (resolved through the Flux files, CRD switches on) when
    // known; the helmfile's own chart otherwise.
    const resolved = chartsById.get(`${br.namespace}/${br.name}`);
    if (!br.chart && !resolved) continue;
    const chart: ChartRef = {
      name: resolved ? chartName(resolved.chart) : (br.chart?.name ?? ""),
      values: resolved?.values ?? br.values,
      release: installedBy("bootstrap", `${br.namespace}/${br.name}`),
    };
    const url =
      resolved?.chart.type === "oci"
        ? resolved.chart.url
        : resolved?.chart.type === "repo"
          ? resolved.chart.repoUrl
          : br.chart?.url;
    if (url) chart.url = url;
    if (br.chart?.localPath) chart.localPath = br.chart.localPath;
    const crds = resolveChartCrds(resolvers, chart);
    if (crds.status === "unresolved") unresolved.push({ provider: p, reason: crds.reason });
    else for (const c of crds.crds) add(`${c.group}/${c.kind}`, { ...p, via: crds.via });
  }

  for (const ks of model.kustomizations.values()) {
    for (const o of ks.objects) {
      if (o.kind !== "CustomResourceDefinition" || groupOf(o.apiVersion) !== "apiextensions.k8s.io") continue;
      crdCount++;
      const group = asString(getPath(o.body, ["spec", "group"]));
      const kind = asString(getPath(o.body, ["spec", "names", "kind"]));
      if (!group || !kind) continue;
      add(`${group}/${kind}`, {
        kind: "manifest",
        label: `CustomResourceDefinition ${o.name}`,
        ks: ks.id,
        location: o.source,
      });
    }
  }

  for (const hr of model.helmReleases) {
    if (!hr.chart) continue;
    const p: CrdProvider = {
      kind: "chart",
      label: `HelmRelease ${hr.id}`,
      ks: hr.ks,
      release: hr,
      location: hr.object.source,
    };
    const chart: ChartRef = { name: hr.chart.name, values: hr.values, release: installedBy("flux", hr.id) };
    if (hr.chart.url) chart.url = hr.chart.url;
    if (hr.chart.version) chart.version = hr.chart.version;
    if (hr.chart.localPath) chart.localPath = hr.chart.localPath;
    const crds = resolveChartCrds(resolvers, chart);
    if (crds.status === "unresolved") {
      unresolved.push({ provider: p, reason: crds.reason });
      continue;
    }
    for (const c of crds.crds)
      add(
        `${c.group}/${c.kind}`,
        crds.runtime ? { ...p, runtime: true, via: crds.via } : { ...p, via: crds.via },
      );
  }

  const byGroup = new Map<string, CrdProvider[]>();
  for (const [gk, list] of providers) {
    const group = gk.slice(0, gk.lastIndexOf("/"));
    byGroup.set(group, [...(byGroup.get(group) ?? []), ...list]);
  }

  // HelmRelease dependsOn as helm-controller follows it: by namespace/name, across Kustomizations.
  const releaseOrder = new Map(
    model.helmReleases.map((hr) => [hr.id, hr.dependsOn.map((d) => `${d.namespace}/${d.name}`)]),
  );
  const verdicts: ConsumerVerdict[] = [];
  const externals = [...model.kustomizations.values()].filter((k) => !k.local).map((k) => k.id);
  for (const ks of model.kustomizations.values()) {
    for (const o of ks.objects) {
      const gk = groupKind(o);
      const group = groupOf(o.apiVersion);
      if (isBuiltinKind(gk) || isFluxGroup(group) || o.kind === "CustomResourceDefinition") continue;
      if (PLATFORM_GROUPS[group]) {
        verdicts.push({
          consumer: o,
          ks,
          groupKind: gk,
          verdict: "ok",
          provider: { kind: "platform", label: PLATFORM_GROUPS[group] as string },
        });
        continue;
      }
      let candidates = providers.get(gk);
      if (!candidates) {
        const sameGroup = byGroup.get(group);
        if (sameGroup)
          candidates = sameGroup.map((p) => ({ ...p, inferred: `it provides other kinds of ${group}` }));
      }
      if (!candidates) {
        const named = unresolved.filter((u) => chartMatchesGroup(u.provider, group));
        if (named.length > 0)
          candidates = named.map((u) => ({
            ...u.provider,
            inferred: `its chart is named like the API group ${group}`,
          }));
      }
      // A Kustomization of another repository may provide any CRD, unseen offline: a consumer that depends on it
      // is given the benefit of the doubt, unless a provider was read (not only inferred) in this repository.
      const read = candidates?.some((c) => c.inferred === undefined) ?? false;
      const external = read ? undefined : externals.find((e) => graph.dependsOn(ks.id, e));
      if (external) {
        verdicts.push({
          consumer: o,
          ks,
          groupKind: gk,
          verdict: "ok",
          provider: {
            kind: "external",
            label: `Kustomization ${external} (another repository)`,
            ks: external,
          },
        });
        continue;
      }
      if (!candidates) {
        verdicts.push(
          unresolved.length > 0
            ? {
                consumer: o,
                ks,
                groupKind: gk,
                verdict: "unresolved",
                candidates: unresolved.map((u) => u.provider),
              }
            : { consumer: o, ks, groupKind: gk, verdict: "missing" },
        );
        continue;
      }
      let best: ConsumerVerdict | undefined;
      // Between providers inferred alike, a chart named `*-crds` is the one that installs the CRDs.
      const ordered = [...candidates].sort((a, b) => Number(crdsChart(b)) - Number(crdsChart(a)));
      for (const p of ordered) {
        const v = judge(o, ks, p, graph, releaseOrder);
        if (!best || VERDICT_RANK[v.verdict] < VERDICT_RANK[best.verdict]) best = v;
        if (best.verdict === "ok") break;
      }
      verdicts.push(best as ConsumerVerdict);
    }
  }
  return { providers, verdicts, unresolved, crdCount };
}

function judge(
  o: KubeObject,
  ks: FluxKustomization,
  p: CrdProvider,
  graph: KustomizationGraph,
  releaseOrder: ReadonlyMap<string, string[]>,
): ConsumerVerdict {
  const base = { consumer: o, ks, groupKind: groupKind(o), provider: p };
  if (p.kind !== "manifest" && p.kind !== "chart") return { ...base, verdict: "ok" };
  const pks = p.ks as string;
  const renderedBy = o.source.renderedBy;
  // A chart rendering resources of its own CRDs (kube-prometheus-stack's ServiceMonitors): helm installs the
  // chart's crds/ before its templates. (A chart that templated both would fail its own first install.)
  if (p.kind === "chart" && p.release && renderedBy === p.release.id) return { ...base, verdict: "ok" };
  if (p.kind === "chart" && p.release && renderedBy) {
    // helm-controller installs a HelmRelease only once those it dependsOn are Ready, that is installed with
    // their CRDs, wherever their Kustomizations are. Without that order, two HelmReleases of one
    // Kustomization install side by side: the consumer's fails until the CRD exists (a race, not the
    // same-unit deadlock of a plain manifest, which kustomize-controller's dry run rejects).
    const path = shortestPath(releaseOrder, renderedBy, p.release.id);
    const releases = { consumer: renderedBy, provider: p.release.id };
    if (path) return { ...base, verdict: "ok", releases: { ...releases, path } };
    if (pks === ks.id) return { ...base, verdict: "race", releases };
  }
  if (p.kind === "manifest") {
    // kustomize-controller applies CRDs first and waits for them within one apply (staged apply).
    if (pks === ks.id || graph.startsAfter(ks.id, pks)) return { ...base, verdict: "ok" };
  } else {
    if (pks === ks.id) return { ...base, verdict: "same-unit" };
    if (graph.startsAfter(ks.id, pks)) {
      if (waitsFor(graph, pks, p, groupOf(o.apiVersion))) return { ...base, verdict: "ok" };
      return { ...base, verdict: "unwaited", path: graph.path(ks.id, pks) ?? [ks.id, pks] };
    }
  }
  // The provider's Kustomization is applied by the consumer's: its dry run rejects the custom resource before the
  // provider exists. (A resource a chart renders is installed by helm later, and retried: a race.)
  if (graph.creates(ks.id, pks) && !renderedBy)
    return {
      ...base,
      verdict: "deadlock",
      createdBy: true,
      path: graph.ancestry(pks).slice(0, graph.ancestry(pks).indexOf(ks.id) + 1),
    };
  if (graph.dependsOn(pks, ks.id))
    return { ...base, verdict: "deadlock", path: graph.path(pks, ks.id) ?? [pks, ks.id] };
  return { ...base, verdict: "race" };
}

function waitsFor(graph: KustomizationGraph, ksId: string, p: CrdProvider, crdGroup: string): boolean {
  const ks0 = graph.kustomization(ksId);
  // A health check on the CRD itself waits for it as surely as one on the HelmRelease.
  if (ks0?.healthChecks.some((h) => h.kind === "CustomResourceDefinition" && h.name.endsWith(`.${crdGroup}`)))
    return true;
  return waitsForRelease(graph, ksId, p);
}

function waitsForRelease(graph: KustomizationGraph, ksId: string, p: CrdProvider): boolean {
  const ks = graph.kustomization(ksId);
  const hr = p.release;
  if (!ks || !hr) return false;
  if (ks.wait) return true;
  return ks.healthChecks.some(
    (h) =>
      (h.kind === "HelmRelease" &&
        h.name === hr.name &&
        (h.namespace ?? ks.namespace) === hr.namespace &&
        (h.apiVersion === undefined || groupOf(h.apiVersion) === "helm.toolkit.fluxcd.io")) ||
      releaseWorkload(ks, hr, h),
  );
}

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet"]);

/**
 * A health check on a workload the release installs (the operator's Deployment) waits for the release: helm
 * created it, CRDs first. It is taken for the release's when the Kustomization applies no such workload itself
 * and the release is the only one it applies into that namespace.
 */
function releaseWorkload(
  ks: FluxKustomization,
  hr: HelmReleaseModel,
  h: FluxKustomization["healthChecks"][number],
): boolean {
  if (!WORKLOAD_KINDS.has(h.kind)) return false;
  const namespace = h.namespace ?? ks.namespace;
  const installsInto = (o: KubeObject) =>
    asString(getPath(o.body, ["spec", "targetNamespace"])) ?? o.namespace;
  if (namespace !== installsInto(hr.object)) return false;
  if (
    ks.objects.some(
      (o) => o.kind === h.kind && o.name === h.name && (o.namespace ?? ks.namespace) === namespace,
    )
  )
    return false;
  const releases = ks.objects.filter((o) => isHelmRelease(o) && installsInto(o) === namespace);
  return releases.length === 1;
}

function crdsChart(p: CrdProvider): boolean {
  return (
    p.inferred !== undefined &&
    /-crds?$/.test(p.release?.chart?.name ?? p.bootstrapRelease?.chart?.name ?? "")
  );
}

function chartMatchesGroup(p: CrdProvider, group: string): boolean {
  const chart = p.release?.chart?.name ?? p.bootstrapRelease?.chart?.name;
  if (!chart) return false;
  const first = group.split(".")[0] ?? "";
  // `toolhive-operator-crds` → `toolhive`.
  const stem = chart.replace(/(-(operator|controller|crds?|chart))+$/, "");
  return first === chart || first === stem || first === stem.replace(/-/g, "");
}
