import { beforeEach, describe, expect, test } from "vitest";
import { loadPlan } from "../../src/app/plan.ts";
import type { PlanStep } from "../../src/plan/plan.ts";
import { bootstrapRepo, type ReleaseSpec } from "../bootstrap-repo.ts";
import { makeRepo } from "../helpers.ts";

const release = (name: string, namespace: string, extra: Partial<ReleaseSpec> = {}): ReleaseSpec => ({
  name,
  namespace,
  chart: `oci://registry.example/charts/${name}`,
  ...extra,
});

const ids = (steps: PlanStep[]) => steps.map((s) => s.id);
const step = (steps: PlanStep[], id: string) => steps.find((s) => s.id === id) as PlanStep;

describe("the bootstrap plan", () => {
  const repo = bootstrapRepo({
    crdReleases: [release("kube-prometheus-stack", "observability")],
    releases: [
      release("cilium", "kube-system"),
      release("coredns", "kube-system", { needs: ["kube-system/cilium"] }),
      release("cert-manager", "cert-manager", {
        needs: ["kube-system/coredns"],
        values: "crds:\n  enabled: true",
      }),
      release("spegel", "kube-system", { needs: ["cilium"] }),
    ],
    files: {
      "bootstrap/kustomize/kustomization.yaml":
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: external-secrets\nresources:\n  - ./settings.yaml\n",
      "bootstrap/kustomize/settings.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster-settings\ndata:\n  CLUSTER: home\n",
    },
  });
  // Loaded before each test, not while collecting: a mutation run credits a test only with what runs in it.
  let plan: ReturnType<typeof loadPlan>["plan"];
  beforeEach(() => {
    plan = loadPlan({ repo }).plan;
  });

  test("lists the phases in order, each step with what it does", () => {
    expect(ids(plan.steps)).toEqual([
      "preflight/api-ready",
      "preflight/identity",
      "preflight/nodes",
      "preflight/helm",
      "prerequisites/namespaces",
      "prerequisites/bootstrap/kustomize",
      "crds/crds",
      "releases/kube-system/cilium",
      "releases/kube-system/coredns",
      "releases/cert-manager/cert-manager",
      "releases/kube-system/spegel",
      "handoff/flux",
    ]);
    expect(plan.findings).toEqual([]);
    expect(plan.cluster).toBe("default");
  });

  test("creates the namespaces of the releases and of the bootstrap resources, not those of the CRD phase", () => {
    const ns = step(plan.steps, "prerequisites/namespaces");
    expect(ns.kind === "namespaces" && ns.namespaces.map((n) => n.name)).toEqual([
      "cert-manager",
      "external-secrets",
      "kube-system",
    ]);
  });

  test("orders releases by needs (qualified or not) and runs independent ones side by side", () => {
    expect(step(plan.steps, "releases/kube-system/coredns").needs).toContain("releases/kube-system/cilium");
    expect(step(plan.steps, "releases/kube-system/spegel").needs).toContain("releases/kube-system/cilium");
    expect(step(plan.steps, "releases/kube-system/spegel").needs).not.toContain(
      "releases/kube-system/coredns",
    );
    // Every release waits for the prerequisites; for the CRD phase only when its chart needs it (a gate, decided
    // once the charts are rendered), so that a CNI starts while the CRDs are still being applied.
    for (const r of plan.steps.filter((s) => s.phase === "releases")) {
      expect(r.needs).toContain("prerequisites/bootstrap/kustomize");
      expect(r.needs).not.toContain("crds/crds");
      expect(r.kind === "release" && r.crdGate).toBe("crds/crds");
    }
    expect(step(plan.steps, "handoff/flux").needs).toContain("crds/crds");
  });

  test("renders the CRDs of every bootstrap chart, with the CRD switches on, and says why", () => {
    const crds = step(plan.steps, "crds/crds");
    expect(crds.kind === "crds" && crds.releases.map((r) => r.id)).toEqual([
      "observability/kube-prometheus-stack",
      "kube-system/cilium",
      "kube-system/coredns",
      "cert-manager/cert-manager",
      "kube-system/spegel",
    ]);
    expect(crds.why).toContain("observability/kube-prometheus-stack");
  });

  test("installs each release with the values Flux would use, and points at its helmfile line", () => {
    const cm = step(plan.steps, "releases/cert-manager/cert-manager");
    expect(cm.kind === "release" && cm.release.values).toEqual({ crds: { enabled: true } });
    expect(cm.why).toBe(
      "bootstrap/helmfile.d/01-apps.yaml:12, needs kube-system/coredns; after the CRD phase if its chart ships or uses its CRDs",
    );
    expect(cm.title).toBe(
      "helm upgrade --install cert-manager/cert-manager (oci://registry.example/charts/cert-manager:1.0.0)",
    );
  });

  test("a step's hash changes with its inputs and with nothing else", () => {
    const again = loadPlan({ repo }).plan;
    expect(again.steps.map((s) => s.hash)).toEqual(plan.steps.map((s) => s.hash));
    const changed = loadPlan({
      repo: bootstrapRepo({
        crdReleases: [release("kube-prometheus-stack", "observability")],
        releases: [
          release("cilium", "kube-system", { values: "ipam:\n  mode: kubernetes" }),
          release("coredns", "kube-system", { needs: ["kube-system/cilium"] }),
          release("cert-manager", "cert-manager", {
            needs: ["kube-system/coredns"],
            values: "crds:\n  enabled: true",
          }),
          release("spegel", "kube-system", { needs: ["cilium"] }),
        ],
      }),
    }).plan;
    const hash = (p: typeof plan, id: string) => step(p.steps, id).hash;
    expect(hash(changed, "releases/kube-system/cilium")).not.toBe(hash(plan, "releases/kube-system/cilium"));
    expect(hash(changed, "releases/kube-system/coredns")).toBe(hash(plan, "releases/kube-system/coredns"));
    // The CRD phase renders cilium with its new values too.
    expect(hash(changed, "crds/crds")).not.toBe(hash(plan, "crds/crds"));
  });

  test("pulling charts over plain HTTP changes no hash: it is transport, not content", () => {
    const plain = loadPlan({ repo, plainHttp: true }).plan;
    expect(plain.steps.map((s) => s.hash)).toEqual(plan.steps.map((s) => s.hash));
    const cilium = step(plain.steps, "releases/kube-system/cilium");
    expect(cilium.kind === "release" && cilium.release.chart).toMatchObject({ plainHttp: true });
  });

  test("a need on a release the helmfiles do not have is an error with the helmfile's line", () => {
    const broken = loadPlan({
      repo: bootstrapRepo({
        releases: [release("coredns", "kube-system", { needs: ["kube-system/cilium"] })],
      }),
    }).plan;
    expect(broken.findings).toEqual([
      expect.objectContaining({
        ruleId: "plan-invalid",
        message:
          "bootstrap release kube-system/coredns needs kube-system/cilium, which is not a release of the bootstrap helmfiles",
        location: { file: "bootstrap/helmfile.d/01-apps.yaml", line: 2 },
      }),
    ]);
  });

  test("a hook with a template kubestrap cannot evaluate stops the plan", () => {
    const broken = loadPlan({
      repo: bootstrapRepo({
        releases: [
          release("cilium", "kube-system", {
            hooks: "- events: [postsync]\n  command: kubectl\n  args: [apply, -f, '{{ .Values.file }}']",
          }),
        ],
      }),
    }).plan;
    expect(broken.findings.map((f) => f.ruleId)).toEqual(["hook-unsupported"]);
    expect(broken.findings[0]?.message).toContain("{{ .Values.file }}");
  });
});

describe("kubestrap.yaml in the plan", () => {
  test("before steps run in order ahead of preflight, and the cluster's settings are used", () => {
    const repo = bootstrapRepo({
      releases: [release("cilium", "kube-system")],
      config: `clusters:
  - name: home
    nodes: 3
    identity: 11111111-2222-3333-4444-555555555555
before:
  - name: apply-config
    command: talosctl
    args: [apply-config, --insecure]
    skipIf: { command: talosctl, args: [version] }
  - name: bootstrap
    command: talosctl
    args: [bootstrap]
    retries: 5
  - name: kubeconfig
    command: talosctl
    args: [kubeconfig, ./kubeconfig]
    creates: kubeconfig
journal:
  namespace: kubestrap-system
`,
    });
    const { plan, config, clusterConfig } = loadPlan({ repo });
    expect(plan.cluster).toBe("home");
    expect(clusterConfig?.nodes).toBe(3);
    expect(config.journal.namespace).toBe("kubestrap-system");
    expect(ids(plan.steps).slice(0, 3)).toEqual([
      "before/apply-config",
      "before/bootstrap",
      "before/kubeconfig",
    ]);
    expect(step(plan.steps, "before/bootstrap").needs).toEqual(["before/apply-config"]);
    expect(step(plan.steps, "preflight/api-ready").needs).toEqual(["before/kubeconfig"]);
    const nodes = step(plan.steps, "preflight/nodes");
    expect(nodes.kind === "preflight" && nodes.nodes).toBe(3);
    const identity = step(plan.steps, "preflight/identity");
    expect(identity.kind === "preflight" && identity.identity).toBe("11111111-2222-3333-4444-555555555555");
  });

  test("an invalid kubestrap.yaml is an error at the line of the field", () => {
    const repo = bootstrapRepo({
      releases: [release("cilium", "kube-system")],
      config: "clusters:\n  - name: Home_Cluster\nbefore:\n  - command: talosctl\n",
    });
    const findings = loadPlan({ repo }).plan.findings.map((f) => `${f.location?.line} ${f.message}`);
    expect(findings).toEqual([
      "2 kubestrap.yaml: clusters.0.name: lowercase letters, digits and dashes",
      "4 kubestrap.yaml: before.0.name: Invalid input: expected string, received undefined",
    ]);
  });

  test("--cluster must name a cluster of kubestrap.yaml when it lists several", () => {
    const repo = bootstrapRepo({
      releases: [release("cilium", "kube-system")],
      config: "clusters:\n  - name: infra\n  - name: apps\n",
    });
    expect(() => loadPlan({ repo })).toThrow(/several clusters \(infra, apps\): choose one with --cluster/);
    expect(() => loadPlan({ repo, cluster: "edge" })).toThrow(/cluster edge is not in kubestrap.yaml/);
    expect(loadPlan({ repo, cluster: "apps" }).plan.cluster).toBe("apps");
  });

  test("secret references without an injector are an error; with one, the step says how they are resolved", () => {
    const files = {
      "bootstrap/resources.yaml":
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: token\n  namespace: external-secrets\nstringData:\n  token: op://vault/item/token\n",
    };
    const without = loadPlan({
      repo: bootstrapRepo({ releases: [release("es", "external-secrets")], files }),
    });
    expect(without.plan.findings.map((f) => f.ruleId)).toEqual(["secret-unresolved"]);
    const withInjector = loadPlan({
      repo: bootstrapRepo({
        releases: [release("es", "external-secrets")],
        files,
        config: "secrets:\n  inject:\n    command: op\n    args: [inject]\n",
      }),
    });
    expect(withInjector.plan.findings).toEqual([]);
    expect(step(withInjector.plan.steps, "prerequisites/bootstrap/resources.yaml").title).toBe(
      "apply resources.yaml (secrets via op)",
    );
    expect(ids(withInjector.plan.steps)).toContain("preflight/injectors");
  });

  test("a bootstrap helmfile that does not parse is an error, not a plan without its releases", () => {
    const repo = bootstrapRepo({ releases: [release("cilium", "kube-system")] });
    const broken = loadPlan({
      repo: makeRepo({
        "bootstrap/helmfile.d/01-apps.yaml": "releases:\n  - name: x\n    args: [a, b\n  - name: y\n",
      }),
    }).plan;
    expect(broken.findings.map((f) => [f.ruleId, f.severity, f.location?.file])).toEqual([
      ["yaml-syntax", "error", "bootstrap/helmfile.d/01-apps.yaml"],
    ]);
    expect(loadPlan({ repo }).plan.findings).toEqual([]);
  });

  test("a repository without helmfiles plans only what it has", () => {
    const { plan } = loadPlan({ repo: makeRepo({ "README.md": "nothing here\n" }) });
    expect(ids(plan.steps)).toEqual([
      "preflight/api-ready",
      "preflight/identity",
      "preflight/nodes",
      "preflight/helm",
      "handoff/flux",
    ]);
  });
});
