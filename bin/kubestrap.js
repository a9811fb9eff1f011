#!/usr/bin/env node
// An installed package runs the bundled JavaScript of dist/ (npm run build); a development checkout (it has src/)
// runs the TypeScript sources directly, which Node.js 22.18+ strips natively, so a change never needs a build.
import { existsSync } from "node:fs";

const checkout = existsSync(new URL("../src/cli/main.ts", import.meta.url));
const [major, minor] = process.versions.node.split(".").map(Number);
const [needMajor, needMinor] = checkout ? [22, 18] : [22, 12];
if (major < needMajor || (major === needMajor && minor < needMinor)) {
  process.stderr.write(
    checkout
      ? `kubestrap needs Node.js 22.18 or newer to run from its sources (this is ${process.versions.node}); run it with npx from the project, which provides Node.js 24\n`
      : `kubestrap needs Node.js 22.12 or newer (this is ${process.versions.node})\n`,
  );
  process.exit(2);
}
// Node caches the compiled code (and, in a checkout, the type-stripped sources): start-up from the sources drops
// from ~0.24 s to ~0.12 s. A checkout keeps it beside itself, like any tool's build output; an installed package
// in kubestrap's cache folder (the chart caches' parent), never in the temporary directory.
const { enableCompileCache } = await import("node:module");
const { homedir } = await import("node:os");
const compileCache = checkout
  ? new URL("../node_modules/.cache/kubestrap-compile", import.meta.url).pathname
  : `${process.env.KUBESTRAP_CACHE_DIR || `${process.env.XDG_CACHE_HOME || `${homedir()}/.cache`}/kubestrap`}/compile`;
enableCompileCache?.(compileCache);
// A reader that stops early (`kubestrap crds | head`) closed the pipe: what was wanted has been written.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});
const { main } = await import(checkout ? "../src/cli/main.ts" : "../dist/cli.js");
process.exitCode = await main(process.argv.slice(2));
