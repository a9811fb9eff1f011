/**
 * The catalog CRDs' CEL rules, parsed when the catalog was generated (data/crd-schemas/<project>.cel.gz): each
 * must be exactly what the installed parser makes of its text, or a lint would evaluate another rule.
 */
import { readdirSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { parse } from "@bufbuild/cel";
import { describe, expect, it } from "vitest";
import {
  catalogCelAst,
  celParserVersion,
  decodeCelAsts,
  encodeCelAsts,
  loadCatalogCel,
} from "../../src/model/catalog/cel-asts.ts";
import { catalogSchema } from "../../src/model/catalog/schemas.ts";

const DATA = new URL("../../data/crd-schemas/", import.meta.url);
const projects = readdirSync(DATA)
  .filter((f) => f.endsWith(".json.gz"))
  .map((f) => f.slice(0, -".json.gz".length));

function rulesOf(project: string): string[] {
  const file = JSON.parse(gunzipSync(readFileSync(new URL(`${project}.json.gz`, DATA))).toString("utf8")) as {
    schemas: Record<string, string>;
  };
  const out = new Set<string>();
  for (const text of Object.values(file.schemas))
    JSON.parse(text, (key, value) => {
      if (key === "x-kubernetes-validations")
        for (const r of value as { rule: string; messageExpression?: string }[]) {
          out.add(r.rule);
          if (r.messageExpression) out.add(r.messageExpression);
        }
      return value;
    });
  return [...out];
}

describe("the catalog's parsed CEL rules", () => {
  it.each(projects)("%s: every rule the parser accepts is stored as the parser makes it", (project) => {
    const stored = decodeCelAsts(readFileSync(new URL(`${project}.cel.gz`, DATA)));
    expect(stored, "written by another parser version: run npm run gen:catalog").toBeDefined();
    const accepted = rulesOf(project).filter((rule) => {
      try {
        parse(rule);
        return true;
      } catch {
        return false;
      }
    });
    expect([...(stored?.keys() ?? [])].sort()).toEqual(accepted.sort());
    for (const rule of accepted) expect(stored?.get(rule), rule).toStrictEqual(parse(rule));
  });

  it("holds rules from real CRDs (Gateway API's)", () => {
    expect(rulesOf("gateway-api").length).toBeGreaterThan(50);
  });

  it("ignores a file another parser version wrote, or one that does not read", () => {
    const asts = new Map([["self > 1", parse("self > 1")]]);
    expect(decodeCelAsts(encodeCelAsts(asts))?.get("self > 1")).toStrictEqual(parse("self > 1"));
    expect(decodeCelAsts(encodeCelAsts(asts, "0.0.1"))).toBeUndefined();
    expect(decodeCelAsts(Buffer.from("not gzip"))).toBeUndefined();
    expect(celParserVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("answers for a project once its schemas are read, and never for other text", () => {
    const [rule] = rulesOf("keda");
    expect(rule).toBeDefined();
    loadCatalogCel("no-such-project");
    expect(catalogSchema("keda.sh/v1alpha1/ScaledObject")).toBeDefined();
    expect(catalogCelAst(rule ?? "")).toStrictEqual(parse(rule ?? ""));
    expect(catalogCelAst("self.noSuchRule == 1")).toBeUndefined();
  });
});
