import { describe, expect, it } from "vitest";
import {
  addRenderedChanges,
  compareModels,
  compareObjects,
  redact,
  releaseState,
} from "../../src/analysis/changes.ts";
import type { FluxKustomization, FluxModel, HelmReleaseModel } from "../../src/model/flux.ts";
import type { Json, KubeObject } from "../../src/model/objects.ts";

function object(
  kind: string,
  name: string,
  body: Json = {},
  apiVersion = "v1",
  namespace = "default",
): KubeObject {
  return {
    apiVersion,
    kind,
    name,
    namespace,
    body: { apiVersion, kind, metadata: { name, namespace }, ...body },
    source: { file: `${name}.yaml`, line: 1, docIndex: 0 },
  };
}

function kustomization(name: string, objects: KubeObject[]): FluxKustomization {
  return {
    id: `flux-system/${name}`,
    name,
    namespace: "flux-system",
    object: object("Kustomization", name, {}, "kustomize.toolkit.fluxcd.io/v1", "flux-system"),
    sourceRef: { kind: "GitRepository", name: "flux-system", namespace: "flux-system" },
    local: true,
    dependsOn: [],
    wait: false,
    healthChecks: [],
    healthCheckExprs: [],
    objects,
    undefinedVars: new Map(),
  };
}

function release(name: string, values: Json, spec: Json = {}, version = "1.0.0"): HelmReleaseModel {
  return {
    id: `default/${name}`,
    name,
    namespace: "default",
    object: object("HelmRelease", name, { spec: { values, ...spec } }, "helm.toolkit.fluxcd.io/v2"),
    ks: "flux-system/apps",
    chart: { kind: "OCIRepository", name, url: `oci://example.org/${name}`, version },
    dependsOn: [],
    values,
  };
}

function model(kustomizations: FluxKustomization[], helmReleases: HelmReleaseModel[] = []): FluxModel {
  return {
    kustomizations: new Map(kustomizations.map((k) => [k.id, k])),
    helmReleases,
    sources: new Map(),
    rootSources: new Set(),
    findings: [],
  };
}

describe("compareObjects", () => {
  it("matches objects by group, kind, namespace and name, in the order they are applied now", () => {
    const before = [object("ConfigMap", "a", { data: { x: "1" } }), object("ConfigMap", "gone")];
    const now = [
      object("ConfigMap", "new"),
      object("ConfigMap", "a", { data: { x: "2" } }),
      object("Secret", "gone"),
    ];
    expect(compareObjects(now, before).map((c) => `${c.change} ${c.kind}/${c.name}`)).toEqual([
      "added ConfigMap/new",
      "changed ConfigMap/a",
      "added Secret/gone",
      "removed ConfigMap/gone",
    ]);
  });

  it("the order of keys is not a change; a new apiVersion of the same object is", () => {
    const a = object("ConfigMap", "a", { data: { x: "1", y: "2" } });
    const reordered = {
      ...a,
      body: { data: { y: "2", x: "1" }, metadata: a.body.metadata, kind: a.kind, apiVersion: "v1" },
    };
    expect(compareObjects([reordered], [a])).toEqual([]);
    const v1beta1 = object("Widget", "w", {}, "example.org/v1beta1");
    const v1 = object("Widget", "w", {}, "example.org/v1");
    const changes = compareObjects([v1], [v1beta1]);
    expect(changes.map((c) => [c.change, c.apiVersion, c.before?.apiVersion])).toEqual([
      ["changed", "example.org/v1", "example.org/v1beta1"],
    ]);
  });

  it("the same name in another namespace or group is another object", () => {
    const changes = compareObjects(
      [object("ConfigMap", "a", {}, "v1", "other"), object("Widget", "a", {}, "b.example.org/v1")],
      [object("ConfigMap", "a"), object("Widget", "a", {}, "a.example.org/v1")],
    );
    expect(changes.map((c) => c.change)).toEqual(["added", "added", "removed", "removed"]);
  });

  it("locates an added or changed object where it is now, a removed one where it was", () => {
    const now = {
      ...object("ConfigMap", "a", { data: { x: "2" } }),
      source: { file: "new.yaml", line: 7, docIndex: 1 },
    };
    const [changed, removed] = compareObjects([now], [object("ConfigMap", "a"), object("ConfigMap", "b")]);
    expect(changed?.location).toEqual({ file: "new.yaml", line: 7 });
    expect(removed?.location).toEqual({ file: "b.yaml", line: 1 });
    expect(removed?.after).toBeUndefined();
  });
});

describe("redact", () => {
  const secret = (data: Json, field = "data") => object("Secret", "s", { [field]: data }).body;

  it("hides every value of data and stringData, and marks the ones that changed", () => {
    const { before, after } = redact(
      secret({ a: "MQ==", b: "Mg==" }),
      secret({ a: "MQ==", b: "Mw==", c: "NA==" }),
    );
    expect(before?.data).toEqual({ a: "(redacted)", b: "(redacted)" });
    expect(after.data).toEqual({ a: "(redacted)", b: "(redacted, changed)", c: "(redacted)" });
    expect(redact(undefined, secret({ p: "x" }, "stringData")).after.stringData).toEqual({ p: "(redacted)" });
  });

  it("leaves other kinds, and a Secret's other fields, as they are", () => {
    const cm = object("ConfigMap", "c", { data: { a: "1" } }).body;
    expect(redact(cm, cm)).toEqual({ before: cm, after: cm });
    const s = { ...secret({ a: "MQ==" }), type: "kubernetes.io/tls" };
    expect(redact(undefined, s).after.type).toBe("kubernetes.io/tls");
    const custom = object("Secret", "s", { data: { a: "1" } }, "example.org/v1").body;
    expect(redact(undefined, custom).after.data).toEqual({ a: "1" });
  });

  it("a Secret's changed value is found through compareObjects too", () => {
    const [c] = compareObjects(
      [object("Secret", "s", { data: { a: "Mg==" } })],
      [object("Secret", "s", { data: { a: "MQ==" } })],
    );
    expect(JSON.stringify(c)).not.toMatch(/MQ==|Mg==/);
    expect(c?.after?.data).toEqual({ a: "(redacted, changed)" });
  });
});

describe("releaseState", () => {
  it("names the chart with its version and source, and gives the merged values", () => {
    expect(releaseState(release("podinfo", { replicaCount: 2 }))).toEqual({
      chart: "podinfo 1.0.0 from oci://example.org/podinfo",
      values: { replicaCount: 2 },
      hiddenValues: [],
    });
  });

  it("with values from a Secret shows only spec.values, and names the Secret", () => {
    const hr = release(
      "db",
      { secret: "s3cr3t", user: "me" },
      {
        values: { user: "me" },
        valuesFrom: [
          { kind: "Secret", name: "db-values" },
          { kind: "ConfigMap", name: "x" },
        ],
      },
    );
    expect(releaseState(hr)).toEqual({
      chart: "db 1.0.0 from oci://example.org/db",
      values: { user: "me" },
      hiddenValues: ["Secret default/db-values"],
    });
  });

  it("a chart in the repository is named by its folder; a chartRef to a source kubestrap lacks says so", () => {
    const local = release("app", {});
    local.chart = { kind: "GitRepository", name: "app", localPath: "charts/app" };
    expect(releaseState(local).chart).toBe("app from ./charts/app");
    const missing = release("app", {});
    delete missing.chart;
    missing.chartRef = {
      kind: "OCIRepository",
      name: "app",
      namespace: "flux-system",
      location: { file: "x", line: 1 },
    };
    expect(releaseState(missing).chart).toBe("OCIRepository flux-system/app (not in the repository)");
    delete missing.chartRef;
    expect(releaseState(missing).chart).toBe("(no chart)");
  });
});

describe("compareModels", () => {
  it("lists Kustomizations changed, added and removed, then HelmReleases", () => {
    const before = model(
      [
        kustomization("apps", [object("ConfigMap", "a")]),
        kustomization("same", [object("ConfigMap", "s")]),
        kustomization("gone", [object("ConfigMap", "g")]),
      ],
      [release("podinfo", { replicaCount: 1 }), release("same", {}), release("old", {})],
    );
    const now = model(
      [
        kustomization("apps", [object("ConfigMap", "a", { data: { x: "1" } })]),
        kustomization("same", [object("ConfigMap", "s")]),
        kustomization("new", []),
      ],
      [release("podinfo", { replicaCount: 1 }, {}, "1.1.0"), release("same", {}), release("fresh", {})],
    );
    const changes = compareModels(now, before);
    expect(
      changes.map((u) => `${u.change} ${u.unit} ${u.id} ${u.objects.map((o) => o.change).join(",")}`),
    ).toEqual([
      "changed Kustomization flux-system/apps changed",
      "added Kustomization flux-system/new ",
      "removed Kustomization flux-system/gone removed",
      "changed HelmRelease default/podinfo ",
      "added HelmRelease default/fresh ",
      "removed HelmRelease default/old ",
    ]);
    const podinfo = changes[3];
    expect([podinfo?.before?.chart, podinfo?.after?.chart]).toEqual([
      "podinfo 1.0.0 from oci://example.org/podinfo",
      "podinfo 1.1.0 from oci://example.org/podinfo",
    ]);
    expect(changes[4]?.before).toBeUndefined();
    expect(changes[5]?.after).toBeUndefined();
    expect(compareModels(now, now)).toEqual([]);
  });
});

describe("addRenderedChanges (diff --render)", () => {
  const deployment = (replicas: number) => object("Deployment", "web", { spec: { replicas } }, "apps/v1");
  const trees = (now: KubeObject[], baseline: KubeObject[], failed: string[] = []) => ({
    now: new Map([["default/web", now]]),
    baseline: new Map([["default/web", baseline]]),
    failed: new Set(failed),
  });

  it("puts what the chart renders differently under the HelmRelease whose values changed", () => {
    const now = model([], [release("web", { replicas: 3 })]);
    const past = model([], [release("web", { replicas: 1 })]);
    const changes = addRenderedChanges(
      compareModels(now, past),
      now,
      past,
      trees([deployment(3)], [deployment(1)]),
    );
    expect(changes.map((c) => [c.unit, c.id, c.objects.map((o) => [o.change, o.kind, o.name])])).toEqual([
      ["HelmRelease", "default/web", [["changed", "Deployment", "web"]]],
    ]);
  });

  it("a release as it was whose chart renders otherwise (a chart in the repository) is a change of its own", () => {
    const both = model([], [release("web", { replicas: 1 })]);
    const [change, ...rest] = addRenderedChanges([], both, both, trees([deployment(2)], [deployment(1)]));
    expect(rest).toEqual([]);
    expect(change).toMatchObject({ unit: "HelmRelease", id: "default/web", change: "changed" });
    expect(change?.before).toEqual(change?.after);
    expect(change?.location).toEqual({ file: "web.yaml", line: 1 });
  });

  it("compares nothing of a release that did not render, nor of one that renders the same", () => {
    const both = model([], [release("web", { replicas: 1 })]);
    expect(
      addRenderedChanges([], both, both, trees([deployment(2)], [deployment(1)], ["default/web"])),
    ).toEqual([]);
    expect(addRenderedChanges([], both, both, trees([deployment(1)], [deployment(1)]))).toEqual([]);
  });

  it("an added release's objects are all added", () => {
    const now = model([], [release("web", {})]);
    const past = model([]);
    const changes = addRenderedChanges(compareModels(now, past), now, past, {
      ...trees([deployment(1)], []),
      baseline: new Map(),
    });
    expect(changes.map((c) => [c.change, c.objects.map((o) => o.change)])).toEqual([["added", ["added"]]]);
  });
});
