// Lints one repository in a fresh process and prints time and peak memory as JSON.
import { lint } from "../src/analysis/lint.ts";

const start = performance.now();
const result = lint({ repo: process.argv[2] ?? "." });
const ms = performance.now() - start;
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ ms, maxRssMiB, findings: result.findings.length, inventory: result.inventory }));
