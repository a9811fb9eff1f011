import { posix } from "node:path";
import type { Finding, SourceLocation } from "../findings.ts";
import { type Repository, resolveRepoPath } from "../load/repository.ts";
import { fullYaml, type YamlDocument } from "../load/yaml.ts";
import { chartNameOf } from "./charts.ts";
import type { KustomizeBuilder } from "./kustomize.ts";
import {
  annotation,
  asArray,
  asRecord,
  asString,
  describeObject,
  getPath,
  groupOf,
  type Json,
  type KubeObject,
  withBody,
} from "./objects.ts";
import { substituteDeep } from "./substitute.ts";

export const KUSTOMIZE_GROUP = "kustomize.toolkit.fluxcd.io";
export const HELM_GROUP = "helm.toolkit.fluxcd.io";
export const SOURCE_GROUP = "source.toolkit.fluxcd.io";

export interface ObjectRef {
  kind?: string;
  name: string;
  namespace: string;
  location: SourceLocation;
}

export interface HealthCheck {
  apiVersion?: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** A Flux Kustomization with what it applies. `id` is `namespace/name`. */
export interface FluxKustomization {
  id: string;
  name: string;
  namespace: string;
  object: KubeObject;
  /** The Kustomization whose output contains this one; undefined for the entry point. */
  parent?: string;
  /** Repository-relative directory, when the source is this repository. */
  path?: string;
  sourceRef: { kind: string; name: string; namespace: string };
  local: boolean;
  dependsOn: ObjectRef[];
  wait: boolean;
  healthChecks: HealthCheck[];
  healthCheckExprs: { apiVersion?: string; kind: string }[];
  objects: KubeObject[];
  /** Variables used without a value or default, with the objects that use them. */
  undefinedVars: Map<string, KubeObject[]>;
}

export interface ChartSource {
  kind: "OCIRepository" | "HelmRepository" | "GitRepository" | "HelmChart" | "Bucket" | "unknown";
  /** Chart name: the last segment of an OCI URL, or chart.spec.chart. */
  name: string;
  url?: string;
  version?: string;
  /** Repository-relative chart directory, for charts inside this repository. */
  localPath?: string;
  source?: KubeObject;
}

export interface HelmReleaseModel {
  id: string;
  name: string;
  namespace: string;
  object: KubeObject;
  /** Id of the Flux Kustomization that applies it. */
  ks: string;
  chart?: ChartSource;
  chartRef?: ObjectRef;
  dependsOn: ObjectRef[];
  values: Json;
}

export interface EntryPoint {
  path: string;
  /** How the entry point was found, for the user. */
  from: string;
  /** The cluster it is the entry point of, where the repository has several. */
  name?: string;
}

export interface FluxModel {
  entry?: EntryPoint;
  kustomizations: Map<string, FluxKustomization>;
  helmReleases: HelmReleaseModel[];
  /** Flux sources by `Kind/namespace/name`. */
  sources: Map<string, KubeObject>;
  /** The sources that are this repository, by `Kind/name` (they exist by definition; see `rootSources`). */
  rootSources: Set<string>;
  findings: Finding[];
}

export function isFluxKustomization(o: { apiVersion: string; kind: string }): boolean {
  return o.kind === "Kustomization" && groupOf(o.apiVersion) === KUSTOMIZE_GROUP;
}

export function isHelmRelease(o: { apiVersion: string; kind: string }): boolean {
  return o.kind === "HelmRelease" && groupOf(o.apiVersion) === HELM_GROUP;
}

const ROOT_NAME = "flux-system";
const ROOT_SOURCE_KINDS = ["GitRepository", "OCIRepository", "Bucket"];

/**
 * A source by kind and name. The namespace is left out: a Kustomization's namespace often comes from a
 * transformer kubestrap applies after reading it, and two sources of one kind and name are not worth telling
 * apart here.
 */
function sourceKey(ref: { kind: string; name: string }): string {
  return `${ref.kind}/${ref.name}`;
}

/**
 * The sources that are this repository: `flux-system` (what `flux bootstrap` and a FluxInstance create: Git, an
 * OCI artifact of the repository, or a bucket), or, in a repository none of whose Kustomizations reads
 * `flux-system`, the source most of them read (its own GitRepository under another name). Any other source is another repository, whose paths
 * mean nothing here.
 */
function rootSources(repo: Repository): Set<string> {
  const roots = new Set(ROOT_SOURCE_KINDS.map((kind) => sourceKey({ kind, name: ROOT_NAME })));
  const uses = new Map<string, number>();
  for (const doc of repo.allDocuments()) {
    const v = asRecord(doc.value);
    if (!isFluxKustomization({ apiVersion: asString(v.apiVersion) ?? "", kind: asString(v.kind) ?? "" }))
      continue;
    const ref = asRecord(asRecord(v.spec).sourceRef);
    const kind = asString(ref.kind) ?? "GitRepository";
    if (!ROOT_SOURCE_KINDS.includes(kind)) continue;
    const key = sourceKey({ kind, name: asString(ref.name) ?? "" });
    uses.set(key, (uses.get(key) ?? 0) + 1);
  }
  // Only a repository that never names flux-system has its own source under another name.
  if ([...roots].some((r) => uses.has(r))) return roots;
  const mostUsed = [...uses].sort((a, b) => b[1] - a[1])[0];
  if (mostUsed) roots.add(mostUsed[0]);
  return roots;
}

/**
 * Walks the Flux tree from the entry point: renders each Kustomization's path, finds the
 * Kustomizations it applies, and renders those in turn.
 */
export function buildFluxModel(
  repo: Repository,
  builder: KustomizeBuilder,
  entry: EntryPoint | undefined,
  /** The entry points of the repository's other clusters: what is below them is not this cluster's. */
  otherEntries: string[] = [],
): FluxModel {
  const roots = rootSources(repo);
  const model: FluxModel = {
    kustomizations: new Map(),
    helmReleases: [],
    sources: new Map(),
    rootSources: roots,
    findings: [],
  };
  if (entry) model.entry = entry;
  const queue: FluxKustomization[] = [];
  const values = new ValueSources(repo);

  if (entry) {
    const rootObject: KubeObject = {
      apiVersion: `${KUSTOMIZE_GROUP}/v1`,
      kind: "Kustomization",
      name: ROOT_NAME,
      namespace: ROOT_NAME,
      body: {
        apiVersion: `${KUSTOMIZE_GROUP}/v1`,
        kind: "Kustomization",
        metadata: { name: ROOT_NAME, namespace: ROOT_NAME },
        spec: { path: `./${entry.path}`, sourceRef: { kind: "GitRepository", name: ROOT_NAME } },
      },
      source: { file: entry.path || ".", line: 1, docIndex: -1 },
    };
    queue.push(toFluxKustomization(rootObject, undefined, ROOT_NAME));
  } else {
    // No entry point: every Flux Kustomization document in the repository is a root.
    for (const doc of repo.allDocuments()) {
      const o = kustomizationDocument(doc);
      if (o) queue.push(toFluxKustomization(o, undefined, ROOT_NAME));
    }
  }

  const walk = () => {
    for (const ks of queue) {
      if (model.kustomizations.has(ks.id)) continue;
      model.kustomizations.set(ks.id, ks);
      renderKustomization(ks, repo, builder, values, model.findings, roots);
      values.addRendered(ks.objects);
      for (const o of ks.objects) {
        if (isFluxKustomization(o)) {
          queue.push(toFluxKustomization(o, ks.id, ks.namespace));
        } else if (groupOf(o.apiVersion) === SOURCE_GROUP) {
          model.sources.set(`${o.kind}/${o.namespace ?? ks.namespace}/${o.name}`, o);
        }
      }
    }
  };
  walk();
  // A top-level entry point has no folder beside it worth searching (that would be the whole repository): nothing
  // is inside ".".
  if (entry) {
    const beside = posix.dirname(entry.path);
    // Flux Kustomizations beside the entry point that nothing reached (a `flux/config` folder applied by hand at
    // bootstrap, which syncs the Helm repositories): roots as well, when they read this repository.
    const inside = (file: string, dir: string) => file.startsWith(`${dir}/`);
    const reached = new Set(
      [...model.kustomizations.values()].map((k) => `${k.object.source.file}:${k.object.source.line}`),
    );
    queue.length = 0;
    for (const doc of repo.allDocuments()) {
      if (reached.has(`${doc.file}:${doc.line}`) || !inside(doc.file, beside)) continue;
      if (otherEntries.some((other) => inside(doc.file, other)) || inside(doc.file, entry.path)) continue;
      const o = kustomizationDocument(doc);
      if (!o || o.name.includes("${")) continue;
      const ref = asRecord(asRecord(o.body.spec).sourceRef);
      if (
        !roots.has(sourceKey({ kind: asString(ref.kind) ?? "GitRepository", name: asString(ref.name) ?? "" }))
      )
        continue;
      const ks = toFluxKustomization(o, undefined, ROOT_NAME);
      if (model.kustomizations.has(ks.id)) continue;
      model.findings.push({
        ruleId: "entry-point",
        severity: "info",
        message: `Kustomization ${ks.id} is beside the entry point ${entry.path} and nothing applies it: analysed as a root (applied at bootstrap)`,
        location: { file: doc.file, line: doc.line },
      });
      queue.push(ks);
    }
    walk();
  }

  for (const ks of model.kustomizations.values()) {
    for (const o of ks.objects) {
      if (isHelmRelease(o)) model.helmReleases.push(toHelmRelease(o, ks, model, repo, values));
    }
  }
  return model;
}

/** A Flux Kustomization as written in a document of the repository, or undefined for any other document. */
function kustomizationDocument(doc: YamlDocument): KubeObject | undefined {
  const value = asRecord(doc.value);
  const apiVersion = asString(value.apiVersion) ?? "";
  const kind = asString(value.kind) ?? "";
  if (!isFluxKustomization({ apiVersion, kind })) return undefined;
  const name = asString(asRecord(value.metadata).name);
  if (!name) return undefined;
  return {
    apiVersion,
    kind,
    name,
    namespace: asString(asRecord(value.metadata).namespace),
    body: value,
    source: { file: doc.file, line: doc.line, docIndex: doc.index },
  };
}

function toFluxKustomization(
  o: KubeObject,
  parent: string | undefined,
  parentNamespace: string,
): FluxKustomization {
  const spec = asRecord(o.body.spec);
  const namespace = o.namespace ?? parentNamespace;
  const sourceRef = asRecord(spec.sourceRef);
  const dependsOn: ObjectRef[] = asArray(spec.dependsOn).map((d) => {
    const r = asRecord(d);
    return {
      name: asString(r.name) ?? "",
      namespace: asString(r.namespace) ?? namespace,
      location: { file: o.source.file, line: o.source.line },
    };
  });
  const ks: FluxKustomization = {
    id: `${namespace}/${o.name}`,
    name: o.name,
    namespace,
    object: o,
    sourceRef: {
      kind: asString(sourceRef.kind) ?? "GitRepository",
      name: asString(sourceRef.name) ?? "",
      namespace: asString(sourceRef.namespace) ?? namespace,
    },
    local: true,
    dependsOn,
    wait: spec.wait === true,
    healthChecks: asArray(spec.healthChecks).map((h) => {
      const r = asRecord(h);
      const check: HealthCheck = { kind: asString(r.kind) ?? "", name: asString(r.name) ?? "" };
      const apiVersion = asString(r.apiVersion);
      if (apiVersion) check.apiVersion = apiVersion;
      const ns = asString(r.namespace);
      if (ns) check.namespace = ns;
      return check;
    }),
    healthCheckExprs: asArray(spec.healthCheckExprs).map((h) => {
      const r = asRecord(h);
      return { apiVersion: asString(r.apiVersion), kind: asString(r.kind) ?? "" };
    }),
    objects: [],
    undefinedVars: new Map(),
  };
  if (parent !== undefined) ks.parent = parent;
  const path = asString(spec.path);
  if (path !== undefined) ks.path = path;
  return ks;
}

function renderKustomization(
  ks: FluxKustomization,
  repo: Repository,
  builder: KustomizeBuilder,
  values: ValueSources,
  findings: Finding[],
  roots: ReadonlySet<string>,
): void {
  const spec = asRecord(ks.object.body.spec);
  const { source } = ks.object;
  const where = (...path: string[]): SourceLocation =>
    source.docIndex >= 0
      ? repo.location(source.file, source.docIndex, ["spec", ...path], source.line)
      : { file: source.file, line: source.line };
  if (!roots.has(sourceKey(ks.sourceRef))) {
    ks.local = false;
    findings.push({
      ruleId: "source-external",
      severity: "info",
      message: `reads ${ks.sourceRef.kind} ${ks.sourceRef.namespace}/${ks.sourceRef.name}, another repository: its objects are not analysed, and CRDs it may provide are trusted to those that depend on it`,
      location: where("sourceRef"),
      object: describeObject(ks.object),
    });
    return;
  }
  const rawPath = ks.path ?? "./";
  if (rawPath.includes("${")) {
    findings.push({
      ruleId: "path-missing",
      severity: "error",
      message: `Kustomization ${ks.id} path ${rawPath} still contains a variable after substitution`,
      location: where("path"),
      object: describeObject(ks.object),
    });
    return;
  }
  const dir = resolveRepoPath("", rawPath.replace(/^\/+/, ""));
  if (dir === undefined || !repo.isDir(dir)) {
    findings.push({
      ruleId: "path-missing",
      severity: "error",
      message: `Kustomization ${ks.id} path ${rawPath} does not exist in the repository`,
      location: where("path"),
      object: describeObject(ks.object),
      fix: "point spec.path at a directory of the repository (relative to its root)",
    });
    return;
  }
  ks.path = dir;
  // Flux appends spec.components to the directory's kustomization before building it.
  const components = asArray(spec.components).flatMap((c, i) => {
    const ref = asString(c);
    return ref === undefined ? [] : [{ ref, location: where("components", String(i)) }];
  });
  let objects = builder.build(dir, true, components);
  const patches = asArray(spec.patches).flatMap((p, i) =>
    builder.readPatch(p, dir, where("patches", String(i))),
  );
  objects = builder.applyPatches(objects, patches);
  const targetNamespace = asString(spec.targetNamespace);
  if (targetNamespace) objects = builder.setNamespace(objects, targetNamespace);

  const postBuild = spec.postBuild;
  if (postBuild !== undefined) {
    const vars = values.variables(ks, asRecord(postBuild));
    // kustomize-controller runs envsubst only when there is a variable: `$$` and errors stay as written otherwise.
    if (vars.values.size > 0 || !vars.complete)
      objects = objects.map((o) => {
        if (annotation(o, "kustomize.toolkit.fluxcd.io/substitute") === "disabled") return o;
        const undefinedVars = new Set<string>();
        const errors: string[] = [];
        const body = substituteDeep(o.body, vars.values, undefinedVars, errors) as Json;
        for (const error of errors)
          findings.push({
            ruleId: "substitution-invalid",
            severity: "error",
            message: `postBuild substitution of Kustomization ${ks.id} fails on ${error}: kustomize-controller does not apply it`,
            fix: "write the expression as Flux's envsubst reads it, or escape the $ as $$ (annotate the object kustomize.toolkit.fluxcd.io/substitute: disabled to leave it alone)",
            location: { file: o.source.file, line: o.source.line },
            object: describeObject(o),
          });
        if (!vars.complete) undefinedVars.clear();
        for (const v of undefinedVars) {
          const list = ks.undefinedVars.get(v) ?? [];
          list.push(o);
          ks.undefinedVars.set(v, list);
        }
        return body === o.body ? o : withBody(o, body);
      });
  }
  ks.objects = objects;
}

/** ConfigMaps and Secrets that postBuild.substituteFrom and valuesFrom can read. */
class ValueSources {
  private readonly byName = new Map<string, KubeObject[]>();

  constructor(repo: Repository) {
    for (const doc of repo.allDocuments()) {
      const v = asRecord(doc.value);
      const kind = asString(v.kind);
      if ((kind === "ConfigMap" || kind === "Secret") && asString(v.apiVersion) === "v1") {
        const metadata = asRecord(v.metadata);
        const name = asString(metadata.name);
        if (!name) continue;
        this.add({
          apiVersion: "v1",
          kind,
          name,
          namespace: asString(metadata.namespace),
          body: v,
          source: { file: doc.file, line: doc.line, docIndex: doc.index },
        });
      }
    }
  }

  private add(o: KubeObject): void {
    const key = `${o.kind}/${o.name}`;
    const list = this.byName.get(key) ?? [];
    list.unshift(o);
    this.byName.set(key, list);
  }

  addRendered(objects: KubeObject[]): void {
    for (const o of objects)
      if ((o.kind === "ConfigMap" || o.kind === "Secret") && o.apiVersion === "v1") this.add(o);
  }

  find(kind: string, name: string, namespace: string): KubeObject | undefined {
    const list = this.byName.get(`${kind}/${name}`) ?? [];
    return list.find((o) => o.namespace === namespace) ?? list.find((o) => o.namespace === undefined);
  }

  /** The key/value data of a ConfigMap or Secret; values of SOPS-encrypted Secrets are opaque. */
  static data(o: KubeObject): { values: Map<string, string>; opaque: boolean } {
    const values = new Map<string, string>();
    const opaque = o.body.sops !== undefined;
    for (const [k, v] of Object.entries(asRecord(o.body.data))) {
      const s = asString(v) ?? "";
      values.set(
        k,
        opaque ? `\${${k}}` : o.kind === "Secret" ? Buffer.from(s, "base64").toString("utf8") : s,
      );
    }
    for (const [k, v] of Object.entries(asRecord(o.body.stringData)))
      values.set(k, opaque ? `\${${k}}` : (asString(v) ?? ""));
    return { values, opaque };
  }

  variables(ks: FluxKustomization, postBuild: Json): { values: Map<string, string>; complete: boolean } {
    const values = new Map<string, string>();
    let complete = true;
    for (const from of asArray(postBuild.substituteFrom)) {
      const f = asRecord(from);
      const kind = asString(f.kind) ?? "ConfigMap";
      const name = asString(f.name) ?? "";
      const source = this.find(kind, name, ks.namespace);
      if (!source) {
        // Created outside the repository (bootstrap secrets, say): its variables are unknown.
        if (f.optional !== true) complete = false;
        continue;
      }
      for (const [k, v] of ValueSources.data(source).values) values.set(k, v);
    }
    // kustomize-controller drops the line breaks of inline values.
    for (const [k, v] of Object.entries(asRecord(postBuild.substitute)))
      values.set(k, (asString(v) ?? "").replaceAll("\n", ""));
    return { values, complete };
  }

  values(kind: string, name: string, namespace: string): Map<string, string> | undefined {
    const o = this.find(kind, name, namespace);
    return o ? ValueSources.data(o).values : undefined;
  }
}

function toHelmRelease(
  o: KubeObject,
  ks: FluxKustomization,
  model: FluxModel,
  repo: Repository,
  values: ValueSources,
): HelmReleaseModel {
  const spec = asRecord(o.body.spec);
  const namespace = o.namespace ?? ks.namespace;
  const hr: HelmReleaseModel = {
    id: `${namespace}/${o.name}`,
    name: o.name,
    namespace,
    object: o,
    ks: ks.id,
    dependsOn: asArray(spec.dependsOn).map((d) => {
      const r = asRecord(d);
      return {
        name: asString(r.name) ?? "",
        namespace: asString(r.namespace) ?? namespace,
        location: { file: o.source.file, line: o.source.line },
      };
    }),
    values: mergedValues(spec, namespace, values),
  };
  const chartRef = asRecord(spec.chartRef);
  if (asString(chartRef.name)) {
    const kind = asString(chartRef.kind) ?? "OCIRepository";
    const ref = sourceReference(chartRef, kind, namespace, o);
    hr.chartRef = ref;
    const source = model.sources.get(`${kind}/${ref.namespace}/${ref.name}`);
    if (source && kind === "OCIRepository") {
      const url = asString(getPath(source.body, ["spec", "url"])) ?? "";
      const chart: ChartSource = { kind: "OCIRepository", name: chartNameOf(url), url, source };
      const version =
        asString(getPath(source.body, ["spec", "ref", "tag"])) ??
        asString(getPath(source.body, ["spec", "ref", "semver"]));
      if (version) chart.version = version;
      hr.chart = chart;
    } else if (source) {
      hr.chart = {
        kind: "HelmChart",
        name: asString(getPath(source.body, ["spec", "chart"])) ?? ref.name,
        source,
      };
    }
    return hr;
  }
  const chartSpec = asRecord(getPath(spec, ["chart", "spec"]));
  const chartName = asString(chartSpec.chart);
  if (chartName) {
    const sourceRef = asRecord(chartSpec.sourceRef);
    const kind = asString(sourceRef.kind) ?? "HelmRepository";
    const ref = sourceReference(sourceRef, kind, namespace, o);
    hr.chartRef = ref;
    const source = model.sources.get(`${kind}/${ref.namespace}/${ref.name}`);
    const chart: ChartSource = { kind: kind as ChartSource["kind"], name: chartNameOf(chartName) };
    const version = asString(chartSpec.version);
    if (version) chart.version = version;
    if (source) {
      chart.source = source;
      const url = asString(getPath(source.body, ["spec", "url"]));
      if (url) chart.url = url;
    }
    if (kind === "GitRepository") {
      const local = resolveRepoPath("", chartName.replace(/^\/+/, ""));
      if (local !== undefined && repo.isDir(local)) chart.localPath = local;
    }
    hr.chart = chart;
  }
  return hr;
}

function sourceReference(ref: Json, kind: string, namespace: string, o: KubeObject): ObjectRef {
  return {
    kind,
    name: asString(ref.name) ?? "",
    namespace: asString(ref.namespace) ?? namespace,
    location: { file: o.source.file, line: o.source.line },
  };
}

/** HelmRelease values as helm-controller merges them: valuesFrom in order, then spec.values on top. */
function mergedValues(spec: Json, namespace: string, sources: ValueSources): Json {
  let merged: Json = {};
  for (const from of asArray(spec.valuesFrom)) {
    const f = asRecord(from);
    const data = sources.values(asString(f.kind) ?? "ConfigMap", asString(f.name) ?? "", namespace);
    if (!data) continue;
    const key = asString(f.valuesKey) ?? "values.yaml";
    const text = data.get(key);
    if (text === undefined) continue;
    const target = asString(f.targetPath);
    if (target) continue;
    try {
      const parsed = asRecord(parseValues(text));
      merged = deepMerge(merged, parsed);
    } catch {
      // Unparseable values are helm-controller's error to report at install time.
    }
  }
  return deepMerge(merged, asRecord(spec.values));
}

function parseValues(text: string): unknown {
  return fullYaml().parse(text, { uniqueKeys: false, strict: false });
}

export function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      b && typeof b === "object" && !Array.isArray(b) && v && typeof v === "object" && !Array.isArray(v)
        ? deepMerge(b as Json, v as Json)
        : v;
  }
  return out;
}
