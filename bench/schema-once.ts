/**
 * One schema validation run for bench/schema.ts, in a process of its own (as kubeconform runs in its own):
 * reads a multi-document YAML file, validates every object against its bundled schema, prints the count of
 * objects that are not valid.
 */
import { readFileSync } from "node:fs";
import { chooseKubeVersion, SchemaIndex } from "../src/analysis/schema/sources.ts";
import { validateObject } from "../src/analysis/schema/validate.ts";
import { loadAllManifests } from "../src/load/yaml.ts";

const index = new SchemaIndex(chooseKubeVersion().minor, []);
let notValid = 0;
for (const doc of loadAllManifests(readFileSync(process.argv[2] as string, "utf8")) ?? []) {
  const o = doc as Record<string, unknown> & { apiVersion: string; kind: string };
  const s = index.lookup(o);
  if (!s || validateObject(o, s.schema, s.options).length > 0) notValid++;
}
process.stdout.write(`${JSON.stringify({ notValid })}\n`);
