import { createRequire } from "node:module";
import jsyaml from "js-yaml";
import type { Document, LineCounter, ScalarTag, Tags } from "yaml";
import type { Finding } from "../findings.ts";

/** One YAML document of a file, as plain data, with the line it starts on. */
type YamlModule = typeof import("yaml");
let yamlModule: YamlModule | undefined;

/**
 * The position-keeping parser, loaded on first use: ordinary files never need it (js-yaml reads them), and
 * loading it costs a command ~18 ms of start-up.
 */
export function fullYaml(): YamlModule {
  yamlModule ??= createRequire(import.meta.url)("yaml") as YamlModule;
  return yamlModule;
}

export interface YamlDocument {
  file: string;
  /** Index of the document within its file (0-based). */
  index: number;
  /** 1-based line of the document's first content line. */
  line: number;
  value: unknown;
}

export interface ParsedYaml {
  documents: YamlDocument[];
  findings: Finding[];
}

const parseOptions = {
  // Real repositories redefine anchors and repeat keys; kustomize and Flux accept both (last wins).
  uniqueKeys: false,
  strict: false,
  prettyErrors: false,
  // Merge keys (`<<: *anchor`) as YAML 1.1 and helmfile use them.
  merge: true,
  customTags: (tags: Tags) => [goOctal(), ...tags],
} as const;

/**
 * Go's YAML parsers read a plain `0600` as octal 384 (yaml.v3 parses integers with base 0, yaml.v2 follows YAML
 * 1.1), so kustomize, Flux, helm and kubectl apply `defaultMode: 0600` as 384; YAML 1.2 reads decimal 600, which
 * the API server refuses. Both parsers here read it as Go does.
 */
const GO_OCTAL = /^[-+]?0[0-7]+$/;
const fromGoOctal = (text: string) => Number.parseInt(text, 8);
function goOctal(): ScalarTag {
  return {
    tag: "tag:yaml.org,2002:int",
    default: true,
    test: GO_OCTAL,
    identify: (value: unknown) => typeof value === "number",
    resolve: (text: string) => fromGoOctal(text),
  };
}
// Unknown tags such as `!env_var` or `!secret` resolve to their plain scalar value (with a warning we ignore).

/**
 * Parses every document of a YAML text. Documents that fail to parse become `yaml-syntax` findings
 * with the line of the error; the other documents of the file are still returned.
 */
export function parseYaml(text: string, file: string): ParsedYaml {
  const result = parseFast(text, file) ?? parseFull(text, file);
  if (result.findings.length === 0 || !ALIAS_KEY.test(text)) return result;
  // Go's YAML parser (Flux's) reads `*app:` as the alias `app` used as a key; YAML 1.2 parsers read an alias
  // named `app:`. Retried with a space before the colon (lines do not move); kept only if it then parses.
  const spaced = text.replace(ALIAS_KEY_GLOBAL, "$1*$2 :");
  const retried = parseFast(spaced, file) ?? parseFull(spaced, file);
  return retried.findings.length < result.findings.length ? retried : result;
}

const ALIAS_KEY = /^(\s*(?:- )?)\*([^\s:,[\]{}]+):(?=\s|$)/m;
const ALIAS_KEY_GLOBAL = new RegExp(ALIAS_KEY.source, "gm");

// Core schema (no timestamps, no binary) plus merge keys; @types/js-yaml omits the runtime `types` export.
const types = (
  jsyaml as unknown as { types: Record<"merge" | "null" | "bool" | "int" | "float", jsyaml.Type> }
).types;
type IntType = jsyaml.Type & { resolve(data: string): boolean; construct(data: string): number };
const coreInt = types.int as IntType;
// js-yaml keeps one implicit type per tag: the core integers, with Go's octal read first.
const goInt = new jsyaml.Type("tag:yaml.org,2002:int", {
  kind: "scalar",
  resolve: (data: string) => GO_OCTAL.test(data) || coreInt.resolve(data),
  construct: (data: string) => (GO_OCTAL.test(data) ? fromGoOctal(data) : coreInt.construct(data)),
  predicate: (value: unknown) => Number.isInteger(value),
  represent: (value: unknown) => String(value),
  defaultStyle: "decimal",
});
const FAST_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [types.null, types.bool, goInt, types.float, types.merge],
});

/**
 * Parses one YAML document as Kubernetes reads manifests: the core schema, so `2024-01-01` stays a string
 * and is applied as written, and a later duplicate key wins.
 */
export function loadManifest(text: string): unknown {
  return jsyaml.load(text, { schema: FAST_SCHEMA, json: true });
}

/** Every document of a text, as `loadManifest` reads one; undefined when the text does not parse. */
export function loadAllManifests(text: string): unknown[] | undefined {
  try {
    return jsyaml.loadAll(text, undefined, { schema: FAST_SCHEMA, json: true });
  } catch {
    return undefined;
  }
}
const SEPARATOR = /^---(?:[ \t]|$)/;
const DOCUMENT_END = /^\.\.\.(?:[ \t]|$)/;

/**
 * The fast path: js-yaml is several times faster than the position-keeping parser and is used for
 * the ordinary documents that make up nearly every repository. Anything unusual (custom tags,
 * directives, document-end markers, a syntax error) takes the full parser, which also reports errors.
 */
function parseFast(text: string, file: string): ParsedYaml | undefined {
  const starts = documentStartLines(text);
  if (starts === undefined) return undefined;
  const values: unknown[] = [];
  try {
    jsyaml.loadAll(text, (doc) => values.push(doc), { schema: FAST_SCHEMA, json: true });
  } catch {
    return undefined;
  }
  if (values.length !== starts.length) return undefined;
  const documents: YamlDocument[] = [];
  values.forEach((value, index) => {
    if (value === null || value === undefined) return;
    documents.push({ file, index, line: starts[index] as number, value });
  });
  return { documents, findings: [] };
}

/** First content line of each document, split on `---` lines; undefined when the text needs the full parser. */
function documentStartLines(text: string): number[] | undefined {
  if (text.includes("\t!") || /(^|[\s:[,-])!(?!=)/m.test(text.replace(/["'][^"'\n]*["']/g, "")))
    return undefined;
  const lines = text.split("\n");
  const starts: number[] = [];
  let pending: number | undefined = 0; // index of the open document's separator line, or 0 for an implicit first document
  let explicit = false;
  let content: number | undefined;
  const close = (): void => {
    if (explicit || content !== undefined) starts.push((content ?? pending ?? 0) + 1);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith("%") || DOCUMENT_END.test(line)) return undefined;
    if (SEPARATOR.test(line)) {
      close();
      pending = i;
      explicit = true;
      content = line.slice(3).trim() && !line.slice(3).trim().startsWith("#") ? i : undefined;
      continue;
    }
    if (content === undefined) {
      const t = line.trim();
      if (t !== "" && !t.startsWith("#")) content = i;
    }
  }
  close();
  return starts;
}

function parseFull(text: string, file: string): ParsedYaml {
  const { LineCounter, parseAllDocuments } = fullYaml();
  const lineCounter = new LineCounter();
  const documents: YamlDocument[] = [];
  const findings: Finding[] = [];
  const docs = parseAllDocuments(text, { ...parseOptions, lineCounter });
  const list = Array.isArray(docs) ? docs : [];
  let index = 0;
  for (const doc of list) {
    const docIndex = index++;
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      const line = err ? lineCounter.linePos(err.pos[0]).line : 1;
      findings.push({
        ruleId: "yaml-syntax",
        severity: "error",
        message: `YAML syntax error: ${firstLine(err?.message ?? "unknown error")}`,
        location: { file, line },
      });
      continue;
    }
    if (doc.contents === null) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 10_000 });
    } catch (e) {
      findings.push({
        ruleId: "yaml-syntax",
        severity: "error",
        message: `YAML error: ${firstLine((e as Error).message)}`,
        location: { file, line: lineCounter.linePos(doc.range[0]).line },
      });
      continue;
    }
    if (value === null || value === undefined) continue;
    const start = doc.contents.range?.[0] ?? doc.range[0];
    documents.push({ file, index: docIndex, line: lineCounter.linePos(start).line, value });
  }
  return { documents, findings };
}

/** The documents of a YAML text as position-keeping nodes, for finding the line of a field. */
export interface YamlPositions {
  documents: Document.Parsed[];
  lineCounter: LineCounter;
}

export function parsePositions(text: string): YamlPositions {
  const { LineCounter, parseAllDocuments } = fullYaml();
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { ...parseOptions, lineCounter });
  return { documents: Array.isArray(docs) ? docs : [], lineCounter };
}

/** The 1-based line of a key path inside one document, or of its nearest existing ancestor. */
export function locateIn(
  positions: YamlPositions,
  docIndex: number,
  path: readonly (string | number)[],
): number | undefined {
  const doc = positions.documents[docIndex];
  if (!doc) return undefined;
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === "object" && node.range)
      return positions.lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? s;
}
