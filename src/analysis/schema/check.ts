/**
 * Schema validation of every object the Flux Kustomizations apply (and, with `lint --render`, every object their
 * HelmReleases' charts render), once per lint: the schema rules (`schema-invalid`, `schema-rule-unsupported`)
 * each read their share of it.
 */
import { annotation, describeObject, isRecord, type KubeObject } from "../../model/objects.ts";
import type { AnalysisContext, RuleFinding } from "../context.ts";
import type { ObjectSchema } from "./sources.ts";
import type { Violation, ViolationKind } from "./types.ts";
import { validateObject } from "./validate.ts";

export interface ObjectViolation {
  object: KubeObject;
  ks: string;
  schema: ObjectSchema;
  violation: Violation;
}

const results = new WeakMap<AnalysisContext, ObjectViolation[]>();

export function schemaViolations(ctx: AnalysisContext): ObjectViolation[] {
  const cached = results.get(ctx);
  if (cached) return cached;
  const out: ObjectViolation[] = [];
  const index = ctx.schemas;
  if (index) {
    for (const ks of ctx.model.kustomizations.values()) {
      const substitutes = hasSubstitution(ks.object);
      for (const o of ks.objects) {
        // Flux decrypts a SOPS document before applying it: its values are ciphertext here, its `sops` key is dropped.
        if (isRecord(o.body.sops)) continue;
        // A chart's custom resources stand in for CRD ordering here; ctx.renderedManifests holds their bodies.
        if (o.source.renderedBy !== undefined) continue;
        const schema = index.lookup(o);
        if (!schema) continue;
        const substituted =
          substitutes && annotation(o, "kustomize.toolkit.fluxcd.io/substitute") !== "disabled";
        const options = substituted ? { ...schema.options, substituted } : schema.options;
        for (const violation of validateObject(o.body, schema.schema, options)) {
          out.push({ object: o, ks: ks.id, schema, violation });
        }
      }
    }
    for (const rendered of ctx.renderedManifests ?? [])
      for (const o of rendered.objects) {
        const schema = index.lookup(o);
        if (!schema) continue;
        for (const violation of validateObject(o.body, schema.schema, schema.options))
          out.push({ object: o, ks: rendered.ks, schema, violation });
      }
  }
  results.set(ctx, out);
  return out;
}

function hasSubstitution(ks: KubeObject): boolean {
  const postBuild = (ks.body.spec as { postBuild?: unknown } | undefined)?.postBuild;
  return postBuild !== undefined && postBuild !== null;
}

/** The findings of one kind of violation, at the line of the field. */
export function schemaFindings(ctx: AnalysisContext, kind: ViolationKind): RuleFinding[] {
  const out: RuleFinding[] = [];
  const reported = new Set<string>();
  for (const v of schemaViolations(ctx)) {
    if (v.violation.kind !== kind) continue;
    if (kind === "unsupported") {
      // One finding per rule of a CRD version, not per object that meets it.
      const key = `${v.schema.origin}\u0000${v.violation.message}`;
      if (reported.has(key)) continue;
      reported.add(key);
    }
    out.push({
      message: `${v.violation.path || "(root)"}: ${v.violation.message} (schema: ${v.schema.origin})`,
      location: { file: v.object.source.file, line: lineOfField(ctx, v.object, v.violation.keys) },
      object: v.object.source.renderedBy
        ? `${describeObject(v.object)}, rendered by the chart of HelmRelease ${v.object.source.renderedBy}`
        : describeObject(v.object),
    });
  }
  return out;
}

/** The line of the deepest part of the path that is written in the file (a missing field: its parent's). */
function lineOfField(ctx: AnalysisContext, o: KubeObject, keys: (string | number)[]): number {
  for (let depth = keys.length; depth > 0; depth--) {
    const line = ctx.lineOf(o, keys.slice(0, depth));
    if (line !== o.source.line) return line;
  }
  return o.source.line;
}
