/** `npm run gen:schema`: writes the JSON Schema of kubestrap.yaml (schema/kubestrap.schema.json) from its zod schema. */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { configJsonSchema } from "../src/model/config.ts";

const out = join(import.meta.dirname, "../schema/kubestrap.schema.json");
writeFileSync(out, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
// In the project's format, so that `biome check` (part of npm test) accepts the generated file as it is.
execFileSync(join(import.meta.dirname, "../node_modules/.bin/biome"), ["format", "--write", out], {
  stdio: "ignore",
});
console.log(`wrote ${out}`);
