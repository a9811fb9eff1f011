/**
 * `npm run build` (and `prepack`): compiles src/ to JavaScript with type declarations in dist/, which is what the
 * published package runs: Node.js refuses to strip types inside node_modules. tsc rewrites the relative `.ts`
 * imports of the JavaScript; the declarations keep them, so they are rewritten here, for every TypeScript setup.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const dist = join(root, "dist");
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
  cwd: root,
  stdio: "inherit",
});

let declarations = 0;
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith(".d.ts")) continue;
  const file = join(entry.parentPath, entry.name);
  const text = readFileSync(file, "utf8");
  const rewritten = text.replace(/((?:from|import)\s*\(?\s*["'])(\.{1,2}\/[^"']+)\.ts(["'])/g, "$1$2.js$3");
  if (rewritten !== text) writeFileSync(file, rewritten);
  declarations++;
}
console.log(`built ${dist} (${declarations} declaration files)`);
