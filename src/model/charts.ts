import type { Repository } from "../load/repository.ts";
import { catalogEntry, catalogEntryKinds } from "./catalog/charts.ts";
import { asRecord, asString, getPath, type Json } from "./objects.ts";

/** What a chart is, as far as CRD analysis needs to know. */
export interface ChartRef {
  name: string;
  url?: string;
  version?: string;
  /** Repository-relative directory of a chart stored in this repository. */
  localPath?: string;
  /** The values the chart is installed with. */
  values: Json;
  /** Who installs it (`installedBy`), for resolvers that render. */
  release?: string;
}

/** The key a chart is known by to resolvers that render it: the bootstrap or Flux release installing it. */
export function installedBy(by: "bootstrap" | "flux", releaseId: string): string {
  return `${by}:${releaseId}`;
}

export interface ProvidedCrd {
  group: string;
  kind: string;
  scope: string;
  /** `plural.group`, when known. */
  name?: string;
}

export type ChartCrds =
  | { status: "resolved"; crds: ProvidedCrd[]; via: string; runtime?: boolean }
  | { status: "unresolved"; reason: string };

/**
 * Finds the CRDs a chart installs. Resolvers are tried in order; the first that knows the chart
 * answers. A resolver that renders charts with helm plugs in here ahead of the catalog.
 */
export interface ChartCrdResolver {
  resolve(chart: ChartRef): ChartCrds | undefined;
}

/** Reads `crds/` and plain-YAML CRD templates of a chart stored in the repository, and its local subcharts. */
export class LocalChartResolver implements ChartCrdResolver {
  private readonly repo: Repository;
  constructor(repo: Repository) {
    this.repo = repo;
  }

  resolve(chart: ChartRef): ChartCrds | undefined {
    if (chart.localPath === undefined) return undefined;
    if (!this.repo.isFile(`${chart.localPath}/Chart.yaml`)) {
      return { status: "unresolved", reason: `${chart.localPath} has no Chart.yaml` };
    }
    return {
      status: "resolved",
      crds: this.collect(chart.localPath, 0),
      via: `chart directory ${chart.localPath}`,
    };
  }

  private collect(dir: string, depth: number): ProvidedCrd[] {
    const out: ProvidedCrd[] = [];
    for (const sub of ["crds", "templates"]) this.walk(`${dir}/${sub}`, out);
    if (depth < 3) {
      for (const entry of this.repo.list(`${dir}/charts`)) {
        if (entry.endsWith("/")) out.push(...this.collect(`${dir}/charts/${entry.slice(0, -1)}`, depth + 1));
      }
    }
    return out;
  }

  private walk(dir: string, out: ProvidedCrd[]): void {
    for (const entry of this.repo.list(dir)) {
      const path = `${dir}/${entry.replace(/\/$/, "")}`;
      if (entry.endsWith("/")) this.walk(path, out);
      else if (/\.ya?ml$/.test(entry)) {
        for (const doc of this.repo.documents(path) ?? []) {
          const v = asRecord(doc.value);
          if (v.kind !== "CustomResourceDefinition") continue;
          const group = asString(getPath(v, ["spec", "group"]));
          const kind = asString(getPath(v, ["spec", "names", "kind"]));
          if (!group || !kind || group.includes("{{") || kind.includes("{{")) continue;
          out.push({
            group,
            kind,
            scope: asString(getPath(v, ["spec", "scope"])) ?? "Namespaced",
            name: asString(getPath(v, ["metadata", "name"])),
          });
        }
      }
    }
  }
}

/** The bundled catalog of well-known charts, honouring the values that switch their CRDs on or off. */
export class CatalogResolver implements ChartCrdResolver {
  resolve(chart: ChartRef): ChartCrds | undefined {
    const entry = catalogEntry(chart.name);
    if (!entry) return undefined;
    const via = entry.curated && !entry.projects ? "bundled catalog (curated kinds)" : "bundled catalog";
    if (entry.condition) {
      const set = entry.condition.paths
        .map((p) => getPath(chart.values, p.split(".")))
        .filter((v) => v !== undefined);
      const enabled =
        set.length === 0 ? entry.condition.defaultEnabled : set.some((v) => v === true || v === "true");
      if (!enabled)
        return {
          status: "resolved",
          crds: [],
          via: `${via}: CRDs off unless ${entry.condition.paths.join(" or ")} is true`,
        };
    }
    const crds = catalogEntryKinds(entry).map((k) => (k.name ? { ...k, name: k.name } : k));
    return entry.runtime
      ? { status: "resolved", crds, via, runtime: true }
      : { status: "resolved", crds, via };
  }
}

export function resolveChartCrds(resolvers: ChartCrdResolver[], chart: ChartRef): ChartCrds {
  for (const r of resolvers) {
    const answer = r.resolve(chart);
    if (answer) return answer;
  }
  return {
    status: "unresolved",
    reason: `chart ${chart.name} cannot be read offline and is not in the bundled catalog`,
  };
}

/** A chart version that names one release (`1.2.3`, `v1.2.3-rc.1`), not a range. */
export function isExactVersion(version: string): boolean {
  return /^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]*)?$/.test(version);
}

/** A chart's name from an OCI URL or a chart path: its last segment. */
export function chartNameOf(ref: string): string {
  const clean = ref.replace(/\/+$/, "");
  return clean.slice(clean.lastIndexOf("/") + 1);
}
