import { describe, expect, it } from "vitest";
import {
  evaluateRule,
  isTransitionRule,
  patternMatches,
  toCelValue,
} from "../../../src/analysis/schema/cel.ts";
import type { Schema } from "../../../src/analysis/schema/types.ts";

const self = (value: unknown, schema?: Schema) => toCelValue(value, schema);
const outcome = (rule: string, value: unknown, schema?: Schema, extra = {}) =>
  evaluateRule({ rule, ...extra }, self(value, schema));

describe("the Kubernetes CEL libraries", () => {
  const ints: Schema = { type: "array", items: { type: "integer" } };
  it.each([
    ["self.sum() == 6", [1, 2, 3]],
    ["self.min() == 1", [3, 1, 2]],
    ["self.max() == 3", [3, 1, 2]],
    ["self.indexOf(2) == 1", [1, 2, 2]],
    ["self.lastIndexOf(2) == 2", [1, 2, 2]],
    ["self.indexOf(9) == -1", [1, 2]],
    ["[].sum() == 0", []],
    ["self.isSorted()", [1, 2, 2, 3]],
    ["!self.isSorted()", [2, 1]],
  ])("%s on %j", (rule, value) => {
    expect(outcome(rule, value, ints)).toEqual({ kind: "pass" });
  });

  it("sums doubles as doubles", () => {
    expect(outcome("self.sum() == 1.5", [1, 0.5], { type: "array", items: { type: "number" } })).toEqual({
      kind: "pass",
    });
  });

  it.each([
    ["isIP('10.0.0.1')", true],
    ["isIP('fd00::1')", true],
    ["isIP('10.0.0.300')", false],
    ["isIP('fe80::1%eth0')", false],
    ["isIP('example.com')", false],
    ["isCIDR('10.0.0.0/8')", true],
    ["isCIDR('fd00::/64')", true],
    ["isCIDR('10.0.0.0/33')", false],
    ["isCIDR('10.0.0.0')", false],
    ["isURL('https://example.com/a')", true],
    ["isURL('not a url')", false],
    ["isQuantity('500m')", true],
    ["isQuantity('1.5Gi')", true],
    ["isQuantity('1e3')", true],
    ["isQuantity('one')", false],
    ["'a1b22'.find('[0-9]+') == '1'", true],
    ["'abc'.find('[0-9]+') == ''", true],
    ["'a1b22'.findAll('[0-9]+') == ['1', '22']", true],
  ])("%s is %s", (rule, expected) => {
    expect(outcome(rule, null)).toEqual(
      expected ? { kind: "pass" } : { kind: "fail", message: `failed rule: ${rule}` },
    );
  });
});

describe("rule outcomes", () => {
  it("a false rule fails with its message, else its messageExpression, else the rule", () => {
    expect(outcome("false", null, undefined, { message: "no" })).toEqual({ kind: "fail", message: "no" });
    expect(
      outcome("false", null, undefined, { messageExpression: "'computed ' + 'text'", message: "no" }),
    ).toEqual({
      kind: "fail",
      message: "computed text",
    });
    // A messageExpression that yields an empty string or an error falls back to the message.
    expect(outcome("false", null, undefined, { messageExpression: "''", message: "no" })).toEqual({
      kind: "fail",
      message: "no",
    });
    expect(outcome("false", null, undefined, { messageExpression: "1 + 'a'", message: "no" })).toEqual({
      kind: "fail",
      message: "no",
    });
  });

  it("a rule that does not return a bool is unsupported", () => {
    expect(outcome("1", null)).toEqual({
      kind: "unsupported",
      message: "the rule returned bigint, not bool",
    });
  });

  it("a rule that does not parse (CEL optionals) is unsupported", () => {
    const o = outcome("self.?x.orValue(1) == 1", new Map());
    expect(o.kind).toBe("unsupported");
    expect((o as { message: string }).message).toMatch(/^kubestrap cannot parse it: /);
  });

  it("transition rules are skipped on create, unless optionalOldSelf asks for them", () => {
    expect(isTransitionRule({ rule: "self == oldSelf" })).toBe(true);
    expect(isTransitionRule({ rule: "self.oldSelfish == 1" })).toBe(false);
    expect(outcome("self == oldSelf", 1)).toEqual({ kind: "skipped" });
    expect(outcome("self == oldSelf", 1, undefined, { optionalOldSelf: true })).toEqual({
      kind: "unsupported",
      message: "optionalOldSelf rules need CEL optionals",
    });
  });

  it("an evaluation error is a failure naming the rule", () => {
    expect(outcome("self.missing == 1", new Map())).toEqual({
      kind: "fail",
      message: "field not found: missing evaluating rule: self.missing == 1",
    });
  });
});

describe("toCelValue", () => {
  it("types values by their schema, following additionalProperties and items", () => {
    const schema: Schema = {
      type: "object",
      properties: {
        n: { type: "number" },
        i: { type: "integer" },
        m: { type: "object", additionalProperties: { type: "number" } },
      },
    };
    const v = toCelValue({ n: 2, i: 2, m: { a: 3 }, free: 4, f: 1.5, s: "x", l: [1] }, schema) as Map<
      string,
      unknown
    >;
    expect(v.get("n")).toBe(2);
    expect(v.get("i")).toBe(2n);
    expect((v.get("m") as Map<string, unknown>).get("a")).toBe(3);
    expect(v.get("free")).toBe(4n);
    expect(v.get("f")).toBe(1.5);
    expect(v.get("s")).toBe("x");
    expect(v.get("l")).toEqual([1n]);
    expect(toCelValue(null, schema)).toBe(null);
  });

  it("follows $ref with a resolver", () => {
    const resolve = (ref: string) => (ref === "#/r" ? ({ type: "number" } as Schema) : undefined);
    expect(toCelValue(2, { $ref: "#/r" }, resolve)).toBe(2);
    expect(toCelValue(2, { $ref: "#/other" }, resolve)).toBe(2n);
  });
});

describe("patternMatches", () => {
  it("finds the pattern anywhere, as Go's regexp MatchString does, and remembers answers", () => {
    expect(patternMatches("[0-9]", "a1")).toBe(true);
    expect(patternMatches("^[0-9]+$", "a1")).toBe(false);
    expect(patternMatches("^[0-9]+$", "a1")).toBe(false);
    expect(patternMatches("^[0-9]+$", "12")).toBe(true);
  });
});
