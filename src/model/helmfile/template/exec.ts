/**
 * Executes a parsed Go text/template with helmfile's options (missingkey=error). Values are plain JSON-like
 * data; functions come from a table. Output follows Go's fmt `%v` for what actions print.
 */
import { isRecord } from "../../objects.ts";
import {
  type Node,
  type Operand,
  type Pipeline,
  parseTemplate,
  type Template,
  TemplateError,
} from "./parse.ts";

export type TemplateFunction = (this: ExecContext, ...args: unknown[]) => unknown;

export interface ExecContext {
  /** Renders another template text with the same functions (for `tpl`). */
  renderString(source: string, dot: unknown, name?: string): string;
  /** Runs a template declared with `define` (for `include`). */
  include(name: string, dot: unknown): string;
}

/** The value of a map lookup that found no key, as Go's `index` returns it: prints as `<no value>`. */
export const NO_VALUE: unique symbol = Symbol("no value");

class LoopControl {
  readonly kind: "break" | "continue";
  constructor(kind: "break" | "continue") {
    this.kind = kind;
  }
}

interface Scope {
  name: string;
  value: unknown;
}

export interface RenderOptions {
  functions: Record<string, TemplateFunction>;
  /** Extra `define`d templates visible to `template` and `include`. */
  defines?: Map<string, Node[]>;
}

const parsed = new Map<string, Template>();

/** A parsed template, once per name and text: helmfiles render the same chart template for every release. */
function parseOnce(name: string, source: string): Template {
  const key = `${name}\0${source}`;
  let template = parsed.get(key);
  if (!template) {
    template = parseTemplate(name, source);
    parsed.set(key, template);
  }
  return template;
}

export function renderTemplate(name: string, source: string, dot: unknown, options: RenderOptions): string {
  return new Executor(parseOnce(name, source), options).run(dot);
}

class Executor {
  private readonly defines: Map<string, Node[]>;
  private line = 1;
  private depth = 0;

  private readonly template: Template;
  private readonly options: RenderOptions;

  constructor(template: Template, options: RenderOptions) {
    this.template = template;
    this.options = options;
    this.defines = new Map([...(options.defines ?? []), ...template.defines]);
  }

  run(dot: unknown): string {
    const out: string[] = [];
    this.walk(this.template.root, dot, [{ name: "$", value: dot }], out);
    return out.join("");
  }

  private fail(message: string, cause?: unknown): never {
    throw new TemplateError(this.template.name, this.line, message, cause);
  }

  private walk(nodes: Node[], dot: unknown, vars: Scope[], out: string[]): void {
    const mark = vars.length;
    try {
      for (const node of nodes) this.node(node, dot, vars, out);
    } finally {
      vars.length = mark;
    }
  }

  private node(node: Node, dot: unknown, vars: Scope[], out: string[]): void {
    switch (node.kind) {
      case "text":
        out.push(node.text);
        return;
      case "action": {
        const value = this.pipeline(node.pipeline, dot, vars);
        if (node.pipeline.variables.length === 0) out.push(printValue(value));
        return;
      }
      case "if":
      case "with": {
        for (const branch of node.branches) {
          const mark = vars.length;
          const value = this.pipeline(branch.pipeline, dot, vars);
          if (isTrue(value)) {
            this.walk(branch.body, node.kind === "with" ? value : dot, vars, out);
            vars.length = mark;
            return;
          }
          vars.length = mark;
        }
        if (node.otherwise) this.walk(node.otherwise, dot, vars, out);
        return;
      }
      case "range":
        this.range(node, dot, vars, out);
        return;
      case "template": {
        this.line = node.line;
        const body = this.defines.get(node.name);
        if (!body) this.fail(`template "${node.name}" not defined`);
        const value = node.pipeline ? this.pipeline(node.pipeline, dot, vars) : undefined;
        this.enter(() => this.walk(body, value, [{ name: "$", value }], out));
        return;
      }
      case "break":
      case "continue":
        this.line = node.line;
        throw new LoopControl(node.kind);
    }
  }

  private enter(f: () => void): void {
    if (++this.depth > 1000) this.fail("exceeded maximum template depth (1000)");
    try {
      f();
    } finally {
      this.depth--;
    }
  }

  private range(node: Extract<Node, { kind: "range" }>, dot: unknown, vars: Scope[], out: string[]): void {
    const mark = vars.length;
    const value = this.pipeline({ ...node.pipeline, variables: [] }, dot, vars);
    const entries: [unknown, unknown][] = [];
    if (Array.isArray(value)) for (const [i, v] of value.entries()) entries.push([i, v]);
    else if (isRecord(value))
      for (const k of Object.keys(value).sort()) entries.push([k, (value as Record<string, unknown>)[k]]);
    else if (typeof value === "number" && Number.isInteger(value))
      for (let i = 0; i < value; i++) entries.push([i, i]);
    else if (value !== null && value !== undefined && value !== NO_VALUE)
      this.fail(`range can't iterate over ${printValue(value)}`);
    if (entries.length === 0) {
      if (node.otherwise) this.walk(node.otherwise, dot, vars, out);
      return;
    }
    const declared = node.pipeline.variables;
    for (const [key, element] of entries) {
      if (declared.length === 1) this.setVariable(vars, declared[0] as string, element, node.pipeline.assign);
      if (declared.length === 2) {
        this.setVariable(vars, declared[0] as string, key, node.pipeline.assign);
        this.setVariable(vars, declared[1] as string, element, node.pipeline.assign);
      }
      try {
        this.walk(node.body, element, vars, out);
      } catch (e) {
        if (!(e instanceof LoopControl)) throw e;
        if (e.kind === "break") break;
      } finally {
        if (!node.pipeline.assign) vars.length = mark;
      }
    }
    vars.length = mark;
  }

  private setVariable(vars: Scope[], name: string, value: unknown, assign: boolean): void {
    if (!assign) {
      vars.push({ name, value });
      return;
    }
    for (let i = vars.length - 1; i >= 0; i--) {
      const scope = vars[i] as Scope;
      if (scope.name === name) {
        scope.value = value;
        return;
      }
    }
    this.fail(`undefined variable: ${name}`);
  }

  private pipeline(pipeline: Pipeline, dot: unknown, vars: Scope[]): unknown {
    this.line = pipeline.line;
    let value: unknown;
    let piped = false;
    for (const command of pipeline.commands) {
      value = this.command(command.operands, dot, vars, piped ? [value] : []);
      piped = true;
    }
    for (const name of pipeline.variables) this.setVariable(vars, name, value, pipeline.assign);
    return value;
  }

  private command(operands: Operand[], dot: unknown, vars: Scope[], piped: unknown[]): unknown {
    const [head, ...rest] = operands;
    if (!head) return this.fail("empty command");
    if (head.kind === "nil") return this.fail("nil is not a command");
    if (head.kind === "function") return this.call(head.name, rest, dot, vars, piped);
    if (rest.length > 0 || piped.length > 0) {
      const target = this.operand(head, dot, vars);
      if (typeof target === "function")
        return (target as (...a: unknown[]) => unknown)(
          ...rest.map((o) => this.operand(o, dot, vars)),
          ...piped,
        );
      return this.fail(`can't give argument to non-function ${describe(head)}`);
    }
    return this.operand(head, dot, vars);
  }

  private call(name: string, operandArgs: Operand[], dot: unknown, vars: Scope[], piped: unknown[]): unknown {
    // `and` and `or` evaluate their arguments only as far as needed.
    if (name === "and" || name === "or") {
      const thunks = [
        ...operandArgs.map((o) => () => this.operand(o, dot, vars)),
        ...piped.map((p) => () => p),
      ];
      if (thunks.length === 0) this.fail(`wrong number of args for ${name}: want at least 1 got 0`);
      let last: unknown;
      for (const thunk of thunks) {
        last = thunk();
        if (name === "and" ? !isTrue(last) : isTrue(last)) return last;
      }
      return last;
    }
    const fn = this.options.functions[name];
    if (!fn) this.fail(`function "${name}" not defined`);
    const args = [...operandArgs.map((o) => this.operand(o, dot, vars)), ...piped];
    const context: ExecContext = {
      renderString: (source, data, tplName = "tpl") =>
        new Executor(parseOnce(tplName, source), { ...this.options, defines: this.defines }).run(data),
      include: (defineName, data) => {
        const body = this.defines.get(defineName);
        if (!body) this.fail(`no such template "${defineName}"`);
        const out: string[] = [];
        this.enter(() => this.walk(body, data, [{ name: "$", value: data }], out));
        return out.join("");
      },
    };
    try {
      return fn.apply(context, args);
    } catch (e) {
      if (e instanceof TemplateError) throw e;
      return this.fail(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`, e);
    }
  }

  private operand(operand: Operand, dot: unknown, vars: Scope[]): unknown {
    switch (operand.kind) {
      case "dot":
        return this.chain(dot, operand.chain, ".");
      case "field":
        return this.chain(dot, operand.chain, "");
      case "variable": {
        const scope = vars.findLast((s) => s.name === operand.name);
        if (!scope) return this.fail(`undefined variable "${operand.name}"`);
        return this.chain(scope.value, operand.chain, operand.name);
      }
      case "literal":
        return operand.value;
      case "nil":
        return null;
      case "function":
        return this.call(operand.name, [], dot, vars, []);
      case "pipeline": {
        const mark = vars.length;
        const value = this.pipeline(operand.pipeline, dot, vars);
        vars.length = mark;
        return this.chain(value, operand.chain, "(pipeline)");
      }
    }
  }

  private chain(value: unknown, fields: string[], base: string): unknown {
    let current = value;
    for (const field of fields) {
      if (isNil(current)) this.fail(`nil pointer evaluating interface {}.${field}`);
      if (!isRecord(current)) this.fail(`can't evaluate field ${field} in type ${goTypeName(current)}`);
      const map = current as Record<string, unknown>;
      if (!Object.hasOwn(map, field)) {
        if ((map as Record<string | symbol, unknown>)[STRUCT] === true)
          this.fail(`can't evaluate field ${field} in type ${base || "struct"}`);
        this.fail(`map has no entry for key "${field}"`);
      }
      current = map[field];
    }
    return current;
  }
}

/** Marks an object that stands for a Go struct (helmfile's template data), whose missing fields are errors. */
export const STRUCT: unique symbol = Symbol("struct");

export function struct<T extends object>(fields: T): T {
  Object.defineProperty(fields, STRUCT, { value: true, enumerable: false });
  return fields;
}

/** Go's truth: false, 0, "", nil and empty collections are false. */
export function isTrue(value: unknown): boolean {
  if (isNil(value)) return false;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (isRecord(value))
    return (value as Record<string | symbol, unknown>)[STRUCT] === true || Object.keys(value).length > 0;
  return true;
}

/** Go's nil as kubestrap holds it: null, undefined, or a map lookup that found no key. */
export function isNil(v: unknown): boolean {
  return v === null || v === undefined || v === NO_VALUE;
}

/** Go's reflect kind of a value as kubestrap holds it: YAML and template values only. */
export function goKind(v: unknown): string {
  if (isNil(v)) return "invalid";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float64";
  if (Array.isArray(v)) return "slice";
  return "map";
}

/** Go's name of a value's type, as `%T` and error messages print it. */
export function goTypeName(v: unknown): string {
  const kind = goKind(v);
  if (kind === "slice") return "[]interface {}";
  if (kind === "map") return "map[string]interface {}";
  if (kind === "invalid") return "<nil>";
  return kind;
}

/** An operand as Go prints its node in an error: `.a.b`, `$x.a`, `1`, `"s"`, `nil`. */
function describe(operand: Operand): string {
  switch (operand.kind) {
    case "field":
      return `.${operand.chain.join(".")}`;
    case "variable":
      return [operand.name, ...operand.chain].join(".");
    case "literal":
      return typeof operand.value === "string" ? JSON.stringify(operand.value) : formatValue(operand.value);
    default:
      return operand.kind;
  }
}

/**
 * Go's `%v` of a number. An integral value is printed as an int (a JavaScript number cannot tell Go's float64
 * 1.0 from int 1); any other is a float64, which Go prints in its shortest form, with an exponent (at least two
 * digits) when it is below -4 or at least 6.
 */
export function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const [mantissa, exponent] = n.toExponential().split("e") as [string, string];
  const exp = Number(exponent);
  if (exp >= -4 && exp < 6) return String(n);
  return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
}

/** What an action prints: Go's fmt `%v`, with `<no value>` for a missing value. */
export function printValue(value: unknown): string {
  if (value === undefined || value === NO_VALUE) return "<no value>";
  return formatValue(value, true);
}

export function formatValue(value: unknown, top = false): string {
  if (value === null || value === undefined || value === NO_VALUE) return top ? "<no value>" : "<nil>";
  if (typeof value === "string") return value;
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => formatValue(v)).join(" ")}]`;
  if (isRecord(value))
    return `map[${Object.keys(value)
      .sort()
      .map((k) => `${k}:${formatValue(value[k])}`)
      .join(" ")}]`;
  return String(value);
}
