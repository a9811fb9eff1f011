import { describe, expect, it } from "vitest";
import { Repository } from "../src/load/repository.ts";
import { KustomizeBuilder } from "../src/model/kustomize.ts";
import { describeObject } from "../src/model/objects.ts";
import { ks, lintFlux, makeRepo } from "./helpers.ts";

const cm = (name: string, ns?: string) =>
  `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ""}data: {}\n`;
const k = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;

function build(files: Record<string, string>, dir: string, generate = false) {
  const repo = Repository.load(makeRepo(files));
  const builder = new KustomizeBuilder(repo, (gk) =>
    gk === "/Namespace" || gk === "cert-manager.io/ClusterIssuer" ? "Cluster" : "Namespaced",
  );
  const objects = builder.build(dir, generate);
  return { objects, ids: objects.map(describeObject), findings: builder.findings };
}

describe("kustomize build", () => {
  it("follows resources (files and directories) and components, and sets the namespace", () => {
    const r = build(
      {
        "app/kustomization.yaml": k(
          "namespace: media\nresources:\n  - ./a.yaml\n  - ./sub\ncomponents:\n  - ../components/alerts\n",
        ),
        "app/a.yaml": cm("a"),
        "app/sub/kustomization.yaml": k("resources:\n  - b.yaml\n"),
        "app/sub/b.yaml": cm("b", "elsewhere"),
        "components/alerts/kustomization.yaml":
          "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - ./alert.yaml\n",
        "components/alerts/alert.yaml": cm("alert"),
      },
      "app",
    );
    expect(r.ids).toEqual(["ConfigMap media/a", "ConfigMap media/b", "ConfigMap media/alert"]);
    expect(r.findings).toEqual([]);
    expect(r.objects[2]?.source).toMatchObject({ file: "components/alerts/alert.yaml", line: 2 });
  });

  it("renames Namespace objects to the namespace (the `name: _` idiom) and leaves cluster-scoped kinds alone", () => {
    const r = build(
      {
        "ns/kustomization.yaml": k("namespace: o11y\nresources:\n  - ./namespace.yaml\n  - ./issuer.yaml\n"),
        "ns/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: _\n",
        "ns/issuer.yaml": "apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: le\n",
      },
      "ns",
    );
    expect(r.ids).toEqual(["Namespace o11y", "ClusterIssuer le"]);
  });

  it("generates a kustomization the way Flux does when a directory has none", () => {
    const r = build(
      {
        "d/a.yaml": cm("a"),
        "d/nested/b.yaml": cm("b"),
        "d/withk/kustomization.yaml": k("resources:\n  - c.yaml\n"),
        "d/withk/c.yaml": cm("c"),
        "d/withk/ignored.yaml": cm("ignored"),
        "d/notes.txt": "not yaml",
      },
      "d",
      true,
    );
    expect(r.ids.sort()).toEqual(["ConfigMap a", "ConfigMap b", "ConfigMap c"]);
  });

  it("applies strategic merge and JSON6902 patches, inline and from files", () => {
    const r = build(
      {
        "p/kustomization.yaml": k(
          "resources:\n  - a.yaml\npatches:\n  - patch: |-\n      apiVersion: v1\n      kind: ConfigMap\n      metadata:\n        name: a\n      data:\n        x: '1'\n  - target:\n      kind: ConfigMap\n      name: a\n    patch: |-\n      - op: add\n        path: /data/y\n        value: '2'\n  - path: rename.yaml\n    target:\n      kind: ConfigMap\n",
        ),
        "p/a.yaml": cm("a"),
        "p/rename.yaml": "- op: replace\n  path: /metadata/name\n  value: b\n",
      },
      "p",
    );
    expect(r.findings).toEqual([]);
    expect(r.ids).toEqual(["ConfigMap b"]);
    expect(r.objects[0]?.body.data).toEqual({ x: "1", y: "2" });
  });

  it("generates ConfigMaps from configMapGenerator", () => {
    const r = build(
      {
        "g/kustomization.yaml": k(
          "configMapGenerator:\n  - name: settings\n    literals:\n      - A=1\n    files:\n      - conf.yaml=./files/c.yaml\ngeneratorOptions:\n  disableNameSuffixHash: true\n",
        ),
        "g/files/c.yaml": "key: value\n",
      },
      "g",
    );
    expect(r.ids).toEqual(["ConfigMap settings"]);
    expect(r.objects[0]?.body.data).toEqual({ A: "1", "conf.yaml": "key: value\n" });
  });

  it("reports what it cannot build, never dropping objects silently", () => {
    const r = build(
      {
        "x/kustomization.yaml": k(
          "resources:\n  - https://github.com/org/repo//deploy?ref=v1\n  - ./missing.yaml\nhelmCharts:\n  - name: foo\n",
        ),
      },
      "x",
    );
    expect(r.findings.map((f) => f.ruleId).sort()).toEqual([
      "kustomize-unsupported",
      "kustomize-unsupported",
      "path-missing",
    ]);
    expect(r.findings.find((f) => f.message.includes("remote"))?.location?.line).toBe(4);
  });
});

/** A parent Kustomization's patch that sets `wait: true` on the child Kustomizations its target selects. */
const waitPatch = (target: string) => `  patches:
    - patch: |-
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: _
        spec:
          wait: true
      target:
${target}`;

describe("Flux Kustomization rendering", () => {
  it("applies the parent's patches to child Kustomizations (the defaults-patch idiom) and targetNamespace", () => {
    const parentPatch = waitPatch("        group: kustomize.toolkit.fluxcd.io\n        kind: Kustomization");
    const r = lintFlux([ks("apps", { path: "./apps", extra: parentPatch })], {
      "apps/child.yaml": ks("child", { path: "./child" })
        .replace("  namespace: flux-system\n", "")
        .concat("  targetNamespace: media\n"),
      "child/cm.yaml": cm("x"),
    });
    const child = r.model.kustomizations.get("flux-system/child");
    expect(child?.wait).toBe(true);
    expect(child?.objects.map(describeObject)).toEqual(["ConfigMap media/x"]);
  });

  it("matches set-based label selectors in the parent's patch targets (in, notin, exists, !key)", () => {
    const patchWith = (selector: string) =>
      waitPatch(`        kind: Kustomization\n        labelSelector: "${selector}"`);
    const child = (name: string, tier?: string) =>
      ks(name, { path: "./child" }).replace(
        "metadata:\n",
        `metadata:\n${tier ? `  labels:\n    tier: ${tier}\n` : ""}`,
      );
    const waiting = (selector: string) => {
      const r = lintFlux([ks("apps", { path: "./apps", extra: patchWith(selector) })], {
        "apps/a.yaml": child("a", "db"),
        "apps/b.yaml": child("b", "web"),
        "apps/c.yaml": child("c"),
        "child/cm.yaml": cm("x"),
      });
      return ["a", "b", "c"].filter((n) => r.model.kustomizations.get(`flux-system/${n}`)?.wait === true);
    };
    expect(waiting("tier in (db, cache)")).toEqual(["a"]);
    expect(waiting("tier notin (db)")).toEqual(["b", "c"]);
    expect(waiting("tier")).toEqual(["a", "b"]);
    expect(waiting("!tier")).toEqual(["c"]);
    expect(waiting("tier in (db,web),tier!=web")).toEqual(["a"]);
    expect(waiting("tier=web")).toEqual(["b"]);
  });

  it("substitutes variables in child Kustomizations and their objects", () => {
    const r = lintFlux([ks("apps", { path: "./apps", substitute: { APP: "podinfo" } })], {
      "apps/ks.yaml": ks("${APP}", { path: "./app/${APP}", substitute: { NS: "web" } }),
      "app/podinfo/cm.yaml": cm("${APP:=x}-config", "${NS}"),
    });
    expect(r.findings).toEqual([]);
    expect(r.model.kustomizations.get("flux-system/podinfo")?.objects.map(describeObject)).toEqual([
      "ConfigMap web/x-config",
    ]);
  });
});

describe("Flux spec.components", () => {
  it("are appended to the directory's kustomization: its own patches apply to the components' objects", () => {
    const r = lintFlux(
      [
        ks("app", { path: "./app" }).replace(
          "  sourceRef:",
          "  components:\n    - ../components/backup\n  sourceRef:",
        ),
      ],
      {
        "app/kustomization.yaml": k(
          "resources: [cm.yaml]\npatches:\n  - target: {kind: ConfigMap, name: backup}\n    patch: |-\n      - op: add\n        path: /data/owner\n        value: app\n",
        ),
        "app/cm.yaml": cm("app", "default"),
        "components/backup/kustomization.yaml":
          "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [cm.yaml]\n",
        "components/backup/cm.yaml": cm("backup", "default"),
      },
    );
    expect(r.findings).toEqual([]);
    const objects = r.model.kustomizations.get("flux-system/app")?.objects ?? [];
    expect(objects.map(describeObject)).toEqual(["ConfigMap default/app", "ConfigMap default/backup"]);
    expect(objects[1]?.body.data).toEqual({ owner: "app" });
  });
});

describe("what kustomize or Flux read from elsewhere", () => {
  it("a configMapGenerator file given by URL is not a missing path", () => {
    const { findings, ids } = build(
      {
        "app/kustomization.yaml": k(
          "configMapGenerator:\n  - name: dashboards\n    files:\n      - https://grafana.com/api/dashboards/1860/revisions/37/download\n",
        ),
      },
      "app",
    );
    expect(findings).toEqual([]);
    expect(ids).toHaveLength(1);
  });

  it("a SOPS document whose kind is encrypted is not taken for a custom resource", () => {
    const { ids } = build(
      {
        "app/kustomization.yaml": k("resources: [secret.sops.yaml]\n"),
        "app/secret.sops.yaml":
          "apiVersion: ENC[AES256_GCM,data:abc,type:str]\nkind: ENC[AES256_GCM,data:def,type:str]\nmetadata:\n  name: ENC[AES256_GCM,data:ghi,type:str]\nsops:\n  mac: ENC[AES256_GCM,data:x,type:str]\n",
      },
      "app",
    );
    expect(ids).toEqual([]);
  });

  it("a Gateway API release manifest by URL provides its CRDs", () => {
    const r = lintFlux(
      [
        ks("gateway-api", { path: "./crds", wait: true }),
        ks("routes", { path: "./routes", dependsOn: ["gateway-api"] }),
      ],
      {
        "crds/kustomization.yaml": k(
          "resources:\n  - https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.3.0/standard-install.yaml\n",
        ),
        "routes/route.yaml":
          "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: web, namespace: default}\nspec: {}\n",
      },
    );
    expect(r.findings).toEqual([]);
    expect(r.crds.verdicts.map((v) => [v.groupKind, v.verdict])).toEqual([
      ["gateway.networking.k8s.io/HTTPRoute", "ok"],
    ]);
  });
});

describe("kustomize configurations", () => {
  it("sections kubestrap does not run are named in one kustomize-unsupported warning", () => {
    const { findings } = build(
      {
        "app/kustomization.yaml": k("resources: [cm.yaml]\nconfigurations: [conf.yaml]\n"),
        "app/cm.yaml": cm("app", "default"),
        "app/conf.yaml":
          "nameReference:\n  - kind: ConfigMap\n    fieldSpecs: [{kind: Widget, path: spec/config}]\nimages: []\n",
      },
      "app",
    );
    expect(findings.map((f) => [f.ruleId, f.message])).toEqual([
      [
        "kustomize-unsupported",
        "transformer configurations nameReference, images are not applied: the fields they name keep their written values",
      ],
    ]);
  });

  it("a configurations file that does not exist is a missing path", () => {
    const { findings } = build({ "app/kustomization.yaml": k("configurations: [nope.yaml]\n") }, "app");
    expect(findings.map((f) => f.ruleId)).toEqual(["path-missing"]);
  });
});

describe("the namespace transformer and the scope of the repository's own CRDs", () => {
  it("leaves objects of a cluster-scoped CRD the repository defines without a namespace", () => {
    const crdOf = (kind: string, scope: string) =>
      `---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: ${kind.toLowerCase()}s.example.com}\nspec:\n  group: example.com\n  names: {kind: ${kind}, plural: ${kind.toLowerCase()}s}\n  scope: ${scope}\n  versions: [{name: v1, served: true, storage: true}]\n`;
    const r = lintFlux([ks("crds", { path: "./crds" }), ks("app", { path: "./app", dependsOn: ["crds"] })], {
      "crds/crds.yaml": crdOf("Widget", "Cluster") + crdOf("Gadget", "Namespaced"),
      "app/kustomization.yaml": k("namespace: apps\nresources: [objects.yaml]\n"),
      "app/objects.yaml":
        "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n---\napiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n",
    });
    expect(r.model.kustomizations.get("flux-system/app")?.objects.map(describeObject)).toEqual([
      "Widget w",
      "Gadget apps/g",
    ]);
  });
});

describe("what kustomize would refuse, reported where it is written", () => {
  const messages = (r: ReturnType<typeof build>) =>
    r.findings.map((f) => [f.ruleId, f.severity, f.message, f.location?.file, f.location?.line]);

  it("a directory without kustomization.yaml, unless the kustomization is generated", () => {
    const files = { "plain/a.yaml": cm("a") };
    expect(messages(build(files, "plain"))).toEqual([
      ["path-missing", "error", "directory plain has no kustomization.yaml", "plain", 1],
    ]);
    expect(build(files, "plain", true).ids).toEqual(["ConfigMap a"]);
  });

  it("a missing resource directory, component or patch file", () => {
    const r = build(
      {
        "app/kustomization.yaml": k(
          "resources:\n  - ./a.yaml\n  - ./bare\ncomponents:\n  - ../nowhere\n  - ../../../outside\npatches:\n  - path: ./gone.yaml\n",
        ),
        "app/a.yaml": cm("a"),
        "app/bare/b.yaml": cm("b"),
      },
      "app",
    );
    expect(r.ids).toEqual(["ConfigMap a"]);
    expect(messages(r)).toEqual([
      [
        "path-missing",
        "error",
        "resource directory ./bare has no kustomization.yaml",
        "app/kustomization.yaml",
        5,
      ],
      ["path-missing", "error", "component ../nowhere not found", "app/kustomization.yaml", 7],
      [
        "path-missing",
        "error",
        "component ../../../outside not found (outside the repository)",
        "app/kustomization.yaml",
        8,
      ],
      ["path-missing", "error", "patch file ./gone.yaml not found", "app/kustomization.yaml", 10],
    ]);
  });

  it("a JSON6902 patch without a target, and a strategic merge patch that matches nothing", () => {
    const r = build(
      {
        "app/kustomization.yaml": k(
          "resources:\n  - ./a.yaml\npatches:\n  - patch: |-\n      - op: remove\n        path: /data\n  - patch: |-\n      apiVersion: v1\n      kind: Secret\n      metadata:\n        name: db\n",
        ),
        "app/a.yaml": cm("a"),
      },
      "app",
    );
    expect(messages(r)).toEqual([
      ["kustomize-invalid", "error", "a JSON6902 patch needs a target", "app/kustomization.yaml", 6],
      [
        "kustomize-invalid",
        "error",
        "patch matches no object (kind=Secret, name=db, group=): kustomize fails the build",
        "app/kustomization.yaml",
        9,
      ],
    ]);
  });

  it("a targeted patch may match nothing, as in kustomize", () => {
    const r = build(
      {
        "app/kustomization.yaml": k(
          "resources:\n  - ./a.yaml\npatches:\n  - patch: |-\n      - op: remove\n        path: /data\n    target:\n      kind: Secret\n",
        ),
        "app/a.yaml": cm("a"),
      },
      "app",
    );
    expect(r.findings).toEqual([]);
    expect(r.ids).toEqual(["ConfigMap a"]);
  });

  it("a patch that is not YAML", () => {
    const r = build(
      {
        "app/kustomization.yaml": k("resources:\n  - ./a.yaml\npatches:\n  - path: ./broken.yaml\n"),
        "app/a.yaml": cm("a"),
        "app/broken.yaml": "metadata: [unclosed\n",
      },
      "app",
    );
    expect(r.findings.map((f) => [f.message.slice(0, 7), f.location?.file])).toEqual([
      ["patch: ", "app/kustomization.yaml"],
    ]);
  });

  it("a kustomization that includes itself through another", () => {
    const r = build(
      {
        "a/kustomization.yaml": k("resources:\n  - ../b\n"),
        "b/kustomization.yaml": k("resources:\n  - ../a\n"),
      },
      "a",
    );
    expect(messages(r)).toEqual([
      ["kustomize-cycle", "error", "kustomization cycle: a → b → a", "a/kustomization.yaml", 1],
    ]);
  });

  it("a missing or outside resource file, patch file, replacements file and configurations file", () => {
    const r = build(
      {
        "app/kustomization.yaml": k(
          [
            "resources:",
            "  - ./a.yaml",
            "  - ./gone.yaml",
            "  - ../../../out.yaml",
            "patches:",
            "  - path: ../../../p.yaml",
            "replacements:",
            "  - path: ../../../r.yaml",
            "  - path: ./r.yaml",
            "configurations:",
            "  - ../../../c.yaml",
            "",
          ].join("\n"),
        ),
        "app/a.yaml": cm("a"),
      },
      "app",
    );
    expect(r.ids).toEqual(["ConfigMap a"]);
    expect(messages(r)).toEqual([
      ["path-missing", "error", "resource ./gone.yaml not found", "app/kustomization.yaml", 5],
      [
        "path-missing",
        "error",
        "resource ../../../out.yaml not found (outside the repository)",
        "app/kustomization.yaml",
        6,
      ],
      ["path-missing", "error", "patch file ../../../p.yaml not found", "app/kustomization.yaml", 8],
      [
        "path-missing",
        "error",
        "configurations file ../../../c.yaml not found (outside the repository)",
        "app/kustomization.yaml",
        13,
      ],
      [
        "path-missing",
        "error",
        "replacements file ../../../r.yaml not found (outside the repository)",
        "app/kustomization.yaml",
        10,
      ],
      ["path-missing", "error", "replacements file ./r.yaml not found", "app/kustomization.yaml", 11],
    ]);
  });

  it("a document that is not a Kubernetes object is a warning where it is written, and is skipped", () => {
    const files = {
      "app/kustomization.yaml": k("resources:\n  - ./a.yaml\n"),
      "app/a.yaml": `${cm("a")}---\njust: data\n---\n- a list\n`,
    };
    const r = build(files, "app");
    expect(r.ids).toEqual(["ConfigMap a"]);
    expect(messages(r)).toEqual([
      [
        "invalid-object",
        "warning",
        "document is not a Kubernetes object (missing apiVersion or kind): kustomize would reject it",
        "app/a.yaml",
        8,
      ],
      [
        "invalid-object",
        "warning",
        "document is not a Kubernetes object (not a mapping): kustomize would reject it",
        "app/a.yaml",
        10,
      ],
    ]);
    // A kustomization Flux generates takes what is an object and skips the rest quietly.
    const generated = build({ "app/a.yaml": files["app/a.yaml"] }, "app", true);
    expect([generated.ids, generated.findings]).toEqual([["ConfigMap a"], []]);
  });

  it("a JSON patch that cannot apply keeps the object and says why", () => {
    const r = build(
      {
        "app/kustomization.yaml": k(
          "resources:\n  - ./a.yaml\npatches:\n  - target: {kind: ConfigMap}\n    patch: |-\n      - op: remove\n        path: /data/nope\n",
        ),
        "app/a.yaml": cm("a"),
      },
      "app",
    );
    expect(r.ids).toEqual(["ConfigMap a"]);
    expect(
      messages(r).map(([id, severity, message, file]) => [id, severity, String(message).slice(0, 12), file]),
    ).toEqual([["kustomize-invalid", "error", "JSON patch: ", "app/kustomization.yaml"]]);
  });

  it("a generator literal without a key, and a generator file or env file that is missing", () => {
    const r = build(
      {
        "app/kustomization.yaml": k(
          "configMapGenerator:\n  - name: settings\n    literals: [novalue, =x, A=1]\n    files: [gone.txt]\n    envs: [gone.env]\n",
        ),
      },
      "app",
    );
    expect(r.objects[0]?.body.data).toEqual({ A: "1" });
    const at = ["app/kustomization.yaml", 4];
    expect(messages(r)).toEqual([
      [
        "kustomize-invalid",
        "error",
        'configMapGenerator settings: literal "novalue" is not KEY=VALUE (kustomize fails the build)',
        ...at,
      ],
      [
        "kustomize-invalid",
        "error",
        'configMapGenerator settings: literal "=x" is not KEY=VALUE (kustomize fails the build)',
        ...at,
      ],
      ["path-missing", "error", "configMapGenerator file gone.txt not found", ...at],
      ["path-missing", "error", "configMapGenerator env file gone.env not found", ...at],
    ]);
  });

  it("a component by URL is not read", () => {
    const r = build(
      {
        "app/kustomization.yaml": k(
          "resources:\n  - ./a.yaml\ncomponents:\n  - https://github.com/org/repo//components/x?ref=v1\n",
        ),
        "app/a.yaml": cm("a"),
      },
      "app",
    );
    expect(r.ids).toEqual(["ConfigMap a"]);
    expect(r.findings.map((f) => [f.ruleId, f.location?.line])).toEqual([["kustomize-unsupported", 6]]);
  });
});

describe("one builder, many builds", () => {
  it("keeps a generated build, a written build and a build with components apart", () => {
    const repo = Repository.load(
      makeRepo({
        "plain/a.yaml": cm("a"),
        "app/kustomization.yaml": k("resources: [a.yaml]\n"),
        "app/a.yaml": cm("a"),
        "extra/kustomization.yaml":
          "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [b.yaml]\n",
        "extra/b.yaml": cm("b"),
      }),
    );
    const builder = new KustomizeBuilder(repo, () => "Namespaced");
    expect(builder.build("plain", true).map(describeObject)).toEqual(["ConfigMap a"]);
    expect(builder.build("plain", false)).toEqual([]);
    const component = [{ ref: "../extra", location: { file: "flux.yaml", line: 9 } }];
    expect(builder.build("app", false, component).map(describeObject)).toEqual([
      "ConfigMap a",
      "ConfigMap b",
    ]);
    expect(builder.build("app", false).map(describeObject)).toEqual(["ConfigMap a"]);
    expect(builder.build("app", false, component).map(describeObject)).toEqual([
      "ConfigMap a",
      "ConfigMap b",
    ]);
    expect(builder.findings.map((f) => f.message)).toEqual(["directory plain has no kustomization.yaml"]);
  });

  it("reports a problem in a component two kustomizations share once", () => {
    const repo = Repository.load(
      makeRepo({
        "a1/kustomization.yaml": k("components: [../shared]\n"),
        "a2/kustomization.yaml": k("components: [../shared]\n"),
        "shared/kustomization.yaml":
          "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [gone.yaml]\n",
      }),
    );
    const builder = new KustomizeBuilder(repo, () => "Namespaced");
    builder.build("a1", false);
    builder.build("a2", false);
    expect(builder.findings.map((f) => [f.message, f.location?.file, f.location?.line])).toEqual([
      ["resource gone.yaml not found", "shared/kustomization.yaml", 3],
    ]);
  });

  it("builds the repository root, written or generated", () => {
    const written = build(
      { "kustomization.yaml": k("resources: [sub/a.yaml]\n"), "sub/a.yaml": cm("a") },
      "",
    );
    expect([written.ids, written.findings]).toEqual([["ConfigMap a"], []]);
    const generated = build({ "top.yaml": cm("top"), "sub/a.yaml": cm("a") }, "", true);
    expect(generated.ids).toEqual(["ConfigMap a", "ConfigMap top"]);
    expect(generated.objects.map((o) => o.source.file)).toEqual(["sub/a.yaml", "top.yaml"]);
  });
});

describe("resources kustomize would fetch", () => {
  it("a remote resource is named, not fetched", () => {
    const r = build(
      {
        "app/kustomization.yaml": k("resources:\n  - a.yaml\n  - https://example.com/app.yaml\n"),
        "app/a.yaml": cm("a"),
      },
      "app",
    );
    expect(r.ids).toEqual(["ConfigMap a"]);
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.message, f.location?.line])).toEqual([
      [
        "kustomize-unsupported",
        "warning",
        "remote resource https://example.com/app.yaml is not fetched: the objects it defines are not analysed",
        5,
      ],
    ]);
  });

  it("a release manifest the catalog knows gives its CRDs as objects located at the reference", () => {
    const url =
      "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.3.0/standard-install.yaml";
    const r = build({ "app/kustomization.yaml": k(`resources:\n  - ${url}\n`) }, "app");
    expect(r.findings).toEqual([]);
    const route = r.objects.find((o) => o.name === "httproutes.gateway.networking.k8s.io");
    expect(route).toMatchObject({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      namespace: undefined,
      source: { file: "app/kustomization.yaml", line: 4, docIndex: -1 },
      body: {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: "httproutes.gateway.networking.k8s.io" },
        spec: { group: "gateway.networking.k8s.io", names: { kind: "HTTPRoute" } },
      },
    });
    const spec = route?.body.spec as
      | { versions: { name: string; served: boolean; storage: boolean }[] }
      | undefined;
    const versions = spec?.versions ?? [];
    expect(versions.filter((v) => v.storage).map((v) => v.name)).toEqual(["v1"]);
    expect(versions.every((v) => v.served)).toBe(true);
    expect(versions.length).toBeGreaterThan(1);
  });
});

describe("kustomize generators and transformers", () => {
  it("a Secret generator: a file under its own name, an env file, base64 data, options and namespace", () => {
    const r = build(
      {
        "g/kustomization.yaml": k(
          "generatorOptions:\n  labels: {team: a}\nsecretGenerator:\n  - name: creds\n    namespace: db\n    files:\n      - ./files/token\n    envs:\n      - ./files/db.env\n    options:\n      annotations: {note: x}\n",
        ),
        "g/files/token": "t0k",
        "g/files/db.env": "# the database\nUSER=admin\n\nPASS=a=b\n",
      },
      "g",
    );
    expect(r.ids).toEqual(["Secret db/creds"]);
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    expect(r.objects[0]?.body.data).toEqual({ token: b64("t0k"), USER: b64("admin"), PASS: b64("a=b") });
    expect(r.objects[0]?.body.metadata).toEqual({
      name: "creds",
      namespace: "db",
      labels: { team: "a" },
      annotations: { note: "x", "kubestrap.dev/name-suffix-hash": "true" },
    });
  });

  it("a generator with behavior merge replaces the base's object of the same name", () => {
    const r = build(
      {
        "overlay/kustomization.yaml": k(
          "resources:\n  - ../base\nconfigMapGenerator:\n  - name: settings\n    behavior: merge\n    literals:\n      - B=2\n",
        ),
        "base/kustomization.yaml": k("configMapGenerator:\n  - name: settings\n    literals:\n      - A=1\n"),
      },
      "overlay",
    );
    expect(r.ids).toEqual(["ConfigMap settings"]);
    expect(r.objects[0]?.body.data).toEqual({ A: "1", B: "2" });
    expect(r.objects[0]?.source.file).toBe("overlay/kustomization.yaml");
    expect(r.findings).toEqual([]);
  });

  it("a generator with behavior replace over nothing is refused, as kustomize refuses it", () => {
    const r = build(
      {
        "app/kustomization.yaml": k(
          "configMapGenerator:\n  - name: settings\n    behavior: replace\n    literals:\n      - B=2\n",
        ),
      },
      "app",
    );
    expect(r.ids).toEqual(["ConfigMap settings"]);
    expect(r.findings.map((f) => [f.ruleId, f.message, f.location?.line])).toEqual([
      [
        "kustomize-invalid",
        "configMapGenerator settings: behavior replace needs a ConfigMap of that name from the resources (kustomize fails the build)",
        4,
      ],
    ]);
  });

  it("a generator merges only into an object of its kind and namespace", () => {
    const r = build(
      {
        "app/kustomization.yaml": k(
          "namespace: apps\nresources: [base.yaml]\nconfigMapGenerator:\n  - name: settings\n    behavior: merge\n    literals: [B=2]\n",
        ),
        "app/base.yaml":
          "apiVersion: v1\nkind: Secret\nmetadata: {name: settings}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: other}\ndata: {A: '1'}\n",
      },
      "app",
    );
    expect(r.findings.map((f) => [f.ruleId, f.message])).toEqual([
      [
        "kustomize-invalid",
        "configMapGenerator settings: behavior merge needs a ConfigMap of that name from the resources (kustomize fails the build)",
      ],
    ]);
  });

  it("a generated object is v1, located at its generator, and not from a document", () => {
    const r = build(
      {
        "app/kustomization.yaml": k(
          "resources: []\nconfigMapGenerator:\n  - name: settings\n    literals: [A=1]\n",
        ),
      },
      "app",
    );
    expect(r.objects.map((o) => [o.apiVersion, o.kind, o.source])).toEqual([
      ["v1", "ConfigMap", { file: "app/kustomization.yaml", line: 5, docIndex: -1 }],
    ]);
  });

  it("a generator file by URL gives its key empty data, and is not fetched", () => {
    const r = build(
      {
        "app/kustomization.yaml": k(
          "configMapGenerator:\n  - name: dash\n    files: [board.json=https://example.com/board.json]\n",
        ),
      },
      "app",
    );
    expect([r.objects[0]?.body.data, r.findings]).toEqual([{ "board.json": "" }, []]);
  });

  it("a one-line inline strategic merge patch, and one that names a namespace and a dotted name", () => {
    const r = build(
      {
        "app/kustomization.yaml": k(
          [
            "resources: [a.yaml]",
            "patchesStrategicMerge:",
            "  - '{apiVersion: v1, kind: ConfigMap, metadata: {name: a.b, namespace: y}, data: {x: patched}}'",
            "",
          ].join("\n"),
        ),
        "app/a.yaml": cm("a.b", "x") + cm("a.b", "y") + cm("aXb", "y"),
      },
      "app",
    );
    expect(r.findings).toEqual([]);
    expect(r.objects.map((o) => [describeObject(o), o.body.data])).toEqual([
      ["ConfigMap x/a.b", {}],
      ["ConfigMap y/a.b", { x: "patched" }],
      ["ConfigMap y/aXb", {}],
    ]);
  });

  it("commonAnnotations on every object, and patchesStrategicMerge inline and from a file", () => {
    const r = build(
      {
        "app/kustomization.yaml": k(
          "resources:\n  - ./a.yaml\ncommonAnnotations:\n  owner: ops\npatchesStrategicMerge:\n  - ./p.yaml\n  - |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: a\n    data:\n      inline: yes\n",
        ),
        "app/a.yaml": cm("a"),
        "app/p.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  file: yes\n",
      },
      "app",
    );
    expect(r.findings).toEqual([]);
    expect(r.objects[0]?.body).toMatchObject({
      metadata: { annotations: { owner: "ops" } },
      data: { file: "yes", inline: "yes" },
    });
  });
});
