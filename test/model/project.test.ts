/**
 * loadProject: which entry point it analyses (--entry, --cluster, the first of several), the findings of files
 * nothing reads, the objects charts render joined to their Kustomization, and the helmfile environment.
 */
import { describe, expect, it } from "vitest";
import { loadProject, UsageError } from "../../src/model/project.ts";
import { ks, makeRepo } from "../helpers.ts";

const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: default}\n";
const twoClusters = { "clusters/east/cm.yaml": cm, "clusters/west/cm.yaml": cm };

describe("the entry point a project analyses", () => {
  it("--entry as written, or a usage error when it is no folder", () => {
    const repo = makeRepo(twoClusters);
    expect(loadProject({ repo, entry: "./clusters/west/" }).entry).toStrictEqual({
      path: "clusters/west",
      from: "--entry",
    });
    expect(() => loadProject({ repo, entry: "clusters/north" })).toThrow(
      new UsageError("entry point clusters/north is not a directory of the repository"),
    );
    expect(new UsageError("x").name).toBe("UsageError");
  });

  it("--cluster by name, or a usage error naming the clusters there are", () => {
    const repo = makeRepo(twoClusters);
    expect(loadProject({ repo, cluster: "west" }).entry?.path).toBe("clusters/west");
    expect(() => loadProject({ repo, cluster: "north" })).toThrow(
      "cluster north not found (clusters: east, west)",
    );
    expect(() => loadProject({ repo: makeRepo({ "a.yaml": cm }), cluster: "north" })).toThrow(
      "cluster north not found (clusters: none)",
    );
  });

  it("the first of several, said in an info finding; none, said too", () => {
    const several = loadProject({ repo: makeRepo(twoClusters) });
    expect(several.entry?.path).toBe("clusters/east");
    expect(
      several.diagnostics.filter((f) => f.ruleId === "entry-point").map((f) => [f.severity, f.message]),
    ).toEqual([
      [
        "info",
        "several entry points (clusters/east, clusters/west): analysing clusters/east; choose one with --cluster",
      ],
    ]);
    const none = loadProject({ repo: makeRepo({ "a.yaml": cm }) });
    expect(none.entry).toBeUndefined();
    expect(none.diagnostics.map((f) => [f.ruleId, f.severity])).toEqual([["entry-point", "info"]]);
  });
});

describe("findings of files nothing reads", () => {
  const broken = "a: [unclosed\n";
  it("are one info finding, counted and named up to three", () => {
    const files = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`junk/f${i}.yaml`, broken]));
    const skipped = (n: number) =>
      loadProject({ repo: makeRepo(files(n)), diagnostics: [] }).diagnostics.filter(
        (f) => f.ruleId === "file-skipped",
      );
    expect(skipped(1).map((f) => [f.severity, f.message, f.location])).toEqual([
      [
        "info",
        "1 YAML file that neither Flux nor the bootstrap reads does not parse, and is not checked: junk/f0.yaml",
        { file: "junk/f0.yaml", line: 1 },
      ],
    ]);
    expect(skipped(4).map((f) => f.message)).toEqual([
      "4 YAML files that neither Flux nor the bootstrap reads do not parse, and are not checked: junk/f0.yaml, junk/f1.yaml, junk/f2.yaml, ...",
    ]);
  });

  it("but a file Flux reads that does not parse is a yaml-syntax error, after the findings made before", () => {
    const before = { ruleId: "chart-render-failed", severity: "error" as const, message: "earlier" };
    const p = loadProject({
      repo: makeRepo({ "kubernetes/flux/cluster/ks.yaml": ks("app"), "apps/app/broken.yaml": broken }),
      diagnostics: [before],
    });
    expect(p.diagnostics.map((f) => [f.ruleId, f.location?.file])).toEqual([
      ["chart-render-failed", undefined],
      ["yaml-syntax", "apps/app/broken.yaml"],
    ]);
  });
});

describe("what a project joins", () => {
  it("objects a chart renders become the objects of the Kustomization applying its HelmRelease", () => {
    const hr =
      "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: db, namespace: data}\nspec:\n  chart: {spec: {chart: db, sourceRef: {kind: HelmRepository, name: r}}}\n";
    const p = loadProject({
      repo: makeRepo({ "kubernetes/flux/cluster/ks.yaml": ks("app"), "apps/app/hr.yaml": hr }),
      chartObjects: new Map([
        [
          "data/db",
          [
            { apiVersion: "example.com/v1", kind: "Widget", name: "w" },
            { apiVersion: "example.com/v1", kind: "Widget", name: "v", namespace: "other" },
          ],
        ],
      ]),
    });
    const rendered = p.model.kustomizations
      .get("flux-system/app")
      ?.objects.filter((o) => o.source.renderedBy);
    expect(rendered).toStrictEqual([
      {
        apiVersion: "example.com/v1",
        kind: "Widget",
        name: "w",
        namespace: "data",
        body: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } },
        source: { file: "apps/app/hr.yaml", line: 1, docIndex: -1, renderedBy: "data/db" },
      },
      expect.objectContaining({ name: "v", namespace: "other" }),
    ]);
  });

  it("reads the bootstrap helmfiles in the environment asked for, else kubestrap.yaml's, else the cluster's", () => {
    const helmfile = [
      "environments:",
      "  default: {values: [{ns: d}]}",
      "  east: {values: [{ns: e}]}",
      "  prod: {values: [{ns: p}]}",
      "---",
      "releases:",
      "  - {name: a, namespace: '{{ .Values.ns }}', chart: oci://r.example/a}",
      "",
    ].join("\n");
    const files = { ...twoClusters, "bootstrap/helmfile.yaml.gotmpl": helmfile };
    const ns = (options: { environment?: string; cluster?: string }, extra: Record<string, string> = {}) =>
      loadProject({ repo: makeRepo({ ...files, ...extra }), ...options }).bootstrap.releases.map(
        (r) => r.namespace,
      );
    expect(ns({})).toEqual(["d"]);
    expect(ns({ cluster: "east" })).toEqual(["e"]);
    expect(ns({ environment: "prod", cluster: "east" })).toEqual(["p"]);
    expect(ns({}, { "kubestrap.yaml": "bootstrap:\n  environment: prod\n" })).toEqual(["p"]);
  });
});
