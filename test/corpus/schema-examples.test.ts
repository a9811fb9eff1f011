/**
 * Schema validation on real data: every CEL rule of the real CRDs in ../shared/fixtures/crds compiles with
 * kubestrap's evaluator, and the projects' own example custom resources (fixtures/crds/<project>/examples)
 * validate against those CRDs, except the ones listed here with the reason they are not valid.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "@bufbuild/cel";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { chooseKubeVersion, SchemaIndex } from "../../src/analysis/schema/sources.ts";
import type { Schema } from "../../src/analysis/schema/types.ts";
import { validateObject } from "../../src/analysis/schema/validate.ts";

/** Examples the API server refuses too, and why (the agreement test checks the same case on the API server). */
const INVALID: Record<string, string[]> = {
  // `template:` holds only a comment, so it is null (a placeholder sample), which the API server refuses.
  "keda/examples/keda_v1alpha1_scaledjob.yaml": [
    "invalid spec.jobTargetRef.template: must be of type object, not null",
  ],
};

const CRDS = join(import.meta.dirname, "../../../shared/fixtures/crds");
const projects = readdirSync(CRDS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

function docs(file: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((d) => d.toJS() as Record<string, unknown> | null)
    .filter((d): d is Record<string, unknown> => d !== null && typeof d === "object");
}

const crds = projects.flatMap((p) =>
  readdirSync(join(CRDS, p))
    .filter((f) => f.endsWith(".yaml"))
    .flatMap((f) => docs(join(CRDS, p, f)).map((body) => ({ body, origin: `${p}/${f}` }))),
);

function rulesOf(schema: unknown, out: string[] = []): string[] {
  if (Array.isArray(schema)) for (const s of schema) rulesOf(s, out);
  else if (schema !== null && typeof schema === "object") {
    const s = schema as Schema & Record<string, unknown>;
    for (const r of s["x-kubernetes-validations"] ?? []) {
      out.push(r.rule);
      if (r.messageExpression) out.push(r.messageExpression);
    }
    for (const v of Object.values(s)) rulesOf(v, out);
  }
  return out;
}

describe("schema validation on the real CRDs", () => {
  it("every CEL rule and messageExpression of the fixture CRDs parses", () => {
    const rules = crds.flatMap((c) => rulesOf(c.body));
    expect(rules.length).toBeGreaterThan(400);
    const failures = rules.filter((r) => {
      try {
        parse(r);
        return false;
      } catch {
        return true;
      }
    });
    expect(failures).toEqual([]);
  });

  const index = new SchemaIndex(chooseKubeVersion().minor, crds);
  const examples = projects.flatMap((p) => {
    const dir = join(CRDS, p, "examples");
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
    } catch {}
    return files.flatMap((f) => docs(join(dir, f)).map((o) => ({ file: `${p}/examples/${f}`, o })));
  });

  it.each(examples.map((e) => [`${e.file} ${e.o.kind} ${(e.o.metadata as { name?: string })?.name}`, e]))(
    "%s",
    (_name, { file, o }) => {
      const schema = index.lookup(o as { apiVersion: string; kind: string });
      expect(schema, "a schema for it").toBeDefined();
      if (!schema) return;
      const violations = validateObject(o, schema.schema, schema.options).map(
        (v) => `${v.kind} ${v.path}: ${v.message}`,
      );
      expect(violations).toEqual(INVALID[file] ?? []);
    },
  );
});
