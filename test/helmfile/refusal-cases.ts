/**
 * Templates Go's text/template refuses, with the reason it gives. The unit test holds kubestrap's template
 * engine to each reason; the differential integration test renders each template as a helmfile with the real
 * helmfile and finds the same reason in its error, so every reason here is Go's.
 */
export interface RefusalCase {
  template: string;
  reason: string;
}

const r = (template: string, reason: string): RefusalCase => ({ template, reason });

export const REFUSAL_CASES: RefusalCase[] = [
  r("{{/* open", "unclosed comment"),
  r("{{/* c */ x }}", "comment ends before closing delimiter"),
  r("{{ `open }}", "unterminated raw quoted string"),
  r("{{ 'ab' }}", "malformed character constant: 'ab'"),
  r("{{ end }}", "unexpected {{end}}"),
  r("{{ else }}", "unexpected {{else}}"),
  r("{{ }}", "missing value for command"),
  r('{{ define "x" }}', "unexpected EOF"),
  r("{{ template x }}", 'unexpected "x" in template clause'),
  r("{{ 1 # }}", 'unexpected "#" in operand'),
  r('{{ "a\nb" }}', "unterminated quoted string"),
  r("{{ 1", "unclosed action"),
  r('{{ "\\q" }}', "invalid syntax"),
  r("{{ (1 }}", "unclosed left paren"),
  r('{{ "a".b }}', 'unexpected . after term "\\"a\\""'),
  r("{{ $a, $b := 1 }}", "too many declarations in command"),
  r("{{ | len }}", 'unexpected "|" in command'),
  r("{{ $x := }}", "missing value for command"),
  r("{{ if 1 }}x", "unexpected EOF"),
  r("{{ range $a, $b, $c := list }}{{ end }}", "too many declarations in range"),
  r("{{ 1.x }}", 'bad number syntax: "1.x"'),
  r("{{ -x }}", 'bad number syntax: "-x"'),
  r("{{ with $a, $b := 1 }}{{ end }}", "too many declarations in with"),
  r("{{ ($a, $b := 1) }}", "too many declarations in parenthesized pipeline"),
  r("{{ (1, 2) }}", 'unexpected "," in operand'),
  r("{{ é }}", 'function "é" not defined'),
  r("{{ 'x }}", "unterminated character constant"),
  r("{{ define x }}{{ end }}", 'unexpected "x" in define clause'),
  r("{{ template }}", 'unexpected "}}" in template clause'),
  r('{{ template "abcdefghijkl" 1 2 }}', 'template "abcdefghijkl" not defined'),
  r("{{ if 1 }}{{ else }}{{ else }}{{ end }}", "expected end; found {{else}}"),
  r("{{ range list }}{{ else }}{{ else }}{{ end }}", "expected end; found {{else}}"),
  r('{{ define "x" }}{{ else }}{{ end }}', "unexpected {{else}} in define clause"),
  r("{{ range }}{{ end }}", "missing value for range"),
  r("{{ 0x }}", 'illegal number syntax: "0x"'),
  r("{{ 1 2 }}", "can't give argument to non-function 1"),
  r('{{ "a" 2 }}', 'can\'t give argument to non-function "a"'),
];
