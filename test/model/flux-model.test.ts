/**
 * The Flux model field by field: each Kustomization as kubestrap reads it (defaults Flux applies included), the
 * ConfigMaps and Secrets substitution and valuesFrom read, and each HelmRelease's chart and values.
 */
import { describe, expect, it } from "vitest";
import { deepMerge, isFluxKustomization, isHelmRelease } from "../../src/model/flux.ts";
import { loadProject } from "../../src/model/project.ts";
import { makeRepo } from "../helpers.ts";

const fluxKs = (name: string, spec: string, namespace = "flux-system") =>
  `---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec:\n${spec}`;
const own = "  sourceRef: {kind: GitRepository, name: flux-system}\n";
const project = (files: Record<string, string>) =>
  loadProject({
    repo: makeRepo({ "kubernetes/flux/cluster/ks.yaml": fluxKs("apps", `  path: ./apps\n${own}`), ...files }),
  });
const model = (files: Record<string, string>) => project(files).model;

describe("Flux Kustomizations as kubestrap reads them", () => {
  it("the entry point's root, and a child with Flux's defaults and only the fields it sets", () => {
    const m = model({
      "apps/child.yaml": fluxKs(
        "child",
        [
          "  path: ./apps/child",
          "  sourceRef: {name: flux-system}",
          "  dependsOn: [{name: a}, {name: b, namespace: other}]",
          "  healthChecks:",
          "    - {kind: Deployment, name: web}",
          "    - {apiVersion: apps/v1, kind: StatefulSet, name: db, namespace: data}",
          "  healthCheckExprs:",
          "    - {apiVersion: example.com/v1, kind: Widget, current: 'true'}",
          "    - {current: 'true'}",
          "",
        ].join("\n"),
        "team",
      ),
      "apps/child/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
    });
    const root = m.kustomizations.get("flux-system/flux-system");
    expect([root?.object.source, root?.path, "parent" in (root ?? {})]).toStrictEqual([
      { file: "kubernetes/flux/cluster", line: 1, docIndex: -1 },
      "kubernetes/flux/cluster",
      false,
    ]);
    const child = m.kustomizations.get("team/child");
    expect(child).toMatchObject({
      parent: "flux-system/apps",
      path: "apps/child",
      sourceRef: { kind: "GitRepository", name: "flux-system", namespace: "team" },
      local: true,
      wait: false,
    });
    expect(child?.dependsOn).toStrictEqual([
      { name: "a", namespace: "team", location: { file: "apps/child.yaml", line: 2 } },
      { name: "b", namespace: "other", location: { file: "apps/child.yaml", line: 2 } },
    ]);
    expect(child?.healthChecks).toStrictEqual([
      { kind: "Deployment", name: "web" },
      { kind: "StatefulSet", name: "db", apiVersion: "apps/v1", namespace: "data" },
    ]);
    expect(child?.healthCheckExprs).toStrictEqual([
      { apiVersion: "example.com/v1", kind: "Widget" },
      { apiVersion: undefined, kind: "" },
    ]);
  });

  it("a Kustomization without a path reads the repository root, and one from another repository is external", () => {
    const root = model({ "apps/ks.yaml": fluxKs("nopath", own) });
    expect(root.kustomizations.get("flux-system/nopath")?.path).toBe("");
    const m = model({
      "apps/ks.yaml": fluxKs(
        "ext",
        "  path: ./deploy\n  sourceRef: {kind: GitRepository, name: other-repo}\n",
      ),
    });
    const ext = m.kustomizations.get("flux-system/ext");
    expect([ext?.local, ext?.objects]).toEqual([false, []]);
    expect(
      m.findings
        .filter((f) => f.ruleId === "source-external")
        .map((f) => [f.severity, f.message, f.location]),
    ).toEqual([
      [
        "info",
        "reads GitRepository flux-system/other-repo, another repository: its objects are not analysed, and CRDs it may provide are trusted to those that depend on it",
        { file: "apps/ks.yaml", line: 7 },
      ],
    ]);
  });
});

describe("the ConfigMaps and Secrets substitution reads", () => {
  const app = (from: string, extra = "") =>
    fluxKs("app", `  path: ./apps/app\n${own}  postBuild:\n    substituteFrom:\n${from}${extra}`);
  const values = (files: Record<string, string>) =>
    model({
      "apps/app/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: out}\ndata: {v: '${A}-${B}-${C}'}\n",
      ...files,
    })
      .kustomizations.get("flux-system/app")
      ?.objects.find((o) => o.name === "out")?.body.data;

  it("wherever they are written, in the Kustomization's namespace first, a Secret decoded", () => {
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    expect(
      values({
        "apps/ks.yaml": app("      - {kind: ConfigMap, name: vars}\n      - {kind: Secret, name: secret}\n"),
        "elsewhere/vars.yaml": [
          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: vars, namespace: flux-system}\ndata: {A: a}\n",
          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: vars, namespace: other}\ndata: {A: wrong-namespace}\n",
          `apiVersion: v1\nkind: Secret\nmetadata: {name: secret}\ndata: {B: ${b64("b")}}\nstringData: {C: c}\n`,
          "apiVersion: example.com/v1\nkind: Secret\nmetadata: {name: secret}\ndata: {B: not-core}\n",
        ].join("---\n"),
      }),
    ).toEqual({ v: "a-b-c" });
  });

  it("a generated ConfigMap counts; a namespace-less one is the fallback", () => {
    expect(
      values({
        "apps/ks.yaml": app("      - {kind: ConfigMap, name: gen}\n      - {kind: ConfigMap, name: plain}\n"),
        "apps/app/kustomization.yaml":
          "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [cm.yaml]\nconfigMapGenerator:\n  - {name: gen, namespace: flux-system, literals: [A=generated]}\ngeneratorOptions: {disableNameSuffixHash: true}\n",
        "vars/plain.yaml": [
          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain}\ndata: {B: b, C: c}\n",
          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain, namespace: other}\ndata: {B: other, C: other}\n",
        ].join("---\n"),
      }),
    ).toEqual({ v: "generated-b-c" });
  });

  it("SOPS values stay as written, an optional missing source is nothing, a required one makes all unknown", () => {
    const sops =
      "apiVersion: v1\nkind: Secret\nmetadata: {name: enc}\ndata: {A: ENC}\nstringData: {B: ENC}\nsops: {mac: x}\n";
    expect(
      values({
        "apps/ks.yaml": app(
          "      - {kind: Secret, name: enc}\n      - {kind: ConfigMap, name: gone, optional: true}\n",
          "    substitute: {C: c}\n",
        ),
        "vars/enc.yaml": sops,
      }),
    ).toEqual({ v: "${A}-${B}-c" });
    const m = model({
      "apps/ks.yaml": app("      - {kind: ConfigMap, name: gone}\n", "    substitute: {C: c}\n"),
      "apps/app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: out}\ndata: {v: '${A}-${C}'}\n",
    });
    const app0 = m.kustomizations.get("flux-system/app");
    expect(app0?.objects[0]?.body.data).toEqual({ v: "-c" });
    expect([...(app0?.undefinedVars.keys() ?? [])]).toEqual([]);
  });
});

describe("HelmReleases and their charts", () => {
  const hr = (name: string, spec: string) =>
    `---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: ${name}}\nspec:\n${spec}`;
  const source = (kind: string, name: string, spec: string) =>
    `---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: ${kind}\nmetadata: {name: ${name}, namespace: flux-system}\nspec:\n${spec}`;
  const releases = () => {
    const m = model({
      "apps/sources.yaml": [
        source("OCIRepository", "by-semver", "  url: oci://r.example/charts/web\n  ref: {semver: '>=1'}\n"),
        source("HelmChart", "named", "  chart: podinfo\n"),
        source("HelmChart", "unnamed", "  version: '1'\n"),
      ].join(""),
      "apps/releases.yaml": [
        hr("semver", "  chartRef: {kind: OCIRepository, name: by-semver, namespace: flux-system}\n"),
        hr("helmchart", "  chartRef: {kind: HelmChart, name: named, namespace: flux-system}\n"),
        hr("helmchart-unnamed", "  chartRef: {kind: HelmChart, name: unnamed, namespace: flux-system}\n"),
        hr("missing", "  chartRef: {name: nowhere}\n  dependsOn: [{name: semver}]\n"),
        hr(
          "git",
          "  chart:\n    spec:\n      chart: /charts/local\n      sourceRef: {kind: GitRepository, name: flux-system}\n",
        ),
      ].join(""),
      "charts/local/Chart.yaml": "apiVersion: v2\nname: local\nversion: 0.1.0\n",
    });
    return new Map(m.helmReleases.map((r) => [r.name, r]));
  };

  it("an OCIRepository's semver, a HelmChart's chart name or its own, nothing from a missing source", () => {
    const r = releases();
    expect(r.get("semver")?.chart).toMatchObject({ kind: "OCIRepository", name: "web", version: ">=1" });
    expect(r.get("helmchart")?.chart).toMatchObject({ kind: "HelmChart", name: "podinfo" });
    expect(r.get("helmchart-unnamed")?.chart).toMatchObject({ kind: "HelmChart", name: "unnamed" });
    const missing = r.get("missing");
    expect([missing?.chart, missing?.chartRef?.kind, missing?.chartRef?.namespace]).toEqual([
      undefined,
      "OCIRepository",
      "flux-system",
    ]);
    expect(missing?.dependsOn).toStrictEqual([
      { name: "semver", namespace: "flux-system", location: { file: "apps/releases.yaml", line: 20 } },
    ]);
    expect(r.get("git")?.chart).toMatchObject({
      kind: "GitRepository",
      name: "local",
      localPath: "charts/local",
    });
  });
});

describe("chart sources field by field", () => {
  const release = (spec: string, sources: string) => {
    const m = model({
      "apps/sources.yaml": sources,
      "apps/release.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: r, namespace: web}\nspec:\n${spec}`,
      "charts/local/Chart.yaml": "apiVersion: v2\nname: local\nversion: 0.1.0\n",
    });
    const chart = m.helmReleases[0]?.chart;
    if (!chart) return chart;
    const { source, ...rest } = chart;
    return { ...rest, source: source?.name };
  };
  const source = (kind: string, spec: string) =>
    `apiVersion: source.toolkit.fluxcd.io/v1\nkind: ${kind}\nmetadata: {name: s, namespace: web}\nspec: ${spec}\n`;

  it("an OCIRepository's tag before its semver, and no version or URL it does not give", () => {
    const ref = "  chartRef: {kind: OCIRepository, name: s}\n";
    expect(
      release(ref, source("OCIRepository", "{url: oci://r.example/c/web, ref: {tag: 1.2.3, semver: '>=1'}}")),
    ).toStrictEqual({
      kind: "OCIRepository",
      name: "web",
      url: "oci://r.example/c/web",
      version: "1.2.3",
      source: "s",
    });
    expect(release(ref, source("OCIRepository", "{}"))).toStrictEqual({
      kind: "OCIRepository",
      name: "",
      url: "",
      source: "s",
    });
  });

  it("a HelmRepository's URL and the chart's version only when given; a local path only from Git", () => {
    const chart = (name: string, ref: string, version = "") =>
      `  chart:\n    spec:\n      chart: ${name}\n${version}      sourceRef: ${ref}\n`;
    expect(
      release(
        chart("podinfo", "{kind: HelmRepository, name: s}", "      version: 6.x\n"),
        source("HelmRepository", "{url: https://c.example}"),
      ),
    ).toStrictEqual({
      kind: "HelmRepository",
      name: "podinfo",
      version: "6.x",
      url: "https://c.example",
      source: "s",
    });
    expect(release(chart("podinfo", "{name: s}"), source("HelmRepository", "{}"))).toStrictEqual({
      kind: "HelmRepository",
      name: "podinfo",
      source: "s",
    });
    expect(release(chart("charts/local", "{name: s}"), source("HelmRepository", "{}"))).toStrictEqual({
      kind: "HelmRepository",
      name: "local",
      source: "s",
    });
    expect(release(chart("//charts/local", "{kind: GitRepository, name: flux-system}"), "")).toStrictEqual({
      kind: "GitRepository",
      name: "local",
      localPath: "charts/local",
      source: undefined,
    });
  });
});

describe("deepMerge, as helm-controller merges values", () => {
  it("merges maps key by key and replaces lists, scalars and nulls", () => {
    const base = {
      map: { a: 1, b: { c: 1 } },
      list: [1, 2],
      scalar: 1,
      toScalar: { a: 1 },
      toList: { a: 1 },
      toNull: { a: 1 },
    };
    const over = {
      map: { b: { d: 2 } },
      list: [3],
      scalar: { now: "map" },
      toScalar: 2,
      toList: [1],
      toNull: null,
    };
    expect(deepMerge(base, over)).toStrictEqual({
      map: { a: 1, b: { c: 1, d: 2 } },
      list: [3],
      scalar: { now: "map" },
      toScalar: 2,
      toList: [1],
      toNull: null,
    });
    expect(base.map).toStrictEqual({ a: 1, b: { c: 1 } });
  });
});

describe("the repository's own source", () => {
  it("is the source most Kustomizations read when none reads flux-system", () => {
    const reads = (name: string, source: string) =>
      fluxKs(name, `  path: ./apps/${name}\n  sourceRef: ${source}\n`);
    const m = loadProject({
      repo: makeRepo({
        "all.yaml": [
          reads("a", "{name: home-ops}"),
          reads("b", "{kind: GitRepository, name: home-ops}"),
          reads("c", "{kind: OCIRepository, name: other}"),
          reads("d", "{kind: OCIRepository, name: other}"),
          reads("e", "{kind: OCIRepository, name: other}"),
          reads("f", "{kind: HelmRepository, name: charts}"),
          reads("g", "{kind: HelmRepository, name: charts}"),
          reads("h", "{kind: HelmRepository, name: charts}"),
          reads("i", "{kind: HelmRepository, name: charts}"),
        ].join(""),
        ...Object.fromEntries(
          "abcdefghi"
            .split("")
            .map((n) => [`apps/${n}/cm.yaml`, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"]),
        ),
      }),
    }).model;
    expect([...m.rootSources].sort()).toEqual([
      "Bucket/flux-system",
      "GitRepository/flux-system",
      "OCIRepository/flux-system",
      "OCIRepository/other",
    ]);
    expect([...m.kustomizations.values()].filter((k) => k.local).map((k) => k.name)).toEqual(["c", "d", "e"]);
  });
});

describe("which objects are Flux's", () => {
  it("a Kustomization or HelmRelease only of Flux's group", () => {
    expect([
      isFluxKustomization({ apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization" }),
      isFluxKustomization({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization" }),
      isFluxKustomization({ apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "HelmRelease" }),
      isHelmRelease({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease" }),
      isHelmRelease({ apiVersion: "example.com/v1", kind: "HelmRelease" }),
      isHelmRelease({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "Kustomization" }),
    ]).toEqual([true, false, false, true, false, false]);
  });
});

describe("walking the Flux tree", () => {
  const pathMissing = (m: ReturnType<typeof model>) =>
    m.findings.filter((f) => f.ruleId === "path-missing").map((f) => [f.severity, f.message, f.location]);

  it("a Kustomization two parents apply is rendered once; only Flux sources are sources", () => {
    const m = model({
      "kubernetes/flux/cluster/more.yaml": fluxKs("more", `  path: ./more\n${own}`),
      "apps/dup.yaml": fluxKs("dup", `  path: ./nowhere\n${own}`),
      "more/dup.yaml": fluxKs("dup", `  path: ./nowhere\n${own}`),
      "more/objects.yaml": [
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata: {name: charts}\nspec: {url: https://c.example}\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: not-a-source}\n",
      ].join("---\n"),
    });
    expect(pathMissing(m)).toEqual([
      [
        "error",
        "Kustomization flux-system/dup path ./nowhere does not exist in the repository",
        { file: "apps/dup.yaml", line: 6 },
      ],
    ]);
    expect([...m.sources.keys()]).toEqual(["HelmRepository/flux-system/charts"]);
    expect(m.entry).toMatchObject({ path: "kubernetes/flux/cluster" });
  });

  it("without an entry point every named Flux Kustomization is a root, and the model has no entry", () => {
    const m = loadProject({
      repo: makeRepo({
        "deploy/a.yaml": fluxKs("a", `  path: ./apps\n${own}`),
        "deploy/unnamed.yaml":
          "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {namespace: x}\nspec: {path: ./nowhere}\n",
        "apps/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
      }),
    }).model;
    expect("entry" in m).toBe(false);
    expect([...m.kustomizations.keys()]).toEqual(["flux-system/a"]);
    expect(m.kustomizations.get("flux-system/a")?.object.source).toStrictEqual({
      file: "deploy/a.yaml",
      line: 2,
      docIndex: 0,
    });
    expect(pathMissing(m)).toEqual([]);
  });

  it("a path with a variable left, outside the repository, or with leading slashes", () => {
    const m = model({
      "apps/paths.yaml": [
        fluxKs("var", `  path: ./\${CLUSTER}/apps\n${own}`),
        fluxKs("outside", `  path: ../elsewhere\n${own}`),
        fluxKs("slashes", `  path: //apps/app\n${own}`),
      ].join(""),
      "apps/app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
    });
    expect(pathMissing(m)).toEqual([
      [
        "error",
        "Kustomization flux-system/var path ./${CLUSTER}/apps still contains a variable after substitution",
        { file: "apps/paths.yaml", line: 6 },
      ],
      [
        "error",
        "Kustomization flux-system/outside path ../elsewhere does not exist in the repository",
        { file: "apps/paths.yaml", line: 13 },
      ],
    ]);
    expect(m.kustomizations.get("flux-system/slashes")?.path).toBe("apps/app");
  });

  it("an inline patch is read where spec.patches says; a failing substitution is an error there", () => {
    const { diagnostics } = project({
      "apps/ks.yaml": fluxKs(
        "app",
        [
          "  path: ./apps/app",
          own.trimEnd(),
          "  patches:",
          "    - patch: |",
          "        - {op: add, path: /data/x, value: y}",
          "  postBuild:",
          "    substitute: {A: a}",
          "",
        ].join("\n"),
      ),
      "apps/app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {v: '${A'}\n",
    });
    expect(
      diagnostics
        .filter((f) => f.ruleId !== "entry-point")
        .map((f) => [f.ruleId, f.severity, f.location, f.fix !== undefined]),
    ).toEqual([
      ["kustomize-invalid", "error", { file: "apps/ks.yaml", line: 9 }, false],
      ["substitution-invalid", "error", { file: "apps/app/cm.yaml", line: 1 }, true],
    ]);
  });
});

describe("what is beside the entry point", () => {
  const beside = (files: Record<string, string>) => {
    const m = model({ "apps/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n", ...files });
    return {
      roots: [...m.kustomizations.keys()].sort(),
      findings: m.findings.filter((f) => f.ruleId === "entry-point").map((f) => [f.severity, f.location]),
    };
  };

  it("a Kustomization reading this repository, its kind left to Flux's default, is a root said where", () => {
    expect(
      beside({
        "kubernetes/flux/config/repos.yaml": fluxKs(
          "repos",
          "  path: ./apps\n  sourceRef: {name: flux-system}\n",
        ),
      }),
    ).toEqual({
      roots: ["flux-system/apps", "flux-system/flux-system", "flux-system/repos"],
      findings: [["info", { file: "kubernetes/flux/config/repos.yaml", line: 2 }]],
    });
  });

  it("one applied from beside the entry, into another namespace, is not a root as well", () => {
    expect(
      beside({
        "kubernetes/flux/cluster/config.yaml": fluxKs(
          "config",
          `  path: ./kubernetes/flux/config\n  targetNamespace: team\n${own}`,
        ),
        "kubernetes/flux/config/repos.yaml": fluxKs("repos", `  path: ./apps\n${own}`),
      }),
    ).toEqual({
      roots: ["flux-system/apps", "flux-system/config", "flux-system/flux-system", "team/repos"],
      findings: [],
    });
  });

  it("one reading another repository, one named by a variable, or a copy of one already applied, is not", () => {
    expect(
      beside({
        "kubernetes/flux/config/other.yaml": fluxKs(
          "other",
          "  path: ./apps\n  sourceRef: {name: another}\n",
        ),
        "kubernetes/flux/config/var.yaml": fluxKs("app-${NAME}", `  path: ./apps\n${own}`),
        "kubernetes/flux/config/copy.yaml": fluxKs("apps", `  path: ./apps\n${own}`),
      }),
    ).toEqual({ roots: ["flux-system/apps", "flux-system/flux-system"], findings: [] });
  });
});
