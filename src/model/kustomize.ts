import { posix } from "node:path";
import type { Finding, SourceLocation } from "../findings.ts";
import { type Repository, resolveRepoPath } from "../load/repository.ts";
import type { YamlDocument } from "../load/yaml.ts";
import { parseYaml } from "../load/yaml.ts";
import type { CatalogCrd } from "./catalog/charts.ts";
import { remoteManifestCrds } from "./catalog/remote.ts";
import {
  asArray,
  asRecord,
  asString,
  groupKind,
  isRecord,
  type Json,
  type KubeObject,
  type ObjectSource,
  toKubeObjects,
  withMetadata,
} from "./objects.ts";
import { type JsonPatchOp, jsonPatch, matchesTarget, type PatchTarget, strategicMerge } from "./patches.ts";
import { applyReplacements, type Replacement } from "./replacements.ts";
import {
  applyFieldSpecs,
  BUILTIN_FIELD_SPECS,
  emptyTransformerConfig,
  readTransformerConfig,
  type TransformerConfig,
} from "./transformer-config.ts";

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/** Fields kubestrap does not evaluate; objects they would add or change are reported, never dropped silently. */
const UNSUPPORTED_FIELDS: Record<string, string> = {
  helmCharts: "helmCharts (kustomize --enable-helm) is not rendered: the chart's objects are not analysed",
  helmChartInflationGenerator:
    "helmChartInflationGenerator is not rendered: the chart's objects are not analysed",
  generators: "generator plugins are not run: the objects they generate are not analysed",
  transformers: "transformer plugins are not run: their changes are not analysed",
  validators: "validator plugins are not run",
  vars: "vars are not applied: fields they set keep their written values",
};

export type ScopeOf = (groupKind: string) => "Cluster" | "Namespaced";

interface Patch {
  target?: PatchTarget;
  smp?: Json;
  ops?: JsonPatchOp[];
  location: SourceLocation;
}

/**
 * Builds kustomize directories the way kustomize-controller does, far enough to know which objects
 * (apiVersion, kind, namespace, name) come out and with which content.
 */
/** A path written in a kustomization or a Flux Kustomization, with where it was written. */
export interface Reference {
  ref: string;
  location: SourceLocation;
}

export class KustomizeBuilder {
  readonly findings: Finding[] = [];
  private readonly cache = new Map<string, KubeObject[]>();
  private readonly stack: string[] = [];
  private readonly reported = new Set<string>();

  private readonly repo: Repository;
  private readonly scopeOf: ScopeOf;

  constructor(repo: Repository, scopeOf: ScopeOf) {
    this.repo = repo;
    this.scopeOf = scopeOf;
  }

  /**
   * Builds a directory. With `generate`, a directory without kustomization.yaml gets one generated
   * the way Flux does (every manifest below it; subdirectories with their own kustomization.yaml are
   * built as a whole). `components` are appended to the kustomization's own, as Flux does with
   * `spec.components` (relative to `dir`): the directory's patches and transformers then apply to their objects.
   */
  build(dir: string, generate: boolean, components: Reference[] = []): KubeObject[] {
    const key = `${generate ? "g" : "r"}:${dir}${components.length ? `+${components.map((c) => c.ref).join(",")}` : ""}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    if (this.stack.includes(dir)) {
      this.report({
        ruleId: "kustomize-cycle",
        severity: "error",
        message: `kustomization cycle: ${[...this.stack, dir].join(" → ")}`,
        location: { file: this.kustomizationFile(dir) ?? dir, line: 1 },
      });
      return [];
    }
    this.stack.push(dir);
    try {
      const file = this.kustomizationFile(dir);
      let objects: KubeObject[];
      if (file) objects = this.buildKustomization(file, [], components);
      else if (generate) objects = this.applyComponents(dir, components, this.generateDir(dir));
      else {
        this.report({
          ruleId: "path-missing",
          severity: "error",
          message: `directory ${dir} has no kustomization.yaml`,
          location: { file: dir, line: 1 },
        });
        objects = [];
      }
      this.cache.set(key, objects);
      return objects;
    } finally {
      this.stack.pop();
    }
  }

  kustomizationFile(dir: string): string | undefined {
    for (const name of KUSTOMIZATION_FILES) {
      const path = dir === "" ? name : `${dir}/${name}`;
      if (this.repo.isFile(path)) return path;
    }
    return undefined;
  }

  private generateDir(dir: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const entry of this.repo.list(dir)) {
      const path = dir === "" ? entry.replace(/\/$/, "") : `${dir}/${entry.replace(/\/$/, "")}`;
      if (entry.endsWith("/")) {
        if (this.kustomizationFile(path)) out.push(...this.build(path, false));
        else out.push(...this.generateDir(path));
      } else if (/\.ya?ml$/.test(entry)) {
        out.push(...this.loadFile(path, true));
      }
    }
    return out;
  }

  /** Loads the objects of a manifest file. In generated mode, non-object documents are skipped quietly. */
  private loadFile(path: string, lenient: boolean): KubeObject[] {
    const docs = this.repo.documents(path) ?? [];
    const out: KubeObject[] = [];
    for (const doc of docs) {
      const source: ObjectSource = { file: path, line: doc.line, docIndex: doc.index };
      const r = toKubeObjects(doc.value, source);
      if (typeof r === "string") {
        if (!lenient)
          this.report({
            ruleId: "invalid-object",
            severity: "warning",
            message: `document is not a Kubernetes object (${r}): kustomize would reject it`,
            location: source,
          });
        continue;
      }
      for (const o of r) {
        // A generated kustomization never includes kustomize's own configuration files.
        if (lenient && o.apiVersion.startsWith("kustomize.config.k8s.io/")) continue;
        out.push(o);
      }
    }
    return out;
  }

  /** Applies kustomize Components (directories relative to `dir`) to already built objects. */
  private applyComponents(dir: string, refs: Reference[], objects: KubeObject[]): KubeObject[] {
    let out = objects;
    for (const { ref, location } of refs) out = this.applyComponent(dir, ref, location, out);
    return out;
  }

  private applyComponent(
    dir: string,
    ref: string,
    location: SourceLocation,
    objects: KubeObject[],
  ): KubeObject[] {
    if (isRemote(ref)) {
      this.reportRemote(ref, location);
      return objects;
    }
    const compDir = resolveRepoPath(dir, ref);
    const compFile = compDir === undefined ? undefined : this.kustomizationFile(compDir);
    if (compDir === undefined || !compFile) {
      this.report({
        ruleId: "path-missing",
        severity: "error",
        message: `component ${ref} not found${compDir === undefined ? " (outside the repository)" : ""}`,
        location,
      });
      return objects;
    }
    if (this.stack.includes(compDir)) return objects;
    this.stack.push(compDir);
    try {
      return this.buildKustomization(compFile, objects);
    } finally {
      this.stack.pop();
    }
  }

  private buildKustomization(file: string, accumulated: KubeObject[], extra: Reference[] = []): KubeObject[] {
    const dir = posix.dirname(file) === "." ? "" : posix.dirname(file);
    const doc = (this.repo.documents(file) ?? [])[0];
    const k = asRecord(doc?.value);
    const docIndex = doc?.index ?? 0;
    const at = (...path: (string | number)[]): SourceLocation => this.repo.location(file, docIndex, path);
    let objects = [...accumulated];

    for (const field of Object.keys(k)) {
      const why = UNSUPPORTED_FIELDS[field];
      if (why)
        this.report({
          ruleId: "kustomize-unsupported",
          severity: "warning",
          message: why,
          location: at(field),
        });
    }

    const resources = [...asArray(k.resources), ...asArray(k.bases)];
    resources.forEach((entry, i) => {
      const ref = asString(entry);
      if (!ref) return;
      const field = i < asArray(k.resources).length ? "resources" : "bases";
      objects.push(...this.loadResource(dir, ref, at(field, i)));
    });

    const components: Reference[] = asArray(k.components).flatMap((entry, i) => {
      const ref = asString(entry);
      return ref ? [{ ref, location: at("components", i) }] : [];
    });
    // kustomize's order (its differential test shows it): resources and generators, then components, then the
    // kustomization's own transformers; a component's transformers reach the parent's generated objects.
    objects = this.generators(k, dir, at, objects);
    objects = this.applyComponents(dir, [...components, ...extra], objects);

    objects = this.transform(objects, k, dir, at);
    return objects;
  }

  private transform(
    input: KubeObject[],
    k: Json,
    dir: string,
    at: (...path: (string | number)[]) => SourceLocation,
  ): KubeObject[] {
    let objects = input;
    const patches: Patch[] = [];
    asArray(k.patches).forEach((p, i) => {
      patches.push(...this.readPatch(p, dir, at("patches", i)));
    });
    asArray(k.patchesStrategicMerge).forEach((p, i) => {
      const loc = at("patchesStrategicMerge", i);
      const text = asString(p);
      if (text === undefined) return;
      const isInline = text.includes("\n") || text.includes(":");
      patches.push(...this.readPatch(isInline ? { patch: text } : { path: text }, dir, loc));
    });
    asArray(k.patchesJson6902).forEach((p, i) => {
      patches.push(...this.readPatch(p, dir, at("patchesJson6902", i)));
    });
    if (patches.length > 0) objects = this.applyPatches(objects, patches);
    const config = this.readConfigurations(k, dir, at);

    const namePrefix = asString(k.namePrefix) ?? "";
    const nameSuffix = asString(k.nameSuffix) ?? "";
    if (namePrefix || nameSuffix) {
      objects = objects.map((o) =>
        o.kind === "Namespace" || o.kind === "CustomResourceDefinition"
          ? o
          : withMetadata(o, (m) => {
              m.name = `${namePrefix}${asString(m.name) ?? o.name}${nameSuffix}`;
            }),
      );
      const affix = (v: unknown) => (typeof v === "string" ? `${namePrefix}${v}${nameSuffix}` : v);
      objects = applyFieldSpecs(objects, [...config.namePrefix, ...config.nameSuffix], affix);
    }

    // kustomize's label transformer: each `labels` entry with its own reach, then commonLabels.
    const labelSets = asArray(k.labels).map((entry) => {
      const l = asRecord(entry);
      const specs =
        l.includeSelectors === true
          ? [...BUILTIN_FIELD_SPECS.commonLabels, ...config.commonLabels]
          : l.includeTemplates === true
            ? BUILTIN_FIELD_SPECS.templateLabels
            : BUILTIN_FIELD_SPECS.metadataLabels;
      return { pairs: asRecord(l.pairs), specs };
    });
    labelSets.push({
      pairs: asRecord(k.commonLabels),
      specs: [...BUILTIN_FIELD_SPECS.commonLabels, ...config.commonLabels],
    });
    for (const { pairs, specs } of labelSets)
      if (Object.keys(pairs).length > 0)
        objects = applyFieldSpecs(objects, specs, (v) => ({ ...asRecord(v), ...pairs }));
    const annotations = asRecord(k.commonAnnotations);
    if (Object.keys(annotations).length > 0)
      objects = applyFieldSpecs(
        objects,
        [...BUILTIN_FIELD_SPECS.commonAnnotations, ...config.commonAnnotations],
        (v) => ({ ...asRecord(v), ...annotations }),
      );

    const namespace = asString(k.namespace);
    if (namespace) {
      objects = this.setNamespace(objects, namespace);
      objects = applyFieldSpecs(objects, config.namespace, () => namespace);
    }

    // Replacements run last, as kustomize orders its transformers.
    const replacements = asArray(k.replacements).flatMap((r, i) =>
      this.readReplacements(r, dir, at("replacements", i)),
    );
    if (replacements.length > 0) {
      const applied = applyReplacements(objects, replacements);
      for (const p of applied.problems)
        this.report({
          ruleId: "kustomize-invalid",
          severity: "error",
          message: p.message,
          location: p.location,
        });
      objects = applied.objects;
    }
    return objects;
  }

  /** The documents of a file a kustomization field names (relative to its folder); a missing one is reported. */
  private referencedDocuments(
    dir: string,
    ref: string,
    field: string,
    location: SourceLocation,
  ): YamlDocument[] {
    const file = resolveRepoPath(dir, ref);
    const docs = file === undefined ? undefined : this.repo.documents(file);
    if (docs) return docs;
    this.report({
      ruleId: "path-missing",
      severity: "error",
      message: `${field} file ${ref} not found${file === undefined ? " (outside the repository)" : ""}`,
      location,
    });
    return [];
  }

  /** The `configurations` files of a kustomization: field specs for the transformers kubestrap runs. */
  private readConfigurations(
    k: Json,
    dir: string,
    at: (...path: (string | number)[]) => SourceLocation,
  ): TransformerConfig {
    const config = emptyTransformerConfig();
    asArray(k.configurations).forEach((entry, i) => {
      const ref = asString(entry);
      if (!ref) return;
      for (const d of this.referencedDocuments(dir, ref, "configurations", at("configurations", i)))
        readTransformerConfig(d.value, config);
    });
    if (config.ignored.length > 0)
      this.report({
        ruleId: "kustomize-unsupported",
        severity: "warning",
        message: `transformer configurations ${config.ignored.join(", ")} are not applied: the fields they name keep their written values`,
        location: at("configurations"),
      });
    return config;
  }

  /** A `replacements` entry: inline (`source` + `targets`), or `path` to a file holding a list of them. */
  private readReplacements(entry: unknown, dir: string, location: SourceLocation): Replacement[] {
    const r = asRecord(entry);
    const path = asString(r.path);
    if (path === undefined)
      return [{ source: asRecord(r.source), targets: asArray(r.targets).map(asRecord), location }];
    return this.referencedDocuments(dir, path, "replacements", location).flatMap((d) =>
      (Array.isArray(d.value) ? d.value : [d.value]).map((x) => ({
        source: asRecord(asRecord(x).source),
        targets: asArray(asRecord(x).targets).map(asRecord),
        location,
      })),
    );
  }

  /** The kustomize namespace transformer: namespaced objects move, Namespace objects are renamed. */
  setNamespace(objects: KubeObject[], namespace: string): KubeObject[] {
    return objects.map((o) => {
      const gk = groupKind(o);
      if (gk === "/Namespace") {
        return withMetadata(o, (m) => {
          m.name = namespace;
        });
      }
      if (this.scopeOf(gk) === "Cluster") return o;
      if (o.namespace === namespace) return o;
      return withMetadata(o, (m) => {
        m.namespace = namespace;
      });
    });
  }

  /** Reads a kustomize patch entry (`patch`, `path`, `target`) into strategic-merge or JSON6902 patches. */
  readPatch(entry: unknown, dir: string, location: SourceLocation): Patch[] {
    const e = asRecord(entry);
    const target = isRecord(e.target) ? (e.target as PatchTarget) : undefined;
    let text = asString(e.patch);
    let file = location.file;
    if (text === undefined) {
      const path = asString(e.path);
      if (path === undefined) return [];
      const resolved = resolveRepoPath(dir, path);
      const content = resolved === undefined ? undefined : this.repo.readText(resolved);
      if (resolved === undefined || content === undefined) {
        this.report({
          ruleId: "path-missing",
          severity: "error",
          message: `patch file ${path} not found`,
          location,
        });
        return [];
      }
      text = content;
      file = resolved;
    }
    const parsed = parseYaml(text, file);
    const out: Patch[] = [];
    for (const doc of parsed.documents) {
      const loc = file === location.file ? location : { file, line: doc.line };
      if (Array.isArray(doc.value)) {
        if (!target) {
          this.report({
            ruleId: "kustomize-invalid",
            severity: "error",
            message: "a JSON6902 patch needs a target",
            location: loc,
          });
          continue;
        }
        out.push({ target, ops: doc.value as JsonPatchOp[], location: loc });
      } else if (isRecord(doc.value)) {
        out.push(target ? { target, smp: doc.value, location: loc } : { smp: doc.value, location: loc });
      }
    }
    if (parsed.findings.length > 0)
      this.report({
        ...(parsed.findings[0] as Finding),
        message: `patch: ${parsed.findings[0]?.message}`,
        location,
      });
    return out;
  }

  applyPatches(objects: KubeObject[], patches: Patch[]): KubeObject[] {
    let out = objects;
    for (const patch of patches) {
      const target = patch.target ?? smpTarget(patch.smp);
      let matched = 0;
      const next: KubeObject[] = [];
      for (const o of out) {
        if (!target || !matchesTarget(o, target)) {
          next.push(o);
          continue;
        }
        matched++;
        if (patch.ops) {
          const r = jsonPatch(o, patch.ops);
          if (typeof r === "string") {
            this.report({
              ruleId: "kustomize-invalid",
              severity: "error",
              message: `JSON patch: ${r}`,
              location: patch.location,
            });
            next.push(o);
          } else next.push(r);
        } else if (patch.smp) {
          const r = strategicMerge(o, patch.smp);
          if (r) next.push(r);
        }
      }
      if (matched === 0 && !patch.target) {
        this.report({
          ruleId: "kustomize-invalid",
          severity: "error",
          message: `patch matches no object (${describeTarget(target)}): kustomize fails the build`,
          location: patch.location,
        });
      }
      out = next;
    }
    return out;
  }

  private loadResource(dir: string, ref: string, location: SourceLocation): KubeObject[] {
    if (isRemote(ref)) {
      const crds = remoteManifestCrds(ref);
      if (crds) return crds.map((crd) => catalogCrdObject(crd, location));
      this.reportRemote(ref, location);
      return [];
    }
    const path = resolveRepoPath(dir, ref);
    if (path !== undefined && this.repo.isFile(path)) return this.loadFile(path, false);
    if (path !== undefined && this.repo.isDir(path)) {
      if (!this.kustomizationFile(path)) {
        this.report({
          ruleId: "path-missing",
          severity: "error",
          message: `resource directory ${ref} has no kustomization.yaml`,
          location,
        });
        return [];
      }
      return this.build(path, false);
    }
    this.report({
      ruleId: "path-missing",
      severity: "error",
      message: `resource ${ref} not found${path === undefined ? " (outside the repository)" : ""}`,
      location,
    });
    return [];
  }

  /** `objects` with the kustomization's ConfigMap and Secret generators' objects added, merged or replacing. */
  private generators(
    k: Json,
    dir: string,
    at: (...path: (string | number)[]) => SourceLocation,
    objects: KubeObject[],
  ): KubeObject[] {
    const out = [...objects];
    const options = asRecord(k.generatorOptions);
    for (const [field, kind] of [
      ["configMapGenerator", "ConfigMap"],
      ["secretGenerator", "Secret"],
    ] as const) {
      asArray(k[field]).forEach((g, i) => {
        const gen = asRecord(g);
        const name = asString(gen.name);
        if (!name) return;
        const loc = at(field, i);
        const data: Record<string, string> = {};
        for (const lit of asArray(gen.literals)) {
          const s = asString(lit) ?? "";
          const eq = s.indexOf("=");
          if (eq > 0) data[s.slice(0, eq)] = s.slice(eq + 1);
          else
            this.report({
              ruleId: "kustomize-invalid",
              severity: "error",
              message: `${field} ${name}: literal ${JSON.stringify(s)} is not KEY=VALUE (kustomize fails the build)`,
              location: loc,
            });
        }
        for (const f of asArray(gen.files)) {
          const s = asString(f) ?? "";
          const eq = s.indexOf("=");
          const key = eq > 0 ? s.slice(0, eq) : posix.basename(s);
          const rel = eq > 0 ? s.slice(eq + 1) : s;
          // kustomize fetches a URL here; its content does not change what is applied, only the data.
          if (isRemote(rel)) {
            data[key] = "";
            continue;
          }
          const text = this.readGeneratorFile(dir, rel, `${field} file`, loc);
          if (text === undefined) continue;
          data[key] = text;
        }
        for (const env of [...asArray(gen.envs), ...(gen.env ? [gen.env] : [])]) {
          const rel = asString(env) ?? "";
          const text = this.readGeneratorFile(dir, rel, `${field} env file`, loc);
          if (text === undefined) continue;
          for (const line of text.split("\n")) {
            const t = line.trim();
            if (!t || t.startsWith("#")) continue;
            const eq = t.indexOf("=");
            if (eq > 0) data[t.slice(0, eq)] = t.slice(eq + 1);
          }
        }
        const genOptions = { ...options, ...asRecord(gen.options) };
        const metadata: Json = { name };
        const ns = asString(gen.namespace);
        if (ns) metadata.namespace = ns;
        const annotations = {
          ...asRecord(options.annotations),
          ...asRecord(asRecord(gen.options).annotations),
        };
        const labels = { ...asRecord(options.labels), ...asRecord(asRecord(gen.options).labels) };
        if (Object.keys(annotations).length) metadata.annotations = annotations;
        if (Object.keys(labels).length) metadata.labels = labels;
        if (genOptions.disableNameSuffixHash !== true) {
          metadata.annotations = {
            ...asRecord(metadata.annotations),
            "kubestrap.dev/name-suffix-hash": "true",
          };
        }
        const body: Json = {
          apiVersion: "v1",
          kind,
          metadata,
          data:
            kind === "Secret"
              ? Object.fromEntries(
                  Object.entries(data).map(([key, v]) => [key, Buffer.from(v).toString("base64")]),
                )
              : data,
        };
        if (kind === "Secret") body.type = asString(gen.type) ?? "Opaque";
        const o: KubeObject = {
          apiVersion: "v1",
          kind,
          name,
          namespace: ns,
          body,
          // Not a spread: the line is looked up only if something reads it (a finding, a report).
          source: {
            file: loc.file,
            docIndex: -1,
            get line() {
              return loc.line;
            },
          },
        };
        const behavior = asString(gen.behavior);
        if (behavior === "merge" || behavior === "replace") {
          const existing = out.findIndex((x) => x.kind === kind && x.name === name && x.namespace === ns);
          const base = out[existing];
          if (base) {
            out[existing] = { ...o, body: mergeGenerated(base.body, body, behavior) };
            return;
          }
          this.report({
            ruleId: "kustomize-invalid",
            severity: "error",
            message: `${field} ${name}: behavior ${behavior} needs a ${kind} of that name from the resources (kustomize fails the build)`,
            location: loc,
          });
        }
        out.push(o);
      });
    }
    return out;
  }

  private readGeneratorFile(
    dir: string,
    rel: string,
    what: string,
    location: SourceLocation,
  ): string | undefined {
    const path = resolveRepoPath(dir, rel);
    const text = path === undefined ? undefined : this.repo.readText(path);
    if (text === undefined)
      this.report({
        ruleId: "path-missing",
        severity: "error",
        message: `${what} ${rel} not found`,
        location,
      });
    return text;
  }

  private reportRemote(ref: string, location: SourceLocation): void {
    this.report({
      ruleId: "kustomize-unsupported",
      severity: "warning",
      message: `remote resource ${ref} is not fetched: the objects it defines are not analysed`,
      location,
    });
  }

  report(finding: Finding): void {
    const key = `${finding.ruleId}|${finding.location?.file}|${finding.location?.line}|${finding.message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.findings.push(finding);
  }
}

/**
 * A generator's object with `behavior: merge` or `replace` over the object of the same name it modifies, as
 * kustomize does: labels and annotations merged, the generator's winning; data merged, or the generator's alone.
 */
function mergeGenerated(base: Json, generated: Json, behavior: "merge" | "replace"): Json {
  const baseMeta = asRecord(base.metadata);
  const meta = asRecord(generated.metadata);
  const metadata: Json = { ...baseMeta };
  for (const field of ["labels", "annotations"]) {
    const merged = { ...asRecord(baseMeta[field]), ...asRecord(meta[field]) };
    if (Object.keys(merged).length > 0) metadata[field] = merged;
  }
  const data = asRecord(generated.data);
  return {
    ...base,
    metadata,
    data: behavior === "merge" ? { ...asRecord(base.data), ...data } : data,
  };
}

/** A CRD of the bundled catalog as the object a remote manifest would apply, located at the reference to it. */
function catalogCrdObject(crd: CatalogCrd, location: SourceLocation): KubeObject {
  const body: Json = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: crd.name },
    spec: {
      group: crd.group,
      names: { kind: crd.kind, plural: crd.plural },
      scope: crd.scope,
      versions: crd.versions.map((name) => ({ name, served: true, storage: name === crd.storage })),
    },
  };
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    name: crd.name,
    namespace: undefined,
    body,
    source: { file: location.file, line: location.line, docIndex: -1 },
  };
}

export function isRemote(ref: string): boolean {
  return (
    /^(https?:|git@|ssh:|git::|github\.com\/|gitlab\.com\/|bitbucket\.org\/)/.test(ref) ||
    ref.includes("?ref=")
  );
}

function smpTarget(smp: Json | undefined): PatchTarget | undefined {
  if (!smp) return undefined;
  const metadata = asRecord(smp.metadata);
  const apiVersion = asString(smp.apiVersion) ?? "";
  const slash = apiVersion.indexOf("/");
  const target: PatchTarget = {};
  const kind = asString(smp.kind);
  const name = asString(metadata.name);
  if (kind) target.kind = escapeRegExp(kind);
  if (name) target.name = escapeRegExp(name);
  if (apiVersion) target.group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const ns = asString(metadata.namespace);
  if (ns) target.namespace = escapeRegExp(ns);
  return target;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function describeTarget(t: PatchTarget | undefined): string {
  if (!t) return "no target";
  return Object.entries(t)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
}
