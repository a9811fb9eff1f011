/**
 * `npm run build` (and `prepack`): dist/, what the published package runs (Node.js refuses to strip types inside
 * node_modules):
 *
 * - the JavaScript, bundled by esbuild: `dist/cli.js` (the CLI) and `dist/index.js` (the library), with the
 *   modules every command shares in chunks beside them and what only some commands load (the cluster client,
 *   the reporters) in chunks of their own. A CLI pays for each module it loads on every start: lint loads
 *   about 400 from the sources (CEL and protobuf alone 127), a handful bundled. Every file sits in dist/ itself,
 *   one folder below the root as src/package-root.ts is, so the paths to package.json and data/ hold in both.
 * - the type declarations, by tsc, in dist/ as the sources are laid out. tsc rewrites no import path in
 *   declarations, so their relative `.ts` imports are rewritten here, for every TypeScript setup.
 *
 *   node scripts/build.ts [--out DIR]   (DIR instead of dist/: the test of the built package builds there)
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const root = join(import.meta.dirname, "..");
const outFlag = process.argv.indexOf("--out");
const dist = outFlag > 0 ? resolve(process.argv[outFlag + 1] ?? "") : join(root, "dist");
rmSync(dist, { recursive: true, force: true });

const bundled = await build({
  absWorkingDir: root,
  entryPoints: { cli: "src/cli/main.ts", index: "src/index.ts" },
  outdir: dist,
  chunkNames: "chunk-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22.12",
  // Bundled CommonJS (commander, js-yaml's neighbours) calls require: give the chunks one.
  banner: {
    js: 'import { createRequire as __kubestrapCreateRequire } from "node:module"; const require = __kubestrapCreateRequire(import.meta.url);',
  },
  // The Kubernetes client is large and only the cluster commands load it: it stays a dependency.
  external: ["@kubernetes/client-node"],
  metafile: true,
  logLevel: "warning",
});
const outputs = Object.entries(bundled.metafile.outputs);

execFileSync(
  process.execPath,
  [
    join(root, "node_modules/typescript/bin/tsc"),
    "-p",
    "tsconfig.build.json",
    "--emitDeclarationOnly",
    "--outDir",
    dist,
  ],
  { cwd: root, stdio: "inherit" },
);
let declarations = 0;
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith(".d.ts")) continue;
  const file = join(entry.parentPath, entry.name);
  const text = readFileSync(file, "utf8");
  const rewritten = text.replace(/((?:from|import)\s*\(?\s*["'])(\.{1,2}\/[^"']+)\.ts(["'])/g, "$1$2.js$3");
  if (rewritten !== text) writeFileSync(file, rewritten);
  declarations++;
}
const bytes = outputs.reduce((n, [, o]) => n + o.bytes, 0);
console.log(
  `built ${dist}: ${outputs.length} bundled files (${(bytes / 1e6).toFixed(1)} MB), ${declarations} declaration files`,
);
