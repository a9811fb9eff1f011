/**
 * A parser for Go's text/template language, as helmfile uses it: actions, pipelines, variables, if/else,
 * range (with break/continue), with, define/template/block, comments and whitespace trimming.
 * Errors carry the template name and line, as Go reports them ("name:line: message").
 */

export type Operand =
  | { kind: "dot"; chain: string[] }
  | { kind: "field"; chain: string[] }
  | { kind: "variable"; name: string; chain: string[] }
  | { kind: "function"; name: string }
  | { kind: "literal"; value: unknown }
  | { kind: "nil" }
  | { kind: "pipeline"; pipeline: Pipeline; chain: string[] };

export interface Command {
  operands: Operand[];
}

export interface Pipeline {
  /** `$x := ...` declares, `$x = ...` assigns. */
  variables: string[];
  assign: boolean;
  commands: Command[];
  line: number;
}

export type Node =
  | { kind: "text"; text: string }
  | { kind: "action"; pipeline: Pipeline }
  | { kind: "if" | "with"; branches: { pipeline: Pipeline; body: Node[] }[]; otherwise?: Node[] }
  | { kind: "range"; pipeline: Pipeline; body: Node[]; otherwise?: Node[] }
  | { kind: "template"; name: string; pipeline?: Pipeline; line: number }
  | { kind: "break" | "continue"; line: number };

export interface Template {
  name: string;
  root: Node[];
  /** Templates declared with `define` or `block`, by name. */
  defines: Map<string, Node[]>;
}

export class TemplateError extends Error {
  readonly template: string;
  readonly line: number;
  readonly detail: string;
  constructor(template: string, line: number, detail: string, cause?: unknown) {
    super(`template: ${template}:${line}: ${detail}`, { cause });
    this.template = template;
    this.line = line;
    this.detail = detail;
  }
}

type TokenKind =
  | "space"
  | "pipe"
  | "lparen"
  | "rparen"
  | "declare"
  | "assign"
  | "comma"
  | "string"
  | "number"
  | "bool"
  | "nil"
  | "variable"
  | "field"
  | "dot"
  | "identifier"
  | "keyword"
  /** Any other printable ASCII character: the parser says where it is unexpected, as Go's does. */
  | "char";

interface Token {
  kind: TokenKind;
  text: string;
  value?: unknown;
  /** Line of the token's first character: an action may span lines, and errors name the line of the node. */
  line?: number;
}

const KEYWORDS = new Set([
  "if",
  "else",
  "end",
  "range",
  "with",
  "define",
  "template",
  "block",
  "break",
  "continue",
]);

interface Action {
  tokens: Token[];
  line: number;
}

type Piece = { kind: "text"; text: string } | { kind: "action"; action: Action };

/** Splits the source into text and actions, applying `{{-` / `-}}` trimming and dropping comments. */
function split(name: string, source: string): Piece[] {
  const pieces: Piece[] = [];
  let pos = 0;
  let trimNext = false;
  while (pos <= source.length) {
    const open = source.indexOf("{{", pos);
    let text = source.slice(pos, open < 0 ? source.length : open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, "");
    if (open < 0) {
      if (text) pieces.push({ kind: "text", text });
      break;
    }
    let start = open + 2;
    if (
      source.startsWith("- ", start) ||
      source.startsWith("-\t", start) ||
      source.startsWith("-\n", start)
    ) {
      text = text.replace(/[ \t\r\n]+$/, "");
      start += 1;
    }
    if (text) pieces.push({ kind: "text", text });
    const line = lineAt(source, open);
    const body = start;
    // A comment: `{{/* ... */}}`, with optional trim markers around it.
    const afterSpace = source.slice(body).match(/^[ \t\r\n]*/)?.[0].length ?? 0;
    if (source.startsWith("/*", body + afterSpace)) {
      const endComment = source.indexOf("*/", body + afterSpace + 2);
      if (endComment < 0) throw new TemplateError(name, line, "unclosed comment");
      let after = endComment + 2;
      const trimMatch = source.slice(after).match(/^[ \t\r\n]+-}}/);
      trimNext = false;
      if (trimMatch) {
        after += trimMatch[0].length;
        trimNext = true;
      } else if (source.startsWith("}}", after)) after += 2;
      else throw new TemplateError(name, line, "comment ends before closing delimiter");
      pos = after;
      continue;
    }
    const { tokens, end, trim } = lexAction(name, source, body, line);
    pieces.push({ kind: "action", action: { tokens, line } });
    trimNext = trim;
    pos = end;
  }
  return pieces;
}

function lineAt(source: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

function lexAction(
  name: string,
  s: string,
  start: number,
  line: number,
): { tokens: Token[]; end: number; trim: boolean } {
  const tokens: Token[] = [];
  let i = start;
  let counted = start;
  let current = line;
  const push = (token: Token) => {
    for (; counted < i; counted++) if (s.charCodeAt(counted) === 10) current++;
    tokens.push({ ...token, line: current });
  };
  const fail = (m: string): never => {
    throw new TemplateError(name, line, m);
  };
  for (;;) {
    if (i >= s.length) fail("unclosed action");
    const c = s[i] as string;
    if (c === " " || c === "\t" || c === "\r" || c === "\n") {
      let j = i;
      while (j < s.length && /[ \t\r\n]/.test(s[j] as string)) j++;
      if (s.startsWith("-}}", j)) return { tokens, end: j + 3, trim: true };
      push({ kind: "space", text: " " });
      i = j;
      continue;
    }
    if (s.startsWith("}}", i)) return { tokens, end: i + 2, trim: false };
    if (c === "|") {
      push({ kind: "pipe", text: c });
      i++;
    } else if (c === "(") {
      push({ kind: "lparen", text: c });
      i++;
    } else if (c === ")") {
      push({ kind: "rparen", text: c });
      i++;
    } else if (c === ",") {
      push({ kind: "comma", text: c });
      i++;
    } else if (s.startsWith(":=", i)) {
      push({ kind: "declare", text: ":=" });
      i += 2;
    } else if (c === "=") {
      push({ kind: "assign", text: "=" });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') {
        if (s[j] === "\\") j++;
        if (s[j] === "\n") fail("unterminated quoted string");
        j++;
      }
      if (j >= s.length) fail("unterminated quoted string");
      const raw = s.slice(i, j + 1);
      push({ kind: "string", text: raw, value: unquote(raw, fail) });
      i = j + 1;
    } else if (c === "`") {
      const j = s.indexOf("`", i + 1);
      if (j < 0) fail("unterminated raw quoted string");
      push({ kind: "string", text: s.slice(i, j + 1), value: s.slice(i + 1, j) });
      i = j + 1;
    } else if (c === "'") {
      const m = s.slice(i).match(/^'(?:\\.|[^'\\\n])*'/u);
      if (!m) fail("unterminated character constant");
      const text = (m as RegExpMatchArray)[0];
      const inner = unquote(`"${text.slice(1, -1)}"`, fail) as string;
      // One character, as Go's strconv.UnquoteChar reads it: 'ab' is an error, not 'a'.
      if ([...inner].length !== 1) fail(`malformed character constant: ${text}`);
      push({ kind: "number", text, value: inner.codePointAt(0) });
      i += text.length;
    } else if (c === "$") {
      const m = s.slice(i).match(/^\$[A-Za-z0-9_]*/) as RegExpMatchArray;
      push({ kind: "variable", text: m[0] });
      i += m[0].length;
    } else if (c === ".") {
      const m = s.slice(i).match(/^\.[A-Za-z_][A-Za-z0-9_]*/);
      if (m) {
        push({ kind: "field", text: m[0] });
        i += m[0].length;
      } else if (/[0-9]/.test(s[i + 1] ?? "")) {
        const n = s.slice(i).match(/^\.[0-9]+([eE][+-]?[0-9]+)?/) as RegExpMatchArray;
        push({ kind: "number", text: n[0], value: Number(n[0]) });
        i += n[0].length;
      } else {
        push({ kind: "dot", text: "." });
        i++;
      }
    } else if (/[0-9+-]/.test(c)) {
      const text = scanNumber(s, i);
      if (/[\p{L}\p{Nd}_]/u.test(s[i + text.length] ?? ""))
        fail(`bad number syntax: "${s.slice(i, i + text.length + 1)}"`);
      const value = parseNumber(text);
      if (Number.isNaN(value)) fail(`illegal number syntax: "${text}"`);
      push({ kind: "number", text, value });
      i += text.length;
    } else if (/[\p{L}_]/u.test(c)) {
      const m = s.slice(i).match(/^[\p{L}_][\p{L}\p{Nd}_]*/u) as RegExpMatchArray;
      const word = m[0];
      if (word === "true" || word === "false") push({ kind: "bool", text: word, value: word === "true" });
      else if (word === "nil") push({ kind: "nil", text: word });
      else push({ kind: KEYWORDS.has(word) ? "keyword" : "identifier", text: word });
      i += word.length;
    } else if (/^[\x20-\x7e]$/.test(c)) {
      push({ kind: "char", text: c });
      i++;
    } else {
      const rune = String.fromCodePoint(s.codePointAt(i) as number);
      const code = (rune.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0");
      fail(`unrecognized character in action: U+${code} '${rune}'`);
    }
  }
}

/** What Go's lexer takes for a number: a sign, a base prefix, digits, a fraction and an exponent. */
function scanNumber(s: string, start: number): string {
  let i = start;
  if (s[i] === "+" || s[i] === "-") i++;
  let digits = /[0-9_]/;
  const prefix = s.slice(i, i + 2).toLowerCase();
  if (prefix === "0x") digits = /[0-9a-fA-F_]/;
  else if (prefix === "0o") digits = /[0-7_]/;
  else if (prefix === "0b") digits = /[01_]/;
  if (digits.source !== "[0-9_]") i += 2;
  while (digits.test(s[i] ?? "")) i++;
  if (s[i] === ".") {
    i++;
    while (digits.test(s[i] ?? "")) i++;
  }
  if (digits.source === "[0-9_]" && (s[i] === "e" || s[i] === "E")) {
    i++;
    if (s[i] === "+" || s[i] === "-") i++;
    while (/[0-9_]/.test(s[i] ?? "")) i++;
  }
  return s.slice(start, i);
}

function parseNumber(text: string): number {
  const clean = text.replace(/_/g, "");
  const sign = clean.startsWith("-") ? -1 : 1;
  const body = clean.replace(/^[+-]/, "");
  if (/^0[xX]/.test(body)) return sign * Number.parseInt(body.slice(2), 16);
  if (/^0[oO]/.test(body)) return sign * Number.parseInt(body.slice(2), 8);
  if (/^0[bB]/.test(body)) return sign * Number.parseInt(body.slice(2), 2);
  if (/^0[0-7]+$/.test(body)) return sign * Number.parseInt(body, 8);
  return sign * Number(body);
}

function unquote(raw: string, fail: (m: string) => never): string {
  try {
    return JSON.parse(
      raw.replace(/\\x([0-9a-fA-F]{2})/g, "\\u00$1").replace(/\\([abfv'])/g, (_, c: string) => {
        const map: Record<string, string> = { a: "\\u0007", b: "\\b", f: "\\f", v: "\\u000b", "'": "'" };
        return map[c] ?? c;
      }),
    );
  } catch {
    return fail("invalid syntax");
  }
}

/** Parses a template. `define`d templates are collected; the root is the rest. */
export function parseTemplate(name: string, source: string): Template {
  const pieces = split(name, source);
  const defines = new Map<string, Node[]>();
  let index = 0;

  type Stop = { keyword: "end" | "else"; action: Action; rest: Token[] };
  /** How many ranges the list being parsed is in: break and continue need one. */
  let rangeDepth = 0;

  const parseList = (allowElse: boolean, opener: string | undefined): { nodes: Node[]; stop?: Stop } => {
    const nodes: Node[] = [];
    while (index < pieces.length) {
      const piece = pieces[index++] as Piece;
      if (piece.kind === "text") {
        nodes.push({ kind: "text", text: piece.text });
        continue;
      }
      const action = piece.action;
      const tokens = trimSpaces(action.tokens);
      const first = tokens[0];
      if (!first) throw new TemplateError(name, action.line, "missing value for command");
      if (first.kind === "keyword") {
        const rest = trimSpaces(tokens.slice(1));
        switch (first.text) {
          case "end":
            if (!opener) throw new TemplateError(name, action.line, "unexpected {{end}}");
            return { nodes, stop: { keyword: "end", action, rest } };
          case "else":
            if (!allowElse)
              throw new TemplateError(
                name,
                action.line,
                opener === undefined
                  ? "unexpected {{else}}"
                  : opener === "define" || opener === "block"
                    ? `unexpected {{else}} in ${opener} clause`
                    : "expected end; found {{else}}",
              );
            return { nodes, stop: { keyword: "else", action, rest } };
          case "if":
          case "with":
            nodes.push(parseBranches(first.text, rest, action.line));
            continue;
          case "range": {
            const pipeline = parsePipeline(name, rest, action.line, "range");
            rangeDepth++;
            const body = parseList(true, "range");
            rangeDepth--;
            let otherwise: Node[] | undefined;
            if (body.stop?.keyword === "else") otherwise = expectEnd(parseList(false, "range"), action.line);
            else expectEnd(body, action.line);
            nodes.push({ kind: "range", pipeline, body: body.nodes, otherwise });
            continue;
          }
          case "define":
          case "block": {
            const call = templateCall(first.text, rest, action.line);
            defines.set(call.name, expectEnd(parseList(false, first.text), action.line));
            if (first.text === "block") nodes.push(call);
            continue;
          }
          case "template":
            nodes.push(templateCall(first.text, rest, action.line));
            continue;
          case "break":
          case "continue":
            if (rangeDepth === 0)
              throw new TemplateError(name, action.line, `{{${first.text}}} outside {{range}}`);
            nodes.push({ kind: first.text, line: action.line });
            continue;
        }
      }
      nodes.push({ kind: "action", pipeline: parsePipeline(name, tokens, action.line, "command") });
    }
    if (opener) throw new TemplateError(name, lineAt(source, source.length), "unexpected EOF");
    return { nodes };
  };

  /** `{{template "name" pipeline}}`, and the head of `define` and `block`. */
  const templateCall = (
    keyword: string,
    rest: Token[],
    line: number,
  ): Extract<Node, { kind: "template" }> => {
    const nameToken = rest[0];
    if (nameToken?.kind !== "string")
      throw new TemplateError(
        name,
        line,
        `unexpected ${nameToken ? item(nameToken) : '"}}"'} in ${keyword} clause`,
      );
    const pipeTokens = trimSpaces(rest.slice(1));
    return {
      kind: "template",
      name: nameToken.value as string,
      pipeline: pipeTokens.length ? parsePipeline(name, pipeTokens, line, `${keyword} clause`) : undefined,
      line,
    };
  };

  const expectEnd = (list: { nodes: Node[]; stop?: Stop }, line: number): Node[] => {
    if (list.stop?.keyword !== "end") throw new TemplateError(name, line, "expected {{end}}");
    return list.nodes;
  };

  const parseBranches = (kind: "if" | "with", firstTokens: Token[], line: number): Node => {
    const branches: { pipeline: Pipeline; body: Node[] }[] = [];
    let pipeline = parsePipeline(name, firstTokens, line, kind);
    for (;;) {
      const body = parseList(true, kind);
      branches.push({ pipeline, body: body.nodes });
      if (body.stop?.keyword === "end") return { kind, branches };
      const rest = body.stop?.rest ?? [];
      const next = rest[0];
      if (next?.kind === "keyword" && next.text === kind) {
        pipeline = parsePipeline(name, trimSpaces(rest.slice(1)), body.stop?.action.line ?? line, kind);
        continue;
      }
      const otherwise = expectEnd(parseList(false, kind), line);
      return { kind, branches, otherwise };
    }
  };

  const root = parseList(false, undefined).nodes;
  return { name, root, defines };
}

function trimSpaces(tokens: Token[]): Token[] {
  let a = 0;
  let b = tokens.length;
  while (a < b && tokens[a]?.kind === "space") a++;
  while (b > a && tokens[b - 1]?.kind === "space") b--;
  return tokens.slice(a, b);
}

/** A token as Go's parser quotes it in an error: a keyword as <end>, anything else quoted, cut at 10 characters. */
function item(t: Token): string {
  if (t.kind === "keyword") return `<${t.text}>`;
  const chars = [...t.text];
  return chars.length > 10 ? `${JSON.stringify(chars.slice(0, 10).join(""))}...` : JSON.stringify(t.text);
}

/** `context` is what Go's parser names the pipeline in its errors: command, range, if, with, a clause. */
function parsePipeline(name: string, input: Token[], actionLine: number, context: string): Pipeline {
  const tokens = trimSpaces(input);
  const line = tokens[0]?.line ?? actionLine;
  const fail = (m: string): never => {
    throw new TemplateError(name, line, m);
  };
  const pipeline: Pipeline = { variables: [], assign: false, commands: [], line };
  // Declarations: `$x :=`, `$x =`, `$i, $e :=`.
  const nonSpace = tokens.filter((t) => t.kind !== "space");
  let start = 0;
  if (nonSpace[0]?.kind === "variable") {
    const declIndex = nonSpace.findIndex((t) => t.kind === "declare" || t.kind === "assign");
    const head = nonSpace.slice(0, declIndex);
    const isDecl =
      declIndex > 0 &&
      head.every((t, k) => (k % 2 === 0 ? t.kind === "variable" : t.kind === "comma")) &&
      head.length % 2 === 1;
    if (isDecl) {
      pipeline.variables = head.filter((t) => t.kind === "variable").map((t) => t.text);
      if (pipeline.variables.length > (context === "range" ? 2 : 1))
        fail(`too many declarations in ${context}`);
      pipeline.assign = nonSpace[declIndex]?.kind === "assign";
      const target = nonSpace[declIndex] as Token;
      start = tokens.indexOf(target) + 1;
    }
  }
  let pos = start;
  let command: Operand[] = [];
  const flush = () => {
    pipeline.commands.push({ operands: command });
    command = [];
  };
  while (pos < tokens.length) {
    const t = tokens[pos] as Token;
    if (t.kind === "space") {
      pos++;
      continue;
    }
    if (t.kind === "pipe") {
      if (command.length === 0) fail('unexpected "|" in command');
      flush();
      pos++;
      continue;
    }
    const parsed = parseOperand(name, tokens, pos, line, command.length === 0 ? "command" : "operand");
    command.push(parsed.operand);
    pos = parsed.next;
  }
  if (command.length === 0 && pipeline.commands.length === 0) fail(`missing value for ${context}`);
  // Go's parser lets a pipeline end in `|`.
  if (command.length > 0) flush();
  // A later stage receives the value before it: it must be something that can take it.
  pipeline.commands.slice(1).forEach((c, i) => {
    if (["literal", "nil", "dot"].includes((c.operands[0] as Operand).kind))
      fail(`non executable command in pipeline stage ${i + 2}`);
  });
  return pipeline;
}

function parseOperand(
  name: string,
  tokens: Token[],
  pos: number,
  line: number,
  /** Where the operand is, for Go's error: the start of a command, or after an operand. */
  context: "command" | "operand",
): { operand: Operand; next: number } {
  const t = tokens[pos] as Token;
  const fail = (m: string): never => {
    throw new TemplateError(name, line, m);
  };
  let operand: Operand;
  let next = pos + 1;
  switch (t.kind) {
    case "dot":
      operand = { kind: "dot", chain: [] };
      break;
    case "field":
      operand = { kind: "field", chain: [t.text.slice(1)] };
      break;
    case "variable":
      operand = { kind: "variable", name: t.text, chain: [] };
      break;
    case "identifier":
      operand = { kind: "function", name: t.text };
      break;
    case "string":
    case "number":
    case "bool":
      operand = { kind: "literal", value: t.value };
      break;
    case "nil":
      operand = { kind: "nil" };
      break;
    case "lparen": {
      let depth = 1;
      let j = pos + 1;
      for (; j < tokens.length && depth > 0; j++) {
        if (tokens[j]?.kind === "lparen") depth++;
        else if (tokens[j]?.kind === "rparen") depth--;
      }
      if (depth !== 0) fail("unclosed left paren");
      operand = {
        kind: "pipeline",
        pipeline: parsePipeline(name, tokens.slice(pos + 1, j - 1), line, "parenthesized pipeline"),
        chain: [],
      };
      next = j;
      break;
    }
    default:
      return fail(`unexpected ${item(t)} in ${context}`);
  }
  // Field chains written right after an operand: `.a.b`, `$x.a`, `(f).a`.
  while (tokens[next]?.kind === "field") {
    const field = (tokens[next] as Token).text.slice(1);
    if (operand.kind === "literal" || operand.kind === "nil" || operand.kind === "function")
      fail(`unexpected . after term ${JSON.stringify(t.text)}`);
    (operand as { chain: string[] }).chain.push(field);
    next++;
  }
  return { operand, next };
}
