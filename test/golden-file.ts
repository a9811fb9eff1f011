/**
 * Golden files of the differential tests: what the real tool (kustomize, helmfile) produced for a case, stored so
 * the unit suite can hold kubestrap to it without the tool. The integration test writes a missing file and fails
 * on a changed one (vitest's file snapshots; `-u` rewrites them after a deliberate change).
 */
import { existsSync, readFileSync } from "node:fs";

/** A file name from a case's name: lower case, runs of other characters as one dash, at most 80 characters. */
export function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 80)
    .replace(/-$/, "");
}

/** The stored text: stable JSON, keys in the order the tool gave them. */
export function goldenText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The stored value; a missing file fails the test that needs it, with how to write it. */
export function readGolden(url: URL): unknown {
  if (!existsSync(url))
    throw new Error(`${url.pathname} is missing: run the differential integration test to record it`);
  return JSON.parse(readFileSync(url, "utf8"));
}
