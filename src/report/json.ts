import type { LintResult } from "../analysis/lint.ts";
import { countBySeverity } from "./text.ts";

/** Stable machine-readable output: findings, counts by severity and the inventory. */
export function formatJson(result: LintResult): string {
  return `${JSON.stringify(
    {
      findings: result.findings,
      summary: countBySeverity(result.findings),
      inventory: result.inventory,
    },
    null,
    2,
  )}\n`;
}
