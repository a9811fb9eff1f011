/**
 * Flux postBuild variable substitution (kustomize-controller's envsubst dialect).
 *
 * Only the braced form `${...}` is substituted; `$${...}` escapes to a literal `${...}`. Supported
 * operators, as in bash: `${V}`, `${V:=d}` `${V=d}` `${V:-d}` `${V-d}`, `${V/a/b}` `${V//a/b}`
 * `${V/#a/b}` `${V/%a/b}`, `${V#p}` `${V##p}` `${V%s}` `${V%%s}`, `${V:off}` `${V:off:len}`,
 * `${V^}` `${V^^}` `${V,}` `${V,,}` and `${#V}`.
 */

export interface SubstitutionResult {
  text: string;
  /** Variables referenced without a value and without a default. */
  undefinedVars: string[];
}

const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;

export function substitute(text: string, vars: ReadonlyMap<string, string>): SubstitutionResult {
  if (!text.includes("${")) return { text, undefinedVars: [] };
  let out = "";
  const undefinedVars: string[] = [];
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf("$", i);
    if (dollar < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    if (text.startsWith("$${", dollar)) {
      const end = findClose(text, dollar + 3);
      if (end < 0) {
        out += text.slice(dollar);
        break;
      }
      out += text.slice(dollar + 1, end + 1);
      i = end + 1;
      continue;
    }
    if (text[dollar + 1] !== "{") {
      out += "$";
      i = dollar + 1;
      continue;
    }
    const end = findClose(text, dollar + 2);
    if (end < 0) {
      out += text.slice(dollar);
      break;
    }
    const expr = text.slice(dollar + 2, end);
    const evaluated = evaluate(expr, vars);
    if (evaluated === undefined) {
      // Not a variable expression kustomize-controller understands: leave it as written.
      out += text.slice(dollar, end + 1);
    } else {
      if (evaluated.undefinedVar) undefinedVars.push(evaluated.undefinedVar);
      out += evaluated.value;
    }
    i = end + 1;
  }
  return { text: out, undefinedVars };
}

function findClose(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    const c = text[j];
    if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return j;
    else if (c === "\n") return -1;
  }
  return -1;
}

interface Evaluated {
  value: string;
  undefinedVar?: string;
}

function evaluate(expr: string, vars: ReadonlyMap<string, string>): Evaluated | undefined {
  if (expr.startsWith("#")) {
    const name = expr.slice(1);
    if (!NAME.test(name) || name.match(NAME)?.[0] !== name) return undefined;
    const v = vars.get(name);
    return v === undefined ? { value: "0", undefinedVar: name } : { value: String(v.length) };
  }
  const m = expr.match(NAME);
  if (!m) return undefined;
  const name = m[0];
  const op = expr.slice(name.length);
  const value = vars.get(name);
  const missing = (): Evaluated => ({ value: "", undefinedVar: name });
  if (op === "") return value === undefined ? missing() : { value };

  for (const prefix of [":=", ":-"]) {
    if (op.startsWith(prefix)) {
      const def = substitute(op.slice(2), vars);
      return value === undefined || value === "" ? withInner(def) : { value };
    }
  }
  for (const prefix of ["=", "-"]) {
    if (op.startsWith(prefix)) {
      const def = substitute(op.slice(1), vars);
      return value === undefined ? withInner(def) : { value };
    }
  }
  if (op.startsWith(":?") || op.startsWith("?")) {
    return value === undefined ? missing() : { value };
  }
  if (value === undefined) return missing();

  switch (op) {
    case "^":
      return { value: value.charAt(0).toUpperCase() + value.slice(1) };
    case "^^":
      return { value: value.toUpperCase() };
    case ",":
      return { value: value.charAt(0).toLowerCase() + value.slice(1) };
    case ",,":
      return { value: value.toLowerCase() };
  }
  if (op.startsWith("/")) {
    let body = op.slice(1);
    let mode: "first" | "all" | "prefix" | "suffix" = "first";
    if (body.startsWith("/")) {
      mode = "all";
      body = body.slice(1);
    } else if (body.startsWith("#")) {
      mode = "prefix";
      body = body.slice(1);
    } else if (body.startsWith("%")) {
      mode = "suffix";
      body = body.slice(1);
    }
    const slash = body.indexOf("/");
    const find = slash < 0 ? body : body.slice(0, slash);
    const repl = slash < 0 ? "" : body.slice(slash + 1);
    if (find === "") return { value };
    switch (mode) {
      case "first":
        return { value: value.replace(find, () => repl) };
      case "all":
        return { value: value.split(find).join(repl) };
      case "prefix":
        return { value: value.startsWith(find) ? repl + value.slice(find.length) : value };
      case "suffix":
        return { value: value.endsWith(find) ? value.slice(0, value.length - find.length) + repl : value };
    }
  }
  if (op.startsWith("##") || op.startsWith("#")) {
    const greedy = op.startsWith("##");
    return { value: trimPattern(value, op.slice(greedy ? 2 : 1), "prefix", greedy) };
  }
  if (op.startsWith("%%") || op.startsWith("%")) {
    const greedy = op.startsWith("%%");
    return { value: trimPattern(value, op.slice(greedy ? 2 : 1), "suffix", greedy) };
  }
  if (op.startsWith(":")) {
    const [offText = "", lenText] = op.slice(1).split(":");
    const off = Number.parseInt(offText.trim(), 10);
    if (Number.isNaN(off)) return undefined;
    const start = off < 0 ? Math.max(0, value.length + off) : Math.min(off, value.length);
    if (lenText === undefined) return { value: value.slice(start) };
    const len = Number.parseInt(lenText.trim(), 10);
    if (Number.isNaN(len)) return undefined;
    return { value: len < 0 ? value.slice(start, value.length + len) : value.slice(start, start + len) };
  }
  return undefined;
}

function withInner(r: SubstitutionResult): Evaluated {
  return r.undefinedVars[0] ? { value: r.text, undefinedVar: r.undefinedVars[0] } : { value: r.text };
}

/** Removes a shell glob pattern (`*` and `?` supported) from the start or end of value. */
function trimPattern(value: string, pattern: string, side: "prefix" | "suffix", greedy: boolean): string {
  const re = globToRegExp(pattern);
  const lengths = [...Array(value.length + 1).keys()];
  if (greedy) lengths.reverse();
  for (const n of lengths) {
    const part = side === "prefix" ? value.slice(0, n) : value.slice(value.length - n);
    if (re.test(part)) return side === "prefix" ? value.slice(n) : value.slice(0, value.length - n);
  }
  return value;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, "s");
}

/** Applies substitution to every string (keys and values) of a plain YAML value. */
export function substituteDeep(
  value: unknown,
  vars: ReadonlyMap<string, string>,
  undefinedVars: Set<string>,
): unknown {
  if (typeof value === "string") {
    if (!value.includes("${")) return value;
    const r = substitute(value, vars);
    for (const v of r.undefinedVars) undefinedVars.add(v);
    return r.text;
  }
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((item) => {
      const next = substituteDeep(item, vars, undefinedVars);
      if (next !== item) changed = true;
      return next;
    });
    return changed ? out : value;
  }
  if (value !== null && typeof value === "object") {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const key = k.includes("${") ? (substituteDeep(k, vars, undefinedVars) as string) : k;
      const next = substituteDeep(v, vars, undefinedVars);
      if (key !== k || next !== v) changed = true;
      out[key] = next;
    }
    return changed ? out : value;
  }
  return value;
}
