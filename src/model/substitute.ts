/**
 * Flux postBuild variable substitution, as kustomize-controller does it with fluxcd/pkg/envsubst: its grammar,
 * its functions and its errors (the differential test holds kubestrap to the library, test/envsubst).
 *
 * `${V}`; defaults `${V:=d}` `${V:-d}` `${V=d}` `${V:?d}` `${V:+d}` (each gives d when V is empty);
 * `${V/a/b}` `${V//a/b}` `${V/#a/b}` `${V/%a/b}`; `${V#p}` `${V##p}` `${V%s}` `${V%%s}` (p and s are globs
 * where `*` also matches `/`); `${V:off}` `${V:off:len}`; `${V^}` `${V^^}` `${V,}` `${V,,}`; `${#V}`.
 * `$$` is a literal `$` (so `$${V}` is `${V}`) in the text and in a replacement's pattern and text, where `\/` and
 * `\\` are a literal `/` and `\` too; within a default, `$$` is not an escape.
 * A variable that is not set reads as empty, as kustomize-controller reads it; it is listed in `undefinedVars`
 * unless a default operator names it (strict mode, the StrictPostBuildSubstitutions gate, fails there).
 */

export interface SubstitutionResult {
  /** The substituted text; the text as written when it cannot be parsed. */
  text: string;
  /** Variables read without a value outside a default operator, in the order they are evaluated. */
  undefinedVars: string[];
  /** The library's parse error (kustomize-controller then fails the Kustomization's build). */
  error?: string;
}

export function substitute(text: string, vars: ReadonlyMap<string, string>): SubstitutionResult {
  if (!text.includes("$")) return { text, undefinedVars: [] };
  let root: Node[];
  try {
    root = new Parser(text).parse();
  } catch (error) {
    if (error instanceof SubstitutionSyntaxError) return { text, undefinedVars: [], error: error.message };
    throw error;
  }
  const undefinedVars: string[] = [];
  return { text: evaluate(root, vars, undefinedVars), undefinedVars };
}

type Node = { text: string } | FuncNode;

interface FuncNode {
  /** The operator as written (`:=`, `//`, `#`, ...); empty for `${V}`. */
  op: string;
  name: string;
  args: Node[][];
}

class SubstitutionSyntaxError extends Error {}

const BAD_SUBSTITUTION = "bad substitution";
const MISSING_BRACE = "missing closing brace";
const BAD_NAME = "unable to parse variable name";
const BAD_ARGUMENT = "unable to parse substitution within function";
const BAD_DEFAULT = "unable to parse default function";

type Accept = (c: string, index: number) => boolean;

const isIdentChar = (c: string) => /^[\p{L}\p{Nd}_]$/u.test(c);

/**
 * A reader of the text in the library's terms: what each step may read (an identifier of accepted characters, an
 * opening `${`, a closing `}`), and whether escapes apply. An escape (`$$`, and after `${` also `\/` and `\\`)
 * drops its first character and keeps the second as text, whatever the step accepts.
 */
class Parser {
  private buf: string;
  private pos = 0;
  private start = 0;
  private width = 0;
  private readIdent = false;
  private readOpen = false;
  private readClose = false;
  private readEscapes = false;
  private escapeBackslash = false;
  private accept: Accept = () => true;

  constructor(text: string) {
    this.buf = text;
  }

  parse(): Node[] {
    const nodes: Node[] = [];
    for (;;) {
      this.setMode(() => true, { ident: true, open: true, escapes: true });
      this.escapeBackslash = false;
      const token = this.scan();
      if (token === "eof") return nodes;
      if (token === "open") nodes.push(this.parseFunc());
      else if (token === "ident") nodes.push({ text: this.token() });
      else throw new SubstitutionSyntaxError(BAD_SUBSTITUTION);
    }
  }

  private setMode(
    accept: Accept,
    mode: { ident?: boolean; open?: boolean; close?: boolean; escapes?: boolean },
  ): void {
    this.accept = accept;
    this.readIdent = mode.ident ?? false;
    this.readOpen = mode.open ?? false;
    this.readClose = mode.close ?? false;
    this.readEscapes = mode.escapes ?? false;
  }

  private read(): string {
    if (this.pos >= this.buf.length) {
      this.width = 0;
      return "";
    }
    const c = String.fromCodePoint(this.buf.codePointAt(this.pos) as number);
    this.width = c.length;
    this.pos += c.length;
    return c;
  }

  private unread(): void {
    this.pos -= this.width;
  }

  private peek(): string {
    const c = this.read();
    this.unread();
    return c;
  }

  /** Drops the escape character just read; the escaped one is taken as read. */
  private dropEscape(): void {
    this.buf = this.buf.slice(0, this.pos - 1) + this.buf.slice(this.pos);
  }

  private token(): string {
    return this.buf.slice(this.start, this.pos);
  }

  private scan(): "eof" | "open" | "close" | "ident" | "illegal" {
    this.start = this.pos;
    const c = this.read();
    if (c === "") return "eof";
    if (this.isOpen(c)) return "open";
    if (this.readClose && c === "}") return "close";
    if (this.scanIdent(c)) return "ident";
    return "illegal";
  }

  private isOpen(c: string): boolean {
    if (!this.readOpen || c !== "$") return false;
    if (this.read() === "{") return true;
    this.unread();
    return false;
  }

  private isEscape(c: string): boolean {
    if (!this.readEscapes) return false;
    if (c === "$") return this.peek() === "$";
    if (c === "\\" && this.escapeBackslash) return this.peek() === "/" || this.peek() === "\\";
    return false;
  }

  private scanIdent(first: string): boolean {
    if (!this.readIdent) return false;
    if (this.isEscape(first)) this.dropEscape();
    else if (!this.accept(first, this.pos - this.start)) return false;
    for (;;) {
      const c = this.read();
      if (c === "") break;
      if (this.isOpen(c)) {
        this.pos -= 2;
        break;
      }
      if (this.isEscape(c)) {
        this.dropEscape();
        continue;
      }
      if (!this.accept(c, this.pos - this.start)) {
        this.unread();
        break;
      }
    }
    return true;
  }

  /** After `${`. */
  private parseFunc(): FuncNode {
    this.escapeBackslash = true;
    if (this.peek() === "#") return this.parseLength();
    this.setMode(isIdentChar, { ident: true });
    if (this.scan() !== "ident") throw new SubstitutionSyntaxError(BAD_NAME);
    const name = this.token();
    switch (this.peek()) {
      case ":":
        return this.parseDefaultOrSubstring(name);
      case "=":
        return this.parseDefault(name);
      case ",":
      case "^":
        return this.parseOperatorOnly(name, (c, i) => (c === "," || c === "^") && i < 3);
      case "/":
        return this.parseReplace(name);
      case "#":
        return this.parseTrim(name, (c, i) => c === "#" && i < 3);
      case "%":
        return this.parseTrim(name, (c, i) => c === "%" && i < 3);
    }
    this.setMode(isIdentChar, { close: true });
    if (this.scan() !== "close") throw new SubstitutionSyntaxError(MISSING_BRACE);
    return { op: "", name, args: [] };
  }

  private operator(accept: Accept, error = BAD_SUBSTITUTION): string {
    this.setMode(accept, { ident: true });
    if (this.scan() !== "ident") throw new SubstitutionSyntaxError(error);
    return this.token();
  }

  /** One argument: a nested `${...}`, or text of accepted characters. */
  private parseArg(accept: Accept, escapes = false): Node {
    this.setMode(accept, { ident: true, open: true, escapes });
    const token = this.scan();
    if (token === "open") return this.parseFunc();
    if (token === "ident") return { text: this.token() };
    throw new SubstitutionSyntaxError(BAD_ARGUMENT);
  }

  private expectClose(): void {
    this.setMode(() => false, { close: true });
    if (this.scan() !== "close") throw new SubstitutionSyntaxError(BAD_SUBSTITUTION);
  }

  private parseLength(): FuncNode {
    const op = this.operator((c, i) => c === "#" && i === 1);
    this.setMode(isIdentChar, { ident: true });
    if (this.scan() !== "ident") throw new SubstitutionSyntaxError(BAD_SUBSTITUTION);
    const name = this.token();
    this.expectClose();
    return { op, name, args: [] };
  }

  private parseDefaultOrSubstring(name: string): FuncNode {
    this.read();
    const next = this.peek();
    // As the library does: back by the width of what was peeked, so at the end of the text it stays past `:`.
    this.unread();
    return "=-?+".includes(next) && next !== "" ? this.parseDefault(name) : this.parseSubstring(name);
  }

  private parseDefault(name: string): FuncNode {
    const accept: Accept =
      this.peek() === "="
        ? (c, i) => i === 1 && c === "="
        : (c, i) => (i === 1 && c === ":") || (i === 2 && "=-?+".includes(c));
    const op = this.operator(accept, BAD_DEFAULT);
    // The default is every part up to the closing brace, text and nested `${...}` alike, read as one argument.
    const parts: Node[] = [];
    while (this.peek() !== "}") parts.push(this.parseArg((c) => c !== "}"));
    this.expectClose();
    return { op, name, args: parts.length > 0 ? [parts] : [] };
  }

  private parseSubstring(name: string): FuncNode {
    const op = this.operator((c, i) => i === 1 && c === ":");
    const args: Node[][] = [[this.parseArg((c) => c !== ":" && c !== "}")]];
    this.setMode((c) => c === ":", { ident: true, close: true });
    const token = this.scan();
    if (token === "close") return { op, name, args };
    if (token !== "ident") throw new SubstitutionSyntaxError(BAD_SUBSTITUTION);
    args.push([this.parseArg((c) => c !== "}")]);
    this.expectClose();
    return { op, name, args };
  }

  private parseTrim(name: string, accept: Accept): FuncNode {
    const op = this.operator(accept);
    const args = [[this.parseArg((c) => c !== "}")]];
    this.expectClose();
    return { op, name, args };
  }

  private parseReplace(name: string): FuncNode {
    const op = this.operator((c, i) => (i === 1 && c === "/") || (i === 2 && "/#%".includes(c)));
    const args: Node[][] = [[this.parseArg((c) => c !== "/", true)]];
    this.operator((c) => c === "/");
    if (this.peek() !== "}") args.push([this.parseArg((c) => c !== "}", true)]);
    this.expectClose();
    return { op, name, args };
  }

  private parseOperatorOnly(name: string, accept: Accept): FuncNode {
    const op = this.operator(accept);
    this.expectClose();
    return { op, name, args: [] };
  }
}

const DEFAULT_OPERATORS = new Set(["-", "+", "=", "?", ":-", ":+", ":=", ":?"]);

function evaluate(nodes: Node[], vars: ReadonlyMap<string, string>, undefinedVars: string[]): string {
  let out = "";
  for (const node of nodes) {
    if ("text" in node) {
      out += node.text;
      continue;
    }
    const args = node.args.map((arg) => evaluate(arg, vars, undefinedVars));
    const value = vars.get(node.name);
    if (value === undefined && !DEFAULT_OPERATORS.has(node.op) && !undefinedVars.includes(node.name))
      undefinedVars.push(node.name);
    out += apply(node.op, value ?? "", args);
  }
  return out;
}

function apply(op: string, value: string, args: string[]): string {
  const [first = "", second] = args;
  switch (op) {
    case ",":
      return mapFirst(value, (c) => c.toLowerCase());
    case ",,":
      return value.toLowerCase();
    case "^":
      return mapFirst(value, (c) => c.toUpperCase());
    case "^^":
      return value.toUpperCase();
    case "#":
      return args.length === 0 ? String(Buffer.byteLength(value)) : trimPrefix(value, first, false);
    case "##":
      return trimPrefix(value, first, true);
    case "%":
      return trimSuffix(value, first, false);
    case "%%":
      return trimSuffix(value, first, true);
    case ":":
      return substring(value, args);
    case "/#":
      return second !== undefined && value.startsWith(first) ? second + value.slice(first.length) : value;
    case "/%":
      return second !== undefined && value.endsWith(first)
        ? value.slice(0, value.length - first.length) + second
        : value;
    case "/":
      return replace(value, first, second ?? "", 1);
    case "//":
      return replace(value, first, second ?? "", Number.POSITIVE_INFINITY);
    default:
      return value === "" && args.length > 0 ? args.join("") : value;
  }
}

function mapFirst(value: string, f: (c: string) => string): string {
  const c = value.codePointAt(0);
  if (c === undefined) return value;
  const first = String.fromCodePoint(c);
  return f(first) + value.slice(first.length);
}

/** Go's strings.Replace: an empty `find` matches before every character and at the end. */
function replace(value: string, find: string, by: string, count: number): string {
  if (find === "") {
    const chars = [...value];
    let out = "";
    let done = 0;
    for (const c of chars) {
      out += done < count ? by + c : c;
      done++;
    }
    return done < count ? out + by : out;
  }
  let out = "";
  let rest = value;
  for (let n = 0; n < count; n++) {
    const at = rest.indexOf(find);
    if (at < 0) break;
    out += rest.slice(0, at) + by;
    rest = rest.slice(at + find.length);
  }
  return out + rest;
}

/** `${V:offset}` and `${V:offset:length}` over the value's bytes; an offset or length that is not a number gives V. */
function substring(value: string, args: string[]): string {
  const bytes = Buffer.from(value);
  const integer = (s: string | undefined) =>
    s !== undefined && /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
  let offset = integer(args[0]);
  if (offset === undefined) return value;
  if (offset < 0) offset = Math.max(0, bytes.length + offset);
  if (args.length < 2) return goString(bytes.subarray(offset));
  const length = integer(args[1]);
  if (length === undefined) return value;
  const end = length < 0 ? bytes.length + length : offset + length;
  return goString(bytes.subarray(offset, Math.max(offset, end)));
}

/**
 * The library trims the prefixes of the value's bytes, so a pattern can cut a character in two: a byte that is
 * not valid UTF-8 on its own is one character to the pattern, as Go decodes it.
 */
function trimPrefix(value: string, pattern: string, longest: boolean): string {
  const re = globToRegExp(pattern);
  if (!re) return value;
  const bytes = Buffer.from(value);
  let cut = 0;
  // Prefixes from the whole value down to one byte: the first match is the longest, the last the shortest.
  for (let n = bytes.length; n > 0; n--) {
    if (!re.test(goString(bytes.subarray(0, n)))) continue;
    cut = n;
    if (longest) break;
  }
  return goString(bytes.subarray(cut));
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Bytes as Go reads them into runes: each byte that starts no valid UTF-8 sequence is one U+FFFD. */
function goString(bytes: Uint8Array): string {
  if (bytes.every((b) => b < 0x80)) return Buffer.from(bytes).toString("latin1");
  let out = "";
  for (let i = 0; i < bytes.length; ) {
    const size = [1, 2, 3, 4].find((n) => decodes(bytes.subarray(i, i + n)));
    out += size === undefined ? "\uFFFD" : strictUtf8.decode(bytes.subarray(i, i + size));
    i += size ?? 1;
  }
  return out;
}

function decodes(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The library trims a suffix by trimming the reversed pattern from the reversed value. */
function trimSuffix(value: string, pattern: string, longest: boolean): string {
  const reverse = (s: string) => [...s].reverse().join("");
  return reverse(trimPrefix(reverse(value), reverse(pattern), longest));
}

/**
 * The library's glob: `*` any characters (`/` included), `?` one, `[...]` a class (`^` negates, ranges with `-`),
 * `\` escapes; undefined for a pattern it refuses.
 */
function globToRegExp(glob: string): RegExp | undefined {
  let source = "";
  const chars = [...glob];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === "*") source += "[^]*";
    else if (c === "?") source += "[^]";
    else if (c === "\\") {
      const next = chars[++i];
      if (next === undefined) return undefined;
      source += escapeRegExp(next);
    } else if (c === "[") {
      const end = classEnd(chars, i + 1);
      if (end === undefined) return undefined;
      source += classSource(chars.slice(i + 1, end));
      i = end;
    } else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, "u");
}

/** Where a class opened before `from` closes: the first `]` after at least one item. */
function classEnd(chars: string[], from: number): number | undefined {
  let i = from;
  if (chars[i] === "^") i++;
  let items = 0;
  while (i < chars.length) {
    if (chars[i] === "]" && items > 0) return i;
    if (chars[i] === "-" || chars[i] === "]") return undefined;
    if (chars[i] === "\\") i++;
    i++;
    if (chars[i] === "-") {
      i++;
      if (chars[i] === "-" || chars[i] === "]" || i >= chars.length) return undefined;
      if (chars[i] === "\\") i++;
      i++;
    }
    items++;
  }
  return undefined;
}

function classSource(items: string[]): string {
  let i = 0;
  let source = "[";
  if (items[0] === "^") {
    source += "^";
    i++;
  }
  for (; i < items.length; i++) {
    const c = items[i] as string;
    if (c === "\\") source += escapeRegExp(items[++i] as string, true);
    else if (c === "-") source += "-";
    else source += escapeRegExp(c, true);
  }
  return `${source}]`;
}

function escapeRegExp(c: string, inClass = false): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) || (inClass && c === "-") ? `\\${c}` : c;
}

/** A string as a message quotes it: its first line, at most 60 characters. */
function clip(text: string): string {
  const line = text.split("\n", 1)[0] as string;
  return line.length > 60 || line.length < text.length ? `${line.slice(0, 60)}…` : line;
}

/**
 * Applies substitution to every string (keys and values) of a plain YAML value; the variables without a value and
 * the strings the library cannot parse (clipped, with its error) are added to `undefinedVars` and `errors`.
 */
export function substituteDeep(
  value: unknown,
  vars: ReadonlyMap<string, string>,
  undefinedVars: Set<string>,
  errors: string[] = [],
): unknown {
  if (typeof value === "string") {
    if (!value.includes("$")) return value;
    const r = substitute(value, vars);
    for (const v of r.undefinedVars) undefinedVars.add(v);
    if (r.error !== undefined) errors.push(`${clip(value)}: ${r.error}`);
    return r.text;
  }
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((item) => {
      const next = substituteDeep(item, vars, undefinedVars, errors);
      if (next !== item) changed = true;
      return next;
    });
    return changed ? out : value;
  }
  if (value !== null && typeof value === "object") {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const key = k.includes("$") ? (substituteDeep(k, vars, undefinedVars, errors) as string) : k;
      const next = substituteDeep(v, vars, undefinedVars, errors);
      if (key !== k || next !== v) changed = true;
      out[key] = next;
    }
    return changed ? out : value;
  }
  return value;
}
