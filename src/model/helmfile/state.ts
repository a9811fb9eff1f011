/**
 * Reads helmfiles with helmfile's own semantics (v1): `.gotmpl` files rendered part by part (`---`), `bases`,
 * `environments` (values files rendered when `.gotmpl`), `templates` + `inherit`, `helmDefaults`, release
 * templating (`{{ .Release.Name }}` in release fields), values files, `needs`, `hooks`, `installed`,
 * `condition`. The real helmfile is the reference (test/integration/helmfile-differential.test.ts).
 */
import { posix } from "node:path";
import type { Finding, SourceLocation } from "../../findings.ts";
import { type Repository, resolveRepoPath } from "../../load/repository.ts";
import { loadManifest } from "../../load/yaml.ts";
import { deepMerge } from "../flux.ts";
import { asArray, asRecord, asString, findPath, isRecord, type Json } from "../objects.ts";
import { renderTemplate, struct } from "./template/exec.ts";
import { type TemplateIO, templateFunctions, UnresolvedError } from "./template/functions.ts";
import { TemplateError } from "./template/parse.ts";

export interface HelmfileHookSpec {
  events: string[];
  command: string;
  args: string[];
  showlogs: boolean;
}

export interface HelmfileRelease {
  name: string;
  /** As written (after templating); "" when the helmfile leaves it to the kube context. */
  namespace: string;
  chart?: string;
  version?: string;
  labels: Record<string, string>;
  /** Each values entry resolved: inline maps as written, files read (rendered when `.gotmpl`) and parsed. */
  values: Json[];
  needs: string[];
  hooks: HelmfileHookSpec[];
  installed: boolean;
  /** False when `condition` names an environment value that is false. */
  enabled: boolean;
  condition?: string;
  /** The release as resolved (inherit and templating applied), for fields kubestrap does not model. */
  spec: Json;
  /** Files the `chart` and `version` templates read (a Flux OCIRepository, for example). */
  chartReads: string[];
  location: SourceLocation;
}

export interface HelmfileState {
  /** Repository-relative path of the helmfile. */
  file: string;
  /** Repository-relative folder: relative paths (values, charts, hooks) start here. */
  dir: string;
  environment: string;
  /** The environments the helmfile defines. */
  environments: string[];
  /** The environment's values, as `.Values` sees them. */
  values: Json;
  helmDefaults: Json;
  repositories: { name: string; url: string; oci: boolean }[];
  releases: HelmfileRelease[];
}

export interface HelmfileReadOptions {
  /** helmfile's `--environment`; "default" when not given. */
  environment?: string;
  /** Without `environment`: the environment of this name where a helmfile defines it, else "default". */
  cluster?: string;
  /** The process environment for `env` and `requiredEnv`. */
  env?: Record<string, string | undefined>;
}

export interface HelmfileReadResult {
  states: HelmfileState[];
  /** Helmfiles that could not be read; each has a finding. */
  failed: string[];
  findings: Finding[];
}

/**
 * A problem that stops reading one helmfile, with the file and line it comes from. `unresolved` marks what
 * depends on the machine rather than the repository (an unset environment variable, a program kubestrap does
 * not run): helmfile might read it elsewhere.
 */
export class HelmfileError extends Error {
  readonly location: SourceLocation;
  readonly unresolved: boolean;
  constructor(message: string, location: SourceLocation, unresolved = false) {
    super(message);
    this.location = location;
    this.unresolved = unresolved;
  }
}

/** The helmfiles of a target as helmfile finds them: a file, or a folder's `helmfile.yaml(.gotmpl)` or `helmfile.d/`. */
export function helmfilesOf(repo: Repository, target: string): string[] {
  if (repo.isFile(target)) return [target];
  const inDir = (dir: string) =>
    repo
      .list(dir)
      .filter((f) => /\.ya?ml(\.gotmpl)?$/.test(f))
      .sort()
      .map((f) => (dir ? `${dir}/${f}` : f));
  for (const name of ["helmfile.yaml", "helmfile.yaml.gotmpl"]) {
    const path = target ? `${target}/${name}` : name;
    if (repo.isFile(path)) return [path];
  }
  const d = target ? `${target}/helmfile.d` : "helmfile.d";
  if (repo.isDir(d)) return inDir(d);
  return repo.isDir(target) ? inDir(target) : [];
}

/** Reads each helmfile; a helmfile that cannot be read becomes a finding and the others are still read. */
export function readHelmfiles(
  repo: Repository,
  files: string[],
  options: HelmfileReadOptions = {},
): HelmfileReadResult {
  const result: HelmfileReadResult = { states: [], failed: [], findings: [] };
  for (const file of files) {
    try {
      const state = readHelmfile(repo, file, options);
      if (state) result.states.push(state);
    } catch (e) {
      result.failed.push(file);
      result.findings.push(helmfileFinding(e, file));
    }
  }
  return result;
}

export function helmfileFinding(e: unknown, file: string): Finding {
  if (e instanceof HelmfileError)
    return e.unresolved
      ? {
          ruleId: "bootstrap-unresolved",
          severity: "warning",
          message: `${e.message}: its releases are unknown`,
          location: e.location,
          fix: "run kubestrap where helmfile runs, with the same environment variables (CLUSTER=main kubestrap lint), or set them in kubestrap.yaml (bootstrap.env; per cluster, clusters[].env)",
        }
      : { ruleId: "helmfile-invalid", severity: "error", message: e.message, location: e.location };
  return {
    ruleId: "helmfile-invalid",
    severity: "error",
    message: `${file}: ${e instanceof Error ? e.message : String(e)}`,
    location: { file, line: 1 },
  };
}

interface RawState {
  environments: Json;
  helmDefaults: Json;
  repositories: Json[];
  releases: { release: Json; file: string; dir: string; line: number }[];
  templates: Json;
  defaultInherit?: string;
}

function emptyState(): RawState {
  return { environments: {}, helmDefaults: {}, repositories: [], releases: [], templates: {} };
}

/** Reads one helmfile; undefined when the selected environment is not defined in it (helmfile skips it). */
export function readHelmfile(
  repo: Repository,
  file: string,
  options: HelmfileReadOptions = {},
): HelmfileState | undefined {
  const env = options.env ?? process.env;
  const cluster = options.cluster;
  // The cluster's environment is looked up first: a helmfile whose values exist only per environment cannot be
  // read with `default` at all.
  if (
    options.environment === undefined &&
    cluster !== undefined &&
    helmfileEnvironments(repo, file).includes(cluster)
  )
    return new StateReader(repo, cluster, env).read(file);
  return new StateReader(repo, options.environment ?? "default", env).read(file);
}

/**
 * The environments a helmfile defines, as far as its parts render: for `kubestrap init`, which proposes them even
 * when the releases cannot be read (an unset variable).
 */
export function helmfileEnvironments(repo: Repository, file: string): string[] {
  const reader = new StateReader(repo, "default", {}, true);
  try {
    return Object.keys(reader.loadEnvironments(file));
  } catch {
    return [];
  }
}

class StateReader {
  private readonly repo: Repository;
  private readonly environment: string;
  private readonly env: Record<string, string | undefined>;
  /** Parts that do not render are skipped instead of failing: only their environments are wanted. */
  private readonly lenient: boolean;

  constructor(
    repo: Repository,
    environment: string,
    env: Record<string, string | undefined>,
    lenient = false,
  ) {
    this.repo = repo;
    this.environment = environment;
    this.env = env;
    this.lenient = lenient;
  }

  loadEnvironments(file: string): Json {
    return this.loadState(file, {}, new Set()).state.environments;
  }

  read(file: string): HelmfileState | undefined {
    const dir = posix.dirname(file) === "." ? "" : posix.dirname(file);
    const raw = this.loadState(file, {}, new Set());
    if (this.environment !== "default" && !Object.hasOwn(raw.state.environments, this.environment))
      return undefined;
    const values = raw.values;
    const releases = raw.state.releases.map((r) => this.resolveRelease(r, raw.state, values, dir));
    return {
      file,
      dir,
      environment: this.environment,
      environments: Object.keys(raw.state.environments),
      values,
      helmDefaults: raw.state.helmDefaults,
      repositories: raw.state.repositories.flatMap((r) => {
        const name = asString(r.name);
        const url = asString(r.url);
        return name && url ? [{ name, url, oci: r.oci === true }] : [];
      }),
      releases,
    };
  }

  private io(dir: string, file: string, reads?: string[]): TemplateIO {
    const repo = this.repo;
    const resolve = (p: string): string => {
      const path = resolveRepoPath(dir, p);
      if (path === undefined) throw new HelmfileError(`${p} is outside the repository`, { file, line: 1 });
      return path;
    };
    return {
      readFile: (p) => {
        const path = resolve(p);
        const text = repo.isFile(path) ? repo.readText(path) : undefined;
        if (text === undefined) throw new Error(`open ${p}: no such file or directory`);
        reads?.push(path);
        return text;
      },
      isFile: (p) => repo.isFile(resolve(p)),
      isDir: (p) => repo.isDir(resolve(p)),
      readDir: (p) =>
        repo
          .list(resolve(p))
          .map((e) => (e.endsWith("/") ? { name: e.slice(0, -1), isDir: true } : { name: e, isDir: false })),
      env: (name) => this.env[name],
    };
  }

  /**
   * Renders a template. Errors carry where they come from: `within` names a release field and its location when
   * the template is one (the error's line is then the template's own, e.g. a file read with `tpl`).
   */
  private render(
    source: string,
    name: string,
    file: string,
    dir: string,
    data: unknown,
    reads?: string[],
    within?: { what: string; location: SourceLocation },
    /** Lines of the file before the rendered part (helmfile renders a file part by part). */
    lineOffset = 0,
  ): string {
    try {
      return renderTemplate(name, source, data, { functions: templateFunctions(this.io(dir, file, reads)) });
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      const unresolved = hasCause(e, UnresolvedError);
      if (within)
        throw new HelmfileError(
          `${within.what}: ${e.template === "stringTemplate" ? "" : `template ${e.template} line ${e.line}: `}${e.detail}`,
          within.location,
          unresolved,
        );
      const line = e.line + lineOffset;
      throw new HelmfileError(`${file}:${line}: ${e.detail}`, { file, line }, unresolved);
    }
  }

  private parse(text: string, file: string, lineOffset: number): Json {
    let value: unknown;
    try {
      value = loadManifest(text);
    } catch (e) {
      const mark = (e as { mark?: { line?: number } }).mark;
      const line = (mark?.line ?? 0) + 1 + lineOffset;
      const reason =
        (e as { reason?: string }).reason ?? (e instanceof Error ? e.message.split("\n")[0] : String(e));
      throw new HelmfileError(`${file}:${line}: ${reason}`, { file, line });
    }
    if (value === null || value === undefined) return {};
    if (!isRecord(value))
      throw new HelmfileError(`${file}: a helmfile part must be a mapping`, { file, line: lineOffset + 1 });
    return value;
  }

  /** Renders one `---` part of a `.gotmpl` helmfile with the environment values known so far. */
  private renderPart(part: { text: string; line: number }, file: string, dir: string, values: Json): string {
    const data = this.stateData(values);
    return this.render(part.text, posix.basename(file), file, dir, data, undefined, undefined, part.line - 1);
  }

  /** Loads a state file with its bases; returns it and the environment values it defines. */
  private loadState(file: string, inherited: Json, seen: Set<string>): { state: RawState; values: Json } {
    if (seen.has(file)) throw new HelmfileError(`${file}: bases form a cycle`, { file, line: 1 });
    seen.add(file);
    const dir = posix.dirname(file) === "." ? "" : posix.dirname(file);
    const text = this.repo.readText(file);
    if (text === undefined) throw new HelmfileError(`${file}: no such file`, { file, line: 1 });
    const state = emptyState();
    let values = inherited;
    const parts = splitParts(text);
    for (const part of parts) {
      let rendered = part.text;
      const templated = file.endsWith(".gotmpl");
      if (templated) {
        // The first pass sees the values known so far; environments declared in this part are then loaded and
        // the part is rendered again with them, as helmfile does.
        let first: Json | undefined;
        try {
          first = this.parse(this.renderPart(part, file, dir, values), file, part.line - 1);
        } catch {
          first = undefined;
        }
        if (first && (first.environments || first.bases || first.values)) {
          const partState = this.mergePart(emptyState(), first, file, dir, part.line, values, seen);
          values = partState.values;
        }
        try {
          rendered = this.renderPart(part, file, dir, values);
        } catch (e) {
          if (this.lenient) continue;
          throw e;
        }
      }
      const parsed = this.parse(rendered, file, part.line - 1);
      if (parsed.environments && parsed.releases)
        throw new HelmfileError(
          `${file}: environments and releases cannot be defined within the same YAML part. Use --- to extract the environments into a dedicated part`,
          { file, line: part.line },
        );
      const merged = this.mergePart(state, parsed, file, dir, part.line, values, seen);
      values = merged.values;
    }
    seen.delete(file);
    return { state, values };
  }

  /** Merges one parsed part (and its bases) into the state; returns the environment values after it. */
  private mergePart(
    state: RawState,
    part: Json,
    file: string,
    dir: string,
    partLine: number,
    valuesBefore: Json,
    seen: Set<string>,
  ): { values: Json } {
    let values = valuesBefore;
    for (const base of asArray(part.bases)) {
      const baseFile = resolveRepoPath(dir, asString(base) ?? "");
      if (baseFile === undefined || !this.repo.isFile(baseFile))
        throw new HelmfileError(`${file}: base ${String(base)} does not exist`, { file, line: partLine });
      const loaded = this.loadState(baseFile, values, seen);
      mergeRawState(state, loaded.state);
      values = loaded.values;
    }
    const top = asArray(part.values);
    if (top.length > 0)
      values = mergeAll(values, this.loadValuesList(top, file, dir, this.stateData(values)));
    for (const [name, envSpec] of Object.entries(asRecord(part.environments))) {
      state.environments[name] = deepMerge(asRecord(state.environments[name]), asRecord(envSpec));
      if (name === this.environment) {
        const list = asArray(asRecord(envSpec).values);
        values = mergeAll(values, this.loadValuesList(list, file, dir, this.stateData(values)));
      }
    }
    state.helmDefaults = { ...state.helmDefaults, ...asRecord(part.helmDefaults) };
    state.repositories.push(...asArray(part.repositories).map(asRecord));
    Object.assign(state.templates, asRecord(part.templates));
    if (typeof part.defaultInherit === "string") state.defaultInherit = part.defaultInherit;
    const lines = this.repo.readText(file) ?? "";
    for (const r of asArray(part.releases)) {
      const release = asRecord(r);
      state.releases.push({
        release,
        file,
        dir,
        line: lineOfRelease(lines, asString(release.name) ?? "", partLine),
      });
    }
    return { values };
  }

  private stateData(values: Json): Json {
    return struct({
      Environment: struct({ Name: this.environment, KubeContext: "", Values: values }),
      Values: values,
      StateValues: values,
      Namespace: "",
    });
  }

  /** A values list: inline maps, or files (rendered when `.gotmpl`) merged in order. */
  private loadValuesList(list: unknown[], file: string, dir: string, data: unknown): Json[] {
    const out: Json[] = [];
    for (const entry of list) {
      if (isRecord(entry)) {
        out.push(entry);
        continue;
      }
      const path = asString(entry);
      if (path === undefined) continue;
      out.push(this.loadValuesFile(path, file, dir, data));
    }
    return out;
  }

  private loadValuesFile(path: string, file: string, dir: string, data: unknown): Json {
    const target = resolveRepoPath(dir, path);
    if (target === undefined)
      throw new HelmfileError(`${file}: values file ${path} is outside the repository`, { file, line: 1 });
    const text = this.repo.isFile(target) ? this.repo.readText(target) : undefined;
    if (text === undefined)
      throw new HelmfileError(`${file}: values file ${path} does not exist`, { file, line: 1 });
    const rendered = target.endsWith(".gotmpl")
      ? this.render(text, posix.basename(target), target, posix.dirname(target), data)
      : text;
    return this.parse(rendered, target, 0);
  }

  private resolveRelease(
    entry: RawState["releases"][number],
    state: RawState,
    values: Json,
    _dir: string,
  ): HelmfileRelease {
    const { file, dir, line } = entry;
    let release = entry.release;
    const inherits = asArray(release.inherit).map(asRecord);
    if (inherits.length === 0 && state.defaultInherit) inherits.push({ template: state.defaultInherit });
    for (const inherit of inherits) {
      const name = asString(inherit.template) ?? "";
      const template = state.templates[name];
      if (!isRecord(template))
        throw new HelmfileError(
          `${file}: release ${asString(release.name)} inherits template "${name}", which is not defined`,
          { file, line },
        );
      const base: Json = { ...template };
      for (const key of asArray(inherit.except)) delete base[asString(key) ?? ""];
      release = mergeInherit(base, release);
    }
    delete release.inherit;
    const location = { file, line };
    // Release templating: fields that contain `{{` are rendered with `.Release`, name and namespace first.
    const data = (r: Json) =>
      struct({
        ...this.stateData(values),
        Release: struct({
          Name: asString(r.name) ?? "",
          Namespace: asString(r.namespace) ?? "",
          Labels: asRecord(r.labels),
          Chart: asString(r.chart) ?? "",
          KubeContext: asString(r.kubeContext) ?? "",
        }),
      });
    const chartReads: string[] = [];
    const renderField = (value: unknown, r: Json, reads?: string[]): unknown => {
      if (typeof value === "string" && value.includes("{{"))
        return this.render(value, "stringTemplate", file, dir, data(r), reads, {
          what: `release ${asString(r.name) ?? "?"}`,
          location,
        });
      if (Array.isArray(value)) return value.map((v) => renderField(v, r, reads));
      if (isRecord(value))
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderField(v, r, reads)]));
      return value;
    };
    for (const key of ["name", "namespace"])
      if (key in release) release = { ...release, [key]: renderField(release[key], release) };
    if ("labels" in release) release = { ...release, labels: renderField(release.labels, release) };
    for (const key of Object.keys(release)) {
      if (["name", "namespace", "labels", "values", "hooks", "secrets", "set"].includes(key)) continue;
      const reads = key === "chart" || key === "version" ? chartReads : undefined;
      release = { ...release, [key]: renderField(release[key], release, reads) };
    }
    const name = asString(release.name) ?? "";
    const namespace = asString(release.namespace) ?? "";
    const chart = asString(release.chart);
    const labels: Record<string, string> = {
      chart: chart ? chartLabel(chart) : "",
      name,
      namespace,
      ...Object.fromEntries(Object.entries(asRecord(release.labels)).map(([k, v]) => [k, asString(v) ?? ""])),
    };
    const releaseData = data({ ...release, labels });
    const releaseValues: Json[] = [];
    for (const v of asArray(release.values)) {
      if (isRecord(v)) releaseValues.push(v);
      else if (typeof v === "string") {
        const path = v.includes("{{") ? this.render(v, "stringTemplate", file, dir, releaseData) : v;
        releaseValues.push(this.loadValuesFile(path, file, dir, releaseData));
      }
    }
    const condition = asString(release.condition);
    let enabled = true;
    if (condition) {
      if (!/\.enabled$/.test(condition))
        throw new HelmfileError(
          `${file}: Condition value must be in the form 'foo.enabled' where 'foo' can be modified as necessary`,
          location,
        );
      const found = findPath(values, condition.split("."));
      if (!found.found)
        throw new HelmfileError(
          `${file}: environment values field '.${condition.replace(/\.enabled$/, "")}' not found`,
          location,
        );
      enabled = found.value === true;
    }
    const installedRaw = release.installed;
    return {
      name,
      namespace,
      chart,
      version: asString(release.version) || undefined,
      labels,
      values: releaseValues,
      // helmfile qualifies a bare `needs` entry with the release's namespace, when it has one.
      needs: asArray(release.needs)
        .map((n) => asString(n) ?? "")
        .filter(Boolean)
        .map((n) => (n.includes("/") || namespace === "" ? n : `${namespace}/${n}`)),
      hooks: asArray(release.hooks).flatMap((h) => {
        const hook = asRecord(h);
        const command = asString(hook.command);
        if (!command) return [];
        return [
          {
            events: asArray(hook.events)
              .map((e) => asString(e) ?? "")
              .filter(Boolean),
            command,
            args: asArray(hook.args).map((a) => asString(a) ?? ""),
            showlogs: hook.showlogs === true,
          },
        ];
      }),
      installed: !(installedRaw === false || installedRaw === "false"),
      enabled,
      condition,
      spec: release,
      chartReads: [...new Set(chartReads)],
      location,
    };
  }
}

function hasCause(e: unknown, type: new (...args: never[]) => Error): boolean {
  let cur: unknown = e;
  while (cur instanceof Error) {
    if (cur instanceof type) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

/** helmfile's default `chart` label: the chart name without its repository. */
function chartLabel(chart: string): string {
  // What follows the last slash, as helmfile takes it: nothing, for a chart path that ends in one.
  return chart.slice(chart.lastIndexOf("/") + 1);
}

/** Values layers merged in order, as helmfile merges environment values: maps recursively, the rest replaced. */
function mergeAll(base: Json, layers: Json[]): Json {
  return layers.reduce((acc, layer) => deepMerge(acc, layer), base);
}

/** Template fields under the release's own: scalars of the release win, lists are appended, maps merged. */
function mergeInherit(template: Json, release: Json): Json {
  const out: Json = { ...template };
  for (const [k, v] of Object.entries(release)) {
    const t = out[k];
    if (Array.isArray(t) && Array.isArray(v)) out[k] = [...t, ...v];
    else if (isRecord(t) && isRecord(v)) out[k] = mergeInherit(t, v);
    else out[k] = v;
  }
  return out;
}

function mergeRawState(into: RawState, from: RawState): void {
  for (const [k, v] of Object.entries(from.environments)) into.environments[k] = v;
  into.helmDefaults = { ...into.helmDefaults, ...from.helmDefaults };
  into.repositories.push(...from.repositories);
  into.releases.push(...from.releases);
  Object.assign(into.templates, from.templates);
  if (from.defaultInherit) into.defaultInherit = from.defaultInherit;
}

/** helmfile splits a file into parts at lines that are exactly `---`. */
function splitParts(text: string): { text: string; line: number }[] {
  const lines = text.split("\n");
  const parts: { text: string; line: number }[] = [];
  let start = 0;
  for (let i = 0; i <= lines.length; i++) {
    if (i === lines.length || /^---\s*$/.test(lines[i] as string)) {
      const body = lines.slice(start, i).join("\n");
      if (body.trim() !== "" || parts.length === 0) parts.push({ text: body, line: start + 1 });
      start = i + 1;
    }
  }
  return parts.filter((p) => p.text.trim() !== "");
}

function lineOfRelease(text: string, name: string, fallback: number): number {
  if (!name) return fallback;
  const lines = text.split("\n");
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`^\\s*-?\\s*name:\\s*["']?${escaped}["']?\\s*(#.*)?$`);
  // The first match at or after the part's first line (a templated name is not found: the part's line is used).
  const idx = lines.findIndex((l, i) => i >= fallback - 1 && re.test(l));
  return idx >= 0 ? idx + 1 : fallback;
}
