/**
 * What the fleet rules compare between clusters, read once per cluster from its analysis: the chart releases
 * (bootstrap and Flux) with their values and versions, the address ranges the cluster uses, and the
 * load-balancer addresses its objects pin.
 */
import type { SourceLocation } from "../findings.ts";
import { chartNameOf } from "../model/charts.ts";
import type { HelmReleaseModel } from "../model/flux.ts";
import {
  asArray,
  asRecord,
  asString,
  getPath,
  groupOf,
  type Json,
  type KubeObject,
} from "../model/objects.ts";
import type { AnalysisContext, ClusterContext, FleetContext } from "./context.ts";
import { between, type IpRange, parseRange } from "./ip-ranges.ts";

export interface ClusterFacts {
  /** The bootstrap's releases first, then Flux's HelmReleases. */
  releases: ReleaseFact[];
  ranges: RangeFact[];
  pinned: PinnedAddress[];
}

const memo = new WeakMap<ClusterContext, ClusterFacts>();

/** The facts of one cluster, read once however many rules ask. */
export function factsOf(cluster: ClusterContext, fleet: FleetContext): ClusterFacts {
  let facts = memo.get(cluster);
  if (!facts) {
    const releases = releaseFacts(cluster);
    facts = { releases, ranges: rangeFacts(cluster, fleet, releases), pinned: pinnedAddresses(cluster) };
    memo.set(cluster, facts);
  }
  return facts;
}

export interface ReleaseFact {
  /** `namespace/name`. */
  id: string;
  chart: string;
  version?: string;
  values: Json;
  installedBy: "bootstrap" | "flux";
  location: SourceLocation;
  /** Where a value is written (the release, when it came from a values file or valuesFrom). */
  valueAt(path: string[]): SourceLocation;
}

/**
 * The chart and version a HelmRelease installs: its source's tag (an OCIRepository's, or the GitRepository's a
 * chart is read from), else an OCIRepository's digest, else the version the model read (chart.spec.version, an
 * OCIRepository's semver).
 */
export function fluxChartOf(hr: HelmReleaseModel): { name: string; version?: string } | undefined {
  const flux = hr.chart;
  if (!flux) return undefined;
  const ref = asRecord(getPath(flux.source?.body, ["spec", "ref"]));
  const version = asString(ref.tag) ?? asString(ref.digest) ?? flux.version;
  return version ? { name: flux.name, version } : { name: flux.name };
}

export function releaseFacts(ctx: AnalysisContext): ReleaseFact[] {
  const out: ReleaseFact[] = [];
  for (const br of ctx.bootstrap.releases) {
    if (!br.chart) continue;
    const fact: ReleaseFact = {
      id: `${br.namespace}/${br.name}`,
      chart: chartNameOf(br.chart.name),
      values: br.values,
      installedBy: "bootstrap",
      location: br.location,
      valueAt: () => br.location,
    };
    if (br.chart.version) fact.version = br.chart.version;
    out.push(fact);
  }
  for (const hr of ctx.model.helmReleases) {
    const chart = fluxChartOf(hr);
    if (!chart) continue;
    const location = { file: hr.object.source.file, line: hr.object.source.line };
    const fact: ReleaseFact = {
      id: hr.id,
      chart: chart.name,
      values: hr.values,
      installedBy: "flux",
      location,
      valueAt: (path) =>
        lazyLocation(location.file, () => ctx.lineOf(hr.object, ["spec", "values", ...path])),
    };
    if (chart.version) fact.version = chart.version;
    out.push(fact);
  }
  return out;
}

export type RangeKind = "pods" | "routing" | "services" | "pool";

export interface RangeFact {
  kind: RangeKind;
  range: IpRange;
  /** What the range is, for messages: `ipv4NativeRoutingCIDR of cilium (HelmRelease kube-system/cilium)`. */
  what: string;
  location: SourceLocation;
  /** The release or object it belongs to: ranges of one owner are never compared with each other. */
  owner: string;
}

const CILIUM_RANGES: { path: string[]; kind: RangeKind }[] = [
  { path: ["ipv4NativeRoutingCIDR"], kind: "routing" },
  { path: ["ipv6NativeRoutingCIDR"], kind: "routing" },
  { path: ["ipam", "operator", "clusterPoolIPv4PodCIDRList"], kind: "pods" },
  { path: ["ipam", "operator", "clusterPoolIPv6PodCIDRList"], kind: "pods" },
  { path: ["ipam", "operator", "clusterPoolIPv4PodCIDR"], kind: "pods" },
];

/**
 * The texts of a value that lists addresses, as a list or in one string. Values only known once Flux substitutes
 * them (`${POD_CIDR}`, a `{{ }}` template) never parse as addresses, so they are never facts.
 */
function listOf(v: unknown): string[] {
  if (typeof v === "string") return v.split(/[,\s]+/);
  return asArray(v).flatMap((x) => asString(x) ?? []);
}

export function rangeFacts(
  cluster: ClusterContext,
  fleet: FleetContext,
  releases: ReleaseFact[],
): RangeFact[] {
  const out: RangeFact[] = [];
  const seen = new Set<string>();
  const add = (fact: Omit<RangeFact, "range">, text: string, range = parseRange(text)): void => {
    // The same value twice (the bootstrap's cilium and Flux's) is one fact.
    const key = `${fact.kind}\0${fact.owner}\0${text}`;
    if (!range || seen.has(key)) return;
    seen.add(key);
    out.push({ ...fact, range });
  };
  for (const r of releases) {
    if (r.chart !== "cilium") continue;
    const who = r.installedBy === "bootstrap" ? `bootstrap release ${r.id}` : `HelmRelease ${r.id}`;
    for (const { path, kind } of CILIUM_RANGES)
      for (const text of listOf(getPath(r.values, path)))
        add(
          { kind, what: `cilium ${path.join(".")} (${who})`, location: r.valueAt(path), owner: r.id },
          text,
        );
  }
  const declared = fleet.config.clusters.findIndex((c) => c.name === cluster.name);
  const network = fleet.config.clusters[declared]?.network;
  if (network && fleet.configFile)
    for (const kind of ["pods", "services"] as const)
      network[kind].forEach((text, i) => {
        const location = fleet.repo.location(fleet.configFile as string, 0, [
          "clusters",
          declared,
          "network",
          kind,
          i,
        ]);
        add({ kind, what: `${kind} CIDR in kubestrap.yaml`, location, owner: `config/${kind}` }, text);
      });
  for (const o of objectsOf(cluster)) {
    const group = groupOf(o.apiVersion);
    const location = lazyLocation(o.source.file, () => o.source.line);
    const owner = `${o.kind}/${o.namespace ?? ""}/${o.name}`;
    if (group === "cilium.io" && o.kind === "CiliumLoadBalancerIPPool") {
      const spec = asRecord(o.body.spec);
      for (const block of [...asArray(spec.blocks), ...asArray(spec.cidrs)]) {
        const b = asRecord(block);
        const cidr = asString(b.cidr);
        const what = `load-balancer pool ${o.name}`;
        if (cidr) add({ kind: "pool", what, location, owner }, cidr);
        const start = asString(b.start);
        const stop = asString(b.stop) ?? start;
        if (start && stop)
          add({ kind: "pool", what, location, owner }, `${start}-${stop}`, between(start, stop));
      }
    } else if (group === "metallb.io" && o.kind === "IPAddressPool") {
      for (const text of listOf(getPath(o.body, ["spec", "addresses"])))
        add({ kind: "pool", what: `MetalLB pool ${o.name}`, location, owner }, text);
    }
  }
  return out;
}

/** Annotations that pin a Service's load-balancer address (Cilium LB IPAM and MetalLB). */
export const LB_IP_ANNOTATIONS = [
  "lbipam.cilium.io/ips",
  "io.cilium/lb-ipam-ips",
  "metallb.universe.tf/loadBalancerIPs",
  "metallb.io/loadBalancerIPs",
];

export interface PinnedAddress {
  address: string;
  range: IpRange;
  /** The key that pins it: an annotation, or `loadBalancerIP`. */
  key: string;
  object: string;
  location: SourceLocation;
}

/**
 * Load-balancer addresses the cluster's objects pin: the annotations above and `loadBalancerIP`, wherever they
 * are written, a Service, a HelmRelease's values (`service.main.annotations`), an EnvoyProxy's service template.
 */
export function pinnedAddresses(cluster: ClusterContext): PinnedAddress[] {
  const out: PinnedAddress[] = [];
  for (const o of objectsOf(cluster)) {
    const object = `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`;
    walk(o.body, [], (key, value, path) => {
      if (!LB_IP_ANNOTATIONS.includes(key) && key !== "loadBalancerIP") return;
      for (const address of listOf(asString(value))) {
        const range = parseRange(address);
        if (!range) continue;
        const location = lazyLocation(o.source.file, () => cluster.lineOf(o, path));
        out.push({ address, range, key, object, location });
      }
    });
  }
  return out;
}

/** A location whose line is looked up when read: a fact's line matters only if a finding points at it. */
function lazyLocation(file: string, lineOf: () => number): SourceLocation {
  let line: number | undefined;
  return {
    file,
    get line() {
      line ??= lineOf();
      return line;
    },
  };
}

function walk(
  v: unknown,
  path: (string | number)[],
  visit: (key: string, value: unknown, path: (string | number)[]) => void,
): void {
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) walk(x, [...path, i], visit);
  } else if (v !== null && typeof v === "object")
    for (const [k, x] of Object.entries(v)) {
      visit(k, x, [...path, k]);
      walk(x, [...path, k], visit);
    }
}

/** Every object the cluster's Flux tree applies (charts' own objects are in them with `lint --render`). */
export function objectsOf(cluster: AnalysisContext): KubeObject[] {
  return [...cluster.model.kustomizations.values()].flatMap((ks) => ks.objects);
}

/** Pairs of clusters kubestrap.yaml declares independent (never routed or meshed together), both ways round. */
export function independentPairs(fleet: FleetContext): Set<string> {
  return new Set(fleet.config.fleet.independent.flatMap(([a, b]) => [`${a}\0${b}`, `${b}\0${a}`]));
}
