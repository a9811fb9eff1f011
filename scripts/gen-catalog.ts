/**
 * Generates src/model/catalog/crds.generated.json from the real CRD manifests in
 * ../shared/fixtures/crds (or the directory given as the first argument): per project, every CRD's
 * name, group, kind, plural, scope, served versions and storage version.
 *
 *   node scripts/gen-catalog.ts [CRD_DIR]
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import type { CatalogCrd } from "../src/model/catalog/charts.ts";

const here = new URL(".", import.meta.url).pathname;
const crdDir = resolve(process.argv[2] ?? join(here, "../../shared/fixtures/crds"));
const out = join(here, "../src/model/catalog/crds.generated.json");

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
      const versions = (crd.spec.versions ?? []) as { name: string; served: boolean; storage: boolean }[];
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
console.log(
  `wrote ${out}: ${Object.values(projects).flat().length} CRDs from ${Object.keys(projects).length} projects`,
);
