// Lints one repository in a fresh process and prints time and peak memory as JSON.
//   node bench/lint-once.ts REPO [--cluster NAME] [--fleet]   (--fleet: every cluster and the fleet rules)
import { lintFleet } from "../src/analysis/fleet.ts";
import { lint } from "../src/analysis/lint.ts";

const [repo = ".", ...flags] = process.argv.slice(2);
const cluster = flags.includes("--cluster") ? flags[flags.indexOf("--cluster") + 1] : undefined;
const start = performance.now();
const result = flags.includes("--fleet")
  ? await lintFleet({ repo })
  : lint({ repo, ...(cluster ? { cluster } : {}) });
const ms = performance.now() - start;
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ ms, maxRssMiB, findings: result.findings.length, inventory: result.inventory }));
