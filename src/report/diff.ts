/**
 * `kubestrap diff` output: a unified diff of what a change does to each cluster (per Flux Kustomization and
 * HelmRelease), Markdown fit for a pull-request comment (one collapsed section each), or JSON.
 */
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";
import pc from "picocolors";
import { stringify } from "yaml";
import type { ObjectChange, ReleaseState, UnitChange } from "../analysis/changes.ts";
import type { ClusterDiff, RepositoryDiff } from "../app/diff.ts";

/** GitHub refuses a comment longer than this. */
export const COMMENT_LIMIT = 65_536;

function baselineName(d: RepositoryDiff): string {
  return d.commit ? `${d.baseline} (${d.commit.slice(0, 12)})` : d.baseline;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function yaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}

function objectName(o: ObjectChange): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`;
}

/** One object's change as a unified diff; the object's file and name head it. */
function objectPatch(o: ObjectChange): string {
  const file = o.location.file;
  const name = objectName(o);
  return createTwoFilesPatch(
    o.before ? `a/${file}` : "/dev/null",
    o.after ? `b/${file}` : "/dev/null",
    o.before ? yaml(o.before) : "",
    o.after ? yaml(o.after) : "",
    o.before ? name : undefined,
    o.after ? name : undefined,
    { headerOptions: FILE_HEADERS_ONLY },
  );
}

function valuesText(s: ReleaseState | undefined): string {
  if (!s) return "";
  return Object.keys(s.values).length > 0 ? yaml(s.values) : "";
}

/** A HelmRelease's change: its chart line, then its values as a unified diff. */
function releasePatch(u: UnitChange): string {
  const lines: string[] = [];
  const before = u.before?.chart;
  const after = u.after?.chart;
  if (before !== after) lines.push(`chart: ${before ?? "(none)"} → ${after ?? "(removed)"}`);
  else if (after) lines.push(`chart: ${after} (unchanged)`);
  const hidden = [...new Set([...(u.before?.hiddenValues ?? []), ...(u.after?.hiddenValues ?? [])])];
  if (hidden.length > 0) lines.push(`values from ${hidden.join(", ")} are not shown`);
  const a = valuesText(u.before);
  const b = valuesText(u.after);
  if (a !== b) {
    const name = `HelmRelease ${u.id} values`;
    lines.push(
      createTwoFilesPatch(
        u.before ? `a/${u.location.file}` : "/dev/null",
        u.after ? `b/${u.location.file}` : "/dev/null",
        a,
        b,
        u.before ? name : undefined,
        u.after ? name : undefined,
        { headerOptions: FILE_HEADERS_ONLY },
      ).trimEnd(),
    );
  }
  return `${lines.join("\n")}\n`;
}

function unitPatch(u: UnitChange): string {
  const objects = u.objects.map(objectPatch).join("");
  return u.unit === "HelmRelease" ? releasePatch(u) + objects : objects;
}

/** `2 added, 1 changed` of a unit's objects; empty when there are none. */
function objectCounts(u: UnitChange): string {
  const n = { added: 0, changed: 0, removed: 0 };
  for (const o of u.objects) n[o.change]++;
  return (["added", "changed", "removed"] as const)
    .filter((k) => n[k] > 0)
    .map((k) => `${n[k]} ${k}`)
    .join(", ");
}

function unitSummary(u: UnitChange): string {
  const counts = objectCounts(u);
  if (u.unit === "HelmRelease") {
    const rendered = counts ? `; rendered objects ${counts}` : "";
    if (u.change !== "changed") return `${u.change}${rendered}`;
    const parts = [
      u.before?.chart !== u.after?.chart ? "chart" : "",
      valuesText(u.before) !== valuesText(u.after) ? "values" : "",
    ].filter(Boolean);
    if (parts.length === 0 && counts) return `rendered objects ${counts}`;
    return `${parts.join(" and ") || "nothing shown"} changed${rendered}`;
  }
  const what = counts || "no object";
  return u.change === "changed" ? what : `${u.change}, ${what}`;
}

function renderFailureLines(c: ClusterDiff, several: boolean): string[] {
  return (c.renderFailures ?? []).map(
    (f) => `${several ? `${c.name}: ` : ""}not rendered, its objects not compared: ${f}`,
  );
}

function heading(u: UnitChange, cluster: ClusterDiff, several: boolean): string {
  return `${several ? `${cluster.name}: ` : ""}${u.unit} ${u.id}`;
}

export interface DiffTotals {
  kustomizations: number;
  helmReleases: number;
  objects: { added: number; changed: number; removed: number };
}

export function totals(d: RepositoryDiff): DiffTotals {
  const t: DiffTotals = { kustomizations: 0, helmReleases: 0, objects: { added: 0, changed: 0, removed: 0 } };
  for (const c of d.clusters)
    for (const u of c.changes) {
      if (u.unit === "HelmRelease") t.helmReleases++;
      else t.kustomizations++;
      for (const o of u.objects) t.objects[o.change]++;
    }
  return t;
}

/** The last line: what changed, in numbers. */
export function summaryLine(d: RepositoryDiff): string {
  const t = totals(d);
  if (t.kustomizations + t.helmReleases === 0) return `no change to the cluster against ${baselineName(d)}`;
  const o = t.objects;
  return `against ${baselineName(d)}: ${plural(t.kustomizations, "Kustomization")} and ${plural(t.helmReleases, "HelmRelease")} changed; objects ${o.added} added, ${o.changed} changed, ${o.removed} removed`;
}

function unreadableLine(c: ClusterDiff, d: RepositoryDiff, several: boolean): string {
  return `${several ? `${c.name}: ` : ""}baseline ${d.baseline} could not be read (${c.unreadable}): everything counts as added`;
}

function colorPatch(text: string, c: ReturnType<typeof pc.createColors>): string {
  return text
    .split("\n")
    .map((l) =>
      l.startsWith("+++") || l.startsWith("---")
        ? c.bold(l)
        : l.startsWith("+")
          ? c.green(l)
          : l.startsWith("-")
            ? c.red(l)
            : l.startsWith("@@")
              ? c.cyan(l)
              : l,
    )
    .join("\n");
}

export function formatDiffText(d: RepositoryDiff, options: { color: boolean }): string {
  const c = pc.createColors(options.color);
  const out: string[] = [];
  for (const cluster of d.clusters) {
    if (cluster.unreadable !== undefined) out.push(c.yellow(unreadableLine(cluster, d, d.several)));
    for (const line of renderFailureLines(cluster, d.several)) out.push(c.yellow(line));
    for (const u of cluster.changes) {
      out.push(c.bold(`${heading(u, cluster, d.several)}: ${unitSummary(u)}`));
      out.push(colorPatch(unitPatch(u), c).trimEnd());
    }
  }
  out.push(summaryLine(d));
  return `${out.join("\n")}\n`;
}

/** A fence longer than any run of backticks in the text, so the text cannot close it. */
function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return "`".repeat(longest + 1);
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Markdown for a pull-request comment: a summary line, then one collapsed section per Kustomization and
 * HelmRelease with its diff. Past `limit` characters the remaining sections keep their summary and lose their
 * diff, and a last line says so.
 */
export function formatDiffMarkdown(d: RepositoryDiff, limit = COMMENT_LIMIT): string {
  const head = [`### kubestrap diff against \`${baselineName(d)}\``, "", summaryLine(d), ""];
  for (const cluster of d.clusters) {
    if (cluster.unreadable !== undefined)
      head.push(`> ${escapeHtml(unreadableLine(cluster, d, d.several))}`, "");
    for (const line of renderFailureLines(cluster, d.several)) head.push(`> ${escapeHtml(line)}`, "");
  }
  let text = head.join("\n");
  const footer = "\n_Some diffs were left out to fit a comment: run `kubestrap diff` to see them all._\n";
  let omitted = false;
  for (const cluster of d.clusters)
    for (const u of cluster.changes) {
      const summary = `<summary><b>${escapeHtml(heading(u, cluster, d.several))}</b>: ${escapeHtml(unitSummary(u))}</summary>`;
      const patch = unitPatch(u).trimEnd();
      const f = fence(patch);
      const full = `<details>${summary}\n\n${f}diff\n${patch}\n${f}\n\n</details>\n`;
      const short = `<details>${summary}\n\n(diff left out)\n\n</details>\n`;
      if (!omitted && text.length + full.length + footer.length <= limit) text += full;
      else {
        omitted = true;
        text += short;
      }
    }
  return omitted ? text + footer : text;
}

export function formatDiffJson(d: RepositoryDiff): string {
  return `${JSON.stringify({ ...d, summary: totals(d) }, null, 2)}\n`;
}
