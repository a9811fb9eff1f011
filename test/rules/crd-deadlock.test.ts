import { describe, expect, it } from "vitest";
import { crd, ks, lintFlux, ruleIds } from "../helpers.ts";
import { cluster, operator } from "./crd-cases.ts";

describe("crd-deadlock", () => {
  it("valid: the consumer depends on the provider, which waits", () => {
    const r = lintFlux([ks("p", { wait: true }), ks("c", { dependsOn: ["p"] })], {
      "apps/p/hr.yaml": operator,
      "apps/c/x.yaml": cluster,
    });
    expect(ruleIds(r)).toEqual([]);
  });
  it("invalid: the provider depends on the consumer, so neither becomes Ready", () => {
    const r = lintFlux([ks("p", { wait: true, dependsOn: ["c"] }), ks("c")], {
      "apps/p/hr.yaml": operator,
      "apps/c/x.yaml": cluster,
    });
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.location?.file])).toEqual([
      ["crd-deadlock", "error", "apps/c/x.yaml"],
    ]);
  });

  it("invalid: the message gives the dependsOn path, and the fix how to break it", () => {
    const r = lintFlux(
      [ks("p", { wait: true, dependsOn: ["mid"] }), ks("mid", { dependsOn: ["c"] }), ks("c")],
      {
        "apps/p/hr.yaml": operator,
        "apps/mid/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m, namespace: default}\n",
        "apps/c/x.yaml": cluster,
      },
    );
    const found = r.findings.find((f) => f.ruleId === "crd-deadlock");
    expect(found?.message).toBe(
      "needs CRD Cluster.postgresql.cnpg.io from HelmRelease default/cloudnative-pg in Kustomization flux-system/p, which depends on Kustomization flux-system/c (flux-system/p → flux-system/mid → flux-system/c): neither Kustomization can become Ready",
    );
    expect(found?.fix).toBe(
      "install the CRD in the bootstrap CRD phase, or break the dependsOn path flux-system/p → flux-system/mid → flux-system/c and make Kustomization flux-system/c depend on Kustomization flux-system/p instead",
    );
  });

  it("invalid: the consumer's Kustomization applies the provider's, which its dry run cannot wait for", () => {
    const r = lintFlux([ks("c")], {
      "apps/c/p.yaml": ks("p"),
      "apps/p/crd.yaml": crd("postgresql.cnpg.io", "Cluster"),
      "apps/c/x.yaml": cluster,
    });
    const found = r.findings.find((f) => f.ruleId === "crd-deadlock");
    expect(found?.message).toBe(
      "needs CRD Cluster.postgresql.cnpg.io from CustomResourceDefinition clusters.postgresql.cnpg.io in Kustomization flux-system/p, which Kustomization flux-system/c itself applies (flux-system/p ← flux-system/c): its dry run rejects the custom resource before that Kustomization exists",
    );
    expect(found?.fix).toBe(
      "move the custom resource into a Kustomization that depends on Kustomization flux-system/p, or install the CRD in the bootstrap CRD phase",
    );
  });
});
