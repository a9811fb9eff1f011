import { describe, expect, it } from "vitest";
import { renderTemplate } from "../../src/model/helmfile/template/exec.ts";
import { TemplateError } from "../../src/model/helmfile/template/parse.ts";
import { memoryFunctions } from "../helmfile/memory-functions.ts";
import { REFUSAL_CASES } from "../helmfile/refusal-cases.ts";

const files: Record<string, string> = { "a.yaml": "x: 1\nlist: [a, b]\n" };
const functionsOf = () => memoryFunctions(files, {}, { SET: "yes" });
const render = (source: string, dot: unknown = {}) =>
  renderTemplate("t", source, dot, { functions: functionsOf() });

function errorOf(source: string, dot: unknown = {}): TemplateError {
  try {
    render(source, dot);
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  throw new Error("rendered without an error");
}

describe("Go text/template evaluation", () => {
  it("prints values as Go's %v does", () => {
    expect(render("{{ . }}", { b: [1, "x"], a: true })).toBe("map[a:true b:[1 x]]");
    expect(render('{{ 1.5 }} {{ 3 }} {{ true }} {{ "s" }}')).toBe("1.5 3 true s");
    expect(render('{{ index . "nope" }}', {})).toBe("<no value>");
  });

  it("trims whitespace around {{- and -}} only", () => {
    expect(render("a  {{- 1 -}}  b")).toBe("a1b");
    expect(render("a  {{ 1 }}  b")).toBe("a  1  b");
    expect(render("a\n{{- /* gone */ -}}\nb")).toBe("ab");
  });

  it("scopes variables to their block and lets = assign an outer one", () => {
    expect(render("{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}")).toBe("21");
    expect(render("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}")).toBe("2");
    expect(render("{{ range $i, $e := list 5 6 }}{{ $i }}{{ $e }}{{ end }}")).toBe("0516");
  });

  it("short-circuits and/or and returns the deciding operand", () => {
    expect(render('{{ or 0 "" "z" }} {{ and 1 0 (fail "not reached") }}')).toBe("z 0");
  });

  it("passes the piped value as the last argument", () => {
    expect(render('{{ "abc" | printf "%s-%s" "x" }}')).toBe("x-abc");
  });

  it("reads files and YAML through the helmfile functions", () => {
    expect(render('{{ (readFile "a.yaml" | fromYaml).list | join "," }}')).toBe("a,b");
    expect(render('{{ env "SET" }}-{{ env "UNSET" }}')).toBe("yes-");
  });

  it("renders a define by template, include and tpl", () => {
    expect(render('{{ define "d" }}<{{ . }}>{{ end }}{{ template "d" 1 }}{{ include "d" 2 | upper }}')).toBe(
      "<1><2>",
    );
    expect(render('{{ tpl "{{ .a }}+" (dict "a" 3) }}')).toBe("3+");
  });

  it("refuses a missing map key, as helmfile's missingkey=error does, with the line", () => {
    const e = errorOf("line one\n{{ .Values.nope }}", { Values: {} });
    expect(e.line).toBe(2);
    expect(e.detail).toBe('map has no entry for key "nope"');
  });

  it("reports syntax errors with their line", () => {
    expect(errorOf("{{ if true }}\nno end").detail).toMatch(/unexpected EOF/);
    expect(errorOf("\n\n{{ end }}").line).toBe(3);
    expect(errorOf('{{ "unterminated }}').detail).toMatch(/unterminated quoted string/);
    expect(errorOf("{{ nosuch 1 }}").detail).toBe('function "nosuch" not defined');
    expect(errorOf('{{ requiredEnv "UNSET" }}').detail).toMatch(/required env var `UNSET` is not set/);
  });

  it("stops with an error where Go's text/template does, saying why", () => {
    const detail = (source: string, dot: unknown = {}) => errorOf(source, dot).detail;
    expect(detail("{{ .a.b }}", { a: "x" })).toBe("can't evaluate field b in type string");
    expect(detail("{{ .a.b }}", { a: null })).toBe("nil pointer evaluating interface {}.b");
    expect(detail('{{ range "x" }}{{ end }}')).toBe("range can't iterate over x");
    expect(detail("{{ $nope }}")).toBe('undefined variable "$nope"');
    expect(detail("{{ and }}")).toBe("wrong number of args for and: want at least 1 got 0");
    expect(detail("{{ .a 1 }}", { a: "x" })).toBe("can't give argument to non-function .a");
    expect(detail('{{ template "nope" }}')).toBe('template "nope" not defined');
    expect(detail('{{ include "nope" . }}')).toBe('no such template "nope"');
    expect(detail('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" 1 }}')).toBe(
      "exceeded maximum template depth (1000)",
    );
    expect(detail("{{ nil }}")).toBe("nil is not a command");
    for (const [value, type] of [
      [1, "int"],
      [1.5, "float64"],
      [true, "bool"],
      [[1], "[]interface {}"],
    ] as const)
      expect(detail("{{ .a.b }}", { a: value })).toBe(`can't evaluate field b in type ${type}`);
    expect(detail("{{ $x = 1 }}")).toMatch(/undefined variable/);
  });

  it("ranges over nothing, a number, a map by sorted key, and keeps a variable assigned in the range", () => {
    expect(
      render("{{ range .none }}x{{ end }}|{{ range 0 }}x{{ end }}|{{ range 2 }}{{ . }}{{ end }}", {
        none: null,
      }),
    ).toBe("||01");
    expect(render("{{ range $k, $v := . }}{{ $k }}{{ $v }}{{ end }}", { b: 2, a: 1 })).toBe("a1b2");
    expect(render("{{ $last := 0 }}{{ range $i, $e := list 7 8 }}{{ $last = $e }}{{ end }}{{ $last }}")).toBe(
      "8",
    );
    expect(render("{{ range $e := list 7 8 }}{{ $e }}{{ end }}")).toBe("78");
  });

  it("reads Go's literals: raw strings, escapes, runes and every integer form", () => {
    expect(render("{{ `raw \\n {{ x }}` }}")).toBe("raw \\n {{ x }}");
    expect(render('{{ "\\a\\b\\f\\v\\x41\\t" | toJson }}')).toBe('"\\u0007\\b\\f\\u000bA\\t"');
    expect(render("{{ '\\n' }} {{ '\\'' }} {{ 'é' }}")).toBe("10 39 233");
    expect(render("{{ 017 }} {{ -0x10 }} {{ 0B11 }} {{ 0O7 }} {{ 1_0 }} {{ +5 }} {{ .5 }}")).toBe(
      "15 -16 3 7 10 5 0.5",
    );
  });

  it("parses else-chains, trims after tabs and newlines, and reads comments", () => {
    expect(render("{{ with .a }}a{{ else with .b }}b={{ . }}{{ else }}none{{ end }}", { a: 0, b: 2 })).toBe(
      "b=2",
    );
    expect(render("{{ if .a }}a{{ else if .b }}b{{ end }}", { a: 0, b: 0 })).toBe("");
    expect(render("x {{-\t1\t-}} y {{-\n2\n-}} z")).toBe("x1y2z");
    expect(render("a{{/* one */}}b{{- /* two */}} c{{ /* three */ -}} d")).toBe("ab cd");
  });

  for (const c of REFUSAL_CASES)
    it(`refuses ${JSON.stringify(c.template)}: ${c.reason}`, () => {
      expect(errorOf(c.template).detail).toBe(c.reason);
    });

  it("turns Go regular expressions into JavaScript ones", () => {
    expect(render('{{ regexSplit "(?m)^---$" "a\\n---\\nb" -1 | len }}')).toBe("2");
    expect(render('{{ regexReplaceAll "(?P<v>[0-9]+)" "a1" "<${v}>" }}')).toBe("a<1>");
  });
});
