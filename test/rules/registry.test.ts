/**
 * Properties of the rules as a whole: public ids and default severities, a documentation page for each, a test
 * file for each (ESLint-style, with valid and invalid cases), and `--rule` overrides.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lint, type SeveritySetting } from "../../src/analysis/lint.ts";
import { ALL_RULES } from "../../src/analysis/rules/index.ts";
import { ks, makeRepo } from "../helpers.ts";
import { cluster, operator } from "./crd-cases.ts";

const ROOT = join(import.meta.dirname, "../..");

/** Every finding id the sources emit: the rules', and those written as `ruleId: "..."` anywhere in src/. */
function emittedIds(): string[] {
  const ids = new Set(ALL_RULES.map((r) => r.id));
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith(".ts"))
        for (const m of readFileSync(path, "utf8").matchAll(/ruleId: "([a-z0-9-]+)"/g))
          ids.add(m[1] as string);
    }
  };
  walk(join(ROOT, "src"));
  return [...ids].sort();
}

describe("rule registry", () => {
  it("keeps the public rule ids with their default severities", () => {
    const ids = Object.fromEntries(ALL_RULES.map((r) => [r.id, r.severity]));
    expect(ids).toMatchObject({
      "crd-missing": "error",
      "crd-deadlock": "error",
      "crd-same-unit": "error",
      "crd-unwaited": "warning",
      "crd-race": "warning",
      "dependson-missing": "error",
      "dependson-cycle": "error",
      "duplicate-object": "error",
      "substitution-undefined": "warning",
      "path-missing": "error",
      "cluster-unique-value": "error",
      "cluster-cidr-overlap": "error",
      "lb-ip-outside-pool": "error",
      "cluster-placement": "error",
      "cluster-version-skew": "warning",
    });
    expect(new Set(ALL_RULES.map((r) => r.id)).size).toBe(ALL_RULES.length);
  });

  it("every finding id the code emits has a documentation page and a test file with valid and invalid cases", () => {
    const ids = emittedIds();
    expect(ids.length).toBeGreaterThanOrEqual(35);
    for (const id of ids) {
      expect(existsSync(join(ROOT, "docs/rules", `${id}.md`)), `docs/rules/${id}.md`).toBe(true);
      const file = [
        join(ROOT, "test/rules", `${id}.test.ts`),
        join(ROOT, "test/rules/fleet", `${id}.test.ts`),
      ].find(existsSync);
      expect(file, `test/rules/${id}.test.ts`).toBeDefined();
      const text = readFileSync(file as string, "utf8");
      expect(text, id).toMatch(/it\("valid/);
      expect(text, id).toMatch(/it\("invalid/);
    }
  });

  it("--rule severity overrides apply, and off removes the rule", () => {
    const repo = makeRepo({
      "kubernetes/flux/cluster/ks.yaml": [ks("p", { wait: true }), ks("c")].join(""),
      "apps/p/hr.yaml": operator,
      "apps/c/x.yaml": cluster,
    });
    const severities = (rules?: Record<string, SeveritySetting>) =>
      lint({ repo, ...(rules ? { rules } : {}) }).findings.map((f) => [f.ruleId, f.severity]);
    expect(severities()).toEqual([["crd-race", "warning"]]);
    expect(severities({ "crd-race": "error" })).toEqual([["crd-race", "error"]]);
    expect(severities({ "crd-race": "off" })).toEqual([]);
  });
});
