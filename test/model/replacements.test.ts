import { describe, expect, it } from "vitest";
import { Repository } from "../../src/load/repository.ts";
import { KustomizeBuilder } from "../../src/model/kustomize.ts";
import type { Json, KubeObject } from "../../src/model/objects.ts";
import { applyReplacements } from "../../src/model/replacements.ts";
import { makeRepo } from "../helpers.ts";

const k = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;

function build(files: Record<string, string>, dir = "app") {
  const repo = Repository.load(makeRepo(files));
  const builder = new KustomizeBuilder(repo, (gk) => (gk === "/Namespace" ? "Cluster" : "Namespaced"));
  const objects = builder.build(dir, false);
  return { objects, findings: builder.findings };
}

const namespace = "apiVersion: v1\nkind: Namespace\nmetadata: {name: _}\n";
const fluxKs = (name: string) =>
  `---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: ${name}}\nspec:\n  path: ./x\n`;

describe("kustomize replacements", () => {
  it("sets child targetNamespace from the Namespace, after the namespace transformer (the idiom of real repositories)", () => {
    const { objects, findings } = build({
      "app/kustomization.yaml": k(
        "namespace: media\nresources: [ns.yaml, ks.yaml]\nreplacements:\n  - path: ../replacements/ks.yaml\n",
      ),
      "app/ns.yaml": namespace,
      "app/ks.yaml": fluxKs("plex") + fluxKs("sonarr"),
      "replacements/ks.yaml": [
        "- source: {kind: Namespace, fieldPath: metadata.name}",
        "  targets:",
        "    - select: {kind: Kustomization, group: kustomize.toolkit.fluxcd.io}",
        "      fieldPaths: [spec.targetNamespace]",
        "      options: {create: true}",
        "",
      ].join("\n"),
    });
    expect(findings).toEqual([]);
    expect(
      objects
        .filter((o) => o.kind === "Kustomization")
        .map((o) => (o.body.spec as { targetNamespace?: string }).targetNamespace),
    ).toEqual(["media", "media"]);
  });

  it("selects list items by field, replaces a delimited part; a missing field without create is refused", () => {
    const { objects, findings } = build({
      "app/kustomization.yaml": k(
        [
          "resources: [cm.yaml, deploy.yaml]",
          "replacements:",
          "  - source: {kind: ConfigMap, name: versions, fieldPath: data.tag}",
          "    targets:",
          "      - select: {kind: Deployment}",
          "        fieldPaths:",
          "          - spec.template.spec.containers.[name=app].image",
          "          - spec.missing",
          "        options: {delimiter: ':', index: 1}",
          "",
        ].join("\n"),
      ),
      "app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: versions}\ndata: {tag: v2}\n",
      "app/deploy.yaml":
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - {name: sidecar, image: 'envoy:v1'}\n        - {name: app, image: 'web:v1'}\n",
    });
    const spec = objects.find((o) => o.kind === "Deployment")?.body.spec as Record<string, unknown>;
    expect(spec.missing).toBeUndefined();
    expect(findings.map((f) => [f.ruleId, f.message])).toEqual([
      ["kustomize-invalid", 'unable to find field "spec.missing" in replacement target Deployment web'],
    ]);
    expect(JSON.stringify(spec)).toContain('"image":"envoy:v1"');
    expect(JSON.stringify(spec)).toContain('"image":"web:v2"');
  });

  it("a source that matches no object is an error where the replacement is written", () => {
    const { findings } = build({
      "app/kustomization.yaml": k(
        "resources: []\nreplacements:\n  - source: {kind: Namespace}\n    targets: [{select: {kind: Kustomization}, fieldPaths: [spec.targetNamespace]}]\n",
      ),
    });
    expect(findings.map((f) => [f.ruleId, f.message, f.location?.file])).toEqual([
      [
        "kustomize-invalid",
        "replacement source Namespace matches 0 objects, not one",
        "app/kustomization.yaml",
      ],
    ]);
  });
});

describe("applyReplacements, field by field", () => {
  const at = { file: "app/kustomization.yaml", line: 3 };
  const configMap = (name: string, data: Json, namespace = "default"): KubeObject => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    name,
    namespace,
    body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data },
    source: { file: "app/cm.yaml", line: 1, docIndex: 0 },
  });
  const replace = (objects: KubeObject[], source: Json, ...targets: Json[]) =>
    applyReplacements(objects, [{ source, targets, location: at }]);
  const data = (r: ReturnType<typeof replace>) => r.objects.map((o) => o.body.data);

  it("selects the source by exact kind, name and namespace, not by pattern", () => {
    const objects = [configMap("a.b", { v: "dot" }), configMap("aXb", { v: "x" }), configMap("t", { v: "" })];
    const target = { select: { name: "t" }, fieldPaths: ["data.v"] };
    expect(
      data(replace(objects, { kind: "ConfigMap", name: "a.b", fieldPath: "data.v" }, target))[2],
    ).toEqual({
      v: "dot",
    });
    for (const source of [
      { kind: "ConfigMa.", name: "t" },
      { kind: "ConfigMap", name: "a.b", namespace: "d.fault" },
    ])
      expect(replace(objects, source, target).problems.map((p) => p.message)).toEqual([
        `replacement source ${source.kind} ${source.name} matches 0 objects, not one`,
      ]);
    expect(replace(objects, {}, target).problems).toEqual([
      { message: "replacement source (any) matches 3 objects, not one", location: at },
    ]);
  });

  it("reads metadata.name without a fieldPath, a bracketed key with dots, and a list item by field", () => {
    const source: KubeObject = {
      ...configMap("src", { list: [{ name: "x", v: "by-field" }] }),
    };
    source.body.metadata = { name: "src", annotations: { "example.com/tier": "gold" } };
    const objects = [source, configMap("t", { a: "", b: "", c: "" })];
    const r = applyReplacements(objects, [
      { source: { name: "src" }, targets: [{ select: { name: "t" }, fieldPaths: ["data.a"] }], location: at },
      {
        source: { name: "src", fieldPath: "metadata.annotations.[example.com/tier]" },
        targets: [{ select: { name: "t" }, fieldPaths: ["data.b", ""] }],
        location: at,
      },
      {
        source: { name: "src", fieldPath: "data.list.[name=x].v" },
        targets: [{ select: { name: "t" }, fieldPaths: ["data.c"] }],
        location: at,
      },
    ]);
    expect([r.problems, r.objects[1]?.body.data]).toEqual([[], { a: "src", b: "gold", c: "by-field" }]);
  });

  it("a source field that is not set, and a delimited source part past the end", () => {
    const objects = [configMap("src", { tag: "a:b", n: 5 }), configMap("t", { v: "old", w: "old" })];
    const target = (path: string) => ({ select: { name: "t" }, fieldPaths: [path] });
    expect(replace(objects, { name: "src", fieldPath: "data.nope" }, target("data.v")).problems).toEqual([
      { message: "replacement source field data.nope is not set", location: at },
    ]);
    const part = (index: number) =>
      data(
        replace(
          objects,
          { name: "src", fieldPath: "data.tag", options: { delimiter: ":", index } },
          target("data.v"),
        ),
      )[1];
    expect([part(1), part(2)]).toEqual([
      { v: "b", w: "old" },
      { v: "", w: "old" },
    ]);
    // A delimiter splits strings only.
    const number = replace(
      objects,
      { name: "src", fieldPath: "data.n", options: { delimiter: ":" } },
      target("data.v"),
    );
    expect(data(number)[1]).toEqual({ v: 5, w: "old" });
  });

  it("replaces a delimited part of the target at its index, before the first or after the last", () => {
    const objects = [configMap("src", { v: "new" }), configMap("t", { image: "reg/app/v1" })];
    const at = (index: number) =>
      data(
        replace(
          objects,
          { name: "src", fieldPath: "data.v" },
          { select: { name: "t" }, fieldPaths: ["data.image"], options: { delimiter: "/", index } },
        ),
      )[1];
    expect([at(0), at(2), at(-1), at(3)]).toEqual([
      { image: "new/app/v1" },
      { image: "reg/app/new" },
      { image: "new/reg/app/v1" },
      { image: "reg/app/v1/new" },
    ]);
  });

  it("refuses a target path through a list past its end, a non-index, or a scalar", () => {
    const objects = [configMap("src", { v: "new" }), { ...configMap("t", { list: ["a"], s: "scalar" }) }];
    for (const path of ["data.list.1", "data.list.x1", "data.s.deeper"]) {
      const r = replace(
        objects,
        { name: "src", fieldPath: "data.v" },
        { select: { name: "t" }, fieldPaths: [path] },
      );
      expect([path, r.problems.map((p) => p.message)]).toEqual([
        path,
        [`unable to find field "${path}" in replacement target ConfigMap t`],
      ]);
      expect(r.objects[1]).toBe(objects[1]);
    }
    const ok = replace(
      objects,
      { name: "src", fieldPath: "data.v" },
      { select: { name: "t" }, fieldPaths: ["data.list.0"] },
    );
    expect(data(ok)[1]).toEqual({ list: ["new"], s: "scalar" });
  });

  it("leaves an object no target selects, or one with no field paths, as it was", () => {
    const objects = [configMap("src", { v: "new" }), configMap("t", { v: "old" })];
    const r = replace(
      objects,
      { name: "src", fieldPath: "data.v" },
      { select: { name: "t" }, fieldPaths: [] },
    );
    expect(r.objects[1]).toBe(objects[1]);
    expect(r.objects[0]).toBe(objects[0]);
  });
});
