/**
 * What a change does to a cluster, offline: the Flux model of the repository as it is compared with the one of a
 * baseline, per Flux Kustomization (the objects it applies: added, removed, changed) and per HelmRelease (its
 * chart, version and values as helm-controller merges them). Objects are matched by API group, kind, namespace
 * and name, so a moved file or a new apiVersion of the same object is a change, not a removal and an addition.
 * Secret data never leaves this module: values are replaced by a marker that only says whether they changed.
 */
import { isDeepStrictEqual } from "node:util";
import type { SourceLocation } from "../findings.ts";
import type { FluxModel, HelmReleaseModel } from "../model/flux.ts";
import { asArray, asRecord, asString, groupOf, type Json, type KubeObject } from "../model/objects.ts";

export type Change = "added" | "removed" | "changed";

export interface ObjectChange {
  change: Change;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** Where the object is written now (where it was, for a removed one). */
  location: SourceLocation;
  /** The object in the baseline, Secret data redacted; absent for an added one. */
  before?: Json;
  /** The object now, Secret data redacted; absent for a removed one. */
  after?: Json;
}

export interface ReleaseState {
  /** The chart as Flux fetches it: name, version and where from. */
  chart: string;
  /** The values helm-controller passes to helm. */
  values: Json;
  /** Sources of values that are not shown (Secrets). */
  hiddenValues: string[];
}

export interface UnitChange {
  unit: "Kustomization" | "HelmRelease";
  /** `namespace/name`. */
  id: string;
  change: Change;
  location: SourceLocation;
  /** For a Kustomization: the objects it applies that the change adds, removes or changes. */
  objects: ObjectChange[];
  /** For a HelmRelease: what it installs, before and after. */
  before?: ReleaseState;
  after?: ReleaseState;
}

const REDACTED = "(redacted)";
const REDACTED_CHANGED = "(redacted, changed)";

/** The Kustomizations and HelmReleases the change touches, in the order the repository defines them. */
export function compareModels(now: FluxModel, baseline: FluxModel): UnitChange[] {
  const out: UnitChange[] = [];
  const pastKs = baseline.kustomizations;
  for (const ks of now.kustomizations.values()) {
    const past = pastKs.get(ks.id);
    const objects = compareObjects(ks.objects, past?.objects ?? []);
    if (past && objects.length === 0) continue;
    out.push({
      unit: "Kustomization",
      id: ks.id,
      change: past ? "changed" : "added",
      location: at(ks.object),
      objects,
    });
  }
  for (const past of pastKs.values())
    if (!now.kustomizations.has(past.id))
      out.push({
        unit: "Kustomization",
        id: past.id,
        change: "removed",
        location: at(past.object),
        objects: compareObjects([], past.objects),
      });
  const pastHr = new Map(baseline.helmReleases.map((hr) => [hr.id, hr]));
  const nowHr = new Set(now.helmReleases.map((hr) => hr.id));
  for (const hr of now.helmReleases) {
    const past = pastHr.get(hr.id);
    const after = releaseState(hr);
    const before = past ? releaseState(past) : undefined;
    if (before && isDeepStrictEqual(before, after)) continue;
    const change: UnitChange = {
      unit: "HelmRelease",
      id: hr.id,
      change: before ? "changed" : "added",
      location: at(hr.object),
      objects: [],
      after,
    };
    if (before) change.before = before;
    out.push(change);
  }
  for (const past of baseline.helmReleases)
    if (!nowHr.has(past.id))
      out.push({
        unit: "HelmRelease",
        id: past.id,
        change: "removed",
        location: at(past.object),
        objects: [],
        before: releaseState(past),
      });
  return out;
}

/** What each HelmRelease's chart renders (`diff --render`), by HelmRelease id, now and in the baseline. */
export interface RenderedTrees {
  now: Map<string, KubeObject[]>;
  baseline: Map<string, KubeObject[]>;
  /** HelmReleases whose chart could not be rendered on either side: their rendered objects are not compared. */
  failed: Set<string>;
}

/**
 * Adds to the HelmReleases' changes the objects their charts render differently: a new chart version or a value
 * shows as the Deployment it changes, and a chart stored in the repository changes its HelmRelease even when
 * the HelmRelease itself is as it was.
 */
export function addRenderedChanges(
  changes: UnitChange[],
  now: FluxModel,
  baseline: FluxModel,
  rendered: RenderedTrees,
): UnitChange[] {
  const out = [...changes];
  const pastHr = new Map(baseline.helmReleases.map((hr) => [hr.id, hr]));
  const ids = new Set([...now.helmReleases.map((hr) => hr.id), ...pastHr.keys()]);
  for (const id of ids) {
    if (rendered.failed.has(id)) continue;
    const objects = compareObjects(rendered.now.get(id) ?? [], rendered.baseline.get(id) ?? []);
    if (objects.length === 0) continue;
    const unit = out.find((u) => u.unit === "HelmRelease" && u.id === id);
    if (unit) {
      unit.objects = objects;
      continue;
    }
    const hr = now.helmReleases.find((h) => h.id === id);
    const past = pastHr.get(id);
    if (!hr || !past) continue;
    out.push({
      unit: "HelmRelease",
      id,
      change: "changed",
      location: at(hr.object),
      objects,
      before: releaseState(past),
      after: releaseState(hr),
    });
  }
  return out;
}

function at(o: KubeObject): SourceLocation {
  return { file: o.source.file, line: o.source.line };
}

function identity(o: KubeObject): string {
  return [groupOf(o.apiVersion), o.kind, o.namespace ?? "", o.name].join("/");
}

/** The objects of one Kustomization, now and in the baseline, compared; in the order they are applied now. */
export function compareObjects(now: KubeObject[], baseline: KubeObject[]): ObjectChange[] {
  const past = new Map(baseline.map((o) => [identity(o), o]));
  const seen = new Set<string>();
  const out: ObjectChange[] = [];
  for (const o of now) {
    const key = identity(o);
    seen.add(key);
    const before = past.get(key);
    if (before && isDeepStrictEqual(before.body, o.body)) continue;
    const bodies = redact(before?.body, o.body);
    const change: ObjectChange = {
      ...describe(o),
      change: before ? "changed" : "added",
      after: bodies.after,
    };
    if (bodies.before) change.before = bodies.before;
    out.push(change);
  }
  for (const o of baseline)
    if (!seen.has(identity(o))) {
      const { before } = redact(o.body, undefined);
      out.push({ ...describe(o), change: "removed", ...(before ? { before } : {}) });
    }
  return out;
}

function describe(o: KubeObject): Omit<ObjectChange, "change"> {
  const d: Omit<ObjectChange, "change"> = {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.name,
    location: at(o),
  };
  if (o.namespace) d.namespace = o.namespace;
  return d;
}

function isSecret(body: Json | undefined): boolean {
  return body?.kind === "Secret" && asString(body.apiVersion) === "v1";
}

/**
 * Secret `data` and `stringData` values replaced by a marker; the one after says whether the value changed, so a
 * reviewer sees that a key changed without seeing it.
 */
export function redact(before: Json | undefined, after: Json): { before?: Json; after: Json };
export function redact(before: Json | undefined, after: Json | undefined): { before?: Json; after?: Json };
export function redact(before: Json | undefined, after: Json | undefined): { before?: Json; after?: Json } {
  const out: { before?: Json; after?: Json } = {};
  if (before) out.before = isSecret(before) ? hide(before) : before;
  if (after)
    out.after = isSecret(after) ? hide(after, before && isSecret(before) ? before : undefined) : after;
  return out;
}

function hide(secret: Json, past?: Json): Json {
  const out: Json = { ...secret };
  for (const field of ["data", "stringData"]) {
    const data = secret[field];
    if (data === null || typeof data !== "object" || Array.isArray(data)) continue;
    const old = asRecord(past?.[field]);
    out[field] = Object.fromEntries(
      Object.entries(data).map(([k, v]) => [
        k,
        past && k in old && old[k] !== v ? REDACTED_CHANGED : REDACTED,
      ]),
    );
  }
  return out;
}

/** What a HelmRelease installs; values that come from Secrets are left out and named instead. */
export function releaseState(hr: HelmReleaseModel): ReleaseState {
  const chart = hr.chart;
  const from = chart?.localPath ? `./${chart.localPath}` : (chart?.url ?? chart?.source?.name);
  const description = chart
    ? `${chart.name}${chart.version ? ` ${chart.version}` : ""}${from ? ` from ${from}` : ""}`
    : hr.chartRef
      ? `${hr.chartRef.kind ?? "OCIRepository"} ${hr.chartRef.namespace}/${hr.chartRef.name} (not in the repository)`
      : "(no chart)";
  const spec = asRecord(hr.object.body.spec);
  const hiddenValues = asArray(spec.valuesFrom)
    .map(asRecord)
    .filter((f) => asString(f.kind) === "Secret")
    .map((f) => `Secret ${hr.namespace}/${asString(f.name) ?? ""}`);
  // With a Secret among the sources the merged values may hold its data: only spec.values is shown then.
  const values = hiddenValues.length > 0 ? asRecord(spec.values) : hr.values;
  return { chart: description, values, hiddenValues };
}
