import { join } from "node:path";
import { load } from "js-yaml";
import { describe, expect, test } from "vitest";
import { buildCrdSet, formatCrdSet } from "../../src/charts/crd-set.ts";
import { documentHeader, splitRendered } from "../../src/charts/documents.ts";
import { extractCrds } from "../../src/charts/render.ts";
import { describeChanges, removedStoredVersions } from "../../src/cluster/crds.ts";
import { loadProject } from "../../src/model/project.ts";
import { crdReleases, crdSwitches, describeChart } from "../../src/model/releases.ts";
import { checkDocumentHeaders, helmRelease, ks, makeRepo } from "../helpers.ts";

import { crdText, rendered } from "./rendered.ts";

describe("CRD extraction", () => {
  test("takes only CustomResourceDefinitions from helm output, with their text", () => {
    const output = `---
# Source: x/crds/a.yaml
${crdText("as.example.com", ["v1"])}
---
# Source: x/templates/cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: not-a-crd
  annotations:
    note: "kind: CustomResourceDefinition"
---
# Source: x/templates/b.yaml
${crdText("bs.example.com", ["v1beta1", "v1"])}`;
    const crds = extractCrds(output);
    expect(crds.map((c) => c.name)).toEqual(["as.example.com", "bs.example.com"]);
    expect(crds[0]?.text.startsWith("# Source: x/crds/a.yaml\napiVersion: apiextensions.k8s.io/v1\n")).toBe(
      true,
    );
  });

  test("keeps every other object's identity and its text, for schema validation of what charts render", () => {
    const output = `---\n# Source: x/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: b\ndata: {k: v}\n\n---\n${crdText("as.example.com", ["v1"])}\n---\n# Source: x/templates/empty.yaml\n`;
    const { crds, objects } = splitRendered(output);
    expect(crds.map((c) => c.name)).toEqual(["as.example.com"]);
    expect(objects).toEqual([
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        name: "a",
        namespace: "b",
        text: "# Source: x/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: b\ndata: {k: v}\n",
      },
    ]);
  });
});

describe("CRD set", () => {
  test("de-duplicates identical CRDs silently and sorts by name", () => {
    const set = buildCrdSet([
      rendered("a/one", "crds", [crdText("zs.example.com", ["v1"]), crdText("as.example.com", ["v1"])]),
      rendered("b/two", "releases", [crdText("as.example.com", ["v1"])]),
    ]);
    expect(set.crds.map((c) => c.name)).toEqual(["as.example.com", "zs.example.com"]);
    expect(set.findings).toEqual([]);
    expect(formatCrdSet(set, "names")).toBe("as.example.com\nzs.example.com\n");
  });

  test("different content for one CRD is a crd-version-conflict; the CRD phase wins", () => {
    const set = buildCrdSet([
      rendered("b/release", "releases", [crdText("as.example.com", ["v1alpha1", "v1"])]),
      rendered("a/crds", "crds", [crdText("as.example.com", ["v1"])]),
    ]);
    expect(set.crds[0]?.release).toBe("a/crds");
    expect(set.findings).toHaveLength(1);
    expect(set.findings[0]?.ruleId).toBe("crd-version-conflict");
    expect(set.findings[0]?.message).toMatch(
      /applies the one from a\/crds: it comes from the bootstrap CRD phase/,
    );
  });

  test("within one phase the CRD serving more versions wins", () => {
    const set = buildCrdSet([
      rendered("a/old", "releases", [crdText("as.example.com", ["v1"])]),
      rendered("b/new", "releases", [crdText("as.example.com", ["v1", "v2"])]),
    ]);
    expect(set.crds[0]?.release).toBe("b/new");
    expect(set.findings[0]?.message).toMatch(/it serves more versions/);
  });
});

describe("CRD switches", () => {
  test("turns on every CRD value the catalog knows for a chart", () => {
    expect(crdSwitches("cert-manager")).toEqual({ crds: { enabled: true }, installCRDs: true });
    expect(crdSwitches("external-secrets")).toEqual({ installCRDs: true });
    expect(crdSwitches("podinfo")).toEqual({});
  });
});

describe("CRD updates", () => {
  const live = (versions: string[], stored: string[]) => {
    const object = load(crdText("as.example.com", versions)) as {
      metadata: { name: string };
      spec: Record<string, unknown>;
    };
    return {
      metadata: { ...object.metadata, resourceVersion: "1" },
      spec: object.spec,
      status: { storedVersions: stored },
    };
  };
  const next = (versions: string[], extra = "") => {
    const crd = rendered("a/x", "crds", [crdText("as.example.com", versions, extra)]).crds[0];
    if (!crd) throw new Error("the test CRD did not render");
    return crd;
  };

  test("finds stored versions the new CRD drops", () => {
    expect(removedStoredVersions(live(["v1alpha1", "v1"], ["v1alpha1", "v1"]), next(["v1"]))).toEqual([
      "v1alpha1",
    ]);
    expect(removedStoredVersions(live(["v1alpha1", "v1"], ["v1"]), next(["v1"]))).toEqual([]);
    expect(removedStoredVersions(undefined, next(["v1"]))).toEqual([]);
  });

  test("describes version and schema changes", () => {
    expect(describeChanges(live(["v1"], ["v1"]), next(["v1", "v2"]))).toEqual([
      "version v1 is no longer the storage version",
      "version v2 added (storage)",
    ]);
    expect(
      describeChanges(live(["v1"], ["v1"]), next(["v1"], ", x-kubernetes-preserve-unknown-fields: true")),
    ).toEqual(["version v1 schema changed"]);
  });
});

describe("document headers", () => {
  test("the line reader agrees with the YAML parser on the project's fixture CRDs and the examples", () => {
    const roots = ["../fixtures/crds", "../../examples"].map((r) => join(import.meta.dirname, r));
    const checked = roots.reduce((n, root) => n + checkDocumentHeaders(root), 0);
    expect(checked).toBeGreaterThan(100);
  });

  test("flow-style and quoted headers go through the parser", () => {
    expect(
      documentHeader('apiVersion: "v1"\nkind: ConfigMap\nmetadata: { name: a, namespace: b }\n'),
    ).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      name: "a",
      namespace: "b",
    });
    expect(documentHeader("# only a comment\n")).toBeUndefined();
  });
});

describe("CRD objects", () => {
  test("are read with the core schema: a date-like default stays the string it is in the chart", () => {
    const text = crdText("as.example.com", ["v1"]).replace(
      "type: object }",
      "type: object, properties: { since: { type: string, default: 2024-01-01 } } }",
    );
    const [crd] = rendered("a/x", "crds", [text]).crds;
    expect(JSON.stringify(crd?.object.spec)).toContain('"default":"2024-01-01"');
  });
});

describe("bootstrap chart releases of the homelab example", () => {
  // Read inside each test, not while collecting: a mutation run credits a test only with what runs in it.
  const read = () => {
    const repo = join(import.meta.dirname, "../../examples/homelab");
    const project = loadProject({ repo });
    const { releases, unresolved } = crdReleases(project.bootstrap, project.model, repo);
    return { releases, unresolved, byName: new Map(releases.map((r) => [r.name, r])) };
  };

  test("every release resolves; CRD switches are on, and mark the charts only helm can render", () => {
    const { unresolved, byName } = read();
    expect(unresolved).toEqual([]);
    const certManager = byName.get("cert-manager");
    expect(certManager?.values).toMatchObject({ crds: { enabled: true }, installCRDs: true });
    expect(certManager?.templatedCrds).toBe(true);
    expect(byName.get("external-secrets")?.templatedCrds).toBe(true);
    const cilium = byName.get("cilium");
    expect(cilium).toBeDefined();
    expect(Object.keys(cilium ?? {})).not.toContain("templatedCrds");
  });

  test("an exact helmfile or OCIRepository version prints as a tag", () => {
    const oci = read().releases.filter((r) => r.chart.type === "oci");
    expect(oci.length).toBeGreaterThan(3);
    for (const r of oci) expect(describeChart(r.chart)).toMatch(/^oci:\/\/[^ ]+:v?\d+\.\d+\.\d+$/);
  });
});

describe("bootstrap chart releases of one cluster among several (--cluster)", () => {
  const kustomization = (region: string) => ks("apps", { path: "./apps", substitute: { REGION: region } });
  const repo = makeRepo({
    "clusters/east/apps.yaml": kustomization("us-east-1"),
    "clusters/west/apps.yaml": kustomization("us-west-2"),
    "apps/kustomization.yaml": "resources:\n  - ./hr.yaml\n",
    "apps/hr.yaml": helmRelease("podinfo", "oci://r.example/charts/podinfo", 'region: "${REGION}"'),
    "bootstrap/helmfile.d/00-crds.yaml": "releases:\n  - name: podinfo\n    namespace: default\n",
  });

  test("each cluster's release gets the values its Flux entry point substitutes", () => {
    for (const [cluster, region] of [
      ["east", "us-east-1"],
      ["west", "us-west-2"],
    ]) {
      const project = loadProject({ repo, cluster });
      expect(project.entry?.path).toBe(`clusters/${cluster}`);
      const { releases, unresolved } = crdReleases(project.bootstrap, project.model, repo);
      expect(unresolved).toEqual([]);
      expect(releases.map((r) => [r.id, r.values])).toEqual([["default/podinfo", { region }]]);
    }
  });
});
