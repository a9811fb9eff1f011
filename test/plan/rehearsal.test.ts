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
    const rehearsal = rehearsalPlan(plan);
    expect(rehearsal.steps.map((s) => s.id)).toEqual(
      plan.steps.filter((s) => s.phase !== "before").map((s) => s.id),
    );
    expect(rehearsal.steps.find((s) => s.id === "preflight/api-ready")?.needs).toEqual([]);
    expect(rehearsal.steps.every((s) => s.needs.every((n) => !n.startsWith("before/")))).toBe(true);
  });

  test("checks no pinned identity (the throwaway cluster is new), and keeps the rest of the plan as it is", () => {
    const { plan } = loadPlan({ repo });
    const rehearsal = rehearsalPlan(plan);
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
});
