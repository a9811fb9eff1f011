import { isBuiltinKind } from "./builtin-api.ts";
import {
  asRecord,
  asString,
  groupOf,
  isRecord,
  type Json,
  type KubeObject,
  versionOf,
  withBody,
} from "./objects.ts";

/** A kustomize/Flux patch target selector. `name` and `namespace` are anchored regular expressions. */
export interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

export type JsonPatchOp = { op: string; path: string; value?: unknown; from?: string };

export function matchesTarget(o: KubeObject, target: PatchTarget): boolean {
  if (target.group !== undefined && groupOf(o.apiVersion) !== target.group) return false;
  if (target.version !== undefined && versionOf(o.apiVersion) !== target.version) return false;
  if (target.kind !== undefined && !anchored(target.kind).test(o.kind)) return false;
  if (target.name !== undefined && !anchored(target.name).test(o.name)) return false;
  if (target.namespace !== undefined && !anchored(target.namespace).test(o.namespace ?? "")) return false;
  if (
    target.labelSelector &&
    !matchesSelector(asRecord(asRecord(o.body.metadata).labels), target.labelSelector)
  )
    return false;
  if (
    target.annotationSelector &&
    !matchesSelector(asRecord(asRecord(o.body.metadata).annotations), target.annotationSelector)
  )
    return false;
  return true;
}

const regexCache = new Map<string, RegExp>();
function anchored(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch {
      re = new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
    }
    regexCache.set(pattern, re);
  }
  return re;
}

/**
 * A Kubernetes label selector string, as kustomize targets take it: requirements separated by commas (outside
 * parentheses), each `key=value`, `key==value`, `key!=value`, `key in (a,b)`, `key notin (a,b)`, `key` or `!key`.
 * `!=` and `notin` also match objects without the key, as in Kubernetes.
 */
export function matchesSelector(labels: Json, selector: string): boolean {
  return splitRequirements(selector).every((term) => matchesRequirement(labels, term));
}

function splitRequirements(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (const c of selector) {
    if (c === "(") depth++;
    else if (c === ")") depth--;
    if (c === "," && depth === 0) {
      out.push(current.trim());
      current = "";
    } else current += c;
  }
  out.push(current.trim());
  return out.filter(Boolean);
}

function matchesRequirement(labels: Json, term: string): boolean {
  const set = term.match(/^(\S+)\s+(in|notin)\s*\((.*)\)$/);
  if (set) {
    const value = asString(labels[set[1] as string]);
    const values = (set[3] as string).split(",").map((v) => v.trim());
    const member = value !== undefined && values.includes(value);
    return set[2] === "in" ? member : !member;
  }
  const ne = term.match(/^([^!=\s]+)\s*!=\s*(.*)$/);
  if (ne) return asString(labels[ne[1] as string]) !== (ne[2] as string).trim();
  const eq = term.match(/^([^!=\s]+)\s*==?\s*(.*)$/);
  if (eq) return asString(labels[eq[1] as string]) === (eq[2] as string).trim();
  if (term.startsWith("!")) return !Object.hasOwn(labels, term.slice(1).trim());
  return Object.hasOwn(labels, term);
}

/**
 * Strategic merge patch, as far as kustomize applies it to the objects kubestrap analyses: maps merge,
 * `null` deletes, lists are replaced, except lists of named items in built-in kinds, merged by `name`.
 */
export function strategicMerge(o: KubeObject, patch: Json): KubeObject | undefined {
  if (patch.$patch === "delete") return undefined;
  const mergeByName = isBuiltinKind(`${groupOf(o.apiVersion)}/${o.kind}`);
  const merged = mergeValue(o.body, stripIdentity(patch, o), mergeByName) as Json;
  return withBody(o, merged);
}

function stripIdentity(patch: Json, o: KubeObject): Json {
  // The patch's own name selects the target; it must not rename the object it is applied to.
  const metadata = asRecord(patch.metadata);
  const rest: Json = { ...patch };
  if (isRecord(patch.metadata)) {
    const { name: _name, namespace: _ns, ...others } = metadata;
    rest.metadata = others;
  }
  rest.apiVersion = o.apiVersion;
  rest.kind = o.kind;
  return rest;
}

function mergeValue(base: unknown, patch: unknown, mergeByName: boolean): unknown {
  if (isRecord(patch) && isRecord(base)) {
    if (patch.$patch === "replace") {
      const { $patch: _, ...rest } = patch;
      return rest;
    }
    const out: Json = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (key === "$patch" || key.startsWith("$setElementOrder")) continue;
      if (value === null) delete out[key];
      else out[key] = key in base ? mergeValue(base[key], value, mergeByName) : value;
    }
    return out;
  }
  if (mergeByName && Array.isArray(base) && Array.isArray(patch) && isNamedList(base) && isNamedList(patch)) {
    const out = [...base] as Json[];
    for (const item of patch as Json[]) {
      const idx = out.findIndex((b) => b.name === item.name);
      if (item.$patch === "delete") {
        if (idx >= 0) out.splice(idx, 1);
      } else if (idx >= 0) out[idx] = mergeValue(out[idx], item, mergeByName) as Json;
      else out.push(item);
    }
    return out;
  }
  return patch;
}

function isNamedList(list: unknown[]): boolean {
  return list.length > 0 && list.every((i) => isRecord(i) && typeof i.name === "string");
}

/** RFC 6902 JSON patch. Returns an error message when an operation cannot be applied. */
export function jsonPatch(o: KubeObject, ops: JsonPatchOp[]): KubeObject | string {
  let doc: unknown = structuredClone(o.body);
  for (const op of ops) {
    const path = parsePointer(op.path);
    if (path === undefined) return `invalid JSON pointer ${op.path}`;
    switch (op.op) {
      case "add":
      case "replace": {
        const r = setAt(doc, path, op.value, op.op === "add");
        if (typeof r === "string") return `${op.op} ${op.path}: ${r}`;
        doc = r;
        break;
      }
      case "remove": {
        const r = removeAt(doc, path);
        if (typeof r === "string") return `remove ${op.path}: ${r}`;
        break;
      }
      case "copy":
      case "move": {
        // Without `from`, RFC 6902 refuses the operation; it must not read as the whole document.
        if (op.from === undefined) return `${op.op} ${op.path}: no from pointer`;
        const from = parsePointer(op.from);
        if (!from) return `invalid from pointer ${op.from}`;
        const value = getAt(doc, from);
        if (value === undefined) return `${op.op} ${op.from}: path not found`;
        if (op.op === "move") removeAt(doc, from);
        const r = setAt(doc, path, structuredClone(value), true);
        if (typeof r === "string") return r;
        doc = r;
        break;
      }
      case "test":
        break;
      default:
        return `unknown operation ${op.op}`;
    }
  }
  return withBody(o, doc as Json);
}

function parsePointer(pointer: string): string[] | undefined {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) return undefined;
  return pointer
    .slice(1)
    .split("/")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function getAt(doc: unknown, path: string[]): unknown {
  let cur = doc;
  for (const key of path) {
    if (Array.isArray(cur)) cur = cur[Number(key)];
    else if (isRecord(cur)) cur = cur[key];
    else return undefined;
  }
  return cur;
}

function setAt(doc: unknown, path: string[], value: unknown, insert: boolean): unknown {
  if (path.length === 0) return value;
  const parent = getAt(doc, path.slice(0, -1));
  const last = path[path.length - 1] as string;
  if (Array.isArray(parent)) {
    if (last === "-") parent.push(value);
    else {
      const idx = Number(last);
      if (!Number.isInteger(idx) || idx < 0 || idx > parent.length) return "index out of range";
      if (insert) parent.splice(idx, 0, value);
      else parent[idx] = value;
    }
    return doc;
  }
  if (isRecord(parent)) {
    if (!insert && !(last in parent)) return "path not found";
    parent[last] = value;
    return doc;
  }
  return "parent path not found";
}

function removeAt(doc: unknown, path: string[]): undefined | string {
  const parent = getAt(doc, path.slice(0, -1));
  const last = path[path.length - 1] as string;
  if (Array.isArray(parent)) {
    const idx = Number(last);
    if (!(idx >= 0 && idx < parent.length)) return "index out of range";
    parent.splice(idx, 1);
    return undefined;
  }
  if (isRecord(parent) && last in parent) {
    delete parent[last];
    return undefined;
  }
  return "path not found";
}
