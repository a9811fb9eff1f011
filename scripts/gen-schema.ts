/** `npm run gen:schema`: writes the JSON Schema of kubestrap.yaml (schema/kubestrap.schema.json) from its zod schema. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { configJsonSchema } from "../src/model/config.ts";

const out = join(import.meta.dirname, "../schema/kubestrap.schema.json");
writeFileSync(out, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`wrote ${out}`);
