/**
 * Texts for the postBuild substitution's differential test, each substituted by kubestrap and by
 * fluxcd/pkg/envsubst (test/envsubst/main.go) with the same variables, as kustomize-controller substitutes them
 * (an unset variable is empty) and in strict mode (an unset variable fails the build).
 */
import { execFileSync } from "node:child_process";
import { substitute } from "../../src/model/substitute.ts";

export const VARS: Record<string, string> = {
  APP: "podinfo",
  DOMAIN: "example.com",
  EMPTY: "",
  PATH_VAR: "a/b/c.tar.gz",
  NUM: "12345",
  MIXED: "Hello World",
  SLASHED: "x/y/z",
  DOLLAR: "$5",
  ÄPFEL: "äpfel",
  _UNDER: "u",
  "1DIGIT": "d",
};

export const TEXTS: string[] = [
  // plain text, variables and escapes
  "",
  "no variables",
  "${APP}",
  "${APP}.${DOMAIN}",
  "x${APP}y",
  "${APP}${APP}",
  "$APP",
  "$",
  "a$b",
  "a$$b",
  "$$$",
  "$${APP}",
  "$$${APP}",
  "$${",
  "$${APP",
  "${DOLLAR}",
  "line1\n${APP}\nline3",
  "${_UNDER}",
  "${1DIGIT}",
  "${ÄPFEL}",
  "${MISSING}",
  "pre-${MISSING}-post",
  // malformed
  "${",
  "${APP",
  "${}",
  "${ APP}",
  "${APP }",
  "${APP\n}",
  "${APP-}",
  "${APP-x}",
  "${MISSING-x}",
  "${APP?x}",
  "${APP+x}",
  "${APP:}",
  "${APP:=x",
  "${APP/}",
  "${APP//}",
  "${APP/x}",
  "${APP/pod}",
  "${APP#}",
  "${APP%}",
  "${APP^x}",
  "${#}",
  "${#APP:1}",
  "}${APP}}",
  // defaults
  "${MISSING:=fallback}",
  "${MISSING:-fallback}",
  "${MISSING:?message}",
  "${MISSING:+alternate}",
  "${APP:+alternate}",
  "${APP:?message}",
  "${EMPTY:=fallback}",
  "${EMPTY:-fallback}",
  "${EMPTY=fallback}",
  "${MISSING=fallback}",
  "${APP=fallback}",
  "${APP:=fallback}",
  "${EMPTY:-}",
  "${APP:=}",
  "${MISSING:=a b c}",
  "${MISSING:=${APP}}",
  "${MISSING:=${APP}-suffix}",
  "${MISSING:=prefix-${APP}}",
  "${MISSING:=${OTHER:=deep}}",
  "${MISSING:=${NOPE}}",
  "${MISSING:=$${APP}}",
  "${MISSING:=a/b}",
  "${MISSING:=a\\/b}",
  "${MISSING:=x:y}",
  "${MISSING:=}}",
  // length and case
  "${#APP}",
  "${#MISSING}",
  "${#EMPTY}",
  "${#ÄPFEL}",
  "${#1}",
  "${APP^}",
  "${APP^^}",
  "${MIXED,}",
  "${MIXED,,}",
  "${ÄPFEL^}",
  "${EMPTY^}",
  "${MISSING^^}",
  "${APP,^}",
  // substrings
  "${APP:1}",
  "${APP:1:3}",
  "${APP:0:0}",
  "${APP:-3}",
  "${APP: -3}",
  "${APP:2:-1}",
  "${APP:5:-4}",
  "${APP:10}",
  "${APP:7}",
  "${APP:3:100}",
  "${APP:-100}",
  "${APP:+2}",
  "${APP:x}",
  "${APP:1:x}",
  "${APP::2}",
  "${NUM:${#APP}}",
  "${NUM:1:${EMPTY:=2}}",
  "${EMPTY:1}",
  // replacement
  "${APP/info/cast}",
  "${APP/o/0}",
  "${APP//o/0}",
  "${APP/#pod/web}",
  "${APP/#info/web}",
  "${APP/%info/cast}",
  "${APP/%pod/cast}",
  "${APP/info/}",
  "${APP//o/}",
  "${PATH_VAR//\\//-}",
  "${PATH_VAR//b/x}",
  "${SLASHED/\\//+}",
  "${SLASHED//\\\\/+}",
  "${APP/o*/X}",
  "${APP/${EMPTY:=pod}/web}",
  "${APP/pod/${DOMAIN}}",
  "${MISSING/a/b}",
  "${APP/pod//x}",
  "${APP/$$/x}",
  // trimming with patterns
  "${PATH_VAR#*/}",
  "${PATH_VAR##*/}",
  "${PATH_VAR%.*}",
  "${PATH_VAR%%.*}",
  "${PATH_VAR#a}",
  "${PATH_VAR#z}",
  "${PATH_VAR%gz}",
  "${APP#p?d}",
  "${APP%i*}",
  "${APP%%i*}",
  "${APP##*o}",
  "${APP#*}",
  "${APP##*}",
  "${APP%*}",
  "${APP#[a-p]}",
  "${APP#[!a-p]}",
  "${APP#[^a-o]}",
  "${APP%[a-z]}",
  "${APP#[}",
  "${APP#\\p}",
  "${APP###}",
  "${APP#${EMPTY:=po}}",
  "${NUM#1*3}",
  "${NUM%3*}",
];

export interface Outcome {
  output?: string;
  error?: string;
}

export interface EnvsubstGolden {
  vars: Record<string, string>;
  cases: { text: string; flux: Outcome; strict: Outcome }[];
}

/** Runs fluxcd/pkg/envsubst (the wrapper built by the test environment) on every text. */
export function envsubstEval(binary: string, texts: string[], strict: boolean): Outcome[] {
  const out = execFileSync(binary, {
    input: JSON.stringify({ vars: VARS, strict, texts }),
    encoding: "utf8",
  });
  return JSON.parse(out) as Outcome[];
}

/**
 * What kubestrap makes of a text, in the reference's terms: kustomize-controller's output or its error, and
 * whether strict mode would fail on a variable (kubestrap reports those as substitution-undefined).
 */
export function kubestrapEval(text: string): { flux: Outcome; strict: Outcome } {
  const r = substitute(text, new Map(Object.entries(VARS)));
  const flux: Outcome = r.error !== undefined ? { error: r.error } : { output: r.text };
  const unset = r.undefinedVars[0];
  const strict: Outcome =
    r.error !== undefined
      ? flux
      : unset !== undefined
        ? { error: `variable not set (strict mode): ${JSON.stringify(unset)}` }
        : flux;
  return { flux, strict };
}
