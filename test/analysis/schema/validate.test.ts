import { describe, expect, it } from "vitest";
import type { Schema } from "../../../src/analysis/schema/types.ts";
import { formatPath, validateObject } from "../../../src/analysis/schema/validate.ts";

const root = (spec: Schema): Schema => ({
  type: "object",
  properties: {
    apiVersion: { type: "string" },
    kind: { type: "string" },
    metadata: { type: "object" },
    spec,
  },
});

const obj = (spec: unknown, metadata: unknown = { name: "x" }) => ({
  apiVersion: "example.com/v1",
  kind: "Widget",
  metadata,
  spec,
});

const verdicts = (schema: Schema, spec: unknown, builtin = false) =>
  validateObject(obj(spec), root(schema), { builtin }).map((v) => `${v.kind} ${v.path}: ${v.message}`);

describe("structural schema", () => {
  const widget: Schema = {
    type: "object",
    required: ["size"],
    properties: {
      size: { type: "integer", minimum: 1, maximum: 10 },
      name: { type: "string", pattern: "^[a-z]+$", maxLength: 5 },
      mode: { type: "string", enum: ["fast", "slow"] },
      port: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] },
      tags: { type: "array", items: { type: "string" }, "x-kubernetes-list-type": "set", maxItems: 3 },
      labels: { type: "object", additionalProperties: { type: "string" } },
      raw: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
      template: {
        type: "object",
        "x-kubernetes-embedded-resource": true,
        "x-kubernetes-preserve-unknown-fields": true,
      },
      ratio: { type: "number" },
      when: { type: "string", format: "date-time" },
      cidr: { type: "string", format: "cidr" },
      note: { type: "string", nullable: true },
    },
  };

  it("accepts an object that meets every constraint", () => {
    expect(
      verdicts(widget, {
        size: 3,
        name: "abc",
        mode: "fast",
        port: "http",
        tags: ["a", "b"],
        labels: { a: "b" },
        raw: { anything: [1, { deep: true }] },
        template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: {} },
        ratio: 1,
        when: "2024-01-02T03:04:05Z",
        cidr: "10.0.0.0/8",
        note: null,
      }),
    ).toEqual([]);
  });

  it.each([
    [{ size: "3" }, "invalid spec.size: must be of type integer, not string"],
    [{ size: 1.5 }, "invalid spec.size: must be of type integer, not number"],
    [{ size: 0 }, "invalid spec.size: should be greater than or equal to 1"],
    [{ size: 11 }, "invalid spec.size: should be less than or equal to 10"],
    [{}, "invalid spec.size: Required value"],
    [{ size: 1, name: "ABC" }, 'invalid spec.name: "ABC" does not match ^[a-z]+$'],
    [{ size: 1, name: "abcdef" }, "invalid spec.name: may not be more than 5 chars long"],
    [
      { size: 1, mode: "medium" },
      'invalid spec.mode: unsupported value "medium": supported values: "fast", "slow"',
    ],
    [{ size: 1, port: true }, "invalid spec.port: must be an integer or a string, not boolean"],
    [{ size: 1, tags: ["a", "a"] }, 'invalid spec.tags[1]: duplicate value "a"'],
    [{ size: 1, tags: ["a", "b", "c", "d"] }, "invalid spec.tags: must have at most 3 items"],
    [{ size: 1, labels: { a: 1 } }, "invalid spec.labels.a: must be of type string, not integer"],
    [{ size: 1, template: { kind: "ConfigMap" } }, "invalid spec.template.apiVersion: must not be empty"],
    [{ size: 1, when: "yesterday" }, 'invalid spec.when: "yesterday" is not a valid date-time'],
    [{ size: 1, cidr: "10.0.0.0/33" }, 'invalid spec.cidr: "10.0.0.0/33" is not a valid cidr'],
    [{ size: 1, sise: 2 }, "invalid spec.sise: field not declared in schema"],
  ])("reports %j", (spec, expected) => {
    expect(verdicts(widget, spec)).toEqual([expected]);
  });

  it("refuses a non-nullable null (server-side apply does), and defaults it when the field has a default", () => {
    expect(verdicts(widget, { size: 1, name: null })).toEqual([
      "invalid spec.name: must be of type string, not null",
    ]);
    expect(verdicts(widget, { size: null })).toEqual([
      "invalid spec.size: must be of type integer, not null",
    ]);
    const defaulted: Schema = { type: "object", properties: { mode: { type: "string", default: "fast" } } };
    expect(verdicts(defaulted, { mode: null })).toEqual([]);
  });

  it("applies defaults before checking required fields and rules", () => {
    const defaulted: Schema = {
      type: "object",
      required: ["size"],
      properties: { size: { type: "integer", default: 2 } },
      "x-kubernetes-validations": [{ rule: "self.size == 2", message: "size must be 2" }],
    };
    expect(verdicts(defaulted, {})).toEqual([]);
    expect(verdicts(defaulted, { size: 3 })).toEqual(["invalid spec: size must be 2"]);
  });

  it("refuses undeclared metadata fields of a custom resource, and knows ObjectMeta's", () => {
    const v = validateObject(
      obj({}, { name: "x", labels: { a: "b" }, lables: {} }),
      root({ type: "object" }),
    );
    expect(v.map((x) => `${x.kind} ${x.path}`)).toEqual(["invalid metadata.lables"]);
  });

  it("rejects a label that is not a string", () => {
    const v = validateObject(obj({}, { name: "x", labels: { version: 2 } }), root({ type: "object" }));
    expect(v.map((x) => `${x.kind} ${x.path}: ${x.message}`)).toEqual([
      "invalid metadata.labels.version: must be of type string, not integer",
    ]);
  });

  it("an undeclared field of a built-in kind is an error too", () => {
    expect(verdicts({ type: "object", properties: { a: { type: "string" } } }, { b: "x" }, true)).toEqual([
      "invalid spec.b: field not declared in schema",
    ]);
  });

  it("x-kubernetes-list-type map refuses two entries with the same key", () => {
    const ports: Schema = {
      type: "array",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
      items: { type: "object", properties: { name: { type: "string" } } },
    };
    expect(verdicts(ports, [{ name: "a" }, { name: "a" }])).toEqual([
      'invalid spec[1]: duplicate entry with key ["a"]',
    ]);
  });

  it("oneOf, anyOf and not are value validations", () => {
    const exclusive: Schema = {
      type: "object",
      properties: { a: { type: "string" }, b: { type: "string" } },
      oneOf: [{ required: ["a"] }, { required: ["b"] }],
      not: { required: ["c"] },
    };
    expect(verdicts(exclusive, { a: "x" })).toEqual([]);
    expect(verdicts(exclusive, { a: "x", b: "y" })).toEqual([
      "invalid spec: must match exactly one schema in oneOf",
    ]);
    expect(verdicts(exclusive, {})).toEqual(["invalid spec: must match exactly one schema in oneOf"]);
  });

  it("a field that still holds a Flux variable is not failed for its type", () => {
    expect(verdicts(widget, { size: "${SIZE}" })).toEqual([]);
  });

  it("a substituted string is read as YAML reads it after substitution", () => {
    const v = validateObject(obj({ size: "3" }), root(widget), { substituted: true });
    expect(v).toEqual([]);
    const bad = validateObject(obj({ size: "three" }), root(widget), { substituted: true });
    expect(bad.map((x) => x.message)).toEqual(["must be of type integer, not string"]);
  });
});

describe("CEL rules", () => {
  const withRules = (...rules: Schema["x-kubernetes-validations"] & object): Schema => ({
    type: "object",
    properties: {
      min: { type: "integer" },
      max: { type: "integer" },
      names: { type: "array", items: { type: "string" } },
      addr: { type: "string" },
    },
    "x-kubernetes-validations": rules,
  });

  it("passes and fails with the rule's message, its messageExpression or the rule itself", () => {
    const schema = withRules(
      { rule: "self.min <= self.max", message: "min must not exceed max" },
      {
        rule: "self.names.all(n, n.startsWith('a'))",
        messageExpression: "'bad names: ' + self.names.join(',')",
      },
      { rule: "!has(self.addr) || isIP(self.addr)" },
    );
    expect(verdicts(schema, { min: 1, max: 2, names: ["ab"], addr: "10.0.0.1" })).toEqual([]);
    expect(verdicts(schema, { min: 3, max: 2, names: ["b"], addr: "nope" })).toEqual([
      "invalid spec: min must not exceed max",
      "invalid spec: bad names: b",
      "invalid spec: failed rule: !has(self.addr) || isIP(self.addr)",
    ]);
  });

  it("a missing key is an evaluation error, which the API server reports as invalid", () => {
    const v = verdicts(withRules({ rule: "self.min > 0" }), { max: 1 });
    expect(v).toEqual(["invalid spec: field not found: min evaluating rule: self.min > 0"]);
  });

  it("a rule with a function kubestrap lacks is unsupported, never passed", () => {
    const v = verdicts(withRules({ rule: "self.addr.someFutureFunction()" }), { addr: "x" });
    expect(v).toEqual([
      "unsupported spec: CEL rule `self.addr.someFutureFunction()` not evaluated: unbound function: someFutureFunction",
    ]);
  });

  it("transition rules (oldSelf) do not run on create", () => {
    expect(verdicts(withRules({ rule: "self == oldSelf", message: "immutable" }), { min: 1 })).toEqual([]);
  });

  it("fieldPath moves the finding to the field", () => {
    const v = validateObject(
      obj({ min: 5, max: 1 }),
      root(withRules({ rule: "self.min <= self.max", fieldPath: ".min", message: "too big" })),
    );
    expect(v.map((x) => x.path)).toEqual(["spec.min"]);
  });

  it("integers are CEL ints and numbers doubles, as the schema types them", () => {
    const schema: Schema = {
      type: "object",
      properties: { i: { type: "integer" }, d: { type: "number" } },
      "x-kubernetes-validations": [{ rule: "self.i == 2 && self.d == 2.0 && type(self.d) == double" }],
    };
    expect(verdicts(schema, { i: 2, d: 2 })).toEqual([]);
  });

  it("the Kubernetes list and regex libraries", () => {
    const schema = withRules(
      { rule: "self.names.isSorted()" },
      { rule: "self.names.indexOf('b') == 1" },
      { rule: "self.addr.find('[0-9]+') == '42'" },
      { rule: "self.addr.findAll('[a-z]').size() == 2" },
    );
    expect(verdicts(schema, { names: ["a", "b"], addr: "ab42" })).toEqual([]);
    expect(verdicts(schema, { names: ["b", "a"], addr: "ab42" })).toEqual([
      "invalid spec: failed rule: self.names.isSorted()",
      "invalid spec: failed rule: self.names.indexOf('b') == 1",
    ]);
  });
});

describe("formatPath", () => {
  it("names fields as the API server does", () => {
    expect(formatPath(["spec", "containers", 0, "image"])).toBe("spec.containers[0].image");
    expect(formatPath(["metadata", "labels", "app.kubernetes.io/name"])).toBe(
      "metadata.labels[app.kubernetes.io/name]",
    );
  });
});
