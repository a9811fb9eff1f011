import type { LintReport } from "./text.ts";
import { countBySeverity } from "./text.ts";

/**
 * Stable machine-readable output: findings (each with its `cluster` in a repository with several), counts by
 * severity and the inventory; with several clusters, each one's counts and inventory too.
 */
export function formatJson(result: LintReport): string {
  return `${JSON.stringify(
    {
      findings: result.findings,
      summary: countBySeverity(result.findings),
      inventory: result.inventory,
      ...(result.clusters && result.clusters.length > 1
        ? {
            clusters: result.clusters.map((c) => ({
              name: c.name,
              from: c.from,
              summary: countBySeverity(result.findings.filter((f) => f.cluster === c.name)),
              inventory: c.result.inventory,
            })),
          }
        : {}),
    },
    null,
    2,
  )}\n`;
}
