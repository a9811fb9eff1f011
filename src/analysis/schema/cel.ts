/**
 * `x-kubernetes-validations` rules, evaluated as the API server evaluates them on create: `self` is the value
 * at the schema node that declares the rule, typed by that schema (integers are CEL ints, objects maps),
 * with CEL's standard library, the strings extension and the Kubernetes libraries real CRDs use. A rule that
 * needs what this evaluator lacks (optional syntax, a function it does not have) is reported as unsupported,
 * never passed.
 */
import {
  type CelEnv,
  type CelList,
  CelScalar,
  type CelValue,
  celEnv,
  celFunc,
  celMethod,
  isCelError,
  listType,
  parse,
  plan,
} from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { RE2JS } from "@bufbuild/re2";
import ipaddr from "ipaddr.js";
import { catalogCelAst } from "../../model/catalog/cel-asts.ts";
import type { RefResolver, Schema, ValidationRule } from "./types.ts";

export type RuleOutcome =
  | { kind: "pass" }
  | { kind: "fail"; message: string }
  | { kind: "unsupported"; message: string }
  | { kind: "skipped" };

type Program = (ctx: { self: unknown }) => unknown;
type Compiled = { program: Program; message?: Program } | { unsupported: string };

const regexCache = new Map<string, RE2JS>();

/** Go's regexp (RE2) semantics, as the API server's `matches` and schema `pattern` use them. */
export function re2(pattern: string): RE2JS {
  let re = regexCache.get(pattern);
  if (!re) {
    re = RE2JS.compile(pattern);
    regexCache.set(pattern, re);
  }
  return re;
}

const matchCache = new Map<string, Map<string, boolean>>();

/**
 * Whether a schema `pattern` matches: the same intervals, names and hosts recur across a repository's objects,
 * and RE2 here is an interpreter, so answers are remembered (a bounded number per pattern).
 */
export function patternMatches(pattern: string, value: string): boolean {
  let answers = matchCache.get(pattern);
  if (!answers) {
    answers = new Map();
    matchCache.set(pattern, answers);
  }
  let answer = answers.get(value);
  if (answer === undefined) {
    answer = re2(pattern).test(value);
    if (answers.size < 4096) answers.set(value, answer);
  }
  return answer;
}

const { BOOL, DYN, INT, STRING } = CelScalar;
const LIST = listType(DYN);

function compareCel(a: CelValue, b: CelValue): number {
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  const x = typeof a === "bigint" ? a : Number(a);
  const y = typeof b === "bigint" ? b : Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function items(list: CelList): CelValue[] {
  return [...list];
}

function isIp(s: string): boolean {
  // The Kubernetes ip library refuses IPv4-mapped IPv6 and zones, like netip.ParseAddr without them.
  if (s.includes("%")) return false;
  return ipaddr.IPv4.isValidFourPartDecimal(s) || (s.includes(":") && ipaddr.IPv6.isValid(s));
}

function isCidr(s: string): boolean {
  const slash = s.indexOf("/");
  if (slash < 0 || !isIp(s.slice(0, slash))) return false;
  try {
    ipaddr.parseCIDR(s);
    return true;
  } catch {
    return false;
  }
}

const QUANTITY = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$/;

/** The Kubernetes CEL libraries (lists, regex, ip, url, quantity), as far as `is*` checks and lists go. */
const KUBERNETES_FUNCS = [
  celMethod("isSorted", LIST, [], BOOL, function () {
    const xs = items(this);
    return xs.every((x, i) => i === 0 || compareCel(xs[i - 1] as CelValue, x) <= 0);
  }),
  celMethod("sum", LIST, [], DYN, function () {
    const xs = items(this);
    if (xs.length === 0) return 0n;
    return xs.reduce((a, b) => (typeof a === "bigint" ? a + (b as bigint) : Number(a) + Number(b)));
  }),
  celMethod("min", LIST, [], DYN, function () {
    return items(this).reduce((a, b) => (compareCel(b, a) < 0 ? b : a));
  }),
  celMethod("max", LIST, [], DYN, function () {
    return items(this).reduce((a, b) => (compareCel(b, a) > 0 ? b : a));
  }),
  celMethod("indexOf", LIST, [DYN], INT, function (x) {
    return BigInt(items(this).findIndex((y) => compareCel(x, y) === 0 && typeof x === typeof y));
  }),
  celMethod("lastIndexOf", LIST, [DYN], INT, function (x) {
    return BigInt(items(this).findLastIndex((y) => compareCel(x, y) === 0 && typeof x === typeof y));
  }),
  // RE2 here has no submatch API; JavaScript's engine agrees with it on the patterns CRDs use.
  celMethod("find", STRING, [STRING], STRING, function (pattern) {
    return new RegExp(pattern, "u").exec(this)?.[0] ?? "";
  }),
  celMethod("findAll", STRING, [STRING], listType(STRING), function (pattern) {
    return [...this.matchAll(new RegExp(pattern, "gu"))].map((m) => m[0]);
  }),
  celFunc("isIP", [STRING], BOOL, isIp),
  celFunc("isCIDR", [STRING], BOOL, isCidr),
  celFunc("isURL", [STRING], BOOL, (s) => URL.canParse(s)),
  celFunc("isQuantity", [STRING], BOOL, (s) => QUANTITY.test(s)),
];

let env: CelEnv | undefined;

function celEnvironment(): CelEnv {
  env ??= celEnv({ funcs: [...strings, ...KUBERNETES_FUNCS], re2: { compile: (p) => re2(p) } });
  return env;
}

const compiled = new WeakMap<ValidationRule, Compiled>();

type ParsedExpr = ReturnType<typeof parse>;

/** A catalog CRD's rule was parsed when the catalog was generated; any other is parsed here. */
function parsed(expression: string): ParsedExpr {
  return (catalogCelAst(expression) as ParsedExpr | undefined) ?? parse(expression);
}

function compile(rule: ValidationRule): Compiled {
  let c = compiled.get(rule);
  if (c) return c;
  try {
    const program = plan(celEnvironment(), parsed(rule.rule)) as Program;
    const message = rule.messageExpression
      ? (plan(celEnvironment(), parsed(rule.messageExpression)) as Program)
      : undefined;
    c = message ? { program, message } : { program };
  } catch (e) {
    c = { unsupported: `kubestrap cannot parse it: ${(e as Error).message.split("\n")[0]}` };
  }
  compiled.set(rule, c);
  return c;
}

/** Unknown functions and overloads come from what this evaluator lacks: the API server compiled the rule. */
function isEvaluatorGap(message: string): boolean {
  return /unbound function|no matching overload|unsupported/i.test(message);
}

/** Transition rules (those that read `oldSelf`) only run on update; a create never evaluates them. */
export function isTransitionRule(rule: ValidationRule): boolean {
  return /\boldSelf\b/.test(rule.rule);
}

export function evaluateRule(rule: ValidationRule, self: unknown): RuleOutcome {
  if (isTransitionRule(rule)) {
    return rule.optionalOldSelf
      ? { kind: "unsupported", message: "optionalOldSelf rules need CEL optionals" }
      : { kind: "skipped" };
  }
  const c = compile(rule);
  if ("unsupported" in c) return { kind: "unsupported", message: c.unsupported };
  const result = c.program({ self });
  if (isCelError(result)) {
    if (isEvaluatorGap(result.message)) return { kind: "unsupported", message: result.message };
    return { kind: "fail", message: `${result.message} evaluating rule: ${rule.rule}` };
  }
  if (result === true) return { kind: "pass" };
  if (result !== false)
    return { kind: "unsupported", message: `the rule returned ${typeof result}, not bool` };
  return { kind: "fail", message: failureMessage(rule, c.message, self) };
}

function failureMessage(rule: ValidationRule, messageProgram: Program | undefined, self: unknown): string {
  if (messageProgram) {
    const m = messageProgram({ self });
    if (typeof m === "string" && m.trim() !== "" && !m.includes("\n")) return m;
  }
  return rule.message ?? `failed rule: ${rule.rule}`;
}

/**
 * The value as CEL sees it under its schema: `integer` fields are ints, `number` fields doubles (whatever the
 * YAML wrote), objects and maps are maps, and a schema-less (preserved) value is typed by what it holds.
 */
export function toCelValue(value: unknown, schema: Schema | undefined, resolve?: RefResolver): unknown {
  const s = schema?.$ref && resolve ? resolve(schema.$ref) : schema;
  if (value === null || value === undefined) return null;
  if (typeof value === "number") {
    if (s?.type === "number") return value;
    if (Number.isInteger(value)) return BigInt(value);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => toCelValue(v, s?.items, resolve));
  if (typeof value === "object") {
    const out = new Map<string, unknown>();
    const props = s?.properties;
    const additional = typeof s?.additionalProperties === "object" ? s.additionalProperties : undefined;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out.set(k, toCelValue(v, props?.[k] ?? additional, resolve));
    }
    return out;
  }
  return value;
}
