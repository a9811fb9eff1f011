/**
 * `npm run test:mutation`: StrykerJS over the core, one part at a time, then the score per folder.
 *
 * Each entry of stryker.config.json's `mutate` is a part with its own incremental file and JSON report under
 * .stryker/parts/. A part that finishes keeps its results, so a long measurement can be made part by part, in
 * several sittings, and a run after a small change retests only the mutants the change touches. The summary
 * merges the reports of every part that has one.
 *
 *   npm run test:mutation                      every part, then the summary
 *   npm run test:mutation -- analysis report   the parts named so (a word that names no part selects
 *                                              every part whose name contains it: model, charts)
 *   npm run test:mutation -- --summary         only the summary of the reports already written
 *   npm run test:mutation -- -- --concurrency 2 --checkers ""   options after a second -- go to Stryker
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const PARTS_DIR = ".stryker/parts";

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

function runPart(base: StrykerConfig, part: Part, strykerArgs: string[]): number {
  mkdirSync(PARTS_DIR, { recursive: true });
  const { $schema: _schema, ...rest } = base;
  const config = {
    ...rest,
    mutate: [part.glob],
    incrementalFile: join(PARTS_DIR, `${part.name}.incremental.json`),
    jsonReporter: { fileName: join(PARTS_DIR, `${part.name}.json`) },
    htmlReporter: { fileName: join(PARTS_DIR, `${part.name}.html`) },
  };
  const file = join(PARTS_DIR, `${part.name}.config.json`);
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  console.log(`\n== ${part.name} (${part.glob})`);
  const started = Date.now();
  const run = spawnSync("stryker", ["run", file, ...strykerArgs], { stdio: "inherit" });
  console.log(
    `== ${part.name}: exit ${run.status} after ${((Date.now() - started) / 60_000).toFixed(1)} min`,
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

interface Report {
  files: Record<string, { mutants: { status: Status }[] }>;
}

function summary(): void {
  const reports = existsSync(PARTS_DIR)
    ? readdirSync(PARTS_DIR).filter((f) => /^[a-z-]+\.json$/.test(f))
    : [];
  const files = new Map<string, Counts>();
  for (const name of reports) {
    const report = JSON.parse(readFileSync(join(PARTS_DIR, name), "utf8")) as Report;
    for (const [file, { mutants }] of Object.entries(report.files)) {
      const counts = emptyCounts();
      for (const m of mutants) add(counts, m.status);
      files.set(file, counts);
    }
  }
  if (files.size === 0) {
    console.log(`no report under ${PARTS_DIR} yet: run npm run test:mutation first`);
    return;
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
  console.log("\nleast detected files:");
  for (const [file, c] of [...files].sort((a, b) => b[1].undetected - a[1].undetected).slice(0, 10))
    console.log(`  ${file.padEnd(48)} ${score(c).toFixed(1).padStart(5)} %  ${c.undetected} undetected`);
}

function main(argv: string[]): number {
  const split = argv.indexOf("--");
  const ours = split < 0 ? argv : argv.slice(0, split);
  const strykerArgs = split < 0 ? [] : argv.slice(split + 1);
  if (!ours.includes("--summary")) {
    const base = JSON.parse(readFileSync("stryker.config.json", "utf8")) as StrykerConfig;
    const words = ours.filter((a) => !a.startsWith("--"));
    const parts = selectParts(partsOf(base), words);
    if (parts.length === 0) {
      console.error(
        `no part matches ${words.join(", ")}; parts: ${partsOf(base)
          .map((p) => p.name)
          .join(", ")}`,
      );
      return 2;
    }
    for (const part of parts) {
      const status = runPart(base, part, strykerArgs);
      if (status !== 0) return status;
    }
  }
  summary();
  return 0;
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2));
