import { describe, expect, it } from "vitest";
import { lint } from "../../src/analysis/lint.ts";
import { Repository } from "../../src/load/repository.ts";
import { findBootstrapHelmfiles, loadBootstrap } from "../../src/model/bootstrap.ts";
import { makeRepo } from "../helpers.ts";

const OCI = (name: string, tag: string) =>
  `apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: ${name}}\nspec:\n  url: oci://r.example/charts/${name}\n  ref: {tag: ${tag}}\n`;

const load = (files: Record<string, string>) => Repository.load(makeRepo(files));
const ids = (b: ReturnType<typeof loadBootstrap>) =>
  b.releases.map((r) => `${r.phase}:${r.namespace}/${r.name}`);

describe("the bootstrap helmfiles are found wherever they live", () => {
  const release =
    "releases:\n  - name: cilium\n    namespace: kube-system\n    chart: oci://r.example/charts/cilium\n";

  it.each([
    ["kubernetes/bootstrap/helmfile.d/01-apps.yaml", "releases"],
    ["setup/bootstrap/helmfile.yaml", "releases"],
    ["bootstrap/helmfile.yaml.gotmpl", "releases"],
    ["kubernetes/bootstrap/helmfile/apps.yaml", "releases"],
    ["bootstrap/crds/00-crds.yaml", "crds"],
  ])("%s", (path, phase) => {
    const repo = load({ [path]: release });
    expect(findBootstrapHelmfiles(repo)).toEqual([path]);
    expect(ids(loadBootstrap(repo))).toEqual([`${phase}:kube-system/cilium`]);
  });

  it("a base that only holds templates is read through the helmfile that names it, not as one", () => {
    const repo = load({
      "bootstrap/helmfile/default.yaml": "templates:\n  default:\n    namespace: x\n",
      "bootstrap/helmfile/apps.yaml": `bases: [default.yaml]\n${release}`,
    });
    expect(findBootstrapHelmfiles(repo)).toEqual(["bootstrap/helmfile/apps.yaml"]);
  });

  it("helmfiles under a bootstrap folder win over others; chart templates/ are never searched", () => {
    const repo = load({
      "bootstrap/helmfile.yaml": release,
      "tools/helmfile.yaml": release,
      "charts/x/templates/helmfile.yaml": release,
    });
    expect(findBootstrapHelmfiles(repo)).toEqual(["bootstrap/helmfile.yaml"]);
    expect(findBootstrapHelmfiles(load({ "tools/helmfile.yaml": release }))).toEqual(["tools/helmfile.yaml"]);
  });

  it("outside a bootstrap folder only helmfile names count, and only files that declare releases or helmfiles", () => {
    const other = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n";
    const repo = load({
      "a/helmfile.yml": release,
      "b/helmfile.d/apps.yaml.gotmpl": release,
      "c/helmfile/apps.yml": release,
      "d/helmfile.yaml": "helmfiles:\n  - ../a/helmfile.yml\n",
      "e/helmfile.yaml": other,
      "f/not-a-helmfile.yaml": release,
      "g/helmfile.yaml.bak": release,
      "h/helmfile.d/nested/deeper.yaml": release,
      "i/my-helmfile.yaml": release,
    });
    expect(findBootstrapHelmfiles(repo)).toEqual([
      "a/helmfile.yml",
      "b/helmfile.d/apps.yaml.gotmpl",
      "c/helmfile/apps.yml",
      "d/helmfile.yaml",
    ]);
  });

  it.each([
    ["bootstrap/helmfile.d/01-apps.yaml", "bootstrap/helmfile.d", "bootstrap"],
    ["infra/helmfile/apps.yaml", "infra/helmfile", "infra"],
    ["helmfile.yaml", ".", ""],
    ["helmfile.d/apps.yaml", "helmfile.d", ""],
    ["setup/bootstrap/helmfile.yaml", "setup/bootstrap", "setup/bootstrap"],
  ])("%s: the helmfiles' folder is %s, the bootstrap folder %j", (path, dir, root) => {
    const b = loadBootstrap(load({ [path]: release }));
    expect([b.helmfiles, b.dir, b.root]).toEqual([[path], dir, root]);
  });

  it("a file with crds in its path is the CRD phase", () => {
    const repo = load({
      "bootstrap/helmfile.d/00-crds.yaml": release.replace("cilium", "prometheus-operator-crds"),
      "bootstrap/helmfile.d/01-apps.yaml": release,
    });
    expect(ids(loadBootstrap(repo))).toEqual([
      "crds:kube-system/prometheus-operator-crds",
      "releases:kube-system/cilium",
    ]);
  });
});

describe("bootstrap releases as helmfile resolves them", () => {
  it("keeps values files of a literal chart (crds.enabled is not lost)", () => {
    const repo = load({
      "bootstrap/helmfile.yaml": [
        "releases:",
        "  - name: cert-manager",
        "    namespace: cert-manager",
        "    chart: oci://quay.io/jetstack/charts/cert-manager",
        "    version: v1.21.1",
        "    values: [values.yaml.gotmpl]",
        "",
      ].join("\n"),
      "bootstrap/values.yaml.gotmpl": 'crds:\n  enabled: {{ eq .Release.Name "cert-manager" }}\n',
    });
    const [br] = loadBootstrap(repo).releases;
    expect(br?.values).toEqual({ crds: { enabled: true } });
    expect(br?.chart).toEqual({
      name: "cert-manager",
      url: "oci://quay.io/jetstack/charts/cert-manager",
      version: "v1.21.1",
    });
    expect(br?.chartFrom).toBeUndefined();
  });

  it("records the Flux file a chart template read its chart from", () => {
    const repo = load({
      "bootstrap/helmfile.yaml":
        "releases:\n  - name: cilium\n    namespace: kube-system\n    chart: '{{ (readFile \"../apps/cilium/oci.yaml\" | fromYaml).spec.url }}'\n",
      "apps/cilium/oci.yaml": OCI("cilium", "1.20.1"),
    });
    expect(loadBootstrap(repo).releases[0]?.chartFrom).toBe("apps/cilium/oci.yaml");
  });

  it("leaves out releases helmfile would not install", () => {
    const repo = load({
      "bootstrap/helmfile.yaml":
        "releases:\n  - name: a\n    chart: ./c\n    installed: false\n  - name: b\n    chart: ./c\n",
    });
    expect(ids(loadBootstrap(repo))).toEqual(["releases:default/b"]);
  });

  describe("environments", () => {
    const repo = () =>
      load({
        "bootstrap/helmfile.yaml.gotmpl": [
          "environments:",
          "  default: {values: [{storage: false}]}",
          "  infra: {values: [{storage: true}]}",
          "---",
          "releases:",
          "  - name: cilium",
          "    namespace: kube-system",
          "    chart: oci://r.example/charts/cilium",
          "  - name: rook-ceph",
          "    namespace: rook-ceph",
          "    chart: oci://r.example/charts/rook-ceph",
          "    installed: {{ .Values.storage }}",
          "",
        ].join("\n"),
        "clusters/infra/flux-system/kustomization.yaml": "resources: []\n",
        "clusters/apps/flux-system/kustomization.yaml": "resources: []\n",
      });

    it("--environment selects one", () => {
      expect(ids(loadBootstrap(repo(), undefined, { environment: "infra" }))).toContain(
        "releases:rook-ceph/rook-ceph",
      );
      expect(ids(loadBootstrap(repo()))).toEqual(["releases:kube-system/cilium"]);
    });

    it("--cluster selects the environment of the same name, or default when the helmfile has none", () => {
      expect(ids(loadBootstrap(repo(), undefined, { cluster: "infra" }))).toHaveLength(2);
      expect(ids(loadBootstrap(repo(), undefined, { cluster: "apps" }))).toEqual([
        "releases:kube-system/cilium",
      ]);
    });
  });
});

describe("helmfiles kubestrap cannot read", () => {
  it("an unset environment variable is bootstrap-unresolved, at the release, with how to fix it", () => {
    const root = makeRepo({
      "bootstrap/helmfile.yaml":
        "releases:\n  - name: a\n    chart: ./c\n  - name: b\n    namespace: '{{ requiredEnv \"KUBESTRAP_TEST_UNSET\" }}'\n    chart: ./c\n",
    });
    const result = lint({ repo: root });
    const finding = result.findings.find((f) => f.ruleId === "bootstrap-unresolved");
    expect(finding).toMatchObject({
      severity: "warning",
      location: { file: "bootstrap/helmfile.yaml", line: 4 },
      message: expect.stringContaining("required env var `KUBESTRAP_TEST_UNSET` is not set"),
      fix: expect.stringContaining("environment variables"),
    });
    expect(result.inventory.bootstrap).toMatchObject({ helmfiles: 1, unread: 1, releases: 0 });
  });

  it("a template error is helmfile-invalid with the file and line", () => {
    const root = makeRepo({
      "bootstrap/helmfile.yaml.gotmpl":
        "releases:\n  - name: a\n    chart: ./c\n    namespace: {{ .Values.nope }}\n",
    });
    expect(lint({ repo: root }).findings.filter((f) => f.ruleId === "helmfile-invalid")).toEqual([
      expect.objectContaining({
        severity: "error",
        location: { file: "bootstrap/helmfile.yaml.gotmpl", line: 4 },
        message: expect.stringContaining('map has no entry for key "nope"'),
      }),
    ]);
  });

  it("an error in a later part of a .gotmpl file is at its line in the file", () => {
    const root = makeRepo({
      "bootstrap/helmfile.yaml.gotmpl":
        "environments:\n  default: {values: [{a: 1}]}\n---\nreleases:\n  - name: x\n    chart: ./c\n    namespace: {{ .Values.b }}\n",
    });
    expect(lint({ repo: root }).findings.find((f) => f.ruleId === "helmfile-invalid")?.location).toEqual({
      file: "bootstrap/helmfile.yaml.gotmpl",
      line: 7,
    });
  });

  it("a helmfile that reads outside the repository is refused", () => {
    const root = makeRepo({
      "bootstrap/helmfile.yaml.gotmpl": '{{ readFile "../../etc/passwd" }}\nreleases: []\n',
    });
    expect(lint({ repo: root }).findings.map((f) => f.ruleId)).toContain("helmfile-invalid");
  });
});

describe("CRDs the bootstrap's hooks apply", () => {
  const helmfile = (args: string) =>
    [
      "releases:",
      "  - name: widget-operator",
      "    namespace: widgets",
      "    chart: oci://r.example/charts/widget-operator",
      "    hooks:",
      "      - events: [postsync]",
      "        command: kubectl",
      `        args: ${args}`,
      "",
    ].join("\n");
  const consumer = {
    "kubernetes/flux/cluster/ks.yaml":
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\nspec:\n  path: ./apps\n  sourceRef: {kind: GitRepository, name: flux-system}\n  interval: 10m\n  prune: true\n",
    "apps/w.yaml":
      "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: default}\nspec: {}\n",
    "apps/route.yaml":
      "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: default}\nspec: {}\n",
  };

  it("a local CRD file (templated path) and a release manifest by URL are provided by the bootstrap", () => {
    const root = makeRepo({
      ...consumer,
      "bootstrap/helmfile.yaml": helmfile(
        "[apply, --server-side, '--filename=../crds/{{ .Release.Name }}.yaml', -f, https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.3.0/standard-install.yaml]",
      ),
      "crds/widget-operator.yaml":
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions: [{name: v1, served: true, storage: true}]\n",
    });
    const result = lint({ repo: root });
    expect(result.findings.filter((f) => f.severity !== "info")).toEqual([]);
    expect(result.crds.verdicts.map((v) => [v.groupKind, v.verdict, v.provider?.label])).toEqual([
      [
        "gateway.networking.k8s.io/HTTPRoute",
        "ok",
        "bootstrap release widgets/widget-operator (its hook applies https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.3.0/standard-install.yaml)",
      ],
      [
        "example.com/Widget",
        "ok",
        "bootstrap release widgets/widget-operator (its hook applies crds/widget-operator.yaml)",
      ],
    ]);
  });

  it("a hook that only waits for CRDs provides none", () => {
    const root = makeRepo({
      ...consumer,
      "bootstrap/helmfile.yaml": helmfile("[wait, --for=create, crd/widgets.example.com]"),
    });
    expect(lint({ repo: root }).crds.verdicts.map((v) => v.verdict)).not.toContain("ok");
  });
});

describe("kubestrap.yaml for bootstraps without helmfile", () => {
  const consumer = {
    "kubernetes/flux/cluster/ks.yaml":
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\nspec:\n  path: ./apps\n  sourceRef: {kind: GitRepository, name: flux-system}\n  interval: 10m\n  prune: true\n",
    "apps/cert.yaml":
      "apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: letsencrypt}\nspec: {}\n",
  };

  it("declared releases are the bootstrap's, and provide their CRDs to lint", () => {
    const root = makeRepo({
      ...consumer,
      "kubestrap.yaml": [
        "bootstrap:",
        "  releases:",
        "    - name: cert-manager",
        "      namespace: cert-manager",
        "      chart: oci://quay.io/jetstack/charts/cert-manager",
        "      version: v1.21.1",
        "      values: {crds: {enabled: true}}",
        "",
      ].join("\n"),
    });
    const result = lint({ repo: root });
    expect(result.findings).toEqual([]);
    expect(
      result.bootstrap.releases.map((r) => [r.namespace, r.name, r.chart?.url, r.location.line]),
    ).toEqual([["cert-manager", "cert-manager", "oci://quay.io/jetstack/charts/cert-manager", 3]]);
  });

  it("a declared release of a helm repository, its phase, needs qualified by its namespace, and values", () => {
    const root = makeRepo({
      ...consumer,
      "kubestrap.yaml": [
        "bootstrap:",
        "  releases:",
        "    - name: cilium",
        "      namespace: kube-system",
        "      chart: cilium",
        "      repo: https://helm.cilium.io",
        "      version: 1.18.2",
        "    - name: gateway-crds",
        "      namespace: kube-system",
        "      phase: crds",
        "      chart: oci://ghcr.io/example/gateway-crds",
        "      needs: [cilium, flux-system/operator]",
        "      values: {a: 1}",
        "",
      ].join("\n"),
    });
    const releases = lint({ repo: root }).bootstrap.releases;
    expect(
      releases.map((r) => [r.phase, r.name, r.chart, r.needs, r.values, r.location.line, r.hooks, r.helm]),
    ).toEqual([
      [
        "releases",
        "cilium",
        { name: "cilium", url: "https://helm.cilium.io", version: "1.18.2" },
        [],
        {},
        3,
        [],
        {},
      ],
      [
        "crds",
        "gateway-crds",
        { name: "gateway-crds", url: "oci://ghcr.io/example/gateway-crds" },
        ["kube-system/cilium", "flux-system/operator"],
        { a: 1 },
        8,
        [],
        {},
      ],
    ]);
  });

  it("a helmfile kubestrap.yaml names that does not exist is a missing path", () => {
    const root = makeRepo({
      ...consumer,
      "kubestrap.yaml": "bootstrap:\n  helmfiles: [bootstrap/helmfile.yaml, ./gone/]\n",
      "bootstrap/helmfile.yaml":
        "releases:\n  - name: a\n    namespace: x\n    chart: oci://r.example/charts/a\n",
    });
    const result = lint({ repo: root });
    expect(result.bootstrap.releases.map((r) => r.name)).toEqual(["a"]);
    expect(result.findings.filter((f) => f.ruleId === "path-missing").map((f) => f.message)).toEqual([
      "bootstrap helmfile ./gone/ named in kubestrap.yaml does not exist in the repository",
    ]);
  });

  it("bootstrap.env gives the helmfiles the variables their templates require", () => {
    const root = makeRepo({
      "bootstrap/helmfile.yaml.gotmpl":
        'releases:\n  - name: cilium\n    namespace: {{ requiredEnv "KUBESTRAP_TEST_NS" }}\n    chart: oci://r.example/charts/cilium\n',
      "kubestrap.yaml": "bootstrap:\n  env: {KUBESTRAP_TEST_NS: kube-system}\n",
    });
    expect(lint({ repo: root }).bootstrap.releases.map((r) => `${r.namespace}/${r.name}`)).toEqual([
      "kube-system/cilium",
    ]);
  });

  it("an invalid kubestrap.yaml is config-invalid in lint, at the field", () => {
    const root = makeRepo({
      "kubestrap.yaml": "bootstrap:\n  releases:\n    - name: Bad_Name\n      namespace: x\n      chart: c\n",
    });
    const findings = lint({ repo: root }).findings.filter((f) => f.ruleId !== "entry-point");
    expect(findings.map((f) => [f.ruleId, f.location?.line])).toEqual([["config-invalid", 3]]);
  });
});

describe("bootstrap release charts and flags", () => {
  it("reads a chart as OCI, a repository's chart (index or OCI), a local folder or a bare name", () => {
    const repo = load({
      "charts/local/Chart.yaml": "apiVersion: v2\nname: local\nversion: 0.1.0\n",
      "bootstrap/helmfile.yaml": [
        "repositories:",
        "  - {name: jetstack, url: https://charts.jetstack.io}",
        "  - {name: ghcr, url: ghcr.io/org/charts, oci: true}",
        "releases:",
        "  - {name: a, namespace: x, chart: oci://r.example/charts/a}",
        "  - {name: b, namespace: x, chart: jetstack/cert-manager}",
        "  - {name: c, namespace: x, chart: ghcr/app}",
        "  - {name: d, namespace: x, chart: ../charts/local}",
        "  - {name: e, namespace: x, chart: ../charts/missing}",
        "  - {name: f, namespace: x, chart: unknown/thing}",
        "  - {name: g, namespace: x, chart: bare}",
        "",
      ].join("\n"),
    });
    const charts = Object.fromEntries(loadBootstrap(repo).releases.map((r) => [r.name, r.chart]));
    expect(charts).toEqual({
      a: { name: "a", url: "oci://r.example/charts/a" },
      b: { name: "cert-manager", url: "https://charts.jetstack.io" },
      c: { name: "app", url: "oci://ghcr.io/org/charts/app" },
      d: { name: "local", localPath: "charts/local" },
      e: { name: "missing" },
      f: { name: "thing" },
      g: { name: "bare" },
    });
  });

  it("qualifies needs by namespace, and passes only helm upgrade's flags of the release phase", () => {
    const repo = load({
      "bootstrap/helmfile.yaml": [
        "releases:",
        "  - name: a",
        "    namespace: x",
        "    chart: oci://r.example/a",
        "    needs: [b, other/c, ctx/other/d]",
        "    cleanupOnFail: true",
        "    forceConflicts: false",
        "    timeout: 600",
        "    args: [--wait-for-jobs, 3]",
        "  - {name: b, namespace: x, chart: oci://r.example/b, timeout: '60'}",
        "",
      ].join("\n"),
    });
    const [a, b] = loadBootstrap(repo).releases;
    expect(a?.needs).toEqual(["x/b", "other/c", "other/d"]);
    expect(a?.helm).toEqual({
      cleanupOnFail: true,
      forceConflicts: false,
      timeout: 600,
      args: ["--wait-for-jobs", "3"],
    });
    expect(b?.helm).toEqual({});
  });
});

describe("bootstrap helmfiles, the edges of the search", () => {
  const release = "releases:\n  - {name: a, namespace: x, chart: oci://r.example/a}\n";

  it("any YAML name below bootstrap/, but not backups, root templates/ or nested releases keys", () => {
    const repo = load({
      "bootstrap/apps.yml": release,
      "bootstrap/old.yaml.bak": release,
      "bootstrap/values.yaml": `config:\n  ${release.replace("\n  -", "\n    -")}`,
      "templates/helmfile.yaml": release,
    });
    expect(findBootstrapHelmfiles(repo)).toEqual(["bootstrap/apps.yml"]);
    expect(findBootstrapHelmfiles(load({ "templates/helmfile.yaml": release }))).toEqual([]);
  });

  it("a folder below bootstrap/ whose name starts like helmfile is the bootstrap folder itself", () => {
    const b = loadBootstrap(load({ "bootstrap/helmfile-core/apps.yaml": release }));
    expect([b.dir, b.root]).toEqual(["bootstrap/helmfile-core", "bootstrap/helmfile-core"]);
  });

  it("helmfiles kubestrap.yaml names, written with ./ or /, a folder, and ones that do not exist", () => {
    const repo = load({ "setup/helmfile.yaml": release, "other/helmfile.d/b.yaml": release });
    const b = loadBootstrap(repo, [
      "./setup/helmfile.yaml",
      "/other/helmfile.d",
      "../../elsewhere.yaml",
      "nope.yaml",
    ]);
    expect(b.helmfiles).toEqual(["setup/helmfile.yaml", "other/helmfile.d/b.yaml"]);
    expect(b.findings.map((f) => [f.ruleId, f.severity, f.message])).toEqual([
      [
        "path-missing",
        "error",
        "bootstrap helmfile ../../elsewhere.yaml named in kubestrap.yaml does not exist in the repository",
      ],
      [
        "path-missing",
        "error",
        "bootstrap helmfile nope.yaml named in kubestrap.yaml does not exist in the repository",
      ],
    ]);
    expect(loadBootstrap(repo, [])).toStrictEqual({ helmfiles: [], unread: [], releases: [], findings: [] });
  });

  it("a plain helmfile that is not YAML is the repository's yaml-syntax finding, not the bootstrap's too", () => {
    const repo = load({ "bootstrap/helmfile.yaml": "releases:\n  - name: [unclosed\n" });
    expect(repo.findings.map((f) => [f.ruleId, f.location?.file])).toEqual([
      ["yaml-syntax", "bootstrap/helmfile.yaml"],
    ]);
    expect(loadBootstrap(repo, ["bootstrap/helmfile.yaml"]).findings).toEqual([]);
  });
});

describe("bootstrap releases, field by field", () => {
  it("sets a chart version, flags and chartFrom only when the helmfile has them", () => {
    const repo = load({
      "charts/here/Chart.yaml": "apiVersion: v2\nname: here\nversion: 0.1.0\n",
      "flux/sources.yaml": `${OCI("b", "1.0.0")}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n`,
      // Plain YAML: its release fields are templates of their own, whose reads are recorded.
      "bootstrap/helmfile.yaml": [
        "releases:",
        "  - name: a",
        "    namespace: x",
        "    chart: ./local",
        "    cleanupOnFail: 'yes'",
        "    args: [--atomic, {a: 1}]",
        "  - name: b",
        "    namespace: x",
        "    chart: '{{ (readFile \"../flux/sources.yaml\" | fromYaml).spec.url }}'",
        "    version: 1.0.0",
        "  - {name: c, namespace: x, chart: ../../../outside}",
        "  - {name: d, namespace: x, chart: ../charts/here}",
        "",
      ].join("\n"),
    });
    const [a, b, c, d] = loadBootstrap(repo).releases;
    expect([a?.chart, a?.helm, a?.dir, "chartFrom" in (a ?? {})]).toStrictEqual([
      { name: "local" },
      { args: ["--atomic"] },
      "bootstrap",
      false,
    ]);
    expect([b?.chart, b?.chartFrom]).toStrictEqual([
      { name: "b", url: "oci://r.example/charts/b", version: "1.0.0" },
      "flux/sources.yaml",
    ]);
    expect([c?.chart, d?.chart]).toStrictEqual([
      { name: "outside" },
      { name: "here", localPath: "charts/here" },
    ]);
  });
});
