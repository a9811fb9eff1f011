/**
 * The chart releases whose CRDs form the bootstrap CRD phase, with where each chart comes from and the
 * values it is rendered with. They are the bootstrap helmfile releases (both the CRD phase and the release
 * phase: everything that must exist before Flux runs), each matched with the HelmRelease Flux will use for
 * the same release, whose source (OCIRepository, HelmRepository, GitRepository path) names the chart when
 * the helmfile takes it from the Flux files.
 */
import type { Finding, SourceLocation } from "../findings.ts";
import type { Bootstrap, BootstrapRelease, HelmFlags, HelmfileHook } from "./bootstrap.ts";
import { catalogEntry } from "./catalog/charts.ts";
import { isExactVersion } from "./charts.ts";
import { deepMerge, type FluxModel, type HelmReleaseModel } from "./flux.ts";
import { asString, getPath, type Json } from "./objects.ts";

export type ChartLocation =
  | {
      type: "oci";
      url: string;
      /** A tag taken literally (an OCIRepository's `ref.tag`). */
      tag?: string;
      /** A helm version or constraint (a helmfile `version`, an OCIRepository's `ref.semver`). */
      semver?: string;
      digest?: string;
      plainHttp?: boolean;
    }
  | { type: "repo"; repoUrl: string; chart: string; version?: string }
  | { type: "path"; path: string };

/**
 * One chart release, whoever installs it: a bootstrap helmfile release (its CRDs rendered in the CRD phase, and
 * in the release phase installed by `kubestrap up`), or a Flux HelmRelease (rendered by `lint --render`). The
 * analysis, the renderer and the bootstrap plan all read this one model.
 */
export interface ChartRelease {
  /** `namespace/name`. */
  id: string;
  name: string;
  namespace: string;
  installedBy: "bootstrap" | "flux";
  phase: "crds" | "releases";
  chart: ChartLocation;
  /** The values the chart is installed (or, with `crdReleases`, rendered) with. */
  values: Json;
  /** Ids of the releases that must be installed and ready first: helmfile `needs` and HelmRelease `dependsOn`. */
  needs: string[];
  /** The helmfile's hooks for this release (bootstrap releases only). */
  hooks: HelmfileHook[];
  helm: HelmFlags;
  /** Repository-relative folder the release's hooks run from (the helmfile's). */
  dir?: string;
  /** The helmfile release, or the HelmRelease. */
  location: SourceLocation;
  /** Where the chart was named, when not in the helmfile (an OCIRepository or HelmRelease file). */
  chartFrom?: SourceLocation;
  /**
   * The catalog knows the chart's CRDs are templates behind a value (cert-manager, external-secrets): only
   * helm can render them, so there is no point reading the archive first.
   */
  templatedCrds?: boolean;
}

export interface UnresolvedRelease {
  id: string;
  location: SourceLocation;
  reason: string;
}

export interface CrdReleases {
  releases: ChartRelease[];
  unresolved: UnresolvedRelease[];
}

/** Bootstrap releases whose chart cannot be found: errors, for `crds`, `plan` and `up`. */
export function unresolvedFindings(unresolved: UnresolvedRelease[]): Finding[] {
  return unresolved.map((u) => ({
    ruleId: "chart-unresolved",
    severity: "error",
    message: `bootstrap release ${u.id}: ${u.reason}`,
    location: u.location,
  }));
}

/**
 * The bootstrap releases for the CRD phase: every release of the helmfiles, with the values that make its chart
 * render its CRDs (cert-manager's `crds.enabled`, ...) switched on.
 */
export function crdReleases(bootstrap: Bootstrap, model: FluxModel, repoDir: string): CrdReleases {
  const out = bootstrapReleases(bootstrap, model, repoDir);
  for (const release of out.releases) {
    const switches = crdSwitches(chartName(release.chart));
    if (Object.keys(switches).length === 0) continue;
    release.values = deepMerge(release.values, switches);
    release.templatedCrds = true;
  }
  return out;
}

/**
 * The bootstrap helmfile releases, each with the chart and values it is installed with, and its `needs`
 * together with the `dependsOn` of the HelmRelease Flux later takes it over with (among bootstrap releases).
 * Repository-relative paths of local charts are made absolute with `repoDir`.
 */
export function bootstrapReleases(bootstrap: Bootstrap, model: FluxModel, repoDir: string): CrdReleases {
  const out: CrdReleases = { releases: [], unresolved: [] };
  const bootstrapIds = new Set(bootstrap.releases.map((br) => `${br.namespace}/${br.name}`));
  const byId = new Map(model.helmReleases.map((hr) => [hr.id, hr]));
  for (const br of bootstrap.releases) {
    const id = `${br.namespace}/${br.name}`;
    const hr = byId.get(id);
    // A chart the helmfile names itself wins; one it reads from the Flux files is taken from the HelmRelease
    // and its source object, which carry what the helmfile's copy lacks (semver ranges, digests, insecure).
    const resolved =
      (br.chartFrom === undefined ? fromHelmfile(br, repoDir) : undefined) ??
      (hr ? fromHelmRelease(hr, repoDir) : undefined) ??
      fromHelmfile(br, repoDir);
    if (!resolved || typeof resolved === "string") {
      out.unresolved.push({
        id,
        location: br.location,
        reason:
          typeof resolved === "string"
            ? resolved
            : "the helmfile names no chart kubestrap can read, and no HelmRelease of the same name and namespace does",
      });
      continue;
    }
    // The values the chart is really installed with: the helmfile's, as helmfile resolves them (values files
    // that read the HelmRelease's `spec.values` included). A release the helmfile names no chart for is taken
    // from the HelmRelease, values too (values and valuesFrom, merged as helm-controller does).
    const values = !br.chart && hr ? deepMerge(hr.values, br.values) : br.values;
    const dependsOn = (hr?.dependsOn ?? [])
      .map((d) => `${d.namespace}/${d.name}`)
      .filter((d) => bootstrapIds.has(d));
    const release: ChartRelease = {
      id,
      name: br.name,
      namespace: br.namespace,
      installedBy: "bootstrap",
      phase: br.phase,
      chart: resolved.chart,
      values,
      needs: [...new Set([...br.needs, ...dependsOn])],
      hooks: br.hooks,
      helm: br.helm,
      dir: br.dir,
      location: br.location,
    };
    if (resolved.from) release.chartFrom = resolved.from;
    out.releases.push(release);
  }
  return out;
}

interface Resolved {
  chart: ChartLocation;
  from?: SourceLocation;
}

function fromHelmfile(br: BootstrapRelease, repoDir: string): Resolved | undefined {
  const chart = br.chart;
  if (!chart) return undefined;
  if (chart.localPath !== undefined)
    return { chart: { type: "path", path: `${repoDir}/${chart.localPath}` } };
  if (!chart.url) return undefined;
  if (chart.url.startsWith("oci://")) {
    // A helmfile `version` means what helm's --version means: an exact version or a constraint.
    const loc: ChartLocation = { type: "oci", url: chart.url };
    if (chart.version) loc.semver = chart.version;
    return { chart: loc };
  }
  const loc: ChartLocation = { type: "repo", repoUrl: chart.url, chart: chart.name };
  if (chart.version) loc.version = chart.version;
  return { chart: loc };
}

/**
 * Every HelmRelease of the Flux tree whose chart kubestrap can fetch, with the values helm-controller would
 * use (no CRD switches: this is what Flux installs). Releases it cannot fetch are returned as unresolved.
 */
export function fluxChartReleases(model: FluxModel, repoDir: string): CrdReleases {
  const out: CrdReleases = { releases: [], unresolved: [] };
  for (const hr of model.helmReleases) {
    const location = { file: hr.object.source.file, line: hr.object.source.line };
    const resolved = fromHelmRelease(hr, repoDir);
    if (!resolved || typeof resolved === "string") {
      out.unresolved.push({ id: hr.id, location, reason: resolved ?? "the HelmRelease names no chart" });
      continue;
    }
    const release: ChartRelease = {
      id: hr.id,
      name: hr.name,
      namespace: hr.namespace,
      installedBy: "flux",
      phase: "releases",
      chart: resolved.chart,
      values: hr.values,
      needs: hr.dependsOn.map((d) => `${d.namespace}/${d.name}`),
      hooks: [],
      helm: {},
      location,
    };
    if (resolved.from) release.chartFrom = resolved.from;
    out.releases.push(release);
  }
  return out;
}

function fromHelmRelease(hr: HelmReleaseModel, repoDir: string): Resolved | string | undefined {
  const chart = hr.chart;
  if (!chart) return undefined;
  const source = chart.source;
  const from = source ? { file: source.source.file, line: source.source.line } : undefined;
  const withFrom = (loc: ChartLocation): Resolved => (from ? { chart: loc, from } : { chart: loc });
  if (chart.kind === "OCIRepository" && source) {
    const url = asString(getPath(source.body, ["spec", "url"]));
    if (!url) return `OCIRepository ${source.name} has no spec.url`;
    const loc: ChartLocation = { type: "oci", url };
    const ref = (key: string) => asString(getPath(source.body, ["spec", "ref", key]));
    const digest = ref("digest");
    const tag = ref("tag");
    const semver = ref("semver");
    if (digest) loc.digest = digest;
    else if (semver) loc.semver = semver;
    else if (tag) loc.tag = tag;
    if (getPath(source.body, ["spec", "insecure"]) === true) loc.plainHttp = true;
    return withFrom(loc);
  }
  if (chart.kind === "HelmRepository" && source && chart.url) {
    const oci = getPath(source.body, ["spec", "type"]) === "oci" || chart.url.startsWith("oci://");
    if (oci) {
      const loc: ChartLocation = { type: "oci", url: `${chart.url.replace(/\/+$/, "")}/${chart.name}` };
      if (chart.version) loc.semver = chart.version;
      if (getPath(source.body, ["spec", "insecure"]) === true) loc.plainHttp = true;
      return withFrom(loc);
    }
    const loc: ChartLocation = { type: "repo", repoUrl: chart.url, chart: chart.name };
    if (chart.version) loc.version = chart.version;
    return withFrom(loc);
  }
  if (chart.kind === "GitRepository" && chart.localPath !== undefined) {
    return withFrom({ type: "path", path: `${repoDir}/${chart.localPath}` });
  }
  return `chart ${chart.name} comes from a ${chart.kind}${source ? "" : " that is not in the repository"}, which kubestrap cannot fetch`;
}

export function chartName(loc: ChartLocation): string {
  const ref = loc.type === "oci" ? loc.url : loc.type === "repo" ? loc.chart : loc.path;
  const clean = ref.replace(/\/+$/, "");
  return clean.slice(clean.lastIndexOf("/") + 1);
}

/** Human form of a chart location: `oci://host/charts/x:1.2.0`, `x 1.2.0 from https://...`, a path. */
export function describeChart(loc: ChartLocation): string {
  if (loc.type === "oci") {
    const ref = loc.digest
      ? `@${loc.digest}`
      : loc.tag
        ? `:${loc.tag}`
        : loc.semver
          ? isExactVersion(loc.semver)
            ? `:${loc.semver}`
            : ` (${loc.semver})`
          : "";
    return `${loc.url}${ref}`;
  }
  if (loc.type === "repo") return `${loc.chart}${loc.version ? ` ${loc.version}` : ""} from ${loc.repoUrl}`;
  return loc.path;
}

/**
 * Values that make a chart render its CRDs (cert-manager's `crds.enabled`, external-secrets' `installCRDs`):
 * every switch the bundled catalog knows for the chart, set to true.
 */
export function crdSwitches(name: string): Json {
  const entry = catalogEntry(name);
  let values: Json = {};
  for (const path of entry?.condition?.paths ?? []) {
    const keys = path.split(".");
    let leaf: Json = { [keys[keys.length - 1] as string]: true };
    for (const key of keys.slice(0, -1).reverse()) leaf = { [key]: leaf };
    values = deepMerge(values, leaf);
  }
  return values;
}

/**
 * The chart location with its registry replaced by a mirror: `mirrors` maps a registry host (`ghcr.io`) to where
 * its repositories are mirrored (`registry.internal/ghcr`, or `http://127.0.0.1:5000/ghcr.io` for a mirror without
 * TLS). Mirrors are transport, not content: plans and step hashes keep the upstream location.
 */
export function mirroredChart(loc: ChartLocation, mirrors: Record<string, string>): ChartLocation {
  if (loc.type !== "oci") return loc;
  const rest = loc.url.slice("oci://".length);
  const host = rest.slice(0, rest.indexOf("/") < 0 ? rest.length : rest.indexOf("/"));
  const target = mirrors[host];
  if (!target) return loc;
  const plain = target.startsWith("http://");
  const base = target.replace(/^https?:\/\//, "").replace(/\/+$/, "");
  const out: ChartLocation = { ...loc, url: `oci://${base}${rest.slice(host.length)}` };
  if (plain) out.plainHttp = true;
  return out;
}
