/**
 * `npm run test:mutation`: StrykerJS over the core, one part at a time, then the score per folder.
 *
 * Each entry of stryker.config.json's `mutate` is a part. Its results are Stryker's incremental file, a
 * mutation-testing-elements report committed as mutation/parts/<part>.json: the baseline. A run retests only what
 * changed since then, and a part whose files and test files are all as its baseline recorded them is not started
 * at all (Stryker would reuse every result, after a dry run of the whole unit suite). After the runs,
 * mutation/report.json is written anew: every part's files in one report, the scores per file of the whole scope.
 *
 *   npm run test:mutation                      the parts that changed since their baseline, then the summary
 *   npm run test:mutation -- analysis report   the parts named so (a word that names no part selects
 *                                              every part whose name contains it: model, charts)
 *   npm run test:mutation -- --full model      every mutant of the parts selected, whatever the baseline holds
 *   npm run test:mutation -- --summary         only the summary of the baseline
 *   npm run test:mutation -- -- --timeoutMS 8000   options after a second -- go to Stryker
 */
import { spawnSync } from "node:child_process";
import { existsSync, globSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { removeOrphanRunFolders } from "../test/temp-root.ts";
import mutationVitestConfig from "../vitest.mutation.config.ts";

const USAGE = `usage: npm run test:mutation -- [--full] [--summary] [PART...] [-- STRYKER-OPTION...]

  (no part)        the parts that changed since their baseline, then the summary
  PART...          the parts named so; a word that names no part selects every part containing it
  --full           every mutant of the parts selected, whatever the baseline holds
  --summary        only the summary of the baseline (scores per folder, least detected files)
  -- OPTION...     options for Stryker, for example -- --timeoutMS 8000`;

/** Committed: each part's incremental file, and the report of the whole scope merged from them. */
const BASELINE_DIR = "mutation/parts";
const REPORT_FILE = "mutation/report.json";
/** Not committed: the configuration Stryker is given for a part, and its HTML report. */
const WORK_DIR = ".stryker/parts";

interface StrykerConfig {
  $schema?: string;
  mutate: string[];
  [option: string]: unknown;
}

interface Part {
  name: string;
  glob: string;
}

/**
 * `src/analysis/**\/*.ts` → `analysis`, `src/charts/oci.ts` → `charts-oci`, and a set of files
 * `src/model/{flux,entry}.ts` → `model-flux-entry`.
 */
export function partName(glob: string): string {
  return glob
    .replace(/^src\//, "")
    .replace(/\/\*.*$/, "")
    .replace(/\.ts$/, "")
    .replace(/[{},]/g, (c) => (c === "," ? "-" : ""))
    .replaceAll("/", "-");
}

function partsOf(config: StrykerConfig): Part[] {
  return config.mutate.map((glob) => ({ name: partName(glob), glob }));
}

/** A word that names a part selects that part alone (`model`); any other selects every part containing it (`charts`). */
export function selectParts<P extends { name: string }>(parts: P[], words: string[]): P[] {
  if (words.length === 0) return parts;
  return parts.filter((p) =>
    words.some((w) => (parts.some((q) => q.name === w) ? p.name === w : p.name.includes(w))),
  );
}

/** A mutation-testing-elements report, as far as this script reads it (Stryker's incremental file is one). */
interface Report {
  schemaVersion: string;
  thresholds: { high: number; low: number };
  projectRoot?: string;
  files: Record<string, { language?: string; source: string; mutants: { status: Status }[] }>;
  testFiles?: Record<string, { source?: string; tests: unknown[] }>;
  [field: string]: unknown;
}

function readReport(file: string): Report | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Report) : undefined;
}

export function baselineFile(part: { name: string }): string {
  return join(BASELINE_DIR, `${part.name}.json`);
}

/** The test files Stryker's vitest runner runs: vitest.mutation.config.ts's include less its exclude. */
function unitTestFiles(): string[] {
  const { include = [], exclude = [] } = mutationVitestConfig.test ?? {};
  return globSync(include, { exclude }).sort();
}

/**
 * Why a part must run, or undefined when its baseline holds every result Stryker would give: the same files
 * with the same source, and the same test files with the same source. Stryker itself looks no further (a
 * change to a file that is neither mutated nor a test, such as test/helpers.ts, retests nothing).
 */
export function staleReason(
  baseline:
    | { files: Record<string, { source?: string }>; testFiles?: Record<string, { source?: string }> }
    | undefined,
  sources: Map<string, string>,
  tests: Map<string, string>,
): string | undefined {
  if (baseline === undefined) return "no baseline";
  const differs = (recorded: Record<string, { source?: string }>, now: Map<string, string>) => {
    const changed = [...now].filter(([file, text]) => recorded[file]?.source !== text).map(([f]) => f);
    const gone = Object.keys(recorded).filter((file) => !now.has(file));
    return [...changed, ...gone].sort();
  };
  const files = differs(baseline.files, sources);
  if (files.length > 0) return `changed: ${files.slice(0, 3).join(", ")}${files.length > 3 ? ", ..." : ""}`;
  const testFiles = differs(baseline.testFiles ?? {}, tests);
  if (testFiles.length > 0)
    return `tests changed: ${testFiles.slice(0, 3).join(", ")}${testFiles.length > 3 ? ", ..." : ""}`;
  return undefined;
}

function contents(files: string[]): Map<string, string> {
  return new Map(files.map((file) => [file, readFileSync(file, "utf8")]));
}

function runPart(base: StrykerConfig, part: Part, strykerArgs: string[]): number {
  mkdirSync(WORK_DIR, { recursive: true });
  mkdirSync(BASELINE_DIR, { recursive: true });
  const { $schema: _schema, reporters, ...rest } = base;
  const config = {
    ...rest,
    mutate: [part.glob],
    // The incremental file is the part's JSON report already; the merged one is written after the runs.
    reporters: (reporters as string[]).filter((r) => r !== "json"),
    incrementalFile: baselineFile(part),
    htmlReporter: { fileName: join(WORK_DIR, `${part.name}.html`) },
  };
  const file = join(WORK_DIR, `${part.name}.config.json`);
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  console.log(`\n== ${part.name} (${part.glob})`);
  const started = Date.now();
  const run = spawnSync("stryker", ["run", file, ...strykerArgs], { stdio: "inherit" });
  // Stryker kills its workers rather than closing them: their run folders outlive them.
  const orphans = removeOrphanRunFolders();
  console.log(
    `== ${part.name}: exit ${run.status} after ${((Date.now() - started) / 60_000).toFixed(1)} min` +
      (orphans.length > 0 ? `; removed ${orphans.length} run folders of killed workers` : ""),
  );
  return run.status ?? 1;
}

/** Statuses as mutation-testing-report-schema names them. */
type Status = "Killed" | "Timeout" | "Survived" | "NoCoverage" | "Ignored" | "CompileError" | "RuntimeError";

interface Counts {
  detected: number;
  undetected: number;
  ignored: number;
  invalid: number;
}

function emptyCounts(): Counts {
  return { detected: 0, undetected: 0, ignored: 0, invalid: 0 };
}

function add(counts: Counts, status: Status): void {
  if (status === "Killed" || status === "Timeout") counts.detected++;
  else if (status === "Survived" || status === "NoCoverage") counts.undetected++;
  else if (status === "Ignored") counts.ignored++;
  else counts.invalid++;
}

/** Stryker's mutation score: detected / (detected + undetected); ignored and invalid mutants do not count. */
export function score(counts: Counts): number {
  const valid = counts.detected + counts.undetected;
  return valid === 0 ? 100 : (100 * counts.detected) / valid;
}

/** The folder a file's score is reported under: src/model/helmfile/state.ts → src/model. */
export function folderOf(file: string): string {
  const parts = file.split("/");
  return parts.length > 2 ? parts.slice(0, 2).join("/") : parts.slice(0, -1).join("/");
}

/** One report of the whole scope from the parts' reports: their files, without the tests each part ran. */
export function mergeReports(reports: Report[]): Report | undefined {
  const [first] = reports;
  if (first === undefined) return undefined;
  const files: Report["files"] = {};
  for (const report of reports) Object.assign(files, report.files);
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
  return { schemaVersion: first.schemaVersion, thresholds: first.thresholds, files: sorted };
}

function summary(parts: Part[]): void {
  const reports = parts.flatMap((part) => readReport(baselineFile(part)) ?? []);
  const merged = mergeReports(reports);
  if (merged === undefined) {
    console.log(`no baseline under ${BASELINE_DIR} yet: run npm run test:mutation first`);
    return;
  }
  writeFileSync(REPORT_FILE, `${JSON.stringify(merged)}\n`);
  const files = new Map<string, Counts>();
  for (const [file, { mutants }] of Object.entries(merged.files)) {
    const counts = emptyCounts();
    for (const m of mutants) add(counts, m.status);
    files.set(file, counts);
  }
  const folders = new Map<string, Counts>();
  const total = emptyCounts();
  for (const [file, counts] of files) {
    const folder = folderOf(file);
    const sum = folders.get(folder) ?? emptyCounts();
    for (const key of Object.keys(sum) as (keyof Counts)[]) {
      sum[key] += counts[key];
      total[key] += counts[key];
    }
    folders.set(folder, sum);
  }
  const row = (name: string, c: Counts) =>
    `${name.padEnd(16)} ${score(c).toFixed(1).padStart(6)} %  ${String(c.detected).padStart(6)} ${String(c.undetected).padStart(8)} ${String(c.ignored).padStart(8)}`;
  console.log(`\n${"folder".padEnd(16)} ${"score".padStart(8)}  detected undetected ignored`);
  for (const [folder, counts] of [...folders].sort()) console.log(row(folder, counts));
  console.log(row("all", total));
  const missing = parts.filter((part) => !existsSync(baselineFile(part))).map((p) => p.name);
  if (missing.length > 0)
    console.log(`parts with no baseline yet (not in the figures): ${missing.join(", ")}`);
  console.log("\nleast detected files:");
  for (const [file, c] of [...files].sort((a, b) => b[1].undetected - a[1].undetected).slice(0, 10))
    console.log(`  ${file.padEnd(48)} ${score(c).toFixed(1).padStart(5)} %  ${c.undetected} undetected`);
  console.log(`\nreport of the whole scope: ${REPORT_FILE}`);
}

const OPTIONS = ["--full", "--summary", "--help", "-h"];

function main(argv: string[]): number {
  const split = argv.indexOf("--");
  const ours = split < 0 ? argv : argv.slice(0, split);
  const strykerArgs = split < 0 ? [] : argv.slice(split + 1);
  if (ours.includes("--help") || ours.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  const unknown = ours.filter((a) => a.startsWith("-") && !OPTIONS.includes(a));
  if (unknown.length > 0) {
    console.error(`unknown option ${unknown.join(", ")}\n\n${USAGE}`);
    return 2;
  }
  if (!strykerArgs.includes("--concurrency"))
    strykerArgs.push("--concurrency", String(availableParallelism()));
  const full = ours.includes("--full");
  if (full) strykerArgs.push("--force");
  const base = JSON.parse(readFileSync("stryker.config.json", "utf8")) as StrykerConfig;
  const all = partsOf(base);
  if (!ours.includes("--summary")) {
    const words = ours.filter((a) => !a.startsWith("--"));
    const parts = selectParts(all, words);
    if (parts.length === 0) {
      console.error(`no part matches ${words.join(", ")}; parts: ${all.map((p) => p.name).join(", ")}`);
      return 2;
    }
    const tests = contents(unitTestFiles());
    for (const part of parts) {
      const reason = full
        ? "--full"
        : staleReason(readReport(baselineFile(part)), contents(globSync(part.glob)), tests);
      if (reason === undefined) {
        console.log(`== ${part.name}: as its baseline recorded it, nothing to retest`);
        continue;
      }
      console.log(`== ${part.name}: ${reason}`);
      const status = runPart(base, part, strykerArgs);
      if (status !== 0) return status;
    }
  }
  summary(all);
  return 0;
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2));
