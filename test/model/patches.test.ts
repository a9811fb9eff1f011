/**
 * The patch primitives the kustomize builder applies: RFC 6902 operations and their refusals, label selectors
 * as kustomize patch targets read them, target matching, and strategic merge of named lists.
 */
import { describe, expect, it } from "vitest";
import type { Json, KubeObject } from "../../src/model/objects.ts";
import { jsonPatch, matchesSelector, matchesTarget, strategicMerge } from "../../src/model/patches.ts";

function object(body: Json, apiVersion = "v1", kind = "ConfigMap", namespace?: string): KubeObject {
  const metadata = { name: "a", ...(namespace ? { namespace } : {}) };
  return {
    apiVersion,
    kind,
    name: "a",
    namespace,
    body: { apiVersion, kind, metadata, ...body },
    source: { file: "a.yaml", line: 1, docIndex: 0 },
  };
}

const base = () => object({ spec: { list: ["x"], map: { k: "v" } } });

function patched(...ops: { op: string; path: string; value?: unknown; from?: string }[]): unknown {
  const r = jsonPatch(base(), ops);
  return typeof r === "string" ? r : r.body.spec;
}

describe("JSON 6902 patches", () => {
  it("apply add, replace, remove, copy, move and test, with escaped keys", () => {
    expect(patched({ op: "add", path: "/spec/list/0", value: "w" })).toEqual({
      list: ["w", "x"],
      map: { k: "v" },
    });
    expect(patched({ op: "add", path: "/spec/list/1", value: "y" })).toMatchObject({ list: ["x", "y"] });
    expect(patched({ op: "add", path: "/spec/list/-", value: "y" })).toMatchObject({ list: ["x", "y"] });
    expect(patched({ op: "replace", path: "/spec/list/0", value: "y" })).toMatchObject({ list: ["y"] });
    expect(patched({ op: "add", path: "/spec/map/a~1b~0c", value: 1 })).toMatchObject({
      map: { k: "v", "a/b~c": 1 },
    });
    expect(patched({ op: "remove", path: "/spec/list/0" })).toMatchObject({ list: [] });
    expect(patched({ op: "remove", path: "/spec/map/k" })).toMatchObject({ map: {} });
    expect(patched({ op: "copy", from: "/spec/list/0", path: "/spec/map/copied" })).toEqual({
      list: ["x"],
      map: { k: "v", copied: "x" },
    });
    expect(patched({ op: "move", from: "/spec/map/k", path: "/spec/moved" })).toEqual({
      list: ["x"],
      map: {},
      moved: "v",
    });
    expect(patched({ op: "test", path: "/spec/map/k", value: "v" })).toEqual({
      list: ["x"],
      map: { k: "v" },
    });
  });

  it("an empty pointer replaces the whole object, and the object patched is not changed", () => {
    const o = base();
    const r = jsonPatch(o, [{ op: "replace", path: "", value: { apiVersion: "v1", kind: "Secret" } }]);
    expect(typeof r !== "string" && [r.kind, r.body]).toEqual([
      "Secret",
      { apiVersion: "v1", kind: "Secret" },
    ]);
    expect(o.body.spec).toEqual({ list: ["x"], map: { k: "v" } });
  });

  it("say which operation failed and why", () => {
    const cases: [Parameters<typeof patched>[0], string][] = [
      [{ op: "add", path: "spec/x", value: 1 }, "invalid JSON pointer spec/x"],
      [{ op: "replace", path: "/spec/map/nope", value: 1 }, "replace /spec/map/nope: path not found"],
      [{ op: "add", path: "/spec/list/2", value: 1 }, "add /spec/list/2: index out of range"],
      [{ op: "add", path: "/spec/list/-1", value: 1 }, "add /spec/list/-1: index out of range"],
      [{ op: "add", path: "/spec/list/x", value: 1 }, "add /spec/list/x: index out of range"],
      [{ op: "add", path: "/spec/none/x", value: 1 }, "add /spec/none/x: parent path not found"],
      [{ op: "remove", path: "/spec/list/1" }, "remove /spec/list/1: index out of range"],
      [{ op: "remove", path: "/spec/list/-1" }, "remove /spec/list/-1: index out of range"],
      [{ op: "remove", path: "/spec/map/nope" }, "remove /spec/map/nope: path not found"],
      [{ op: "remove", path: "/spec/none/x" }, "remove /spec/none/x: path not found"],
      [{ op: "copy", from: "spec", path: "/spec/y" }, "invalid from pointer spec"],
      [{ op: "copy", path: "/spec/y" }, "copy /spec/y: no from pointer"],
      [{ op: "move", from: "/spec/nope", path: "/spec/y" }, "move /spec/nope: path not found"],
      [{ op: "copy", from: "/spec/map", path: "/spec/list/5" }, "index out of range"],
      [{ op: "frob", path: "/spec" }, "unknown operation frob"],
    ];
    for (const [op, message] of cases) expect([op, patched(op)]).toEqual([op, message]);
  });

  it("read through lists by index", () => {
    const o = object({ spec: { items: [{ name: "a", v: 1 }] } });
    const r = jsonPatch(o, [{ op: "copy", from: "/spec/items/0/v", path: "/spec/first" }]);
    expect(typeof r !== "string" && r.body.spec).toEqual({ items: [{ name: "a", v: 1 }], first: 1 });
  });
});

describe("label selectors of patch targets", () => {
  const labels = { app: "web", tier: "front" };
  it.each([
    ["app=web", true],
    ["app = web ", true],
    ["app==web", true],
    ["app=api", false],
    ["app!=api", true],
    ["app != web", false],
    ["team!=a", true],
    ["app in (api, web)", true],
    ["app  in(api,web)", true],
    ["app in (api)", false],
    ["app notin (api)", true],
    ["app notin ( web )", false],
    ["team notin (a)", true],
    ["team in (a)", false],
    ["app", true],
    ["team", false],
    ["!team", true],
    ["! app", false],
    ["app=web, tier in (front)", true],
    ["app=web,tier=back", false],
    [" , app=web , ", true],
  ])("%s matches %s", (selector, expected) => {
    expect(matchesSelector(labels, selector)).toBe(expected);
  });
});

describe("patch targets", () => {
  it("match by version and namespace, and take a name that is no valid pattern literally", () => {
    const o = object({}, "apps/v1", "Deployment", "web");
    expect(matchesTarget(o, { version: "v1" })).toBe(true);
    expect(matchesTarget(o, { version: "v2" })).toBe(false);
    expect(matchesTarget(o, { namespace: "we." })).toBe(true);
    expect(matchesTarget(o, { namespace: "api" })).toBe(false);
    expect(matchesTarget(object({}), { namespace: "" })).toBe(true);
    expect(matchesTarget(object({}), { namespace: "default" })).toBe(false);
    const odd = { ...object({}), name: "a(b" };
    expect(matchesTarget(odd, { name: "a(b" })).toBe(true);
    expect(matchesTarget({ ...odd, name: "ab" }, { name: "a(b" })).toBe(false);
  });
});

describe("strategic merge of lists", () => {
  const deployment = (containers: unknown[]) =>
    object({ spec: { template: { spec: { containers } } } }, "apps/v1", "Deployment");
  const containers = (o: KubeObject | undefined) =>
    (o?.body.spec as { template: { spec: { containers: unknown } } } | undefined)?.template.spec.containers;

  it("deletes the first named item, and replaces a list by an empty one or by items without names", () => {
    const d = deployment([{ name: "a" }, { name: "b" }]);
    expect(containers(strategicMerge(d, deployment([{ name: "a", $patch: "delete" }]).body))).toEqual([
      { name: "b" },
    ]);
    expect(containers(strategicMerge(d, deployment([]).body))).toEqual([]);
    expect(containers(strategicMerge(d, deployment([{ image: "x" }]).body))).toEqual([{ image: "x" }]);
    expect(containers(strategicMerge(d, deployment([{ name: "c", $patch: "delete" }]).body))).toEqual([
      { name: "a" },
      { name: "b" },
    ]);
  });
});
