#!/usr/bin/env node
// kubestrap runs its TypeScript sources directly: Node.js 22.18+ strips types natively.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `kubestrap needs Node.js 22.18 or newer (this is ${process.versions.node}); run it with npx from the project, which provides Node.js 24\n`,
  );
  process.exit(2);
}
// Node caches the compiled (type-stripped) sources beside the installation, like any tool's build output:
// start-up drops from ~0.24 s to ~0.12 s. It is not user data, so the chart caches stay separate from it.
const { enableCompileCache } = await import("node:module");
enableCompileCache?.(new URL("../node_modules/.cache/kubestrap-compile", import.meta.url).pathname);
// A reader that stops early (`kubestrap crds | head`) closed the pipe: what was wanted has been written.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
