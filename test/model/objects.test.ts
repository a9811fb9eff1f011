/** What counts as a Kubernetes object in a manifest, and the small readers every model module shares. */
import { describe, expect, it } from "vitest";
import {
  asString,
  findPath,
  getPath,
  groupKind,
  type KubeObject,
  objectKey,
  toKubeObjects,
  versionOf,
  withBody,
  withMetadata,
} from "../../src/model/objects.ts";

const source = { file: "a.yaml", line: 1, docIndex: 0 };

function one(value: unknown): KubeObject {
  const r = toKubeObjects(value, source);
  if (typeof r === "string" || r.length !== 1 || !r[0])
    throw new Error(`not one object: ${JSON.stringify(r)}`);
  return r[0];
}
const cm = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, ...extra },
});

describe("toKubeObjects", () => {
  it("an object, named or with a generateName", () => {
    expect(toKubeObjects(cm("a", { namespace: "ns" }), source)).toEqual([
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        name: "a",
        namespace: "ns",
        body: cm("a", { namespace: "ns" }),
        source,
      },
    ]);
    const generated = { apiVersion: "batch/v1", kind: "Job", metadata: { generateName: "migrate-" } };
    expect(toKubeObjects(generated, source)).toMatchObject([{ name: "migrate-", namespace: undefined }]);
  });

  it("says why a document is not an object", () => {
    expect(toKubeObjects(["a"], source)).toBe("not a mapping");
    expect(toKubeObjects(null, source)).toBe("not a mapping");
    expect(toKubeObjects({ kind: "ConfigMap", metadata: { name: "a" } }, source)).toBe(
      "missing apiVersion or kind",
    );
    expect(toKubeObjects({ apiVersion: "v1", metadata: { name: "a" } }, source)).toBe(
      "missing apiVersion or kind",
    );
    expect(toKubeObjects({ apiVersion: "v1", kind: "ConfigMap", metadata: {} }, source)).toBe(
      "missing metadata.name",
    );
  });

  it("a List and a typed list are their items; an item that is not an object is left out", () => {
    for (const kind of ["List", "ConfigMapList"]) {
      const list = { apiVersion: "v1", kind, items: [cm("a"), "junk", cm("b"), { apiVersion: "v1" }] };
      const r = toKubeObjects(list, source);
      expect(Array.isArray(r) ? r.map((o) => o.name) : r).toEqual(["a", "b"]);
    }
    // A kind ending in List without items is an object like any other.
    expect(
      toKubeObjects({ apiVersion: "example.com/v1", kind: "AllowList", metadata: { name: "x" } }, source),
    ).toMatchObject([{ kind: "AllowList", name: "x" }]);
  });

  it("a SOPS document with its kind or apiVersion encrypted is no object kubestrap can know", () => {
    const sops = { mac: "ENC[...]" };
    expect(
      toKubeObjects(
        { apiVersion: "v1", kind: "ENC[AES256_GCM,data:x]", sops, metadata: { name: "s" } },
        source,
      ),
    ).toEqual([]);
    expect(
      toKubeObjects(
        { apiVersion: "ENC[AES256_GCM,data:x]", kind: "Secret", sops, metadata: { name: "s" } },
        source,
      ),
    ).toEqual([]);
    // A SOPS document whose identity is in the clear is the object it says.
    expect(
      toKubeObjects(
        { apiVersion: "v1", kind: "Secret", sops, metadata: { name: "s" }, data: { a: "ENC[x]" } },
        source,
      ),
    ).toMatchObject([{ kind: "Secret", name: "s" }]);
    // Without the sops section, the same kind is just an unknown kind.
    expect(toKubeObjects({ apiVersion: "v1", kind: "ENC[x]", metadata: { name: "s" } }, source)).toHaveLength(
      1,
    );
  });
});

describe("object readers", () => {
  it("group, version, kind and identity", () => {
    expect(versionOf("apps/v1")).toBe("v1");
    expect(versionOf("v1")).toBe("v1");
    expect(groupKind({ apiVersion: "v1", kind: "Secret" })).toBe("/Secret");
    const o = one(cm("a", { namespace: "ns" }));
    expect(objectKey(o)).toBe("/ConfigMap/ns/a");
    expect(objectKey({ ...o, namespace: undefined })).toBe("/ConfigMap//a");
  });

  it("scalars read as strings; anything else is absent", () => {
    expect([asString("x"), asString(3), asString(false), asString(null), asString({})]).toEqual([
      "x",
      "3",
      "false",
      undefined,
      undefined,
    ]);
  });

  it("a path that is set to null is found; one through a scalar or a list is not", () => {
    const v = { a: { b: null, c: "x", d: [1] } };
    expect(findPath(v, ["a", "b"])).toEqual({ found: true, value: null });
    expect(findPath(v, ["a", "c", "x"])).toEqual({ found: false, value: undefined });
    expect(findPath(v, ["a", "d", "0"])).toEqual({ found: false, value: undefined });
    expect(findPath(v, ["toString"])).toEqual({ found: false, value: undefined });
    expect(getPath(v, ["a", "c"])).toBe("x");
  });

  it("a changed body or metadata keeps the object's identity in step", () => {
    const o = one(cm("a", { namespace: "ns" }));
    const renamed = withMetadata(o, (m) => {
      m.name = "b";
      delete m.namespace;
    });
    expect([renamed.name, renamed.namespace, renamed.body.metadata]).toEqual(["b", undefined, { name: "b" }]);
    const rebuilt = withBody(o, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d", namespace: "x" },
    });
    expect([rebuilt.apiVersion, rebuilt.kind, rebuilt.name, rebuilt.namespace]).toEqual([
      "apps/v1",
      "Deployment",
      "d",
      "x",
    ]);
    expect(withBody(o, {}).name).toBe("a");
  });
});
