/**
 * kustomize `replacements`: copy a field of one object (the source) into fields of others (the targets), the
 * last of kustomize's transformers. Field paths are dotted, with `[key=value]` to pick a list element by field,
 * a number for an index, and `options` for `delimiter` + `index` (a part of a string) and `create`.
 */
import type { SourceLocation } from "../findings.ts";
import { asArray, asRecord, asString, isRecord, type Json, type KubeObject, withBody } from "./objects.ts";
import { matchesTarget, type PatchTarget } from "./patches.ts";

export interface Replacement {
  source: Json;
  targets: Json[];
  location: SourceLocation;
}

export type ReplacementProblem = { message: string; location: SourceLocation };

/** Applies replacements in order; what cannot be applied is returned as problems, the objects unchanged by it. */
export function applyReplacements(
  objects: KubeObject[],
  replacements: Replacement[],
): { objects: KubeObject[]; problems: ReplacementProblem[] } {
  let out = objects;
  const problems: ReplacementProblem[] = [];
  for (const r of replacements) {
    const selector = selectorOf(r.source);
    const sources = out.filter((o) => matchesTarget(o, selector));
    if (sources.length !== 1) {
      problems.push({
        message: `replacement source ${describeSelector(selector)} matches ${sources.length} objects, not one`,
        location: r.location,
      });
      continue;
    }
    const options = asRecord(r.source.options);
    let value = getField((sources[0] as KubeObject).body, asString(r.source.fieldPath) ?? "metadata.name");
    if (value === undefined) {
      problems.push({
        message: `replacement source field ${asString(r.source.fieldPath)} is not set`,
        location: r.location,
      });
      continue;
    }
    if (typeof value === "string" && asString(options.delimiter) !== undefined) {
      const parts = value.split(asString(options.delimiter) as string);
      value = parts[Number(options.index ?? 0)] ?? "";
    }
    for (const target of r.targets) {
      const select = selectorOf(asRecord(target.select));
      const rejects = asArray(target.reject).map((x) => selectorOf(asRecord(x)));
      const targetOptions = asRecord(target.options);
      const paths = asArray(target.fieldPaths)
        .map((p) => asString(p) ?? "")
        .filter(Boolean);
      out = out.map((o) => {
        if (!matchesTarget(o, select) || rejects.some((x) => matchesTarget(o, x))) return o;
        let body = o.body;
        for (const path of paths) {
          const next = setField(body, path, value, targetOptions);
          // kustomize refuses a target field that does not exist, unless `create` is set.
          if (next === undefined)
            problems.push({
              message: `unable to find field "${path}" in replacement target ${o.kind} ${o.name}`,
              location: r.location,
            });
          else body = next;
        }
        return body === o.body ? o : withBody(o, body);
      });
    }
  }
  return { objects: out, problems };
}

function selectorOf(s: Json): PatchTarget {
  const t: PatchTarget = {};
  for (const key of [
    "group",
    "version",
    "kind",
    "name",
    "namespace",
    "labelSelector",
    "annotationSelector",
  ] as const) {
    const v = asString(s[key]);
    if (v !== undefined)
      t[key] = key === "name" || key === "namespace" || key === "kind" ? escapeRegExp(v) : v;
  }
  return t;
}

/** Replacement selectors match names exactly; patch targets (which share the matcher) take regular expressions. */
function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function describeSelector(t: PatchTarget): string {
  return [t.kind, t.name].filter(Boolean).join(" ").replace(/\\/g, "") || "(any)";
}

/** Splits a field path at dots outside brackets: `spec.containers.[name=app].image`. */
function segments(path: string): string[] {
  const out: string[] = [];
  let current = "";
  let depth = 0;
  for (const c of path) {
    if (c === "[") depth++;
    if (c === "]") depth--;
    if (c === "." && depth === 0) {
      out.push(current);
      current = "";
    } else current += c;
  }
  out.push(current);
  return out.filter((s) => s !== "");
}

function getField(body: unknown, path: string): unknown {
  let cur: unknown = body;
  for (const seg of segments(path)) {
    if (Array.isArray(cur)) cur = cur[listIndex(cur, seg)];
    else if (isRecord(cur)) cur = cur[unbracket(seg)];
    else return undefined;
  }
  return cur;
}

function unbracket(seg: string): string {
  return seg.startsWith("[") && seg.endsWith("]") && !seg.includes("=") ? seg.slice(1, -1) : seg;
}

function listIndex(list: unknown[], seg: string): number {
  const m = seg.match(/^\[([^=]+)=(.*)\]$/);
  if (m) return list.findIndex((e) => isRecord(e) && asString(e[m[1] as string]) === m[2]);
  return /^\d+$/.test(seg) ? Number(seg) : -1;
}

/** A copy of `body` with the field set, or undefined when it does not exist and `create` is not set. */
function setField(body: Json, path: string, value: unknown, options: Json): Json | undefined {
  const segs = segments(path);
  const create = options.create === true;
  let missing = false;
  const set = (node: unknown, i: number): unknown => {
    const seg = segs[i] as string;
    const last = i === segs.length - 1;
    if (Array.isArray(node)) {
      const idx = listIndex(node, seg);
      if (idx < 0 || idx >= node.length) {
        missing = true;
        return node;
      }
      const copy = [...node];
      copy[idx] = last ? partial(copy[idx], value, options) : set(copy[idx], i + 1);
      return copy;
    }
    if (!isRecord(node)) {
      missing = true;
      return node;
    }
    const key = unbracket(seg);
    if (!(key in node) && !create) {
      missing = true;
      return node;
    }
    const child = node[key];
    return { ...node, [key]: last ? partial(child, value, options) : set(child ?? {}, i + 1) };
  };
  const out = set(body, 0) as Json;
  return missing ? undefined : out;
}

/** With `delimiter`, only the `index`-th part of the target string is replaced. */
function partial(current: unknown, value: unknown, options: Json): unknown {
  const delimiter = asString(options.delimiter);
  if (delimiter === undefined || typeof current !== "string") return value;
  const parts = current.split(delimiter);
  const index = Number(options.index ?? 0);
  if (index >= 0 && index < parts.length) parts[index] = String(value);
  else if (index < 0) parts.unshift(String(value));
  else parts.push(String(value));
  return parts.join(delimiter);
}
