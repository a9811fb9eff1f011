/**
 * The graph `kubestrap graph` draws: one node per Kustomization with its path and wait, the bootstrap phases as a
 * node only when they provide a CRD, one CRD edge per provider and consumer Kustomization listing each kind once,
 * and problems counted at the consumer's node.
 */
import { describe, expect, it } from "vitest";
import { buildDag } from "../../src/analysis/dag.ts";
import { lint } from "../../src/analysis/lint.ts";
import { crd, customResource, helmRelease, ks, lintFlux } from "../helpers.ts";

describe("buildDag", () => {
  it("one CRD edge per pair of Kustomizations, each kind once, its worst verdict, problems at the consumer", () => {
    const r = lintFlux([ks("p"), ks("c", { dependsOn: ["p"] }), ks("self")], {
      "apps/p/hr.yaml": helmRelease("cloudnative-pg", "oci://ghcr.io/cloudnative-pg/charts/cloudnative-pg"),
      "apps/c/db.yaml": ["a", "b"].map((n) => customResource("postgresql.cnpg.io/v1", "Cluster", n)).join(""),
      "apps/self/hr.yaml": helmRelease(
        "cloudnative-pg",
        "oci://ghcr.io/cloudnative-pg/charts/cloudnative-pg",
        "",
        {
          namespace: "other",
        },
      ),
      "apps/self/db.yaml": customResource("postgresql.cnpg.io/v1", "Pooler", "p"),
    });
    const dag = buildDag(r);
    expect(dag.nodes.map((n) => [n.id, n.kind, n.path, n.wait, n.problems])).toEqual([
      ["flux-system/flux-system", "Kustomization", "kubernetes/flux/cluster", false, 0],
      ["flux-system/p", "Kustomization", "apps/p", false, 0],
      ["flux-system/c", "Kustomization", "apps/c", false, 2],
      ["flux-system/self", "Kustomization", "apps/self", false, 1],
    ]);
    expect(dag.edges).toContainEqual({ from: "flux-system/c", to: "flux-system/p", type: "dependsOn" });
    const crdEdges = dag.edges.filter((e) => e.type === "crd");
    expect(crdEdges.map((e) => [e.from, e.to, e.verdict, e.kinds])).toEqual([
      ["flux-system/p", "flux-system/c", "unwaited", ["Cluster"]],
      ["flux-system/p", "flux-system/self", "race", ["Pooler"]],
    ]);
  });

  it("draws the bootstrap phases only when they provide a CRD", () => {
    const broken = lint({ repo: new URL("../../examples/homelab-broken", import.meta.url).pathname });
    const dag = buildDag(broken);
    expect(dag.nodes[0]).toEqual({ id: "bootstrap", kind: "bootstrap", problems: 0 });
    expect(dag.edges.some((e) => e.from === "bootstrap" && e.type === "crd")).toBe(true);
    const plain = buildDag(lintFlux([ks("a")], { "apps/a/crd.yaml": crd("example.com", "Widget") }));
    expect(plain.nodes.map((n) => n.id)).toEqual(["flux-system/flux-system", "flux-system/a"]);
  });
});
