/**
 * kustomize `configurations` files as kubestrap reads them, and the field specs it applies: which objects a spec
 * selects, and how it walks (and creates) the path it names.
 */
import { describe, expect, it } from "vitest";
import type { Json, KubeObject } from "../../src/model/objects.ts";
import {
  applyFieldSpecs,
  emptyTransformerConfig,
  readTransformerConfig,
} from "../../src/model/transformer-config.ts";

function object(apiVersion: string, kind: string, body: Json = {}): KubeObject {
  return {
    apiVersion,
    kind,
    name: "o",
    namespace: undefined,
    body: { apiVersion, kind, metadata: { name: "o" }, ...body },
    source: { file: "o.yaml", line: 1, docIndex: 0 },
  };
}

const tag = () => "tagged";

describe("reading configurations", () => {
  it("keeps the sections kubestrap applies, with their targets; names each other section once", () => {
    const config = emptyTransformerConfig();
    readTransformerConfig(
      {
        namespace: [{ kind: "Widget", group: "example.com", version: "v1", path: "spec/targetNamespace" }],
        commonLabels: [{ path: "/spec/list[]/labels/", create: true }, { kind: "NoPath" }],
        images: [],
      },
      config,
    );
    readTransformerConfig({ images: [], nameReference: [] }, config);
    expect(config).toEqual({
      ...emptyTransformerConfig(),
      namespace: [
        {
          kind: "Widget",
          group: "example.com",
          version: "v1",
          path: ["spec", "targetNamespace"],
          create: false,
        },
      ],
      commonLabels: [{ path: ["spec", "list", "labels"], create: true }],
      ignored: ["images", "nameReference"],
    });
  });
});

describe("applying field specs", () => {
  const spec = (
    path: string,
    target: { group?: string; version?: string; kind?: string } = {},
    create = false,
  ) => ({
    path: path.split("/"),
    create,
    ...target,
  });

  it("select objects by group, version and kind", () => {
    const objects = [
      object("example.com/v1", "Widget", { spec: { f: "x" } }),
      object("other.io/v1", "Widget", { spec: { f: "x" } }),
      object("example.com/v2", "Widget", { spec: { f: "x" } }),
      object("example.com/v1", "Gadget", { spec: { f: "x" } }),
    ];
    const applied = applyFieldSpecs(
      objects,
      [spec("spec/f", { group: "example.com", version: "v1", kind: "Widget" })],
      tag,
    );
    expect(applied.map((o) => o.body.spec)).toEqual([{ f: "tagged" }, { f: "x" }, { f: "x" }, { f: "x" }]);
    // Objects a spec leaves alone are the same objects.
    expect(applied.slice(1)).toEqual(objects.slice(1));
    expect(applied[1]).toBe(objects[1]);
    expect(applyFieldSpecs(objects, [], tag)).toBe(objects);
  });

  it("walk lists and maps; create missing parents only where the spec says so", () => {
    const o = object("v1", "ConfigMap", { spec: { list: [{ a: 1 }, { a: 2 }, "scalar"], s: "text" } });
    const [walked] = applyFieldSpecs([o], [spec("spec/list/a")], tag);
    expect(walked?.body.spec).toEqual({ list: [{ a: "tagged" }, { a: "tagged" }, "scalar"], s: "text" });
    const [created] = applyFieldSpecs([o], [spec("spec/new/deep", {}, true)], tag);
    expect(created?.body.spec).toMatchObject({ new: { deep: "tagged" } });
    const [leaf] = applyFieldSpecs([o], [spec("spec/leaf", {}, true)], (v) => v ?? "made");
    expect(leaf?.body.spec).toMatchObject({ leaf: "made" });
    const [untouched] = applyFieldSpecs(
      [o],
      [spec("spec/missing/deep"), spec("spec/s/deeper", {}, true)],
      tag,
    );
    expect(untouched?.body.spec).toEqual(o.body.spec);
  });
});
