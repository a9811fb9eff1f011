import { describe, expect, it } from "vitest";
import { Repository } from "../../src/load/repository.ts";
import { KustomizeBuilder } from "../../src/model/kustomize.ts";
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
