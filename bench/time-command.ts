/**
 * Times one command from a small process (forking the large benchmark process would add tens of
 * milliseconds to every measurement): `node bench/time-command.ts <out-file> <command> [args...]`. The command's
 * stdout goes to <out-file>; prints the wall time in seconds.
 */
import { spawnSync } from "node:child_process";
import { closeSync, openSync } from "node:fs";

const [outFile, command, ...args] = process.argv.slice(2);
if (!outFile || !command) {
  console.error("usage: node bench/time-command.ts <out-file> <command> [args...]");
  process.exit(2);
}
const fd = openSync(outFile, "w");
const started = performance.now();
const result = spawnSync(command, args, { stdio: ["ignore", fd, "pipe"], encoding: "utf8" });
const seconds = (performance.now() - started) / 1000;
closeSync(fd);
if (result.status !== 0) {
  process.stderr.write(result.stderr);
  process.exit(result.status ?? 1);
}
process.stdout.write(`${seconds}\n`);
