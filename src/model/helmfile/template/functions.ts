/**
 * The template functions helmfile offers: Go's built-ins, the sprig functions repositories use, and helmfile's
 * own (readFile, fromYaml, toYaml, tpl, get, env, required, ...). File access goes through `TemplateIO`, which
 * never reads outside the repository.
 */
import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { loadAllManifests, loadManifest } from "../../../load/yaml.ts";
import { findPath, isRecord } from "../../objects.ts";
import {
  type ExecContext,
  formatValue,
  goKind,
  goTypeName,
  isNil,
  isTrue,
  NO_VALUE,
  type TemplateFunction,
} from "./exec.ts";
import { goYaml } from "./go-yaml.ts";

export interface TemplateIO {
  /** Reads a file relative to the helmfile's folder; throws with a reason when it cannot. */
  readFile(path: string): string;
  isFile(path: string): boolean;
  isDir(path: string): boolean;
  /** Names of the entries of a folder, relative to the helmfile's folder. */
  readDir(path: string): { name: string; isDir: boolean }[];
  env(name: string): string | undefined;
}

/**
 * What kubestrap cannot know while reading: an unset environment variable, or a function it does not evaluate
 * (it would run a program or reach a secret store). helmfile might read the same file elsewhere.
 */
export class UnresolvedError extends Error {}

function str(v: unknown): string {
  if (v === null || v === undefined || v === NO_VALUE) return "";
  return typeof v === "string" ? v : formatValue(v);
}

function num(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") {
    const n = Number(v);
    return Number.isNaN(n) ? 0 : n;
  }
  return 0;
}

function int(v: unknown): number {
  return Math.trunc(num(v));
}

/** sprig's `empty`: the zero value of its type. */
function empty(v: unknown): boolean {
  return !isTrue(v);
}

function toList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v === null || v === undefined) return [];
  throw new Error(`cannot use ${formatValue(v)} as a list`);
}

function asMap(v: unknown, fn: string): Record<string, unknown> {
  if (isRecord(v)) return v;
  throw new Error(`${fn}: expected a map, got ${formatValue(v)}`);
}

function deepCopy<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

/** sprig's merge: keys of `dst` win, maps merged recursively (mergo without override). */
function mergeInto(dst: Record<string, unknown>, src: Record<string, unknown>, override: boolean): void {
  for (const [k, v] of Object.entries(src)) {
    const cur = dst[k];
    if (isRecord(cur) && isRecord(v)) mergeInto(cur, v, override);
    else if (!(k in dst) || (override ? v !== undefined : empty(cur))) dst[k] = deepCopy(v);
  }
}

/** Go's fmt verbs, as far as templates use them. */
export function sprintf(format: string, args: unknown[]): string {
  let i = 0;
  return format.replace(
    /%([-+# 0]*)(\d+|\*)?(?:\.(\d+))?([a-zA-Z%])/g,
    (_m, flags: string, width: string, prec, verb) => {
      if (verb === "%") return "%";
      if (i >= args.length) return `%!${verb}(MISSING)`;
      const arg = args[i++];
      let out: string;
      switch (verb) {
        case "s":
          out = formatString(arg);
          break;
        case "v":
          out = formatValue(arg);
          if (arg === null || arg === undefined) out = "<nil>";
          break;
        case "d":
          out = typeof arg === "number" ? String(Math.trunc(arg)) : badVerb("d", arg);
          if (typeof arg === "number" && arg >= 0 && flags.includes("+")) out = `+${out}`;
          else if (typeof arg === "number" && arg >= 0 && flags.includes(" ")) out = ` ${out}`;
          break;
        case "q":
          // A number is a rune, quoted as Go quotes one.
          out =
            typeof arg === "number" ? `'${String.fromCodePoint(Math.trunc(arg))}'` : JSON.stringify(str(arg));
          break;
        case "c":
          out = String.fromCodePoint(Math.trunc(num(arg)));
          break;
        case "t":
          out = String(arg);
          break;
        case "f":
          out = goFixed(num(arg), prec === undefined ? 6 : Number(prec));
          break;
        case "e": {
          const [mantissa, exponent] = num(arg)
            .toExponential(prec === undefined ? 6 : Number(prec))
            .split("e") as [string, string];
          out = `${mantissa}e${exponent[0]}${exponent.slice(1).padStart(2, "0")}`;
          break;
        }
        case "o":
          out = typeof arg === "number" ? Math.trunc(arg).toString(8) : badVerb("o", arg);
          break;
        case "x":
          out = typeof arg === "number" ? arg.toString(16) : Buffer.from(str(arg)).toString("hex");
          break;
        case "X":
          out = (
            typeof arg === "number" ? arg.toString(16) : Buffer.from(str(arg)).toString("hex")
          ).toUpperCase();
          break;
        case "T":
          out = goTypeName(arg);
          break;
        default:
          out = formatValue(arg);
      }
      if (prec !== undefined && (verb === "s" || verb === "v")) out = out.slice(0, Number(prec));
      const w = width && width !== "*" ? Number(width) : 0;
      if (out.length < w)
        out = flags.includes("-") ? out.padEnd(w) : out.padStart(w, flags.includes("0") ? "0" : " ");
      return out;
    },
  );
}

/** Go's `%s`: strings as they are, in lists and maps too; any other value is a `%!s(type=value)` error. */
function formatString(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return `[${value.map(formatString).join(" ")}]`;
  if (isRecord(value))
    return `map[${Object.keys(value)
      .sort()
      .map((k) => `${k}:${formatString(value[k])}`)
      .join(" ")}]`;
  return badVerb("s", value);
}

/** Go's answer to a verb that does not fit the value: `%!d(string=x)`, `%!d(<nil>)`. */
function badVerb(verb: string, value: unknown): string {
  const type = goTypeName(value);
  return type === "<nil>" ? `%!${verb}(<nil>)` : `%!${verb}(${type}=${formatValue(value)})`;
}

/**
 * Go's `%.Nf`: like toFixed, except that an exact tie rounds to even (Go rounds the exact binary value; 2.25 is
 * exact, so %.1f gives 2.2 where toFixed gives 2.3).
 */
function goFixed(x: number, digits: number): string {
  const long = Math.abs(x).toFixed(Math.min(100, digits + 30));
  const point = long.indexOf(".");
  const kept = long.slice(0, point + (digits > 0 ? digits + 1 : 0));
  const tie = /^50*$/.test(long.slice(point + 1 + digits));
  const lastKept = kept.at(-1) as string;
  if (tie && Number(lastKept) % 2 === 0) return `${x < 0 ? "-" : ""}${kept}`;
  return x.toFixed(digits);
}

/** Go's json.Marshal escapes what HTML gives meaning to (and JavaScript's line separators) inside strings. */
function goJson(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Go's fmt.Sprint: a space between operands when neither is a string. */
function sprint(args: unknown[]): string {
  let out = "";
  args.forEach((a, k) => {
    if (k > 0 && typeof a !== "string" && typeof args[k - 1] !== "string") out += " ";
    out += formatValue(a);
  });
  return out;
}

const parsedYaml = new Map<string, unknown>();

/**
 * Go's yaml.Unmarshal into a map, as helmfile's fromYaml: the first document. Templates read the same Flux files
 * for every release, so texts are parsed once; each call gets its own copy (`set` and `merge` change maps).
 */
function fromYaml(text: string): Record<string, unknown> | null {
  let value = parsedYaml.get(text);
  if (!parsedYaml.has(text)) {
    try {
      value = loadManifest(text);
    } catch (e) {
      // A text with several documents: Go's Unmarshal reads the first.
      const all = loadAllManifests(text);
      if (all === undefined) throw e;
      value = all[0];
    }
    parsedYaml.set(text, value);
  }
  // A text without a document gives no map at all: it prints as <no value>.
  if (value === null || value === undefined) return null;
  if (!isRecord(value)) throw new Error(`cannot unmarshal ${typeof value} into map`);
  return structuredClone(value);
}

function indent(n: unknown, s: unknown): string {
  const pad = " ".repeat(int(n));
  return pad + str(s).replaceAll("\n", `\n${pad}`);
}

export function templateFunctions(io: TemplateIO): Record<string, TemplateFunction> {
  const fns: Record<string, TemplateFunction> = {
    // Go's built-ins.
    not: (a) => !isTrue(a),
    eq: (a, ...bs) => bs.some((b) => goEqual(a, b)),
    ne: (a, b) => !goEqual(a, b),
    lt: (a, b) => compare(a, b) < 0,
    le: (a, b) => compare(a, b) <= 0,
    gt: (a, b) => compare(a, b) > 0,
    ge: (a, b) => compare(a, b) >= 0,
    len: (a) => {
      // A string's length is its bytes, as Go counts it.
      if (typeof a === "string") return Buffer.byteLength(a);
      if (Array.isArray(a)) return a.length;
      if (isRecord(a)) return Object.keys(a).length;
      throw new Error(`len of type ${goTypeName(a)}`);
    },
    index: (coll, ...keys) => {
      let cur = coll;
      for (const key of keys) {
        if (Array.isArray(cur)) cur = cur[indexArg(key, cur.length, "slice")];
        else if (typeof cur === "string") {
          // A string is indexed by byte, as Go does: the byte's value.
          const bytes = Buffer.from(cur);
          cur = bytes[indexArg(key, bytes.length, "string")];
        } else if (isRecord(cur)) cur = Object.hasOwn(cur, str(key)) ? cur[str(key)] : NO_VALUE;
        else if (isNil(cur)) throw new Error("index of untyped nil");
        else throw new Error(`can't index item of type ${goTypeName(cur)}`);
      }
      return cur;
    },
    // sprig's slice replaces Go's built-in, and takes lists only.
    slice: (coll, ...idx) => {
      if (!Array.isArray(coll)) throw new Error(`list should be type of slice or array but ${goKind(coll)}`);
      // An empty list slices to nothing at all; bounds outside the list panic in Go's reflect.
      if (coll.length === 0) return NO_VALUE;
      const start = idx.length > 0 ? int(idx[0]) : 0;
      const end = idx.length > 1 ? int(idx[1]) : coll.length;
      if (start < 0 || end < start || end > coll.length)
        throw new Error("reflect.Value.Slice: slice index out of bounds");
      return coll.slice(start, end);
    },
    print: (...a) => sprint(a),
    println: (...a) => `${a.map((x) => formatValue(x)).join(" ")}\n`,
    printf: (format, ...a) => sprintf(str(format), a),
    html: (...a) => sprint(a).replace(/[&<>"'\0]/g, (c) => HTML_ESCAPES[c] ?? c),
    js: (...a) => jsEscape(sprint(a)),
    urlquery: (...a) => queryEscape(sprint(a)),

    // sprig: defaults and flow.
    default: (dflt, ...given) => (given.length === 0 || empty(given[0]) ? dflt : given[0]),
    empty: (v) => empty(v),
    coalesce: (...a) => a.find((v) => !empty(v)) ?? null,
    ternary: (t, f, cond) => (isTrue(cond) ? t : f),
    fail: (msg) => {
      throw new Error(str(msg));
    },
    required: (msg, v) => {
      if (v === null || v === undefined || v === NO_VALUE || v === "") throw new Error(str(msg));
      return v;
    },

    // sprig: strings.
    quote: (...a) =>
      a
        .filter((x) => x !== null && x !== undefined)
        .map((x) => JSON.stringify(str(x)))
        .join(" "),
    squote: (...a) =>
      a
        .filter((x) => x !== null && x !== undefined)
        .map((x) => `'${str(x)}'`)
        .join(" "),
    upper: (s) => str(s).toUpperCase(),
    lower: (s) => str(s).toLowerCase(),
    title: (s) =>
      str(s).replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, p: string, c: string) => p + c.toUpperCase()),
    trim: (s) => str(s).trim(),
    trimAll: (cut, s) =>
      str(s).replace(new RegExp(`^[${escapeClass(str(cut))}]+|[${escapeClass(str(cut))}]+$`, "g"), ""),
    trimPrefix: (p, s) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)),
    trimSuffix: (p, s) => (str(s).endsWith(str(p)) && str(p) ? str(s).slice(0, -str(p).length) : str(s)),
    replace: (old, neu, s) => str(s).replaceAll(str(old), str(neu)),
    contains: (sub, s) => str(s).includes(str(sub)),
    hasPrefix: (p, s) => str(s).startsWith(str(p)),
    hasSuffix: (p, s) => str(s).endsWith(str(p)),
    repeat: (n, s) => str(s).repeat(Math.max(0, int(n))),
    // sprig's substr: byte offsets; a negative start is 0, a negative or too large end is the end.
    substr: (start, end, s) => {
      const bytes = Buffer.from(str(s));
      const from = int(start);
      const to = int(end);
      if (from < 0) return bytes.subarray(0, to).toString();
      if (to < 0 || to > bytes.length) return bytes.subarray(from).toString();
      return bytes.subarray(from, to).toString();
    },
    trunc: (n, s) => {
      const k = int(n);
      return k >= 0 ? str(s).slice(0, k) : str(s).slice(k);
    },
    nospace: (s) => str(s).replace(/\s+/g, ""),
    indent: (n, s) => indent(n, s),
    nindent: (n, s) => `\n${indent(n, s)}`,
    split: (sep, s) =>
      Object.fromEntries(
        str(s)
          .split(str(sep))
          .map((p, i) => [`_${i}`, p]),
      ),
    splitList: (sep, s) => str(s).split(str(sep)),
    // sprig's strslice drops nil items before joining.
    join: (sep, list) =>
      toList(list)
        .filter((x) => x !== null && x !== undefined)
        .map(str)
        .join(str(sep)),
    // sprig's strval: fmt's %v for anything but a string, so nil is <nil>.
    toString: (v: unknown) => (v === null || v === undefined ? "<nil>" : str(v)),
    toStrings: (v) => toList(v).map(str),
    cat: (...a) =>
      a
        .filter((x) => x !== null && x !== undefined)
        .map(str)
        .join(" "),
    b64enc: (s) => Buffer.from(str(s)).toString("base64"),
    b64dec: (s) => Buffer.from(str(s), "base64").toString(),
    sha256sum: (s) => createHash("sha256").update(str(s)).digest("hex"),
    regexMatch: (re, s) => goRegExp(str(re)).test(str(s)),
    regexFind: (re, s) => str(s).match(goRegExp(str(re)))?.[0] ?? "",
    regexFindAll: (re, s, n) => {
      const all = [...str(s).matchAll(goRegExp(str(re), true))].map((m) => m[0]);
      return int(n) < 0 ? all : all.slice(0, int(n));
    },
    regexReplaceAll: (re, s, repl) => str(s).replace(goRegExp(str(re), true), goReplacement(str(repl))),
    regexReplaceAllLiteral: (re, s, repl) => str(s).replace(goRegExp(str(re), true), () => str(repl)),
    regexSplit: (re, s, n) => regexpSplit(goRegExp(str(re), true), str(s), int(n)),

    // sprig: numbers.
    add: (...a) => a.reduce<number>((s, x) => s + int(x), 0),
    add1: (a) => int(a) + 1,
    sub: (a, b) => int(a) - int(b),
    mul: (...a) => a.reduce<number>((s, x) => s * int(x), 1),
    div: (a, b) => Math.trunc(int(a) / nonZero(int(b))),
    mod: (a, b) => int(a) % nonZero(int(b)),
    max: (...a) => Math.max(...a.map(int)),
    min: (...a) => Math.min(...a.map(int)),
    int: (a) => int(a),
    int64: (a) => int(a),
    float64: (a) => num(a),
    atoi: (a) => (/^[+-]?\d+$/.test(str(a)) ? Number(str(a)) : 0),
    until: (n) => Array.from({ length: Math.max(0, int(n)) }, (_, i) => i),
    untilStep: (start, stop, step) => {
      const out: number[] = [];
      for (let i = int(start); int(step) > 0 ? i < int(stop) : i > int(stop); i += int(step)) out.push(i);
      return out;
    },

    // sprig: lists and dicts.
    list: (...a) => a,
    tuple: (...a) => a,
    first: (l) => toList(l)[0] ?? null,
    last: (l) => toList(l).at(-1) ?? null,
    rest: (l) => toList(l).slice(1),
    initial: (l) => toList(l).slice(0, -1),
    append: (l, v) => [...toList(l), v],
    push: (l, v) => [...toList(l), v],
    prepend: (l, v) => [v, ...toList(l)],
    concat: (...ls) => ls.flatMap(toList),
    reverse: (l) => [...toList(l)].reverse(),
    uniq: (l) => toList(l).filter((v, i, all) => all.findIndex((w) => deepEqual(v, w)) === i),
    without: (l, ...omit) => toList(l).filter((v) => !omit.some((o) => deepEqual(v, o))),
    has: (needle, l) => toList(l).some((v) => deepEqual(v, needle)),
    compact: (l) => toList(l).filter((v) => !empty(v)),
    sortAlpha: (l) => toList(l).map(str).sort(),
    dict: (...a) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < a.length; i += 2) out[str(a[i])] = i + 1 < a.length ? a[i + 1] : "";
      return out;
    },
    set: (d, k, v) => {
      asMap(d, "set")[str(k)] = v;
      return d;
    },
    unset: (d, k) => {
      delete asMap(d, "unset")[str(k)];
      return d;
    },
    hasKey: (d, k) => Object.hasOwn(asMap(d, "hasKey"), str(k)),
    keys: (...ds) => ds.flatMap((d) => Object.keys(asMap(d, "keys"))),
    values: (d) => Object.values(asMap(d, "values")),
    pluck: (k, ...ds) =>
      ds
        .filter((d) => isRecord(d) && Object.hasOwn(d, str(k)))
        .map((d) => (d as Record<string, unknown>)[str(k)]),
    pick: (d, ...ks) =>
      Object.fromEntries(Object.entries(asMap(d, "pick")).filter(([k]) => ks.map(str).includes(k))),
    omit: (d, ...ks) =>
      Object.fromEntries(Object.entries(asMap(d, "omit")).filter(([k]) => !ks.map(str).includes(k))),
    merge: (dst, ...srcs) => {
      const out = asMap(dst, "merge");
      for (const s of srcs) mergeInto(out, asMap(s, "merge"), false);
      return out;
    },
    mergeOverwrite: (dst, ...srcs) => {
      const out = asMap(dst, "mergeOverwrite");
      for (const s of srcs) mergeInto(out, asMap(s, "mergeOverwrite"), true);
      return out;
    },
    deepCopy: (v: unknown) => deepCopy(v),
    dig: (...a) => {
      const d = a.pop();
      const dflt = a.pop();
      const { found, value } = findPath(d, a.map(str));
      return found ? value : dflt;
    },
    toJson: (v) => goJson(JSON.stringify(v ?? null)),
    toPrettyJson: (v) => goJson(JSON.stringify(v ?? null, null, 2)),
    fromJson: (s) => {
      try {
        return JSON.parse(str(s));
      } catch {
        return {};
      }
    },
    typeOf: (v) => goTypeName(v),
    typeIs: (t, v) => goTypeName(v) === str(t),
    kindIs: (k, v) => goKind(v) === str(k),
    kindOf: (v) => goKind(v),
    base: (p) => str(p).split("/").filter(Boolean).at(-1) ?? ".",
    dir: (p) => {
      const parts = str(p).split("/");
      parts.pop();
      return parts.join("/") || (str(p).startsWith("/") ? "/" : ".");
    },
    ext: (p) => str(p).match(/\.[^./]*$/)?.[0] ?? "",

    // helmfile.
    readFile: (p) => io.readFile(str(p)),
    isFile: (p) => io.isFile(str(p)),
    isDir: (p) => io.isDir(str(p)),
    readDir: (p) =>
      io
        .readDir(str(p))
        .filter((e) => !e.isDir)
        .map((e) => `${str(p).replace(/\/$/, "")}/${e.name}`),
    readDirEntries: (p) => io.readDir(str(p)).map((e) => ({ Name: e.name, IsDir: e.isDir })),
    env: (name) => io.env(str(name)) ?? "",
    requiredEnv: (name) => {
      const v = io.env(str(name));
      if (!v) throw new UnresolvedError(`required env var \`${str(name)}\` is not set`);
      return v;
    },
    toYaml: (v) => goYaml(v === NO_VALUE ? null : v),
    fromYaml: (s) => fromYaml(str(s)),
    get: (path, ...rest) => {
      const obj = rest.pop();
      const { found, value } = findPath(obj, str(path).split("."));
      if (found) return value;
      if (rest.length > 0) return rest[0];
      throw new Error(`no value exists for key "${str(path)}"`);
    },
    getOrNil: (path, obj) => findPath(obj, str(path).split(".")).value ?? null,
    setValueAtPath: (path, value, obj) => {
      const keys = str(path).split(".");
      let cur = asMap(obj, "setValueAtPath");
      for (const k of keys.slice(0, -1)) {
        if (!isRecord(cur[k])) cur[k] = {};
        cur = cur[k] as Record<string, unknown>;
      }
      cur[keys.at(-1) as string] = value;
      return obj;
    },
    tpl: function (this: ExecContext, text, data) {
      return this.renderString(str(text), data);
    },
    include: function (this: ExecContext, name, data) {
      return this.include(str(name), data);
    },
    exec: () => {
      throw new UnresolvedError("exec runs a program; kubestrap does not run programs while reading");
    },
    fetchSecretValue: () => {
      throw new UnresolvedError("fetchSecretValue reads a secret store; kubestrap does not read them");
    },
    expandSecretRefs: () => {
      throw new UnresolvedError("expandSecretRefs reads a secret store; kubestrap does not read them");
    },
  };
  return fns;
}

/** Go's template.HTMLEscapeString. */
const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&#34;",
  "'": "&#39;",
  "\0": "\uFFFD",
};

/** Go's template.JSEscapeString: quotes and backslashes escaped, HTML-special and control characters as \uXXXX. */
function jsEscape(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Go escapes control characters, so the class names them.
  return s.replace(/[\\'"<>&=\u0000-\u001f]/g, (c) =>
    c === "\\" || c === "'" || c === '"'
      ? `\\${c}`
      : `\\u${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`,
  );
}

/** Go's url.QueryEscape: only letters, digits and `-_.~` stay; a space becomes `+`. */
function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}`)
    .replaceAll("%20", "+");
}

/** Go's Regexp.Split: n > 0 gives at most n parts, the last one the unsplit rest; n = 0 gives none. */
function regexpSplit(re: RegExp, s: string, n: number): string[] {
  if (n === 0) return [];
  if (re.source !== "(?:)" && s === "") return [""];
  const parts: string[] = [];
  let begin = 0;
  let end = 0;
  for (const m of s.matchAll(re)) {
    if (n > 0 && parts.length === n - 1) break;
    end = m.index;
    const matchEnd = m.index + m[0].length;
    if (matchEnd !== 0) parts.push(s.slice(begin, end));
    begin = matchEnd;
  }
  if (end !== s.length) parts.push(s.slice(begin));
  return parts;
}

function escapeClass(s: string): string {
  return s.replace(/[\]\\^-]/g, "\\$&");
}

/**
 * Go's RE2 syntax as a JavaScript RegExp: leading flag groups (`(?m)`, `(?i)`, `(?s)`) become flags, named
 * groups `(?P<n>...)` become `(?<n>...)`, `\z` becomes the end of input.
 */
function goRegExp(re: string, global = false): RegExp {
  let flags = global ? "g" : "";
  let body = re;
  const lead = body.match(/^\(\?([imsU]+)\)/);
  if (lead) {
    for (const f of lead[1] as string) if (f !== "U" && !flags.includes(f)) flags += f;
    body = body.slice(lead[0].length);
  }
  body = body.replace(/\(\?P</g, "(?<").replace(/\\z/g, "$(?![\\s\\S])");
  return new RegExp(body, flags);
}

/** Go's `${1}`/`$1` replacement syntax to JavaScript's. */
function goReplacement(repl: string): string {
  return repl.replace(/\$\{(\w+)\}/g, (_m, g: string) => (/^\d+$/.test(g) ? `$${g}` : `$<${g}>`));
}

const nilToNull = (v: unknown) => (isNil(v) ? null : v);

/** Go's eq: values of one basic kind; nil equals only nil. */
function goEqual(x: unknown, y: unknown): boolean {
  const a = nilToNull(x);
  const b = nilToNull(y);
  if (typeof a === "object" || typeof b === "object") {
    if (a === null && b === null) return true;
    if (a === null || b === null) return false;
    throw new Error("incompatible types for comparison");
  }
  if (goKind(a) !== goKind(b))
    throw new Error(`incompatible types for comparison: ${goTypeName(a)} and ${goTypeName(b)}`);
  return a === b;
}

/** reflect.DeepEqual, with which sprig's uniq, without and has compare: any two values, never an error. */
function deepEqual(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(nilToNull(a), nilToNull(b));
}

/** Go's lt: numbers and strings of one kind only (an int is not a float64). */
function compare(a: unknown, b: unknown): number {
  for (const v of [a, b])
    if (!["int", "float64", "string"].includes(goKind(v))) throw new Error("invalid type for comparison");
  if (goKind(a) !== goKind(b))
    throw new Error(`incompatible types for comparison: ${goTypeName(a)} and ${goTypeName(b)}`);
  if (typeof a === "number" && typeof b === "number") return a - b;
  return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
}

/** Go's index of a list or string: an integer within its length (at the length, reflect's own panic). */
function indexArg(key: unknown, length: number, kind: "slice" | "string"): number {
  if (isNil(key)) throw new Error("cannot index slice/array with nil");
  if (goKind(key) !== "int") throw new Error(`cannot index slice/array with type ${goTypeName(key)}`);
  const i = key as number;
  if (i < 0 || i > length) throw new Error(`index out of range: ${i}`);
  if (i === length) throw new Error(`reflect: ${kind} index out of range`);
  return i;
}

/** sprig's integer division panics on zero, which Go's template reports as the call's error. */
function nonZero(n: number): number {
  if (n === 0) throw new Error("runtime error: integer divide by zero");
  return n;
}
