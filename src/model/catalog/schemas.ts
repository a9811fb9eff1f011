/**
 * The bundled schemas schema validation reads, loaded on first use (they are megabytes once unzipped):
 *
 * - `data/openapi/kubernetes-<version>.json.gz`: the built-in kinds of one Kubernetes version, from a real
 *   API server's `/openapi/v3` (`npm run gen:openapi`);
 * - `data/crd-schemas/<project>.json.gz`: the `openAPIV3Schema` of every CRD version of a catalog project
 *   (`npm run gen:catalog`), read only for the projects a repository's objects need.
 *
 * In both, each schema is stored as its JSON text and parsed when it is first looked up: a lint reads a few
 * dozen of the thousands of schemas, and parsing them all cost more than the rest of schema loading.
 *
 * `data/` is at the package's root, beside `src/` and `dist/`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { PACKAGE_ROOT } from "../../package-root.ts";
import { loadCatalogCel } from "./cel-asts.ts";
import type { CatalogCrd } from "./charts.ts";
import generated from "./crds.generated.json" with { type: "json" };

const DATA = new URL("data/", PACKAGE_ROOT);

export interface BuiltinSchemas {
  /** The Kubernetes version the document was read from, `1.36.3`. */
  version: string;
  /** An OpenAPI component by name (`io.k8s.api.apps.v1.Deployment`). */
  schema(name: string): unknown;
  /** `group/version/Kind` (empty group for the core API) to its component name. */
  kinds: Record<string, string>;
}

/** Schemas by name, each kept as JSON text until it is first asked for. */
export class LazySchemas {
  private readonly parsed = new Map<string, unknown>();
  private readonly texts: Record<string, string>;

  constructor(texts: Record<string, string>) {
    this.texts = texts;
  }

  get(name: string): unknown {
    if (this.parsed.has(name)) return this.parsed.get(name);
    const text = Object.hasOwn(this.texts, name) ? this.texts[name] : undefined;
    const schema = text === undefined ? undefined : JSON.parse(text);
    this.parsed.set(name, schema);
    return schema;
  }
}

export interface CatalogSchema {
  project: string;
  schema: unknown;
}

function readGzipJson<T>(url: URL): T {
  return JSON.parse(gunzipSync(readFileSync(url)).toString("utf8")) as T;
}

/** The Kubernetes minor versions bundled, newest first: `["1.36"]`. */
export function bundledKubeVersions(): string[] {
  const dir = new URL("openapi/", DATA);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^kubernetes-(\d+\.\d+)\.json\.gz$/.exec(f)?.[1])
    .filter((v): v is string => v !== undefined)
    .sort((a, b) => Number(b.split(".")[1]) - Number(a.split(".")[1]));
}

const builtinCache = new Map<string, BuiltinSchemas>();

/** The built-in schemas of a bundled minor version (`1.36`), or undefined when it is not bundled. */
export function builtinSchemas(minor: string): BuiltinSchemas | undefined {
  const cached = builtinCache.get(minor);
  if (cached) return cached;
  const url = new URL(`openapi/kubernetes-${minor}.json.gz`, DATA);
  if (!existsSync(url)) return undefined;
  const file = readGzipJson<{
    version: string;
    schemas: Record<string, string>;
    kinds: Record<string, string>;
  }>(url);
  const schemas = new LazySchemas(file.schemas);
  const loaded: BuiltinSchemas = {
    version: file.version,
    kinds: file.kinds,
    schema: (name) => schemas.get(name),
  };
  builtinCache.set(minor, loaded);
  return loaded;
}

/** `group/version/Kind` of every catalog CRD version to its project. */
let projectOf: Map<string, string> | undefined;
const projectSchemas = new Map<string, LazySchemas>();

/** The catalog's schema of a CRD version (`group/version/Kind`), with the project it comes from. */
export function catalogSchema(key: string): CatalogSchema | undefined {
  if (!projectOf) {
    projectOf = new Map();
    for (const [project, crds] of Object.entries(generated.projects as Record<string, CatalogCrd[]>)) {
      for (const crd of crds)
        for (const v of crd.versions) projectOf.set(`${crd.group}/${v}/${crd.kind}`, project);
    }
  }
  const project = projectOf.get(key);
  if (!project) return undefined;
  let schemas = projectSchemas.get(project);
  if (!schemas) {
    const url = new URL(`crd-schemas/${project}.json.gz`, DATA);
    schemas = new LazySchemas(readGzipJson<{ schemas: Record<string, string> }>(url).schemas);
    projectSchemas.set(project, schemas);
    loadCatalogCel(project);
  }
  const schema = schemas.get(key);
  return schema === undefined ? undefined : { project, schema };
}
