import pc from "picocolors";
import type { Inventory } from "../analysis/lint.ts";
import type { Finding, Severity } from "../findings.ts";
import { inventoryLine } from "./inventory.ts";

/** What the reporters print: the findings, and the inventory of each cluster analysed. */
export interface LintReport {
  findings: Finding[];
  /** The (first) cluster's inventory. */
  inventory: Inventory;
  /** Every cluster analysed, in a repository with several. */
  clusters?: { name: string; from: string; result: { inventory: Inventory } }[];
}

export interface TextOptions {
  color: boolean;
}

/**
 * Findings grouped by file, ESLint-style, then a summary and the inventory. Findings with one cause (the same rule,
 * fix and related file: forty custom resources of one Kustomization missing one dependsOn) are printed once, at the
 * first of them, with a count and their other locations; json and SARIF keep one result per location. In a
 * repository with several clusters, the findings every cluster shares come first, then each cluster's own, and
 * the summary ends with each cluster's counts and inventory.
 */
export function formatText(result: LintReport, options: TextOptions): string {
  const c = pc.createColors(options.color);
  const lines: string[] = [];
  const clusters = result.clusters ?? [];
  const fleet = clusters.length > 1 || result.findings.some((f) => f.cluster !== undefined);
  let groupCount = 0;
  const section = (findings: Finding[]) => {
    const groups = groupByCause(findings);
    groupCount += groups.length;
    lines.push(...fileBlocks(groups, c));
  };
  if (!fleet) section(result.findings);
  else {
    const shared = result.findings.filter((f) => f.cluster === undefined);
    if (shared.length > 0) {
      lines.push(c.bold(`── every cluster ${"─".repeat(40)}`), "");
      section(shared);
    }
    const names = [
      ...new Set([...clusters.map((k) => k.name), ...result.findings.flatMap((f) => f.cluster ?? [])]),
    ];
    for (const name of names) {
      const own = result.findings.filter((f) => f.cluster === name);
      if (own.length === 0) continue;
      lines.push(c.bold(`── cluster ${name} ${"─".repeat(Math.max(4, 46 - name.length))}`), "");
      section(own);
    }
  }
  const counts = countBySeverity(result.findings);
  const causes = groupCount < result.findings.length ? ` (${groupCount} causes)` : "";
  const summary = `${countsText(counts)}${causes}`;
  lines.push(
    counts.error > 0
      ? c.red(c.bold(`✖ ${summary}`))
      : counts.warning > 0
        ? c.yellow(`⚠ ${summary}`)
        : c.green(`✔ ${summary}`),
  );
  if (clusters.length > 1)
    for (const k of clusters) {
      const own = countBySeverity(result.findings.filter((f) => f.cluster === k.name));
      lines.push(
        `${c.bold(`cluster ${k.name}`)} (${k.from}): ${countsText(own)} of its own`,
        ...inventoryLine(k.result.inventory)
          .split("\n")
          .map((l) => `  ${l}`),
      );
    }
  else lines.push(inventoryLine(result.inventory));
  return `${lines.join("\n")}\n`;
}

/** Findings grouped by file, one line per cause, with its fix and related places. */
function fileBlocks(groups: Finding[][], c: ReturnType<typeof pc.createColors>): string[] {
  const sev: Record<Severity, (s: string) => string> = { error: c.red, warning: c.yellow, info: c.blue };
  const lines: string[] = [];
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
        lines.push(
          `${indent}${c.dim(`${r.cluster ? `[${r.cluster}] ` : ""}${r.file}:${r.line} ${r.message}`)}`,
        );
      if ((f.related?.length ?? 0) > 3)
        lines.push(`${indent}${c.dim(`… and ${(f.related?.length ?? 0) - 3} more`)}`);
    }
    lines.push("");
  }
  return lines;
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

function countsText(counts: Record<Severity, number>): string {
  return `${counts.error} error${counts.error === 1 ? "" : "s"}, ${counts.warning} warning${counts.warning === 1 ? "" : "s"}, ${counts.info} info`;
}

export function countBySeverity(findings: Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}
