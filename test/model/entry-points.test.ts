import { describe, expect, it } from "vitest";
import { lint } from "../../src/analysis/lint.ts";
import { Repository } from "../../src/load/repository.ts";
import { clusterName, findEntryPoints } from "../../src/model/entry.ts";
import { makeRepo, ruleIds } from "../helpers.ts";

const fluxKs = (name: string, path: string, extra = "") =>
  `---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: ${name}, namespace: flux-system}\nspec:\n  path: ${path}\n  sourceRef: {kind: GitRepository, name: flux-system}\n  interval: 10m\n  prune: true\n${extra}`;
const entries = (files: Record<string, string>) =>
  findEntryPoints(Repository.load(makeRepo(files))).map((e) => [e.path, clusterName(e)]);
const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: default}\n";

describe("entry points, wherever the repository keeps them", () => {
  it("<folder>/clusters/<name>, at any of the first levels", () => {
    expect(entries({ "k8s/clusters/infra/cm.yaml": cm, "k8s/clusters/apps/cm.yaml": cm })).toEqual([
      ["k8s/clusters/apps", "apps"],
      ["k8s/clusters/infra", "infra"],
    ]);
  });

  it("the flux-instance values file a configMapGenerator feeds through valuesFrom", () => {
    expect(
      entries({
        "kubernetes/apps/flux-system/flux-instance/app/values.yaml":
          "instance:\n  sync:\n    kind: GitRepository\n    path: gitops/main\n",
        "gitops/main/cm.yaml": cm,
      }),
    ).toEqual([["gitops/main", "default"]]);
  });

  it("several FluxInstances all named default are told apart by their paths", () => {
    const instance = (cluster: string) =>
      `apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata: {name: flux, namespace: flux-system}\nspec:\n  sync:\n    kind: GitRepository\n    url: https://example.com/repo\n    path: kubernetes/${cluster}/flux\n`;
    expect(
      entries({
        "kubernetes/main/bootstrap/instance.yaml": instance("main"),
        "kubernetes/test/bootstrap/instance.yaml": instance("test"),
        "kubernetes/main/flux/cm.yaml": cm,
        "kubernetes/test/flux/cm.yaml": cm,
      }),
    ).toEqual([
      ["kubernetes/main/flux", "main"],
      ["kubernetes/test/flux", "test"],
    ]);
  });
});

describe("entry points, source by source", () => {
  const found = (files: Record<string, string>) =>
    findEntryPoints(Repository.load(makeRepo(files))).map((e) => [e.path, e.from, e.name]);

  it("a FluxInstance, a flux-instance HelmRelease and a values file, each said where; one path once", () => {
    expect(
      found({
        "a/instance.yaml":
          "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata: {name: flux}\nspec:\n  sync: {path: ./one/}\n",
        "b/hr.yaml":
          "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: flux}\nspec:\n  values:\n    instance:\n      sync: {path: two}\n",
        "c/values.yaml": "instance:\n  sync: {path: //three}\n",
        "d/again.yaml": "instance:\n  sync: {path: one}\n",
        "e/cm.yaml":
          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ninstance:\n  sync: {path: four}\n",
        "f/gone.yaml": "instance:\n  sync: {path: nowhere}\n",
        "one/cm.yaml": cm,
        "two/cm.yaml": cm,
        "three/cm.yaml": cm,
        "four/cm.yaml": cm,
        "kubernetes/flux/cluster/cm.yaml": cm,
      }),
    ).toEqual([
      ["one", "FluxInstance sync path (a/instance.yaml:1)", "one"],
      ["two", "flux-instance values instance.sync.path (b/hr.yaml:1)", "two"],
      ["three", "flux-instance values file instance.sync.path (c/values.yaml:1)", "three"],
    ]);
  });

  it("the conventional layouts, shallow clusters folders first, then by name; files and deep folders left out", () => {
    expect(
      found({
        "kubernetes/flux/cluster/cm.yaml": cm,
        "k8s/clusters/a/cm.yaml": cm,
        "infra/clusters/b/cm.yaml": cm,
        "clusters/z/cm.yaml": cm,
        "clusters/readme.yaml": cm,
        "a/b/c/clusters/deep/cm.yaml": cm,
        "x/y/clusters/ok/cm.yaml": cm,
      }).map(([path, from]) => [path, from]),
    ).toEqual([
      ["kubernetes/flux/cluster", "conventional layout kubernetes/flux/cluster"],
      ["clusters/z", "conventional layout clusters/<cluster>"],
      ["infra/clusters/b", "conventional layout infra/clusters/<cluster>"],
      ["k8s/clusters/a", "conventional layout k8s/clusters/<cluster>"],
      ["x/y/clusters/ok", "conventional layout x/y/clusters/<cluster>"],
    ]);
  });

  it("names entry points by clusters/<name>, or the first segment that differs; one alone has no name", () => {
    const instance = (path: string) =>
      `---\napiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata: {name: flux}\nspec:\n  sync: {path: ${path}}\n`;
    const names = (paths: string[]) =>
      found({
        "instances.yaml": paths.map(instance).join(""),
        ...Object.fromEntries(paths.map((p) => [`${p}/cm.yaml`, cm])),
      }).map(([path, , name]) => [path, name]);
    expect(names(["deploy/a", "deploy/a/b"])).toEqual([
      ["deploy/a", undefined],
      ["deploy/a/b", "b"],
    ]);
    expect(names(["only/here"])).toEqual([["only/here", undefined]]);
    expect(names(["x/clusters/c1/flux"])).toEqual([["x/clusters/c1/flux", "c1"]]);
    expect(clusterName({ path: "only/here", from: "" })).toBe("default");
    expect(clusterName({ path: "my-clusters/c2", from: "" })).toBe("c2");
    expect(clusterName({ path: "clusters/c3", from: "", name: "given" })).toBe("given");
  });
});

describe("the repository's own source and what is applied beside the entry point", () => {
  const helmRelease = (chart: string, source: string) =>
    `---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: app, namespace: default}\nspec:\n  interval: 1h\n  chart:\n    spec:\n      chart: ${chart}\n      sourceRef: ${source}\n`;

  it("a Kustomization beside the entry point that nothing applies is a root: its HelmRepositories exist", () => {
    const root = makeRepo({
      "kubernetes/flux/cluster/ks.yaml": fluxKs("apps", "./kubernetes/apps"),
      "kubernetes/flux/config/repositories.yaml": fluxKs("repositories", "./kubernetes/flux/repositories"),
      "kubernetes/flux/repositories/bitnami.yaml":
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata: {name: bitnami, namespace: flux-system}\nspec:\n  url: https://charts.bitnami.com/bitnami\n",
      "kubernetes/apps/hr.yaml": helmRelease(
        "redis",
        "{kind: HelmRepository, name: bitnami, namespace: flux-system}",
      ),
    });
    const result = lint({ repo: root });
    expect(ruleIds(result)).toEqual(["entry-point"]);
    expect(result.findings[0]?.message).toContain(
      "Kustomization flux-system/repositories is beside the entry point",
    );
  });

  it("a chart from the repository's own GitRepository is never source-missing", () => {
    const root = makeRepo({
      "kubernetes/flux/cluster/ks.yaml": fluxKs("apps", "./kubernetes/apps"),
      "kubernetes/apps/hr.yaml": helmRelease(
        "./charts/app",
        "{kind: GitRepository, name: flux-system, namespace: flux-system}",
      ),
      "charts/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
    });
    expect(ruleIds(lint({ repo: root }))).toEqual([]);
  });

  it("a top-level entry point has nothing beside it: stray Kustomizations elsewhere stay unread", () => {
    const root = makeRepo({
      "gitops/instance.yaml":
        "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata: {name: flux, namespace: flux-system}\nspec:\n  sync: {kind: GitRepository, url: https://example.com/r, path: flux}\n",
      "flux/ks.yaml": fluxKs("apps", "./apps"),
      "apps/cm.yaml": cm,
      "docs/example/ks.yaml": fluxKs("example", "./nowhere"),
    });
    const result = lint({ repo: root });
    expect([...result.model.kustomizations.keys()].sort()).toEqual([
      "flux-system/apps",
      "flux-system/flux-system",
    ]);
    expect(ruleIds(result)).toEqual([]);
  });

  it("another cluster's Kustomizations are not roots of this one", () => {
    const root = makeRepo({
      "clusters/a/ks.yaml": fluxKs("apps", "./apps/a"),
      "clusters/b/ks.yaml": fluxKs("apps-b", "./apps/b"),
      "apps/a/cm.yaml": cm,
      "apps/b/cm.yaml": cm,
    });
    const result = lint({ repo: root, cluster: "a" });
    expect([...result.model.kustomizations.keys()].sort()).toEqual([
      "flux-system/apps",
      "flux-system/flux-system",
    ]);
  });
});
