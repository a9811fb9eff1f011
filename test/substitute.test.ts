import { describe, expect, it } from "vitest";
import { substitute } from "../src/model/substitute.ts";

const vars = new Map([
  ["APP", "podinfo"],
  ["DOMAIN", "example.com"],
  ["EMPTY", ""],
  ["PATH_VAR", "a/b/c.tar.gz"],
]);
const sub = (s: string) => substitute(s, vars);

describe("Flux postBuild substitution", () => {
  it.each([
    ["${APP}", "podinfo"],
    ["${APP}.${DOMAIN}", "podinfo.example.com"],
    ["${MISSING:=fallback}", "fallback"],
    ["${MISSING:-fallback}", "fallback"],
    ["${EMPTY:=fallback}", "fallback"],
    ["${EMPTY=fallback}", "fallback"],
    ["${MISSING=fallback}", "fallback"],
    ["${APP:=fallback}", "podinfo"],
    ["${APP/info/cast}", "podcast"],
    ["${PATH_VAR//\\//-}", "a-b-c.tar.gz"],
    ["${PATH_VAR//b/x}", "a/x/c.tar.gz"],
    ["${APP/#pod/web}", "webinfo"],
    ["${APP/%info/cast}", "podcast"],
    ["${PATH_VAR#*/}", "b/c.tar.gz"],
    ["${PATH_VAR##*/}", "c.tar.gz"],
    ["${PATH_VAR%.*}", "a/b/c.tar"],
    ["${PATH_VAR%%.*}", "a/b/c"],
    ["${APP:3}", "info"],
    ["${APP:0:3}", "pod"],
    ["${APP^}", "Podinfo"],
    ["${APP^^}", "PODINFO"],
    ["${#APP}", "7"],
    ["$${APP}", "${APP}"],
    ["$APP stays", "$APP stays"],
    ["price: $5", "price: $5"],
    ["${MISSING:=${APP}}", "podinfo"],
  ])("%s → %s", (input, expected) => {
    expect(sub(input).text).toBe(expected);
  });

  it("lowercases with , and ,, and takes substrings, from the end with a negative offset", () => {
    const mixed = new Map([
      ["APP", "PodInfo"],
      ["N", "abcdef"],
      ["NEG", "-3"],
    ]);
    expect(substitute("${APP,,}", mixed).text).toBe("podinfo");
    expect(substitute("${APP,}", mixed).text).toBe("podInfo");
    expect(substitute("${N:1:2}", mixed).text).toBe("bc");
    // The library reads `:-` as a default, and an offset with a space as no number: only a variable gives -3.
    expect(substitute("${N:${NEG}}", mixed).text).toBe("def");
    expect(substitute("${N: -3}", mixed).text).toBe("abcdef");
    expect(substitute("${N:-3}", mixed).text).toBe("abcdef");
  });

  it("a default that names an undefined variable still reports that variable", () => {
    expect(sub("${MISSING:=${ALSO_MISSING}}")).toEqual({ text: "", undefinedVars: ["ALSO_MISSING"] });
  });

  it("reports undefined variables without defaults", () => {
    expect(sub("${NOPE}-${APP}")).toEqual({ text: "-podinfo", undefinedVars: ["NOPE"] });
    expect(sub("${NOPE:=x}").undefinedVars).toEqual([]);
  });

  it("an expression the library cannot parse is left as written, with the error that fails Flux's build", () => {
    expect(sub("run: ${{ github.sha }}")).toEqual({
      text: "run: ${{ github.sha }}",
      undefinedVars: [],
      error: "unable to parse variable name",
    });
    expect(sub("${APP")).toMatchObject({ text: "${APP", error: "missing closing brace" });
  });

  it("a name may start with a digit, and $$ is a dollar anywhere", () => {
    expect(sub("${1abc}")).toEqual({ text: "", undefinedVars: ["1abc"] });
    expect(sub("pa$$word")).toEqual({ text: "pa$word", undefinedVars: [] });
  });
});
