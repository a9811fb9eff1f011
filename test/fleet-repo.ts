/**
 * Copies of the bundled multi-cluster example (examples/fleet: infra and apps) with files changed, for the fleet
 * rules' valid and invalid cases.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { type FleetLintOptions, type FleetLintResult, lintFleet } from "../src/analysis/fleet.ts";
import { makeRepo } from "./helpers.ts";

export const FLEET_EXAMPLE = join(import.meta.dirname, "../examples/fleet");

function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      out[relative(dir, path)] = readFileSync(path, "utf8");
    }
  return out;
}

export type Edit = string | ((text: string) => string);

/** The example with each named file replaced (a string) or rewritten (a function of its text). */
export function fleetRepo(edits: Record<string, Edit> = {}): string {
  const files = filesOf(FLEET_EXAMPLE);
  for (const [path, edit] of Object.entries(edits)) {
    const before = files[path];
    if (typeof edit === "function") {
      if (before === undefined) throw new Error(`${path} is not in examples/fleet`);
      const after = edit(before);
      if (after === before) throw new Error(`the edit of ${path} changed nothing`);
      files[path] = after;
    } else files[path] = edit;
  }
  return makeRepo(files);
}

/** A string replacement that must match. */
export const replace =
  (from: string | RegExp, to: string): Edit =>
  (text) =>
    text.replace(from, to);

export function lintRepo(
  repo: string,
  options: Omit<FleetLintOptions, "repo"> = {},
): Promise<FleetLintResult> {
  return lintFleet({ repo, ...options });
}

/** The findings of one rule, as `cluster file:line message`. */
export function findingsOf(result: FleetLintResult, ruleId: string) {
  return result.findings.filter((f) => f.ruleId === ruleId);
}
