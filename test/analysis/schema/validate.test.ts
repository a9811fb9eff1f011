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

describe("structural schema: bounds and value validations", () => {
  it.each([
    [
      { type: "object", minProperties: 2, additionalProperties: { type: "integer" } },
      { a: 1 },
      "invalid spec: should have at least 2 properties",
    ],
    [
      { type: "object", maxProperties: 1, additionalProperties: { type: "integer" } },
      { a: 1, b: 2 },
      "invalid spec: should have at most 1 properties",
    ],
    [{ type: "integer", multipleOf: 5 }, 7, "invalid spec: should be a multiple of 5"],
    [{ type: "integer", minimum: 1, exclusiveMinimum: true }, 1, "invalid spec: should be greater than 1"],
    [{ type: "integer", maximum: 9, exclusiveMaximum: true }, 9, "invalid spec: should be less than 9"],
    [{ type: "array", minItems: 2 }, [1], "invalid spec: should have at least 2 items"],
    [{ type: "array", uniqueItems: true }, [{ a: 1 }, { a: 1 }], 'invalid spec[1]: duplicate value {"a":1}'],
    [{ type: "string", minLength: 3 }, "ab", "invalid spec: should be at least 3 chars long"],
    [{ type: "string", maxLength: 2 }, "été", "invalid spec: may not be more than 2 chars long"],
    [{ type: "boolean" }, "true", "invalid spec: must be of type boolean, not string"],
    [{ type: "array" }, {}, "invalid spec: must be of type array, not object"],
    [{ type: "object" }, [], "invalid spec: must be of type object, not array"],
    [{ type: "number" }, "1", "invalid spec: must be of type number, not string"],
    [
      { anyOf: [{ type: "integer" }, { type: "boolean" }] },
      "x",
      "invalid spec: must match at least one schema in anyOf",
    ],
    [{ not: { type: "string" } }, "x", "invalid spec: must not match the schema in not"],
    [
      { allOf: [{ type: "string" }, { maxLength: 1 }] },
      "xy",
      "invalid spec: may not be more than 1 chars long",
    ],
    [
      { type: "array", items: { type: "string" } },
      [null],
      "invalid spec[0]: must be of type string, not null",
    ],
  ] as [Schema, unknown, string][])("%j on %j", (schema, spec, expected) => {
    expect(verdicts(schema, spec)).toEqual([expected]);
  });

  it.each([
    [{ type: "string", maxLength: 3 }, "été"],
    [{ type: "integer", minimum: 1, exclusiveMinimum: true }, 2],
    [{ type: "integer", maximum: 9 }, 9],
    [{ type: "integer", multipleOf: 5 }, 10],
    [{ anyOf: [{ type: "integer" }, { type: "boolean" }] }, true],
    [{ type: "object", additionalProperties: true }, { any: 1 }],
    [{ type: "string", nullable: true }, null],
    [
      { type: "object", properties: { a: { type: "string" } }, "x-kubernetes-preserve-unknown-fields": true },
      { b: 1 },
    ],
  ] as [Schema, unknown][])("%j accepts %j", (schema, spec) => {
    expect(verdicts(schema, spec)).toEqual([]);
  });

  it("additionalProperties false refuses every undeclared field", () => {
    expect(verdicts({ type: "object", additionalProperties: false }, { a: 1 })).toEqual([
      "invalid spec.a: field not declared in schema",
    ]);
  });

  it("a built-in null is an unset field; a built-in object with no properties keeps anything (RawExtension)", () => {
    expect(verdicts({ type: "integer" }, null, true)).toEqual([]);
    expect(verdicts({ type: "object" }, { raw: { any: 1 } }, true)).toEqual([]);
  });

  it("an embedded resource needs apiVersion and kind, and its metadata is ObjectMeta", () => {
    const embedded: Schema = {
      type: "object",
      "x-kubernetes-embedded-resource": true,
      "x-kubernetes-preserve-unknown-fields": true,
    };
    expect(verdicts(embedded, { apiVersion: "v1", kind: "" })).toEqual([
      "invalid spec.kind: must not be empty",
    ]);
    expect(verdicts(embedded, { apiVersion: "v1", kind: "ConfigMap", metadata: { nmae: "x" } })).toEqual([
      "invalid spec.metadata.nmae: field not declared in schema",
    ]);
  });

  it("metadata that is not an object, or labels that are not a map", () => {
    expect(validateObject(obj({}, "x"), root({ type: "object" })).map((v) => v.message)).toEqual([
      "must be of type object, not string",
    ]);
    expect(
      validateObject(obj({}, { name: "x", labels: ["a"] }), root({ type: "object" })).map((v) => v.path),
    ).toEqual(["metadata.labels"]);
    expect(
      validateObject(obj({}, { name: "x", annotations: { a: "${VALUE}" } }), root({ type: "object" })),
    ).toEqual([]);
  });

  it("follows $ref and an allOf wrapper of one $ref, as the built-in documents write them", () => {
    const components: Record<string, Schema> = { Port: { type: "integer" } };
    const resolve = (ref: string) => components[ref.replace("#/components/schemas/", "")];
    const schema = root({
      type: "object",
      properties: {
        a: { $ref: "#/components/schemas/Port" },
        b: { allOf: [{ $ref: "#/components/schemas/Port" }], default: 0 },
      },
    });
    const v = validateObject(obj({ a: "x", b: "y" }), schema, { builtin: true, resolve });
    expect(v.map((x) => `${x.path}: ${x.message}`)).toEqual([
      "spec.a: must be of type integer, not string",
      "spec.b: must be of type integer, not string",
    ]);
  });

  it("defaults nested objects from their own defaults, and items of a list", () => {
    const schema: Schema = {
      type: "object",
      properties: {
        outer: {
          type: "object",
          default: {},
          properties: { inner: { type: "string", default: "x" } },
          "x-kubernetes-validations": [{ rule: "self.inner == 'x'" }],
        },
        list: {
          type: "array",
          items: { type: "object", properties: { n: { type: "integer", default: 1 } }, required: ["n"] },
        },
      },
    };
    expect(verdicts(schema, { list: [{}, { n: 2 }] })).toEqual([]);
  });
});

describe("validateObject: the CEL rules of a node", () => {
  it("are not run where a field still holds a variable, nor under a type error", () => {
    const schema: Schema = {
      type: "object",
      properties: { a: { type: "string" } },
      "x-kubernetes-validations": [{ rule: "self.a == 'x'" }],
    };
    expect(verdicts(schema, { a: "${A}" })).toEqual([]);
    expect(verdicts(schema, { a: 1 })).toEqual(["invalid spec.a: must be of type string, not integer"]);
  });

  it("fieldPath accepts indexes and quoted keys", () => {
    const schema: Schema = {
      type: "object",
      properties: { l: { type: "array", items: { type: "string" } } },
      "x-kubernetes-validations": [
        { rule: "false", fieldPath: ".l[1]" },
        { rule: "false", fieldPath: ".m['a.b']" },
      ],
    };
    expect(validateObject(obj({ l: ["a", "b"] }), root(schema)).map((v) => v.path)).toEqual([
      "spec.l[1]",
      "spec.m[a.b]",
    ]);
  });
});
