#!/usr/bin/env node
// kubestrap runs its TypeScript sources directly: Node.js 22.18+ strips types natively.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `kubestrap needs Node.js 22.18 or newer (this is ${process.versions.node}); run it with npx from the project, which provides Node.js 24\n`,
  );
  process.exit(2);
}
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
