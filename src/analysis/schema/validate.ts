/**
 * Validates one object against the schema of its exact API version, as the API server does on a server-side
 * apply (Flux's kustomize-controller applies that way): for a custom resource, defaults are applied first
 * (a non-nullable null without a default is refused), then the structural schema and its CEL rules; for a built-in
 * kind nothing is defaulted (built-in defaults are Go code). An undeclared field is an error for both: server-side
 * apply refuses it ("field not declared in schema") where a client-side apply would prune it silently.
 */
import { loadManifest } from "../../load/yaml.ts";
import { evaluateRule, patternMatches, toCelValue } from "./cel.ts";
import { formatAccepts } from "./formats.ts";
import type { RefResolver, Schema, Violation, ViolationKind } from "./types.ts";

export interface ValidateOptions {
  /** Resolves `$ref` of built-in OpenAPI documents. */
  resolve?: RefResolver;
  /** A built-in kind: no defaults from the schema, nulls are unset fields, `$ref`s are followed. */
  builtin?: boolean;
  /**
   * The object went through Flux's postBuild substitution, which substitutes the YAML text and parses it
   * again: a string that reads as a number or boolean in YAML may be one on the API server.
   */
  substituted?: boolean;
}

type Keys = (string | number)[];

/** A string that still holds a Flux `${VAR}` substitution: its type and format are not known yet. */
export function holdsVariable(v: unknown): boolean {
  return typeof v === "string" && v.includes("${");
}

export function formatPath(keys: Keys): string {
  let out = "";
  for (const k of keys) {
    if (typeof k === "number") out += `[${k}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(k) || out === "") out += out === "" ? k : `.${k}`;
    else out += `[${k}]`;
  }
  return out;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function typeMatches(type: NonNullable<Schema["type"]>, v: unknown): boolean {
  switch (type) {
    case "object":
      return v !== null && typeof v === "object" && !Array.isArray(v);
    case "array":
      return Array.isArray(v);
    case "string":
      return typeof v === "string";
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "number":
      return typeof v === "number";
    case "boolean":
      return typeof v === "boolean";
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function quote(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
}

/** The metadata fields every object may carry: ObjectMeta, for custom resources (whose schema omits it). */
const OBJECT_META_FIELDS = new Set([
  "name",
  "generateName",
  "namespace",
  "selfLink",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "labels",
  "annotations",
  "ownerReferences",
  "finalizers",
  "managedFields",
]);

/** What each schema node means once `$ref`s are followed: nodes are shared by every object they validate. */
const resolvedNodes = new WeakMap<Schema, Schema>();
const defaultedProperties = new WeakMap<Schema, [string, unknown][]>();

class Validator {
  readonly out: Violation[] = [];

  private readonly opts: ValidateOptions;

  constructor(opts: ValidateOptions) {
    this.opts = opts;
  }

  report(kind: ViolationKind, keys: Keys, message: string): void {
    this.out.push({ kind, keys: [...keys], path: formatPath(keys), message });
  }

  /** The schema a node means: its `$ref`, or the one `$ref` of an `allOf` wrapper (built-in documents). */
  structure(s: Schema): Schema {
    const cached = resolvedNodes.get(s);
    if (cached) return cached;
    let out = s;
    const resolve = this.opts.resolve;
    if (resolve) {
      if (s.$ref) out = resolve(s.$ref) ?? {};
      else if (s.allOf?.length === 1 && s.allOf[0]?.$ref && !s.type && !s.properties) {
        const { allOf: _a, ...rest } = s;
        out = { ...(resolve(s.allOf[0].$ref) ?? {}), ...rest };
      }
    }
    resolvedNodes.set(s, out);
    return out;
  }

  /** The properties of an object schema that have a default. */
  defaulted(s: Schema): [string, unknown][] {
    let list = defaultedProperties.get(s);
    if (!list) {
      list = [];
      for (const [key, prop] of Object.entries(s.properties ?? {})) {
        const d = this.structure(prop).default;
        if (d !== undefined) list.push([key, d]);
      }
      defaultedProperties.set(s, list);
    }
    return list;
  }

  /**
   * Custom resources: defaults are applied before validation, to absent fields and to non-nullable nulls.
   * Copy on write: an object the schema leaves as it is, is returned as it is.
   */
  defaults(value: unknown, schema: Schema): unknown {
    if (value === null || typeof value !== "object") return value;
    const s = this.structure(schema);
    if (Array.isArray(value)) {
      if (!s.items) return value;
      let copy: unknown[] | undefined;
      value.forEach((v, i) => {
        const d = this.defaults(v, s.items as Schema);
        if (d === v) return;
        copy ??= value.slice();
        copy[i] = d;
      });
      return copy ?? value;
    }
    const obj = value as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    const additional = typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
    for (const key in obj) {
      const v = obj[key];
      const prop = s.properties?.[key] ?? additional;
      if (!prop) continue;
      if (v === null) {
        // A non-nullable null with a default is defaulted; without one, the API server refuses it.
        const p = this.structure(prop);
        if (p.nullable || p.default === undefined) continue;
        copy ??= { ...obj };
        copy[key] = this.defaults(structuredClone(p.default), prop);
      } else if (typeof v === "object") {
        const d = this.defaults(v, prop);
        if (d === v) continue;
        copy ??= { ...obj };
        copy[key] = d;
      }
    }
    for (const [key, d] of this.defaulted(s)) {
      if (key in (copy ?? obj)) continue;
      copy ??= { ...obj };
      copy[key] = this.defaults(structuredClone(d), s.properties?.[key] as Schema);
    }
    return copy ?? obj;
  }

  /** Checks a value; `full` also reports undeclared fields and runs CEL rules (not inside anyOf/oneOf/not). */
  check(value: unknown, schema: Schema, keys: Keys, full: boolean): boolean {
    const s = this.structure(schema);
    const before = this.out.length;
    if (value === null) {
      if (s.nullable || this.opts.builtin) return true;
      this.report("invalid", keys, `must be of type ${s.type ?? "object"}, not null`);
      return false;
    }
    if (holdsVariable(value)) return true;
    if (this.opts.substituted && typeof value === "string" && s.type && s.type !== "string") {
      value = reparse(value);
      if (value === null) return true;
    }
    if (s["x-kubernetes-int-or-string"]) {
      if (typeof value !== "string" && !(typeof value === "number" && Number.isInteger(value))) {
        this.report("invalid", keys, `must be an integer or a string, not ${describe(value)}`);
        return false;
      }
    } else if (s.type && !typeMatches(s.type, value)) {
      this.report("invalid", keys, `must be of type ${s.type}, not ${describe(value)}`);
      return false;
    }
    if (s.enum && !s.enum.some((e) => deepEqual(e, value))) {
      this.report(
        "invalid",
        keys,
        `unsupported value ${quote(value)}: supported values: ${s.enum.map(quote).join(", ")}`,
      );
    }
    if (typeof value === "string") this.checkString(value, s, keys);
    else if (typeof value === "number") this.checkNumber(value, s, keys);
    else if (Array.isArray(value)) this.checkArray(value, s, keys, full);
    else if (typeof value === "object") this.checkObject(value as Record<string, unknown>, s, keys, full);
    this.checkCombinators(value, s, keys);
    if (full && this.out.length === before) this.checkRules(value, s, keys);
    for (let i = before; i < this.out.length; i++) if (this.out[i]?.kind === "invalid") return false;
    return true;
  }

  checkString(value: string, s: Schema, keys: Keys): void {
    // Lengths count code points, as Go's utf8.RuneCountInString does.
    const length = s.minLength !== undefined || s.maxLength !== undefined ? [...value].length : 0;
    if (s.minLength !== undefined && length < s.minLength) {
      this.report("invalid", keys, `should be at least ${s.minLength} chars long`);
    }
    if (s.maxLength !== undefined && length > s.maxLength) {
      this.report("invalid", keys, `may not be more than ${s.maxLength} chars long`);
    }
    if (s.pattern !== undefined && !patternMatches(s.pattern, value)) {
      this.report("invalid", keys, `${quote(value)} does not match ${s.pattern}`);
    }
    if (s.format && !formatAccepts(s.format, value)) {
      this.report("invalid", keys, `${quote(value)} is not a valid ${s.format}`);
    }
  }

  checkNumber(value: number, s: Schema, keys: Keys): void {
    if (s.minimum !== undefined && (s.exclusiveMinimum ? value <= s.minimum : value < s.minimum)) {
      this.report(
        "invalid",
        keys,
        `should be greater than ${s.exclusiveMinimum ? "" : "or equal to "}${s.minimum}`,
      );
    }
    if (s.maximum !== undefined && (s.exclusiveMaximum ? value >= s.maximum : value > s.maximum)) {
      this.report(
        "invalid",
        keys,
        `should be less than ${s.exclusiveMaximum ? "" : "or equal to "}${s.maximum}`,
      );
    }
    if (s.multipleOf !== undefined && !Number.isInteger(value / s.multipleOf)) {
      this.report("invalid", keys, `should be a multiple of ${s.multipleOf}`);
    }
  }

  checkArray(value: unknown[], s: Schema, keys: Keys, full: boolean): void {
    if (s.minItems !== undefined && value.length < s.minItems) {
      this.report("invalid", keys, `should have at least ${s.minItems} items`);
    }
    if (s.maxItems !== undefined && value.length > s.maxItems) {
      this.report("invalid", keys, `must have at most ${s.maxItems} items`);
    }
    const listType = s["x-kubernetes-list-type"];
    if (s.uniqueItems || listType === "set") {
      value.forEach((v, i) => {
        if (value.findIndex((w) => deepEqual(v, w)) < i)
          this.report("invalid", [...keys, i], `duplicate value ${quote(v)}`);
      });
    }
    if (listType === "map") {
      const mapKeys = s["x-kubernetes-list-map-keys"] ?? [];
      const seen = new Set<string>();
      value.forEach((v, i) => {
        if (v === null || typeof v !== "object") return;
        const id = JSON.stringify(mapKeys.map((k) => (v as Record<string, unknown>)[k] ?? null));
        if (seen.has(id)) this.report("invalid", [...keys, i], `duplicate entry with key ${id}`);
        seen.add(id);
      });
    }
    if (s.items) {
      const items = s.items;
      value.forEach((v, i) => {
        this.check(v, items, [...keys, i], full);
      });
    }
  }

  checkObject(value: Record<string, unknown>, s: Schema, keys: Keys, full: boolean): void {
    const present = Object.keys(value);
    for (const required of s.required ?? []) {
      if (!(required in value)) {
        this.report("invalid", [...keys, required], "Required value");
      }
    }
    if (s.minProperties !== undefined && present.length < s.minProperties) {
      this.report("invalid", keys, `should have at least ${s.minProperties} properties`);
    }
    if (s.maxProperties !== undefined && present.length > s.maxProperties) {
      this.report("invalid", keys, `should have at most ${s.maxProperties} properties`);
    }
    const embedded = s["x-kubernetes-embedded-resource"] === true;
    if (embedded) {
      for (const field of ["apiVersion", "kind"]) {
        if (typeof value[field] !== "string" || value[field] === "") {
          this.report("invalid", [...keys, field], "must not be empty");
        }
      }
    }
    const additional = s.additionalProperties;
    const preserve = s["x-kubernetes-preserve-unknown-fields"] === true;
    for (const key of present) {
      const prop = s.properties?.[key];
      const child = [...keys, key];
      const resource = embedded || keys.length === 0;
      if (resource && key === "metadata" && !this.opts.builtin) this.checkMetadata(value[key], child, full);
      else if (prop) this.check(value[key], prop, child, full);
      else if (typeof additional === "object") this.check(value[key], additional, child, full);
      else if (resource && (key === "apiVersion" || key === "kind")) continue;
      else if (full && !preserve && additional !== true && this.prunes(s)) this.unknownField(child);
    }
  }

  /** Which objects drop undeclared fields: a CRD's `type: object` always; a built-in one with properties. */
  prunes(s: Schema): boolean {
    if (this.opts.builtin) return s.properties !== undefined;
    return s.properties !== undefined || s.additionalProperties === false || s.type === "object";
  }

  /** A custom resource's metadata is ObjectMeta whatever its schema says (only name constraints apply). */
  checkMetadata(value: unknown, keys: Keys, full: boolean): void {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      this.report("invalid", keys, `must be of type object, not ${describe(value)}`);
      return;
    }
    const meta = value as Record<string, unknown>;
    for (const field of ["labels", "annotations"]) {
      const map = meta[field];
      if (map === undefined || map === null) continue;
      if (typeof map !== "object" || Array.isArray(map)) {
        this.report("invalid", [...keys, field], `must be of type object, not ${describe(map)}`);
        continue;
      }
      for (const [k, v] of Object.entries(map)) {
        if (typeof v !== "string" && !holdsVariable(v)) {
          this.report("invalid", [...keys, field, k], `must be of type string, not ${describe(v)}`);
        }
      }
    }
    if (!full) return;
    for (const key of Object.keys(meta)) if (!OBJECT_META_FIELDS.has(key)) this.unknownField([...keys, key]);
  }

  unknownField(keys: Keys): void {
    this.report("invalid", keys, "field not declared in schema");
  }

  checkCombinators(value: unknown, s: Schema, keys: Keys): void {
    if (!s.allOf && !s.anyOf && !s.oneOf && !s.not) return;
    // A branch is tried on the value as written: re-reading a substituted string as YAML would let `"1"`
    // match both the string and the number branch of a Quantity.
    const probeOptions = { ...this.opts, substituted: false };
    const passes = (sub: Schema): boolean => {
      const probe = new Validator(probeOptions);
      probe.check(value, sub, keys, false);
      return probe.out.every((v) => v.kind !== "invalid");
    };
    if (this.opts.resolve && s.allOf?.length === 1 && s.allOf[0]?.$ref) return;
    for (const sub of s.allOf ?? []) {
      const probe = new Validator(probeOptions);
      probe.check(value, sub, keys, false);
      this.out.push(...probe.out.filter((v) => v.kind === "invalid"));
    }
    if (s.anyOf && !s.anyOf.some(passes))
      this.report("invalid", keys, "must match at least one schema in anyOf");
    if (s.oneOf && s.oneOf.filter(passes).length !== 1) {
      this.report("invalid", keys, "must match exactly one schema in oneOf");
    }
    if (s.not && passes(s.not)) this.report("invalid", keys, "must not match the schema in not");
  }

  checkRules(value: unknown, s: Schema, keys: Keys): void {
    const rules = s["x-kubernetes-validations"];
    if (!rules?.length) return;
    if (containsVariable(value)) return;
    const self = toCelValue(value, s, this.opts.resolve);
    for (const rule of rules) {
      const outcome = evaluateRule(rule, self);
      if (outcome.kind === "fail") {
        const at = rule.fieldPath ? [...keys, ...fieldPathKeys(rule.fieldPath)] : keys;
        this.report("invalid", at, outcome.message);
      } else if (outcome.kind === "unsupported") {
        this.report("unsupported", keys, `CEL rule \`${rule.rule}\` not evaluated: ${outcome.message}`);
      }
    }
  }
}

/** A scalar as YAML reads it once substituted into the text (`"3"` is 3, `""` is null). */
function reparse(text: string): unknown {
  try {
    const v = loadManifest(text);
    return v === undefined ? null : v;
  } catch {
    return text;
  }
}

function containsVariable(v: unknown): boolean {
  if (holdsVariable(v)) return true;
  if (Array.isArray(v)) return v.some(containsVariable);
  if (v !== null && typeof v === "object") return Object.values(v).some(containsVariable);
  return false;
}

/** `.spec.ports[0]` or `.spec['a.b']` of a rule's fieldPath, as keys. */
function fieldPathKeys(fieldPath: string): Keys {
  const out: Keys = [];
  for (const m of fieldPath.matchAll(/\.([A-Za-z0-9_-]+)|\[(\d+)\]|\['([^']*)'\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(m[3]);
  }
  return out;
}

/** What the API server would reject, prune, or kubestrap could not check, in one object. */
export function validateObject(body: unknown, schema: Schema, opts: ValidateOptions = {}): Violation[] {
  const v = new Validator(opts);
  const value = opts.builtin ? body : v.defaults(body, schema);
  v.check(value, schema, [], true);
  return v.out;
}
