/**
 * `lint --baseline REV` output: the findings the change introduces, as plain lint prints findings, then those it
 * fixes and a line comparing the two revisions.
 */
import pc from "picocolors";
import type { FindingsChange } from "../analysis/baseline.ts";
import type { Finding } from "../findings.ts";
import { formatGithub } from "./github.ts";
import { countBySeverity, formatText, type LintReport, type TextOptions } from "./text.ts";

export interface BaselineReport extends LintReport {
  comparison: FindingsChange & { baseline: string; commit?: string; unreadable?: string };
}

/** `origin/main (3f2a9c1)`, or the folder as given. */
function baselineName(c: BaselineReport["comparison"]): string {
  return c.commit ? `${c.baseline} (${c.commit.slice(0, 12)})` : c.baseline;
}

function severities(findings: Finding[]): string {
  const n = countBySeverity(findings);
  const parts = [
    n.error ? `${n.error} error${n.error === 1 ? "" : "s"}` : "",
    n.warning ? `${n.warning} warning${n.warning === 1 ? "" : "s"}` : "",
    n.info ? `${n.info} info` : "",
  ].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

/** The one line that says what the change did to the findings. */
export function comparisonLine(c: BaselineReport["comparison"]): string {
  return `against ${baselineName(c)}: ${c.introduced.length} new${severities(c.introduced)}, ${c.fixed.length} fixed${severities(c.fixed)}, ${c.unchanged.length} unchanged`;
}

function where(f: Finding): string {
  return f.location ? `${f.location.file}:${f.location.line}` : "(repository)";
}

export function formatBaselineText(result: BaselineReport, options: TextOptions): string {
  const c = pc.createColors(options.color);
  const cmp = result.comparison;
  const lines: string[] = [];
  if (cmp.unreadable)
    lines.push(
      c.yellow(`baseline ${cmp.baseline} could not be linted (${cmp.unreadable}): every finding is new`),
      "",
    );
  lines.push(c.bold(`New findings against ${baselineName(cmp)}:`), "");
  lines.push(formatText({ ...result, findings: cmp.introduced }, options).trimEnd());
  if (cmp.fixed.length > 0) {
    lines.push("", c.bold(`Fixed by this change (${cmp.fixed.length}):`));
    for (const f of cmp.fixed)
      lines.push(
        `  ${c.green("✔")} ${f.cluster ? `[${f.cluster}] ` : ""}${where(f)}  ${f.object ? `${f.object}: ` : ""}${f.message}  ${c.dim(f.ruleId)}`,
      );
  }
  lines.push("", comparisonLine(cmp));
  return `${lines.join("\n")}\n`;
}

/** Findings as `formatJson` gives them (the new ones), with the fixed and unchanged ones beside. */
export function formatBaselineJson(result: BaselineReport): string {
  const cmp = result.comparison;
  return `${JSON.stringify(
    {
      baseline: {
        revision: cmp.baseline,
        ...(cmp.commit ? { commit: cmp.commit } : {}),
        ...(cmp.unreadable ? { unreadable: cmp.unreadable } : {}),
      },
      findings: cmp.introduced,
      fixed: cmp.fixed,
      unchanged: cmp.unchanged,
      summary: {
        new: countBySeverity(cmp.introduced),
        fixed: countBySeverity(cmp.fixed),
        unchanged: countBySeverity(cmp.unchanged),
      },
      inventory: result.inventory,
    },
    null,
    2,
  )}\n`;
}

/** Annotations for the new findings only, then the comparison as a notice. */
export function formatBaselineGithub(result: BaselineReport): string {
  const annotations = formatGithub({ ...result, findings: result.comparison.introduced });
  return `${annotations}::notice title=kubestrap::${comparisonLine(result.comparison)}\n`;
}
