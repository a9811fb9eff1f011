import { describe, expect, test } from "vitest";
import { type CommandSpec, DEFAULT_CONFIG } from "../../src/model/config.ts";
import { describeSource, loadPrerequisites } from "../../src/model/prerequisites.ts";
import { loadProject } from "../../src/model/project.ts";
import { bootstrapFiles } from "../bootstrap-repo.ts";
import { makeRepo } from "../helpers.ts";

const releases = [
  { name: "external-secrets", namespace: "external-secrets", chart: "oci://r.example/charts/es" },
];

/** The prerequisites of a repository as `kubestrap plan` loads them, with a kubestrap.yaml's config. */
function prerequisitesOf(repo: string, config = DEFAULT_CONFIG, configFile?: string) {
  const project = loadProject({ repo });
  return loadPrerequisites(
    project.repo,
    project.builder,
    project.bootstrap,
    project.model,
    config,
    configFile,
  );
}

function prerequisites(files: Record<string, string>) {
  return prerequisitesOf(makeRepo({ ...bootstrapFiles({ releases }), ...files }));
}

/** The same with kubestrap.yaml's bootstrap settings and secret injector. */
function withConfig(
  files: Record<string, string>,
  bootstrap: Partial<typeof DEFAULT_CONFIG.bootstrap>,
  inject?: CommandSpec,
) {
  const config = {
    ...DEFAULT_CONFIG,
    bootstrap: { ...DEFAULT_CONFIG.bootstrap, ...bootstrap },
    secrets: inject ? { ...DEFAULT_CONFIG.secrets, inject } : DEFAULT_CONFIG.secrets,
  };
  return prerequisitesOf(makeRepo({ ...bootstrapFiles({ releases }), ...files }), config, "kubestrap.yaml");
}

const secret = (name: string, namespace?: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ""}stringData:\n  token: plain\n`;

describe("bootstrap resources, as repositories lay them out", () => {
  test("kustomize/ with its own kustomization.yaml is one tree", () => {
    const p = prerequisites({
      "bootstrap/kustomize/kustomization.yaml":
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: external-secrets\nresources:\n  - ./secret.yaml\n",
      "bootstrap/kustomize/secret.yaml": secret("token"),
    });
    expect(p.resources.map((r) => [r.path, r.type, r.objects.length])).toEqual([
      ["bootstrap/kustomize", "kustomize", 1],
    ]);
    expect(p.resources[0]?.objects[0]).toMatchObject({ metadata: { namespace: "external-secrets" } });
  });

  test("otherwise each folder of kustomize/ that is a kustomization (not a Component) is a tree (onedr0p's layout)", () => {
    const p = prerequisites({
      "bootstrap/kustomize/personal/kustomization.yaml":
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: network\nresources:\n  - ./secret.yaml\n",
      "bootstrap/kustomize/personal/secret.yaml": secret("tunnel"),
      "bootstrap/kustomize/work/kustomization.yaml":
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./secret.yaml\n",
      "bootstrap/kustomize/work/secret.yaml": secret("token", "external-secrets"),
      "bootstrap/kustomize/components/namespace/kustomization.yaml":
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - ./namespace.yaml\n",
      "bootstrap/kustomize/components/namespace/namespace.yaml":
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: _\n",
    });
    expect(p.resources.map((r) => r.path)).toEqual([
      "bootstrap/kustomize/personal",
      "bootstrap/kustomize/work",
    ]);
    expect(p.namespaces.map((n) => n.name)).toEqual(["external-secrets", "network"]);
  });

  test("plain files in kustomize/ and resources.yaml are applied as they are", () => {
    const p = prerequisites({
      "bootstrap/kustomize/secrets.yaml.tpl": secret("token", "external-secrets"),
      "bootstrap/resources.yaml": secret("other", "external-secrets"),
    });
    expect(p.resources.map((r) => [r.path, r.type])).toEqual([
      ["bootstrap/kustomize/secrets.yaml.tpl", "file"],
      ["bootstrap/resources.yaml", "file"],
    ]);
  });

  test("a namespace is created from the repository's own manifest, labels and annotations included", () => {
    const p = prerequisites({
      "kubernetes/apps/external-secrets/namespace.yaml":
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: external-secrets\n  labels:\n    pod-security.kubernetes.io/enforce: privileged\n  annotations:\n    kustomize.toolkit.fluxcd.io/prune: disabled\n",
      "kubernetes/apps/kustomization.yaml":
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./external-secrets/namespace.yaml\n  - ./external-secrets/external-secrets/app\n",
    });
    expect(p.namespaces).toEqual([
      {
        name: "external-secrets",
        object: {
          apiVersion: "v1",
          kind: "Namespace",
          metadata: {
            name: "external-secrets",
            labels: { "pod-security.kubernetes.io/enforce": "privileged" },
            annotations: { "kustomize.toolkit.fluxcd.io/prune": "disabled" },
          },
        },
        why: ["release external-secrets/external-secrets"],
        location: { file: "kubernetes/apps/external-secrets/namespace.yaml", line: 1 },
      },
    ]);
  });

  test("SOPS documents are recognised without being read, and a missing path named in kubestrap.yaml is an error", () => {
    const p = prerequisites({
      "bootstrap/resources.yaml": `${secret("token", "external-secrets")}sops:\n  age:\n    - recipient: age1xyz\n`,
    });
    expect(p.resources[0]?.sops).toBe(true);
    const missing = withConfig({}, { resources: [{ path: "bootstrap/nope" }] });
    expect(missing.findings.map((f) => f.message)).toEqual([
      "bootstrap resources bootstrap/nope (named in kubestrap.yaml) do not exist in the repository",
    ]);
  });
});

describe("bootstrap resources kubestrap.yaml names", () => {
  const op: CommandSpec = { command: "op", args: ["inject"], env: {} };

  test("a path as written (./ and a trailing slash), with its own injector and namespace", () => {
    const p = withConfig(
      {
        "secrets/kustomization.yaml":
          "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./secret.yaml\n",
        "secrets/secret.yaml": secret("token"),
        "more/extra.yaml": `${secret("a", "apps")}---\n${secret("b")}`,
      },
      {
        resources: [{ path: "./secrets/", namespace: "vault", inject: op }, { path: "more/extra.yaml" }],
      },
    );
    expect(p.resources.map((r) => [r.path, r.type, r.why, r.inject, r.namespace, r.location])).toEqual([
      [
        "secrets",
        "kustomize",
        "named in kubestrap.yaml",
        op,
        "vault",
        { file: "secrets/kustomization.yaml", line: 1 },
      ],
      [
        "more/extra.yaml",
        "file",
        "named in kubestrap.yaml",
        undefined,
        undefined,
        { file: "more/extra.yaml", line: 1 },
      ],
    ]);
    expect(p.resources[0]?.text).toBe(`---\n${JSON.stringify(p.resources[0]?.objects[0])}\n`);
    expect(p.resources[0]?.origins).toEqual([{ file: "secrets/secret.yaml", docIndex: 0 }]);
    expect(p.resources[1]?.origins).toEqual([
      { file: "more/extra.yaml", docIndex: 0 },
      { file: "more/extra.yaml", docIndex: 1 },
    ]);
    // The resource's namespace is needed for what it writes without one; the release's, and the file's own.
    expect(p.namespaces.map((n) => [n.name, n.why])).toEqual([
      ["apps", ["resources in more/extra.yaml"]],
      ["external-secrets", ["release external-secrets/external-secrets"]],
      ["vault", ["resources in secrets"]],
    ]);
    expect(p.findings).toEqual([]);
  });

  test("secret references need an injector, unless the file is SOPS-encrypted", () => {
    const files = { "s.yaml": secret("token", "x").replace("plain", "op://vault/item/field") };
    const without = withConfig(files, { resources: [{ path: "s.yaml" }] });
    expect(without.findings.map((f) => [f.ruleId, f.location])).toEqual([
      ["secret-unresolved", { file: "s.yaml", line: 1 }],
    ]);
    expect(withConfig(files, { resources: [{ path: "s.yaml" }] }, op).findings).toEqual([]);
    expect(withConfig(files, { resources: [{ path: "s.yaml", inject: op }] }).findings).toEqual([]);
    const templated = { "t.yaml": secret("token", "x").replace("plain", "{{ op://x }}") };
    expect(withConfig(templated, { resources: [{ path: "t.yaml" }] }).findings).toHaveLength(1);
    const sops = { "e.yaml": `${files["s.yaml"]}sops:\n  mac: x\n` };
    expect(withConfig(sops, { resources: [{ path: "e.yaml" }] }).findings).toEqual([]);
  });

  test("a file that is not YAML yet (a template) is applied as text, with no objects read", () => {
    const p = withConfig(
      { "r.yaml.tpl": "key: [{{ op://x }}\n" },
      { resources: [{ path: "r.yaml.tpl" }] },
      op,
    );
    expect(p.resources.map((r) => [r.path, r.objects, r.text])).toEqual([
      ["r.yaml.tpl", [], "key: [{{ op://x }}\n"],
    ]);
  });
});

describe("the namespaces the bootstrap creates", () => {
  test("declared, named in kubestrap.yaml, or bare; the bootstrap's own manifest over Flux's; sorted by name", () => {
    const p = withConfig(
      {
        "r.yaml": [
          "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: zeta\n  labels: {from: bootstrap}\n",
          "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: external-secrets\n  labels: {from: bootstrap}\n",
          "apiVersion: example.com/v1\nkind: Namespace\nmetadata:\n  name: not-core\n",
        ].join("---\n"),
        "kubernetes/apps/ns.yaml":
          "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: external-secrets\n  labels: {from: flux}\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: alpha\n  annotations: {a: b}\n  finalizers: [x]\n",
        "kubernetes/apps/kustomization.yaml":
          "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./ns.yaml\n  - ./external-secrets/external-secrets/app\n",
      },
      { resources: [{ path: "r.yaml" }], namespaces: ["alpha", "beta"] },
    );
    expect(p.namespaces.map((n) => [n.name, n.object.metadata, n.why, n.location?.file])).toEqual([
      [
        "alpha",
        { name: "alpha", annotations: { a: "b" } },
        ["kubestrap.yaml bootstrap.namespaces"],
        "kubernetes/apps/ns.yaml",
      ],
      ["beta", { name: "beta" }, ["kubestrap.yaml bootstrap.namespaces"], undefined],
      [
        "external-secrets",
        { name: "external-secrets", labels: { from: "bootstrap" } },
        ["release external-secrets/external-secrets", "declared in r.yaml"],
        "r.yaml",
      ],
      ["zeta", { name: "zeta", labels: { from: "bootstrap" } }, ["declared in r.yaml"], "r.yaml"],
    ]);
  });

  test("a CRD-phase release needs no namespace: its CRDs are cluster-wide", () => {
    const repo = makeRepo(
      bootstrapFiles({
        releases,
        crdReleases: [{ name: "crds", namespace: "crd-only", chart: "oci://r.example/charts/c" }],
      }),
    );
    const p = prerequisitesOf(repo);
    expect(p.namespaces.map((n) => n.name)).toEqual(["external-secrets"]);
  });
});

describe("bootstrap resources detected beside a helmfile at the repository root", () => {
  test("kustomize/ files (YAML only) and resources.yml", () => {
    const repo = makeRepo({
      "helmfile.yaml": "releases:\n  - name: a\n    namespace: x\n    chart: oci://r.example/charts/a\n",
      "kustomize/a.yml": secret("a", "x"),
      "kustomize/b.yaml.tpl": secret("b", "x"),
      "kustomize/readme.md": "not yaml",
      "kustomize/sub/c.yaml": secret("c", "x"),
      "resources.yml": secret("d", "x"),
    });
    const p = prerequisitesOf(repo);
    expect(p.resources.map((r) => [r.path, r.why])).toEqual([
      ["kustomize/a.yml", "found beside the helmfile at the repository root"],
      ["kustomize/b.yaml.tpl", "found beside the helmfile at the repository root"],
      ["resources.yml", "found beside the helmfile at the repository root"],
    ]);
  });
});

describe("what bootstrap resources are read as", () => {
  const k = (body: string, kind = "Kustomization") =>
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: ${kind}\n${body}`;

  test("detected ones say the folder they were found in; a Component folder and other files are left out", () => {
    const p = prerequisites({
      "bootstrap/kustomize/secrets/kustomization.yml": k("resources: [s.yaml]\n"),
      "bootstrap/kustomize/secrets/s.yaml": secret("s", "external-secrets"),
      "bootstrap/kustomize/shared/kustomization.yaml": k("resources: [n.yaml]\n", "Component"),
      "bootstrap/kustomize/shared/n.yaml": secret("n", "x"),
      "bootstrap/kustomize/old.yaml.bak": secret("old", "x"),
    });
    expect(p.resources.map((r) => [r.path, r.why])).toEqual([
      ["bootstrap/kustomize/secrets", "found in the bootstrap folder bootstrap"],
    ]);
  });

  test("without a bootstrap helmfile nothing is detected", () => {
    const p = prerequisitesOf(
      makeRepo({ "kustomize/a.yaml": secret("a", "x"), "resources.yaml": secret("b", "x") }),
    );
    expect([p.resources, p.findings]).toEqual([[], []]);
  });

  test("paths named in a kubestrap.yaml elsewhere, written with slashes, and a folder without kustomization", () => {
    const config = {
      ...DEFAULT_CONFIG,
      bootstrap: {
        ...DEFAULT_CONFIG.bootstrap,
        resources: [{ path: "/one.yaml" }, { path: ".//plain//" }, { path: "../outside.yaml" }],
      },
    };
    const p = prerequisitesOf(
      makeRepo({
        ...bootstrapFiles({ releases }),
        "one.yaml": secret("one", "x"),
        "plain/a.yaml": secret("a", "x"),
        "plain/nested/b.yaml": secret("b", "x"),
      }),
      config,
      "clusters/main/kubestrap.yaml",
    );
    expect(p.resources.map((r) => [r.path, r.type, r.why, r.objects.length])).toEqual([
      ["one.yaml", "file", "named in clusters/main/kubestrap.yaml", 1],
      ["plain", "kustomize", "named in clusters/main/kubestrap.yaml", 2],
    ]);
    expect(p.resources.map((r) => ["inject" in r, "namespace" in r])).toEqual([
      [false, false],
      [false, false],
    ]);
    expect(p.findings.map((f) => [f.ruleId, f.severity, f.message])).toEqual([
      [
        "path-missing",
        "error",
        "bootstrap resources ../outside.yaml (named in clusters/main/kubestrap.yaml) do not exist in the repository",
      ],
    ]);
    expect(
      prerequisitesOf(makeRepo({ ...bootstrapFiles({ releases }), "one.yaml": secret("one", "x") }), config)
        .resources[0]?.why,
    ).toBe("named in kubestrap.yaml");
  });

  test("a file's objects are its documents with a kind; one SOPS document marks the file and a tree", () => {
    const sopsSecret = `${secret("enc", "x")}sops:\n  mac: x\n`;
    const p = withConfig(
      {
        "r.yaml": `${secret("a", "x")}---\njust: data\n---\n${sopsSecret}`,
        "broken.yaml": "a: [unclosed\n",
        "tree/kustomization.yaml": k("resources: [a.yaml, enc.yaml]\n"),
        "tree/a.yaml": secret("plain", "x"),
        "tree/enc.yaml": sopsSecret,
      },
      { resources: [{ path: "r.yaml" }, { path: "broken.yaml" }, { path: "tree" }] },
    );
    expect(p.resources.map((r) => [r.path, r.objects.length, r.sops])).toEqual([
      ["r.yaml", 2, true],
      ["broken.yaml", 0, false],
      ["tree", 2, true],
    ]);
  });

  test("the secret-unresolved message says what to set", () => {
    const p = withConfig(
      { "s.yaml": secret("token", "x").replace("plain", "op://vault/item/field") },
      { resources: [{ path: "s.yaml" }] },
    );
    expect(p.findings.map((f) => [f.severity, f.message])).toEqual([
      [
        "error",
        "s.yaml holds secret references or templates (op://, {{ }}) and no injector is configured: set secrets.inject in kubestrap.yaml (e.g. command: op, args: [inject])",
      ],
    ]);
  });

  test("a resource is described by its tree or its file name", () => {
    const p = withConfig(
      { "tree/kustomization.yaml": k("resources: []\n"), "files/r.yaml": secret("a", "x") },
      { resources: [{ path: "tree" }, { path: "files/r.yaml" }] },
    );
    expect(p.resources.map(describeSource)).toEqual(["kustomize tree", "r.yaml"]);
  });
});

describe("namespace needs, case by case", () => {
  test("one reason per cause; a nameless Namespace is no need; Flux's first manifest of a name wins", () => {
    const p = withConfig(
      {
        "r.yaml": [
          secret("a", "shared"),
          secret("b", "shared"),
          "apiVersion: v1\nkind: Namespace\nmetadata: {labels: {x: y}}\n",
          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\n",
        ].join("---\n"),
        "kubernetes/apps/kustomization.yaml":
          "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./one.yaml\n  - ./two.yaml\n  - ./external-secrets/external-secrets/app\n",
        "kubernetes/apps/one.yaml":
          "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shared\n  labels: {}\n  annotations: {first: yes}\n",
        "kubernetes/apps/two.yaml":
          "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shared\n  labels: {second: yes}\n---\napiVersion: example.com/v1\nkind: Namespace\nmetadata:\n  name: external-secrets\n  labels: {not: core}\n",
      },
      { resources: [{ path: "r.yaml", namespace: "fallback" }] },
    );
    expect(p.namespaces.map((n) => [n.name, n.object, n.why, n.location])).toEqual([
      [
        "external-secrets",
        { apiVersion: "v1", kind: "Namespace", metadata: { name: "external-secrets" } },
        ["release external-secrets/external-secrets"],
        undefined,
      ],
      [
        "fallback",
        { apiVersion: "v1", kind: "Namespace", metadata: { name: "fallback" } },
        ["resources in r.yaml"],
        undefined,
      ],
      [
        "shared",
        { apiVersion: "v1", kind: "Namespace", metadata: { name: "shared", annotations: { first: "yes" } } },
        ["resources in r.yaml"],
        { file: "kubernetes/apps/one.yaml", line: 1 },
      ],
    ]);
  });
});
