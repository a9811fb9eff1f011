/**
 * Generates src/model/catalog/crds.generated.json from the real CRD manifests in
 * ../shared/fixtures/crds (or the directory given as the first argument): per project, every CRD's
 * name, group, kind, plural, scope, served versions and storage version; and data/crd-schemas/<project>.json.gz:
 * the `openAPIV3Schema` of every served version, without descriptions, for schema validation (one file per
 * project, so that lint parses only the projects a repository uses), with data/crd-schemas/<project>.cel.gz: its
 * CEL rules parsed (src/model/catalog/cel-asts.ts).
 *
 *   node scripts/gen-catalog.ts [CRD_DIR]
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { parse } from "@bufbuild/cel";
import { parseAllDocuments } from "yaml";
import { encodeCelAsts } from "../src/model/catalog/cel-asts.ts";
import type { CatalogCrd } from "../src/model/catalog/charts.ts";

const here = new URL(".", import.meta.url).pathname;
const crdDir = resolve(process.argv[2] ?? join(here, "../../shared/fixtures/crds"));
const out = join(here, "../src/model/catalog/crds.generated.json");
const schemasDir = join(here, "../data/crd-schemas");

/** Descriptions are most of a CRD's bytes and play no part in validation; a field named `description` stays. */
function withoutDescriptions(v: unknown, fieldNames = false): unknown {
  if (Array.isArray(v)) return v.map((x) => withoutDescriptions(x));
  if (v === null || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (!fieldNames && k === "description") continue;
    out[k] = withoutDescriptions(x, !fieldNames && k === "properties");
  }
  return out;
}

/** Every CEL expression (`rule`, `messageExpression`) of the schemas, parsed; one the parser refuses is left out. */
function parsedRules(schemas: unknown[]): Map<string, unknown> {
  const expressions = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k === "x-kubernetes-validations" && Array.isArray(x))
          for (const rule of x as { rule?: unknown; messageExpression?: unknown }[])
            for (const e of [rule.rule, rule.messageExpression])
              if (typeof e === "string") expressions.add(e);
        walk(x);
      }
    }
  };
  schemas.forEach(walk);
  const parsed = new Map<string, unknown>();
  for (const e of [...expressions].sort()) {
    try {
      parsed.set(e, parse(e));
    } catch {
      // Parsed again, and reported as unsupported, when a lint meets it.
    }
  }
  return parsed;
}

const schemas: Record<string, Record<string, unknown>> = {};

const projects: Record<string, CatalogCrd[]> = {};
for (const project of readdirSync(crdDir, { withFileTypes: true })) {
  if (!project.isDirectory()) continue;
  const crds: CatalogCrd[] = [];
  for (const file of readdirSync(join(crdDir, project.name)).sort()) {
    if (!file.endsWith(".yaml")) continue;
    for (const doc of parseAllDocuments(readFileSync(join(crdDir, project.name, file), "utf8"))) {
      // biome-ignore lint/suspicious/noExplicitAny: CRD YAML is untyped
      const crd = doc.toJS() as Record<string, any> | null;
      if (crd?.kind !== "CustomResourceDefinition") continue;
      const versions = (crd.spec.versions ?? []) as {
        name: string;
        served: boolean;
        storage: boolean;
        schema?: { openAPIV3Schema?: unknown };
      }[];
      for (const v of versions) {
        if (!v.served || !v.schema?.openAPIV3Schema) continue;
        const key = `${crd.spec.group}/${v.name}/${crd.spec.names.kind}`;
        const projectSchemas = schemas[project.name] ?? {};
        projectSchemas[key] = withoutDescriptions(v.schema.openAPIV3Schema);
        schemas[project.name] = projectSchemas;
      }
      crds.push({
        name: crd.metadata.name,
        group: crd.spec.group,
        kind: crd.spec.names.kind,
        plural: crd.spec.names.plural,
        scope: crd.spec.scope,
        versions: versions.filter((v) => v.served).map((v) => v.name),
        storage: versions.find((v) => v.storage)?.name ?? "",
      });
    }
  }
  projects[project.name] = crds;
}
writeFileSync(out, `${JSON.stringify({ source: "shared/fixtures/crds", projects }, null, 1)}\n`);
rmSync(schemasDir, { recursive: true, force: true });
mkdirSync(schemasDir, { recursive: true });
for (const [name, byKey] of Object.entries(schemas)) {
  // Each schema as its JSON text: kubestrap parses only the ones a repository uses (catalog/schemas.ts).
  const sorted = Object.fromEntries(
    Object.entries(byKey)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, schema]) => [key, JSON.stringify(schema)]),
  );
  const json = JSON.stringify({ source: `shared/fixtures/crds/${name}`, schemas: sorted });
  writeFileSync(join(schemasDir, `${name}.json.gz`), gzipSync(json, { level: 9 }));
  writeFileSync(join(schemasDir, `${name}.cel.gz`), encodeCelAsts(parsedRules(Object.values(byKey))));
}
console.log(`wrote ${schemasDir}: ${Object.values(schemas).flatMap(Object.keys).length} CRD versions`);
console.log(
  `wrote ${out}: ${Object.values(projects).flat().length} CRDs from ${Object.keys(projects).length} projects`,
);
