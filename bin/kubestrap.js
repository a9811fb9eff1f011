#!/usr/bin/env node
// An installed package runs the JavaScript of dist/; a development checkout (it has src/) runs the TypeScript
// sources directly, which Node.js 22.18+ strips natively, so a change never needs a build to be tried.
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
if (checkout) {
  // Node caches the compiled (type-stripped) sources beside the checkout, like any tool's build output:
  // start-up drops from ~0.24 s to ~0.12 s. It is not user data, so the chart caches stay separate from it.
  const { enableCompileCache } = await import("node:module");
  enableCompileCache?.(new URL("../node_modules/.cache/kubestrap-compile", import.meta.url).pathname);
}
// A reader that stops early (`kubestrap crds | head`) closed the pipe: what was wanted has been written.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});
const { main } = await import(checkout ? "../src/cli/main.ts" : "../dist/cli/main.js");
process.exitCode = await main(process.argv.slice(2));
