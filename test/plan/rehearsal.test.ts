import { describe, expect, test } from "vitest";
import { loadPlan } from "../../src/app/plan.ts";
import { rehearsalPlan } from "../../src/plan/rehearsal.ts";
import { bootstrapRepo } from "../bootstrap-repo.ts";

describe("rehearsalPlan", () => {
  const repo = bootstrapRepo({
    releases: [{ name: "cilium", namespace: "kube-system", chart: "oci://ghcr.io/example/cilium" }],
    config: `clusters:
  - name: home
    nodes: 3
    identity: 11111111-2222-3333-4444-555555555555
before:
  - name: apply-config
    command: talosctl
    args: [apply-config, --insecure]
  - name: kubeconfig
    command: talosctl
    args: [kubeconfig, ./kubeconfig]
`,
  });

  test("drops the before commands, which would touch the real machines, and what waited for them waits for nothing", () => {
    const { plan } = loadPlan({ repo });
    const rehearsal = rehearsalPlan(plan).plan;
    expect(rehearsal.steps.map((s) => s.id)).toEqual(
      plan.steps.filter((s) => s.phase !== "before").map((s) => s.id),
    );
    expect(rehearsal.steps.find((s) => s.id === "preflight/api-ready")?.needs).toEqual([]);
    expect(rehearsal.steps.every((s) => s.needs.every((n) => !n.startsWith("before/")))).toBe(true);
  });

  test("checks no pinned identity (the throwaway cluster is new), and keeps the rest of the plan as it is", () => {
    const { plan } = loadPlan({ repo });
    const rehearsal = rehearsalPlan(plan).plan;
    const identity = rehearsal.steps.find((s) => s.id === "preflight/identity");
    expect(identity?.kind === "preflight" && identity.identity).toBeUndefined();
    const nodes = rehearsal.steps.find((s) => s.id === "preflight/nodes");
    expect(nodes?.kind === "preflight" && nodes.nodes).toBe(3);
    expect(rehearsal.steps.find((s) => s.id === "releases/kube-system/cilium")).toEqual(
      plan.steps.find((s) => s.id === "releases/kube-system/cilium"),
    );
    // The plan it came from is unchanged.
    const original = plan.steps.find((s) => s.id === "preflight/identity");
    expect(original?.kind === "preflight" && original.identity).toBe("11111111-2222-3333-4444-555555555555");
  });

  const secretFiles = {
    "bootstrap/resources.yaml":
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: token\n  namespace: external-secrets\nstringData:\n  token: op://vault/item/token\n",
    "bootstrap/kustomize/plain/kustomization.yaml":
      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - cm.yaml\n",
    "bootstrap/kustomize/plain/cm.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: external-secrets\ndata:\n  a: b\n",
  };

  test("leaves out resources that need a secret, with their finding and their preflight; plain ones stay", () => {
    const withoutInjector = loadPlan({
      repo: bootstrapRepo({
        releases: [{ name: "es", namespace: "external-secrets", chart: "oci://ghcr.io/example/es" }],
        files: secretFiles,
      }),
    }).plan;
    expect(withoutInjector.findings.map((f) => f.ruleId)).toEqual(["secret-unresolved"]);
    const rehearsal = rehearsalPlan(withoutInjector);
    expect(rehearsal.plan.findings).toEqual([]);
    const ids = rehearsal.plan.steps.map((s) => s.id);
    expect(ids).not.toContain("prerequisites/bootstrap/resources.yaml");
    expect(ids).toContain("prerequisites/bootstrap/kustomize/plain");
    expect(rehearsal.notRehearsed).toEqual([
      {
        kind: "bootstrap resources",
        id: "bootstrap/resources.yaml",
        reason: "needs a secret (op:// references or templates), and a rehearsal holds none of yours",
        location: { file: "bootstrap/resources.yaml", line: 1 },
      },
    ]);
    const withInjector = loadPlan({
      repo: bootstrapRepo({
        releases: [{ name: "es", namespace: "external-secrets", chart: "oci://ghcr.io/example/es" }],
        files: secretFiles,
        config: "secrets:\n  inject:\n    command: op\n    args: [inject]\n",
      }),
    }).plan;
    expect(withInjector.steps.map((s) => s.id)).toContain("preflight/injectors");
    const injected = rehearsalPlan(withInjector);
    expect(injected.plan.steps.map((s) => s.id)).not.toContain("preflight/injectors");
    expect(injected.notRehearsed[0]?.reason).toMatch(/injected by op/);
    // Nothing waits for a step that is gone.
    const left = new Set(injected.plan.steps.map((s) => s.id));
    expect(injected.plan.steps.flatMap((s) => s.needs).filter((n) => !left.has(n))).toEqual([]);
  });

  test("leaves out releases whose chart cannot be fetched, their part of the CRD phase, and the handoff", () => {
    const fetchRepo = bootstrapRepo({
      releases: [
        { name: "cilium", namespace: "kube-system", chart: "oci://ghcr.io/example/cilium" },
        {
          name: "coredns",
          namespace: "kube-system",
          chart: "oci://ghcr.io/example/coredns",
          needs: ["kube-system/cilium"],
        },
      ],
      crdReleases: [
        { name: "gateway-crds", namespace: "kube-system", chart: "oci://ghcr.io/example/gateway-crds" },
        { name: "prom-crds", namespace: "observability", chart: "oci://ghcr.io/example/prom-crds" },
      ],
    });
    const { plan } = loadPlan({ repo: fetchRepo });
    expect(plan.steps.map((s) => s.id)).toContain("handoff/flux");
    const unfetchable = new Map([
      ["kube-system/cilium", "no such host ghcr.io"],
      ["observability/prom-crds", "no such host ghcr.io"],
    ]);
    const rehearsal = rehearsalPlan(plan, unfetchable);
    const ids = rehearsal.plan.steps.map((s) => s.id);
    expect(ids).not.toContain("releases/kube-system/cilium");
    expect(ids).not.toContain("handoff/flux");
    expect(ids).toContain("releases/kube-system/coredns");
    const coredns = rehearsal.plan.steps.find((s) => s.id === "releases/kube-system/coredns");
    expect(coredns?.needs).not.toContain("releases/kube-system/cilium");
    const crds = rehearsal.plan.steps.find((s) => s.kind === "crds");
    expect(crds?.kind === "crds" && crds.releases.map((r) => r.id)).toEqual([
      "kube-system/gateway-crds",
      "kube-system/coredns",
    ]);
    expect(rehearsal.notRehearsed.map((n) => `${n.kind} ${n.id}`)).toEqual([
      "bootstrap release kube-system/cilium",
      "bootstrap release observability/prom-crds",
      "handoff handoff/flux",
    ]);
    expect(rehearsal.notRehearsed[1]?.reason).toBe(
      "its chart cannot be fetched, so its CRDs are not installed: no such host ghcr.io",
    );
    // Every chart fetched: the plan is the one up runs, less the before steps and the identity.
    expect(rehearsalPlan(plan).notRehearsed).toEqual([]);
    expect(rehearsalPlan(plan).plan.steps.map((s) => s.id)).toEqual(plan.steps.map((s) => s.id));
  });

  test("with no chart fetched, only the checks and the namespaces are left, and nothing waits for what is gone", () => {
    const { plan } = loadPlan({
      repo: bootstrapRepo({
        releases: [{ name: "cilium", namespace: "kube-system", chart: "oci://ghcr.io/example/cilium" }],
        crdReleases: [{ name: "crds", namespace: "kube-system", chart: "oci://ghcr.io/example/crds" }],
      }),
    });
    const offline = new Map([
      ["kube-system/crds", "offline"],
      ["kube-system/cilium", "offline"],
    ]);
    const rehearsal = rehearsalPlan(plan, offline);
    expect(rehearsal.plan.steps.map((s) => s.phase)).toEqual([
      "preflight",
      "preflight",
      "preflight",
      "preflight",
      "prerequisites",
    ]);
    expect(rehearsal.notRehearsed.map((n) => n.id)).toEqual([
      "kube-system/cilium",
      "kube-system/crds",
      "handoff/flux",
    ]);
  });
});
