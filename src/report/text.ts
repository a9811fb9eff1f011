import pc from "picocolors";
import type { LintResult } from "../analysis/lint.ts";
import type { Finding, Severity } from "../findings.ts";
import { inventoryLine } from "./inventory.ts";

export interface TextOptions {
  color: boolean;
}

/**
 * Findings grouped by file, ESLint-style, then a summary and the inventory. Findings with one cause (the same rule,
 * fix and related file: forty custom resources of one Kustomization missing one dependsOn) are printed once, at the
 * first of them, with a count and their other locations; json and SARIF keep one result per location.
 */
export function formatText(result: LintResult, options: TextOptions): string {
  const c = pc.createColors(options.color);
  const sev: Record<Severity, (s: string) => string> = { error: c.red, warning: c.yellow, info: c.blue };
  const lines: string[] = [];
  const groups = groupByCause(result.findings);
  const byFile = new Map<string, Finding[][]>();
  for (const group of groups) {
    const file = group[0]?.location?.file ?? "(repository)";
    byFile.set(file, [...(byFile.get(file) ?? []), group]);
  }
  const indent = " ".repeat(15);
  for (const [file, fileGroups] of byFile) {
    lines.push(c.underline(file));
    for (const group of fileGroups) {
      const f = group[0] as Finding;
      const where = f.location ? `${f.location.line}`.padStart(5) : "     ";
      lines.push(
        `${c.dim(where)}  ${sev[f.severity](f.severity.padEnd(7))} ${f.object ? `${c.bold(f.object)}: ` : ""}${f.message}  ${c.dim(f.ruleId)}`,
      );
      if (group.length > 1) {
        const others = group.slice(1);
        const shown = others
          .slice(0, 3)
          .map((o) =>
            `${o.object ? `${o.object} ` : ""}${o.location ? `${o.location.file}:${o.location.line}` : ""}`.trim(),
          );
        lines.push(
          `${indent}${c.bold(`${group.length} findings with this cause`)}, also: ${shown.join(", ")}${others.length > 3 ? `, … and ${others.length - 3} more` : ""}`,
        );
      }
      if (f.fix) lines.push(`${indent}${c.green("fix:")} ${f.fix}`);
      for (const r of f.related?.slice(0, 3) ?? [])
        lines.push(`${indent}${c.dim(`${r.file}:${r.line} ${r.message}`)}`);
      if ((f.related?.length ?? 0) > 3)
        lines.push(`${indent}${c.dim(`… and ${(f.related?.length ?? 0) - 3} more`)}`);
    }
    lines.push("");
  }
  const counts = countBySeverity(result.findings);
  const causes = groups.length < result.findings.length ? ` (${groups.length} causes)` : "";
  const summary = `${counts.error} error${counts.error === 1 ? "" : "s"}, ${counts.warning} warning${counts.warning === 1 ? "" : "s"}, ${counts.info} info${causes}`;
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

/** Findings in their order, those with the same rule, severity, fix and related file gathered behind the first. */
export function groupByCause(findings: Finding[]): Finding[][] {
  const groups: Finding[][] = [];
  const byCause = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!f.fix) {
      groups.push([f]);
      continue;
    }
    // The same fix for the same related object (the provider, the other definition) is one cause.
    const key = `${f.ruleId}\0${f.severity}\0${f.fix}\0${f.related?.[0]?.file ?? ""}`;
    const group = byCause.get(key);
    if (group) group.push(f);
    else {
      const created = [f];
      byCause.set(key, created);
      groups.push(created);
    }
  }
  return groups;
}

export function countBySeverity(findings: Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}
