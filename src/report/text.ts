import pc from "picocolors";
import type { LintResult } from "../analysis/lint.ts";
import type { Finding, Severity } from "../findings.ts";
import { inventoryLine } from "./inventory.ts";

export interface TextOptions {
  color: boolean;
}

/** Findings grouped by file, ESLint-style, then a summary and the inventory line. */
export function formatText(result: LintResult, options: TextOptions): string {
  const c = pc.createColors(options.color);
  const sev: Record<Severity, (s: string) => string> = { error: c.red, warning: c.yellow, info: c.blue };
  const lines: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const f of result.findings) {
    const file = f.location?.file ?? "(repository)";
    byFile.set(file, [...(byFile.get(file) ?? []), f]);
  }
  for (const [file, findings] of byFile) {
    lines.push(c.underline(file));
    for (const f of findings) {
      const where = f.location ? `${f.location.line}`.padStart(5) : "     ";
      lines.push(
        `${c.dim(where)}  ${sev[f.severity](f.severity.padEnd(7))} ${f.object ? `${c.bold(f.object)}: ` : ""}${f.message}  ${c.dim(f.ruleId)}`,
      );
      if (f.fix) lines.push(`${" ".repeat(15)}${c.green("fix:")} ${f.fix}`);
      for (const r of f.related?.slice(0, 3) ?? [])
        lines.push(`${" ".repeat(15)}${c.dim(`${r.file}:${r.line} ${r.message}`)}`);
      if ((f.related?.length ?? 0) > 3)
        lines.push(`${" ".repeat(15)}${c.dim(`… and ${(f.related?.length ?? 0) - 3} more`)}`);
    }
    lines.push("");
  }
  const counts = countBySeverity(result.findings);
  const summary = `${counts.error} error${counts.error === 1 ? "" : "s"}, ${counts.warning} warning${counts.warning === 1 ? "" : "s"}, ${counts.info} info`;
  lines.push(
    counts.error > 0
      ? c.red(c.bold(`✖ ${summary}`))
      : counts.warning > 0
        ? c.yellow(`⚠ ${summary}`)
        : c.green(`✔ ${summary}`),
  );
  lines.push(inventoryLine(result.inventory));
  return `${lines.join("\n")}\n`;
}

export function countBySeverity(findings: Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}
