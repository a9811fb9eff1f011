/**
 * One small template per helmfile template function, with what helmfile prints for it. The unit test renders
 * each with kubestrap's template engine; the differential integration test renders all of them with the real
 * helmfile, so every expectation here is Go's, not kubestrap's.
 *
 * A template may read `data/a.txt` ("hello\n") and `data/sub/`, and the variable KUBESTRAP_T ("set"); nothing
 * else exists. Templates use no backquote: the differential test passes each to helmfile's `tpl` as a raw string.
 */
export interface FunctionCase {
  /** The function the case is about (several cases may share one). */
  fn: string;
  template: string;
  expected: string;
}

export const FUNCTION_FILES: Record<string, string> = {
  "data/a.txt": "hello\n",
  "data/sub/b.txt": "b\n",
};

export const FUNCTION_ENV: Record<string, string> = { KUBESTRAP_T: "set" };

const c = (fn: string, template: string, expected: string): FunctionCase => ({ fn, template, expected });

export const FUNCTION_CASES: FunctionCase[] = [
  // Go's built-ins.
  c("not", "{{ not 0 }} {{ not 1 }} {{ not list }}", "true false true"),
  c("eq", '{{ eq 1 2 1 }} {{ eq 1 2 3 }} {{ eq "a" "a" }}', "true false true"),
  c("ne", '{{ ne "a" "b" }} {{ ne 1 1 }}', "true false"),
  c("lt", '{{ lt 1 2 }} {{ lt 2 2 }} {{ lt "a" "b" }}', "true false true"),
  c("le", "{{ le 2 2 }} {{ le 3 2 }}", "true false"),
  c("gt", '{{ gt 1 2 }} {{ gt 3 2 }} {{ gt "b" "a" }}', "false true true"),
  c("ge", "{{ ge 2 2 }} {{ ge 1 2 }}", "true false"),
  c("len", '{{ len "abc" }} {{ len (list 1 2) }} {{ len (dict "a" 1) }}', "3 2 1"),
  c("index", '{{ index (list "a" "b") 1 }} {{ index (dict "a" (dict "b" 2)) "a" "b" }}', "b 2"),
  c(
    "slice",
    "{{ slice (list 1 2 3) 1 3 }} {{ slice (list 1 2 3) 1 }} {{ slice (list 1 2) }}",
    "[2 3] [2 3] [1 2]",
  ),
  c("print", '{{ print 1 2 "a" 3 "b" }}', "1 2a3b"),
  c("println", '{{ println 1 "a" }}', "1 a\n"),
  c("printf", '{{ printf "%s-%d-%q-%v-%t" "a" 3 "q" (list 1) true }}', 'a-3-"q"-[1]-true'),
  c(
    "printf",
    '{{ printf "[%5s|%-4s|%05d|%.2f|%.1s]" "r" "l" 42 3.14159 "xyz" }}',
    "[    r|l   |00042|3.14|x]",
  ),
  c("printf", '{{ printf "%x %X %x %%" 255 "hi" "hi" }}', "ff 6869 6869 %"),
  c("html", '{{ html "<a href=\'x\'>&\\"" }}', "&lt;a href=&#39;x&#39;&gt;&amp;&#34;"),
  c("js", '{{ js "a\'b\\"c<d>=&\\\\" }}', "a\\'b\\\"c\\u003Cd\\u003E\\u003D\\u0026\\\\"),
  c("js", '{{ js "a\\tb" }}', "a\\u0009b"),
  c("urlquery", '{{ urlquery "a b&c=d/é~!*" }}', "a+b%26c%3Dd%2F%C3%A9~%21%2A"),

  // sprig: defaults and flow.
  c(
    "default",
    '{{ default "d" "" }} {{ default "d" "x" }} {{ default "d" 0 }} {{ "" | default "p" }}',
    "d x d p",
  ),
  c("default", '{{ default "d" list }} {{ default "d" (list 1) }} {{ default "d" false }}', "d [1] d"),
  c(
    "empty",
    '{{ empty list }} {{ empty dict }} {{ empty 0 }} {{ empty "a" }} {{ empty (list 0) }}',
    "true true true false false",
  ),
  c("coalesce", '{{ coalesce "" 0 "x" "y" }}', "x"),
  c("ternary", '{{ ternary "a" "b" true }} {{ ternary "a" "b" false }}', "a b"),
  c("required", '{{ required "needed" "v" }}', "v"),

  // sprig: strings.
  c("quote", '{{ quote "a" "b" }} {{ quote 1 }}', '"a" "b" "1"'),
  c("squote", '{{ squote "a" "b" }}', "'a' 'b'"),
  c("upper", '{{ upper "aB1" }}', "AB1"),
  c("lower", '{{ lower "aB1" }}', "ab1"),
  c("title", '{{ title "hello wide-world" }}', "Hello Wide-World"),
  c("trim", '{{ trim "  a b \\n" }}', "a b"),
  c("trimAll", '{{ trimAll "$" "$$5.00$" }} {{ trimAll "-]" "]-x-]" }}', "5.00 x"),
  c("trimPrefix", '{{ trimPrefix "-" "--a-" }} {{ trimPrefix "x" "a" }}', "-a- a"),
  c("trimSuffix", '{{ trimSuffix "-" "-a--" }} {{ trimSuffix "" "a" }}', "-a- a"),
  c("replace", '{{ replace " " "-" "a b c" }}', "a-b-c"),
  c("contains", '{{ contains "b" "abc" }} {{ contains "d" "abc" }}', "true false"),
  c("hasPrefix", '{{ hasPrefix "a" "abc" }} {{ hasPrefix "b" "abc" }}', "true false"),
  c("hasSuffix", '{{ hasSuffix "c" "abc" }} {{ hasSuffix "b" "abc" }}', "true false"),
  c("repeat", '{{ repeat 3 "ab" }}|{{ repeat 0 "ab" }}', "ababab|"),
  c("trunc", '{{ trunc 3 "abcdef" }} {{ trunc -2 "abcdef" }} {{ trunc 9 "ab" }}', "abc ef ab"),
  c("nospace", '{{ nospace " a b\\tc\\n" }}', "abc"),
  c("indent", '{{ indent 2 "a\\nb" }}', "  a\n  b"),
  c("nindent", '{{ nindent 2 "a" }}', "\n  a"),
  c("split", '{{ split "," "a,b" }} {{ (split "," "a,b")._1 }}', "map[_0:a _1:b] b"),
  c("splitList", '{{ splitList "," "a,,b" }} {{ splitList "," "a,,b" | len }}', "[a  b] 3"),
  c("join", '{{ join "-" (list "a" 1 true) }}', "a-1-true"),
  c("toString", '{{ toString 3 | printf "%q" }}', '"3"'),
  c("toStrings", "{{ toStrings (list 1 2) }} {{ index (toStrings (list 1)) 0 | kindOf }}", "[1 2] string"),
  c("cat", '{{ cat "a" 1 "b" }}', "a 1 b"),
  c("b64enc", '{{ b64enc "hi!" }}', "aGkh"),
  c("b64dec", '{{ b64dec "aGkh" }}', "hi!"),
  c("sha256sum", '{{ sha256sum "a" }}', "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"),
  c("regexMatch", '{{ regexMatch "^a.c$" "abc" }} {{ regexMatch "^b" "abc" }}', "true false"),
  c("regexFind", '{{ regexFind "[0-9]+" "ab12cd34" }}|{{ regexFind "z" "ab" }}', "12|"),
  c(
    "regexFindAll",
    '{{ regexFindAll "[0-9]+" "1a22b333" 2 }} {{ regexFindAll "[0-9]+" "1a22b333" -1 }}',
    "[1 22] [1 22 333]",
  ),
  c("regexReplaceAll", '{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}', "-W-xxW-"),
  c("regexReplaceAllLiteral", '{{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }}', "-${1}-${1}-"),
  c(
    "regexSplit",
    '{{ regexSplit "z+" "pizza" -1 }} {{ regexSplit "z+" "pizza" 1 }} {{ regexSplit "," "a,b,c" 2 }}',
    "[pi a] [pizza] [a b,c]",
  ),
  c(
    "regexSplit",
    '{{ regexSplit "," "a,b," -1 | len }} {{ regexSplit "," "a" 0 | len }} {{ regexSplit "x" "" -1 | len }}',
    "3 0 1",
  ),

  // sprig: numbers.
  c("add", "{{ add 1 2 3 }} {{ add 1 }}", "6 1"),
  c("add1", "{{ add1 1 }}", "2"),
  c("sub", "{{ sub 5 3 }} {{ sub 3 5 }}", "2 -2"),
  c("mul", "{{ mul 2 3 4 }}", "24"),
  c("div", "{{ div 7 2 }} {{ div -7 2 }}", "3 -3"),
  c("mod", "{{ mod 7 3 }}", "1"),
  c("max", "{{ max 1 5 3 }}", "5"),
  c("min", "{{ min 4 2 8 }}", "2"),
  c("int", '{{ int "12" }} {{ int 3.9 }} {{ int true }}', "12 3 1"),
  c("int64", '{{ int64 "7" }}', "7"),
  c("float64", '{{ float64 "1.5" }} {{ float64 2 }}', "1.5 2"),
  c("atoi", '{{ atoi "42" }} {{ atoi "x" }}', "42 0"),
  c("until", "{{ until 3 }} {{ until 0 }}", "[0 1 2] []"),
  c("untilStep", "{{ untilStep 0 10 3 }} {{ untilStep 5 0 -2 }}", "[0 3 6 9] [5 3 1]"),

  // sprig: lists.
  c("list", '{{ list 1 "a" }}', "[1 a]"),
  c("tuple", '{{ tuple 1 "a" }}', "[1 a]"),
  c("first", "{{ first (list 1 2) }}", "1"),
  c("last", "{{ last (list 1 2) }}", "2"),
  c("rest", "{{ rest (list 1 2 3) }}", "[2 3]"),
  c("initial", "{{ initial (list 1 2 3) }}", "[1 2]"),
  c("append", "{{ append (list 1) 2 }}", "[1 2]"),
  c("push", "{{ push (list 1) 2 }}", "[1 2]"),
  c("prepend", "{{ prepend (list 1) 0 }}", "[0 1]"),
  c("concat", "{{ concat (list 1) (list 2 3) }}", "[1 2 3]"),
  c("reverse", "{{ reverse (list 1 2 3) }}", "[3 2 1]"),
  c("uniq", '{{ uniq (list 1 1 2 "a" "a") }}', "[1 2 a]"),
  c("without", "{{ without (list 1 2 3 2) 2 }}", "[1 3]"),
  c("has", "{{ has 2 (list 1 2) }} {{ has 5 (list 1 2) }}", "true false"),
  c("compact", '{{ compact (list 1 "" 0 "a") }}', "[1 a]"),
  c("sortAlpha", '{{ sortAlpha (list "b" "a" "c") }}', "[a b c]"),

  // sprig: dicts.
  c("dict", '{{ dict "b" 2 "a" 1 }} {{ dict "a" }}', "map[a:1 b:2] map[a:]"),
  c("set", '{{ set (dict "a" 1) "b" 2 }}', "map[a:1 b:2]"),
  c("unset", '{{ unset (dict "a" 1 "b" 2) "a" }}', "map[b:2]"),
  c("hasKey", '{{ hasKey (dict "a" 1) "a" }} {{ hasKey (dict "a" 1) "b" }}', "true false"),
  c(
    "keys",
    '{{ keys (dict "b" 1 "a" 2) | sortAlpha }} {{ keys (dict "a" 1) (dict "b" 2) | sortAlpha }}',
    "[a b] [a b]",
  ),
  c("values", '{{ values (dict "a" 1) }}', "[1]"),
  c("pluck", '{{ pluck "a" (dict "a" 1) (dict "a" 2) (dict "b" 3) }}', "[1 2]"),
  c("pick", '{{ pick (dict "a" 1 "b" 2 "c" 3) "a" "c" }}', "map[a:1 c:3]"),
  c("omit", '{{ omit (dict "a" 1 "b" 2 "c" 3) "a" "c" }}', "map[b:2]"),
  c(
    "merge",
    '{{ merge (dict "a" 1 "n" (dict "x" 1)) (dict "a" 2 "b" 3 "n" (dict "x" 2 "y" 2)) }}',
    "map[a:1 b:3 n:map[x:1 y:2]]",
  ),
  c("merge", '{{ merge (dict "a" "") (dict "a" "b") }}', "map[a:b]"),
  c(
    "mergeOverwrite",
    '{{ mergeOverwrite (dict "a" 1 "n" (dict "x" 1)) (dict "a" 2 "b" 3 "n" (dict "y" 2)) }}',
    "map[a:2 b:3 n:map[x:1 y:2]]",
  ),
  c(
    "deepCopy",
    '{{ $a := dict "n" (dict "x" 1) }}{{ $b := deepCopy $a }}{{ $_ := set $b.n "x" 2 }}{{ $a }} {{ $b }}',
    "map[n:map[x:1]] map[n:map[x:2]]",
  ),
  c(
    "dig",
    '{{ dig "a" "b" "none" (dict "a" (dict "b" 1)) }} {{ dig "a" "c" "none" (dict "a" (dict "b" 1)) }}',
    "1 none",
  ),

  // sprig: JSON, types, paths.
  c("toJson", '{{ toJson (dict "a" (list 1 "x" true)) }}', '{"a":[1,"x",true]}'),
  c("toPrettyJson", '{{ toPrettyJson (dict "a" 1) }}', '{\n  "a": 1\n}'),
  c(
    "toJson",
    '{{ toJson "<a&b>\\b\\f" }} {{ toPrettyJson (list "<") }}',
    '"\\u003ca\\u0026b\\u003e\\b\\f" [\n  "\\u003c"\n]',
  ),
  c("fromJson", '{{ (fromJson "{\\"a\\": [1, 2]}").a }}', "[1 2]"),
  c(
    "typeOf",
    '{{ typeOf 1 }} {{ typeOf "a" }} {{ typeOf 1.5 }} {{ typeOf true }} {{ typeOf (list) }} {{ typeOf (dict) }}',
    "int string float64 bool []interface {} map[string]interface {}",
  ),
  c("typeIs", '{{ typeIs "string" "a" }} {{ typeIs "int" "a" }}', "true false"),
  c(
    "kindOf",
    '{{ kindOf 1 }} {{ kindOf "a" }} {{ kindOf (list) }} {{ kindOf (dict) }} {{ kindOf true }}',
    "int string slice map bool",
  ),
  c("kindIs", '{{ kindIs "slice" (list) }} {{ kindIs "map" (list) }}', "true false"),
  c("base", '{{ base "/a/b.txt" }} {{ base "a/b/" }} {{ base "" }}', "b.txt b ."),
  c("dir", '{{ dir "/a/b.txt" }} {{ dir "a" }} {{ dir "/a" }}', "/a . /"),
  c("ext", '{{ ext "a/b.tar.gz" }}|{{ ext "a/b" }}', ".gz|"),

  // helmfile's own.
  c("readFile", '{{ readFile "data/a.txt" | trim }}', "hello"),
  c("isFile", '{{ isFile "data/a.txt" }} {{ isFile "data" }} {{ isFile "data/none" }}', "true false false"),
  c("isDir", '{{ isDir "data" }} {{ isDir "data/a.txt" }}', "true false"),
  c("readDir", '{{ readDir "data" }}', "[data/a.txt]"),
  c(
    "readDirEntries",
    '{{ range readDirEntries "data" }}{{ .Name }}:{{ .IsDir }} {{ end }}',
    "a.txt:false sub:true ",
  ),
  c("env", '{{ env "KUBESTRAP_T" }}|{{ env "KUBESTRAP_UNSET" }}', "set|"),
  c("requiredEnv", '{{ requiredEnv "KUBESTRAP_T" }}', "set"),
  c(
    "toYaml",
    '{{ toYaml (dict "a" (list 1 "x") "b" (dict "c" true)) }}',
    "a:\n  - 1\n  - x\nb:\n  c: true\n",
  ),
  c("fromYaml", '{{ (fromYaml "a: 1\\nb: [x]").b }}', "[x]"),
  c("get", '{{ get "a.b" (dict "a" (dict "b" 1)) }} {{ get "a.c" "dflt" (dict "a" (dict)) }}', "1 dflt"),
  c("getOrNil", '{{ getOrNil "a.b" (dict "a" (dict "b" 1)) }}', "1"),
  c("setValueAtPath", '{{ setValueAtPath "a.b" 1 (dict "a" (dict "c" 2)) }}', "map[a:map[b:1 c:2]]"),
  c("tpl", '{{ tpl "{{ .x }}+" (dict "x" 3) }}', "3+"),

  // The template language itself: actions, variables, control structures, literals, printing.
  c("if", "{{ if 0 }}a{{ else if 1 }}b{{ else }}c{{ end }}", "b"),
  c("if", '{{ if "" }}a{{ else if list }}b{{ else }}c{{ end }}', "c"),
  c("if", "{{ if and 1 0 }}a{{ end }}{{ if or 0 2 }}b{{ end }}", "b"),
  c("and", '{{ and 1 2 3 }} {{ and 1 0 3 }} {{ or 0 "" 4 }} {{ or 0 "" }}', "3 0 4 "),
  c("range", '{{ range $i, $v := list "a" "b" }}{{ $i }}={{ $v }};{{ end }}', "0=a;1=b;"),
  c("range", '{{ range $k, $v := dict "b" 2 "a" 1 }}{{ $k }}{{ $v }}{{ end }}', "a1b2"),
  c("range", "{{ range list }}x{{ else }}empty{{ end }}", "empty"),
  c("range", "{{ range $v := list 1 2 3 }}{{ if eq $v 2 }}{{ continue }}{{ end }}{{ $v }}{{ end }}", "13"),
  c("range", "{{ range list 1 2 3 }}{{ if eq . 2 }}{{ break }}{{ end }}{{ . }}{{ end }}", "1"),
  c("range", "{{ range 3 }}{{ . }}{{ end }}", "012"),
  c(
    "with",
    '{{ with dict "a" 1 }}{{ .a }}{{ else }}none{{ end }} {{ with 0 }}x{{ else }}none{{ end }}',
    "1 none",
  ),
  c("with", "{{ with $x := 5 }}{{ $x }}{{ end }}", "5"),
  c("variables", "{{ $a := 1 }}{{ $a = 2 }}{{ $a }}{{ range list 3 }}{{ $a = . }}{{ end }}{{ $a }}", "23"),
  c("variables", "{{ $ := 1 }}{{ $ }}", "1"),
  c("define", '{{ define "t" }}[{{ . }}]{{ end }}{{ template "t" 1 }}{{ template "t" }}', "[1][<no value>]"),
  c("block", '{{ block "b" 2 }}<{{ . }}>{{ end }}', "<2>"),
  c("trim markers", "a  {{- 1 -}}  b {{- /* gone */ -}} c", "a1bc"),
  c("comment", "x{{/* a comment */}}y", "xy"),
  c("pipeline", '{{ "a" | printf "%s-%s" "b" }} {{ 3 | add 1 | mul 2 }}', "b-a 8"),
  c("pipeline", "{{ 1 | }}|{{ 2 | add 1 | }}", "1|3"),
  c("slice", "{{ slice list }}|{{ slice (list 1 2) 2 }}|{{ slice (list 1 2) 0 0 }}", "<no value>|[]|[]"),
  c("eq", '{{ eq 1 1 "a" }} {{ eq nil 1 }} {{ eq "a" nil }} {{ ne 1 nil }}', "true false false true"),
  c(
    "uniq",
    '{{ uniq (list (dict "a" 1) (dict "a" 1) (list 1) (list 1)) }} {{ has (list 1) (list (list 1)) }}',
    "[map[a:1] [1]] true",
  ),
  c("parentheses", "{{ (add 1 2) }} {{ len (list (list 1)) }}", "3 1"),
  c("fields", '{{ (dict "a" (dict "b" (dict "c" 1))).a.b.c }}', "1"),
  c(
    "literals",
    "{{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 1_000 }} {{ -3 }} {{ 1.5 }} {{ 1e3 }}",
    "31 15 5 1000 -3 1.5 1000",
  ),
  c("literals", "{{ 'a' }} {{ true }} {{ false }} {{ toJson nil }}", "97 true false null"),
  c("literals", '{{ "tab\\tquote\\"x\\u00e9\\x41" }}', 'tab\tquote"xéA'),
  c(
    "printf",
    '{{ printf "%v|%q|%d|%5.2f|%x|%t|%s|%03d" (list 1 2) "s" 7 3.14159 255 true (dict "k" 1) 5 }}',
    '[1 2]|"s"|7| 3.14|ff|true|map[k:%!s(int=1)]|005',
  ),
  c("printf", '{{ printf "%v %v" 1 }} {{ printf "%d" "x" }}', "1 %!v(MISSING) %!d(string=x)"),
  c("print", '{{ print 1 2 "a" "b" 3 }}|{{ println "x" 1 }}', "1 2ab3|x 1\n"),
  c("print", "{{ 2.50 }} {{ 0.000001 }} {{ 0.0001 }} {{ 0.00001234 }}", "2.5 1e-06 0.0001 1.234e-05"),
  c(
    "print",
    "{{ 123456.5 }} {{ 1234567.5 }} {{ -1234567.25 }} {{ 12345678901234567890123.5 }}",
    "123456.5 1.2345675e+06 -1.23456725e+06 1.2345678901234568e+22",
  ),
  c(
    "print",
    '{{ list 1 "a" nil (dict) }} {{ dict "b" (list) "a" true }}',
    "[1 a <nil> map[]] map[a:true b:[]]",
  ),
  c("index", '{{ index "abc" 1 }} {{ index (list (list 1 2)) 0 1 }}', "98 2"),
  c("eq", '{{ eq "1" "1" }} {{ eq true true }} {{ eq 1.5 1.5 }}', "true true true"),
  c("not", '{{ not (eq 1 2) }} {{ not "x" }}', "true false"),

  // How functions take arguments of other types.
  c("add", '{{ add "3" 1 }} {{ add 1.9 1 }} {{ add true 1 }} {{ add "x" 1 }} {{ add nil 2 }}', "4 2 2 1 2"),
  c("int", '{{ int "12" }} {{ int 3.9 }} {{ int "-2" }} {{ int "abc" }} {{ int true }}', "12 3 -2 0 1"),
  c("join", '{{ join "," (list 1 nil "a") }}|{{ join "," nil }}', "1,a|"),
  c("first", "{{ first (list) }}", "<no value>"),
  c(
    "printf",
    '{{ printf "%q|%c|%+d|% d|%08.3f|%5.2s|" 65 66 5 5 3.14159 "abcdef" }}',
    "'A'|B|+5| 5|0003.142|   ab|",
  ),
  c("len", '{{ len "é" }} {{ upper "é" }}', "2 É"),
  c("div", "{{ div 7 2 }} {{ div -7 2 }} {{ mod -7 3 }} {{ mul 2.5 2 }} {{ sub 1 2.9 }}", "3 -3 -1 4 -1"),
  c(
    "uniq",
    '{{ uniq (list 1 "1" 1 nil nil) }} {{ sortAlpha (list "b" 10 "a" 9) }} {{ has 1 (list "1") }}',
    "[1 1 <nil>] [10 9 a b] false",
  ),
  c(
    "substr",
    '{{ substr 1 3 "abcd" }} {{ substr -1 2 "abcd" }} {{ substr 2 9 "abcd" }} {{ substr 1 -1 "abcd" }}',
    "bc ab cd bcd",
  ),
  c(
    "printf",
    '{{ printf "%T %T %T %T %T %T" "a" 1 1.5 true (list) (dict) }}',
    "string int float64 bool []interface {} map[string]interface {}",
  ),
  c(
    "printf",
    '{{ printf "%-4d|%4s|%.1s|%x|%X|%o|%5.1f|%e" 7 "ab" "xyz" "hi" 255 8 2.25 1500.0 }}',
    "7   |  ab|x|6869|FF|10|  2.2|1.500000e+03",
  ),
  // Edges the mutation run of functions.ts found untested.
  c("printf", '{{ printf "%+d|% d|%+d|% d|%+s|% s" -5 -5 0 0 "a" "a" }}', "-5|-5|+0| 0|a|a"),
  c("printf", '{{ printf "%v|%s|%d" nil nil nil }}', "<nil>|%!s(<nil>)|%!d(<nil>)"),
  c("printf", '{{ printf "%.3v|%-3v|%3v|%.2s" "abcdef" 1 "abcd" "xyz" }}', "abc|1  |abcd|xy"),
  c("printf", '{{ printf "%s" (list "a" (list "b") (dict "k" "v")) }}', "[a [b] map[k:v]]"),
  c(
    "printf",
    '{{ printf "%s|%s" (dict "b" 2 "a" 1) (list 1 true) }}',
    "map[a:%!s(int=1) b:%!s(int=2)]|[%!s(int=1) %!s(bool=true)]",
  ),
  c(
    "printf",
    '{{ printf "%.0f|%.0f|%.1f|%.2f|%.1f|%.0f" 0.5 1.5 -0.25 1.005 0.35 -2.5 }}',
    "0|2|-0.2|1.00|0.3|-2",
  ),
  c("printf", '{{ printf "%.3f|%f|%.1f" 2.0005 -1.5 9.95 }}', "2.001|-1.500000|9.9"),
  c("toYaml", "{{ toYaml nil }}|{{ toYaml list }}|{{ toYaml dict }}", "null\n|[]\n|{}\n"),
  c(
    "toYaml",
    '{{ toYaml (dict "k" "a: b" "n" "1" "e" "" "t" "true") }}',
    'e: ""\nk: \'a: b\'\n"n": "1"\nt: "true"\n',
  ),
  c(
    "toYaml",
    '{{ toYaml (dict "colon" "a:b" "d" "2001-01-01" "f" "1.5" "h" "#c" "nul" "null" "o" "0o17" "on" "on" "y" "y" "yes" "Yes" "off" "OFF" "s" "x\\ny" "sp" " lead" "u" "ü" "x" "0x1F" "tilde" "~" "dash" "-" "star" "*a" "amp" "&a" "bang" "!a" "pct" "%a" "at" "@a" "q" "\\"a" "sq" "\'a" "brace" "{a}" "br" "[a]" "comma" "a, b" "hashin" "a #b" "int" "012" "exp" "1e3" "inf" ".inf" "nan" ".NaN" "neg" "-1") }}',
    'amp: \'&a\'\nat: \'@a\'\nbang: \'!a\'\nbr: \'[a]\'\nbrace: \'{a}\'\ncolon: a:b\ncomma: a, b\nd: "2001-01-01"\ndash: \'-\'\nexp: "1e3"\nf: "1.5"\nh: \'#c\'\nhashin: \'a #b\'\ninf: ".inf"\nint: "012"\nnan: ".NaN"\nneg: "-1"\nnul: "null"\no: "0o17"\n"off": "OFF"\n"on": "on"\npct: \'%a\'\nq: \'"a\'\ns: |-\n  x\n  y\nsp: \' lead\'\nsq: \'\'\'a\'\nstar: \'*a\'\ntilde: "~"\nu: ü\nx: "0x1F"\n"y": "y"\n"yes": "Yes"\n',
  ),
  c("toYaml", '{{ toYaml (list (dict "a" (list 1 2))) }}', "- a:\n    - 1\n    - 2\n"),
  c(
    "fromYaml",
    '{{ fromYaml "" }}|{{ fromYaml "# only a comment" }}|{{ (fromYaml "a: 1").a }}',
    "<no value>|<no value>|1",
  ),
  c(
    "index",
    '{{ index (dict "a" 1) "b" }}|{{ index (dict) "x" }}|{{ len (dict) }}|{{ len list }}',
    "<no value>|<no value>|0|0",
  ),
  c("gt", "{{ gt 2 2 }} {{ gt 2.5 2.5 }} {{ lt 2.5 3.5 }} {{ ge 1.5 1.5 }}", "false false true true"),
  c(
    "default",
    '{{ default "d" }}|{{ default "d" nil }}|{{ default "d" dict }}|{{ default "d" 0.0 }}',
    "d|d|d|d",
  ),
  c("kindOf", "{{ kindOf nil }}|{{ typeOf nil }}|{{ toString nil }}", "invalid|<nil>|<nil>"),
  c(
    "merge",
    '{{ merge (dict "a" (dict "x" 1) "b" 2) (dict "a" (dict "y" 2) "b" 3 "c" "") | toJson }}',
    '{"a":{"x":1,"y":2},"b":2,"c":""}',
  ),
  c(
    "mergeOverwrite",
    '{{ mergeOverwrite (dict "a" (dict "x" 1) "b" 2 "z" 1) (dict "a" (dict "y" 2) "b" 3 "z" 0) | toJson }}',
    '{"a":{"x":1,"y":2},"b":3,"z":0}',
  ),
];
