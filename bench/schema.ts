/**
 * Schema validation throughput: kubestrap against kubeconform (built from the Go module proxy into the test
 * environment's cache), on the same objects, one core each (`kubeconform -n 1`), side by side in this run.
 *
 * The objects are what the Flux Kustomizations of the corpus repositories apply (../shared/corpus, when it is
 * there; else the valid objects of test/fixtures/schema-agreement), repeated to a few thousand. kubeconform is
 * fed JSON schemas generated from the same schemas kubestrap reads (the bundled Kubernetes OpenAPI and the
 * catalog's CRDs), strict (undeclared fields refused), as openapi2jsonschema makes them. kubestrap's process
 * (bench/schema-once.ts) parses the same YAML and validates each object, CEL rules included; kubeconform
 * ignores CEL rules.
 *
 *   npm run bench:schema
 */
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseAllDocuments } from "yaml";
import { BENCH_TOOLS, benchToolPaths, provision } from "../scripts/testenv/provision.ts";
import { lintFleet } from "../src/analysis/fleet.ts";
import { chooseKubeVersion, type ObjectSchema, SchemaIndex } from "../src/analysis/schema/sources.ts";
import type { Schema } from "../src/analysis/schema/types.ts";
import { validateObject } from "../src/analysis/schema/validate.ts";
import { VERSIONS } from "../src/cluster/local/versions.ts";
import { groupOf, isRecord, type KubeObject, versionOf } from "../src/model/objects.ts";

const ROOT = join(import.meta.dirname, "..");
const CORPUS = join(ROOT, "../shared/corpus");
const TARGET_OBJECTS = 6000;

interface Sample {
  objects: Record<string, unknown>[];
  schemas: Map<string, ObjectSchema>;
  source: string;
}

function schemaKey(o: { apiVersion: string; kind: string }): string {
  return `${groupOf(o.apiVersion)}/${versionOf(o.apiVersion)}/${o.kind}`;
}

/** The valid objects kubestrap validates (a schema known, no variable left), with their schemas. */
async function sample(): Promise<Sample> {
  const objects: Record<string, unknown>[] = [];
  const schemas = new Map<string, ObjectSchema>();
  const take = (index: SchemaIndex, o: Pick<KubeObject, "apiVersion" | "kind" | "body">) => {
    const schema = index.lookup(o);
    if (!schema || isRecord(o.body.sops) || JSON.stringify(o.body).includes("${")) return;
    if (validateObject(o.body, schema.schema, schema.options).length > 0) return;
    schemas.set(schemaKey(o), schema);
    objects.push(o.body);
  };
  if (existsSync(CORPUS)) {
    for (const name of readdirSync(CORPUS).sort()) {
      const result = await lintFleet({ repo: join(CORPUS, name) });
      for (const c of result.clusters) {
        const index = c.result.context.schemas as SchemaIndex;
        for (const ks of c.result.model.kustomizations.values()) {
          for (const o of ks.objects) if (o.source.renderedBy === undefined) take(index, o);
        }
      }
    }
    return { objects, schemas, source: "the corpus repositories' Kustomizations" };
  }
  const index = new SchemaIndex(chooseKubeVersion().minor, []);
  const dir = join(ROOT, "test/fixtures/schema-agreement");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), "utf8"))) {
      const body = doc.toJS() as Record<string, unknown>;
      take(index, { apiVersion: body.apiVersion as string, kind: body.kind as string, body });
    }
  }
  return { objects, schemas, source: "test/fixtures/schema-agreement (no ../shared/corpus)" };
}

/** OpenAPI to JSON Schema (draft-07) as openapi2jsonschema does it: refs, int-or-string, nullable, strict. */
function toJsonSchema(
  schema: Schema,
  resolveRef: (name: string) => Schema | undefined,
): Record<string, unknown> {
  const definitions: Record<string, unknown> = {};
  // Inside anyOf/oneOf/allOf/not a schema only constrains values: it is not made strict.
  const convert = (s: Schema, combinator = false): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s)) {
      if (k.startsWith("x-kubernetes-") || k === "nullable") continue;
      if (k === "$ref" && typeof v === "string") {
        const name = v.replace("#/components/schemas/", "");
        out.$ref = `#/definitions/${name}`;
        if (!(name in definitions)) {
          definitions[name] = {};
          const target = resolveRef(name);
          definitions[name] = target ? convert(target) : {};
        }
      } else if (k === "properties" && isRecord(v)) {
        const props = Object.entries(v).map(([p, ps]) => [p, convert(ps as Schema, combinator)]);
        out.properties = Object.fromEntries(props);
      } else if ((k === "items" || k === "additionalProperties") && isRecord(v)) {
        out[k] = convert(v as Schema, combinator);
      } else if (k === "not" && isRecord(v)) {
        out[k] = convert(v as Schema, true);
      } else if ((k === "allOf" || k === "anyOf" || k === "oneOf") && Array.isArray(v)) {
        out[k] = v.map((x) => convert(x as Schema, true));
      } else out[k] = v;
    }
    if (s["x-kubernetes-int-or-string"]) out.oneOf = [{ type: "string" }, { type: "integer" }];
    if (s.nullable && typeof s.type === "string") out.type = [s.type, "null"];
    const strict =
      !combinator &&
      s.properties !== undefined &&
      s.additionalProperties === undefined &&
      !s["x-kubernetes-preserve-unknown-fields"];
    if (strict) out.additionalProperties = false;
    return out;
  };
  const root = convert(schema);
  return { $schema: "http://json-schema.org/draft-07/schema#", ...root, definitions };
}

function writeSchemas(dir: string, schemas: Map<string, ObjectSchema>): void {
  for (const [key, s] of schemas) {
    const [group, version, kind] = key.split("/") as [string, string, string];
    const resolve = (name: string) => s.options.resolve?.(`#/components/schemas/${name}`);
    let schema = s.schema;
    if (!s.options.builtin) {
      // A CRD's schema leaves metadata open; kubeconform's CRD schemas do too.
      schema = { ...schema, properties: { ...schema.properties, metadata: { type: "object" } } };
    }
    // kubeconform's {{.Group}} of a core kind (apiVersion v1) is "v1".
    const file = join(dir, group || version, `${kind.toLowerCase()}_${version}.json`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(toJsonSchema(schema, resolve)));
  }
}

function best<T>(runs: number, f: () => T): { ms: number; value: T } {
  let out: { ms: number; value: T } | undefined;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const value = f();
    const ms = performance.now() - t0;
    if (!out || ms < out.ms) out = { ms, value };
  }
  return out as { ms: number; value: T };
}

await provision(() => {}, [...BENCH_TOOLS]);
const { kubeconform } = benchToolPaths();
const { objects: base, schemas, source } = await sample();
const copies = Math.max(1, Math.ceil(TARGET_OBJECTS / Math.max(base.length, 1)));
const objects = Array.from({ length: copies }, () => base).flat();
const work = mkdtempSync(join(tmpdir(), "kubestrap-bench-schema-"));
try {
  const input = join(work, "objects.yaml");
  writeFileSync(input, objects.map((o) => JSON.stringify(o)).join("\n---\n"));
  writeSchemas(join(work, "schemas"), schemas);
  const location = `${join(work, "schemas")}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`;

  const theirs = best(3, () => {
    const args = ["-n", "1", "-output", "json", "-schema-location", location, input];
    let out: string;
    try {
      out = execFileSync(kubeconform, args, { encoding: "utf8", maxBuffer: 1 << 28 });
    } catch (error) {
      // kubeconform exits 1 when an object is not valid; its report is still on stdout.
      out = (error as { stdout?: string }).stdout ?? "";
    }
    return JSON.parse(out) as {
      resources?: { kind: string; name: string; msg: string }[];
    };
  });
  const once = join(import.meta.dirname, "schema-once.ts");
  const ours = best(3, () => {
    const out = execFileSync(process.execPath, [once, input], { encoding: "utf8", maxBuffer: 1 << 26 });
    return (JSON.parse(out) as { notValid: number }).notValid;
  });
  const perSecond = (ms: number) => Math.round(objects.length / (ms / 1000));
  console.log(
    `schema validation benchmark (node ${process.version}, best of 3, one core each): ${objects.length} objects (${base.length} distinct × ${copies}) of ${schemas.size} kinds, from ${source}`,
  );
  console.log("tool          ms     objects/s   not valid");
  console.log(
    `kubestrap ${ours.ms.toFixed(0).padStart(6)} ${String(perSecond(ours.ms)).padStart(13)} ${String(ours.value).padStart(11)}   (CEL rules evaluated)`,
  );
  // Without -verbose, kubeconform lists only what is not valid (invalid, errors, skipped).
  const kubeconformNotValid = theirs.value.resources?.length ?? 0;
  console.log(
    `kubeconform ${theirs.ms.toFixed(0).padStart(4)} ${String(perSecond(theirs.ms)).padStart(13)} ${String(kubeconformNotValid).padStart(11)}   (${VERSIONS.kubeconform}, -n 1, no CEL)`,
  );
  const reasons = new Map<string, number>();
  for (const r of theirs.value.resources ?? []) {
    const reason = `${r.kind}: ${r.msg.replace(/file:\/\/\S+/g, "").slice(0, 200)}`;
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 6)) {
    console.log(`  kubeconform: ${n} × ${reason}`);
  }
  console.log(
    `kubestrap / kubeconform objects per second: ${(theirs.ms / ours.ms).toFixed(2)}× (target ≥ 1)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
