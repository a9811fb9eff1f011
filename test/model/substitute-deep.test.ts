/**
 * postBuild substitution over a whole object: every string, keys included, with the undefined variables and the
 * strings the library cannot parse collected, and what has no variable left as the same value.
 */
import { describe, expect, it } from "vitest";
import { substituteDeep } from "../../src/model/substitute.ts";

const vars = new Map([["APP", "podinfo"]]);

describe("substituteDeep", () => {
  it("substitutes keys and values in maps and lists, and collects undefined variables", () => {
    const undefinedVars = new Set<string>();
    const value = { "${APP}-key": ["${APP}", 1, null, { plain: "${NOPE}" }], untouched: "text" };
    expect(substituteDeep(value, vars, undefinedVars)).toStrictEqual({
      "podinfo-key": ["podinfo", 1, null, { plain: "" }],
      untouched: "text",
    });
    expect([...undefinedVars]).toEqual(["NOPE"]);
  });

  it("returns the same value, list or map when nothing in it changes", () => {
    const list = ["a", { b: "c" }, 2];
    const map = { a: list, k$: "no variable $" };
    expect(substituteDeep(list, vars, new Set())).toBe(list);
    expect(substituteDeep(map, vars, new Set())).toBe(map);
    expect(substituteDeep(7, vars, new Set())).toBe(7);
    const changedItem = ["a", "${APP}"];
    expect(substituteDeep(changedItem, vars, new Set())).not.toBe(changedItem);
  });

  it("names a string the library cannot parse by its first line, cut at 60 characters", () => {
    const errors: string[] = [];
    const long = `${"x".repeat(70)}\${`;
    substituteDeep(
      ["${APP", `line one \${\nline two`, long, `${"y".repeat(58)}\${`],
      vars,
      new Set(),
      errors,
    );
    expect(errors.map((e) => e.slice(0, e.indexOf(": ")))).toEqual([
      "${APP",
      "line one ${…",
      `${"x".repeat(60)}…`,
      `${"y".repeat(58)}\${`,
    ]);
    expect(errors[0]).toMatch(/^\$\{APP: .+/);
  });
});
