import { describe, expect, it } from "vitest";
import { crd, ks, lintFlux, ruleIds } from "../helpers.ts";
import { cluster, operator } from "./crd-cases.ts";

describe("crd-race", () => {
  it("valid: the consumer depends on the provider, which waits", () => {
    const r = lintFlux([ks("p", { wait: true }), ks("c", { dependsOn: ["p"] })], {
      "apps/p/hr.yaml": operator,
      "apps/c/x.yaml": cluster,
    });
    expect(ruleIds(r)).toEqual([]);
  });
  it("invalid: nothing orders the consumer after the provider; it converges only by retries", () => {
    const r = lintFlux([ks("p", { wait: true }), ks("c")], {
      "apps/p/hr.yaml": operator,
      "apps/c/x.yaml": cluster,
    });
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.location?.file])).toEqual([
      ["crd-race", "warning", "apps/c/x.yaml"],
    ]);
    expect(r.findings[0]?.fix).toContain("dependsOn");
  });

  it("invalid: the message names the provider, and the fix adds spec.wait only when the provider does not wait", () => {
    const findingWith = (wait: boolean) =>
      lintFlux([ks("p", { wait }), ks("c")], {
        "apps/p/hr.yaml": operator,
        "apps/c/x.yaml": cluster,
      }).findings.find((f) => f.ruleId === "crd-race");
    const waiting = findingWith(true);
    expect(waiting?.message).toBe(
      "needs CRD Cluster.postgresql.cnpg.io from HelmRelease default/cloudnative-pg in Kustomization flux-system/p, and nothing orders Kustomization flux-system/c after it: it works only through retries",
    );
    expect(waiting?.fix).toBe(
      "add dependsOn: [{name: p, namespace: flux-system}] to Kustomization flux-system/c",
    );
    expect(findingWith(false)?.fix).toBe(
      "add dependsOn: [{name: p, namespace: flux-system}] to Kustomization flux-system/c and spec.wait: true on Kustomization flux-system/p",
    );
  });

  it("invalid: a CRD manifest of another Kustomization needs only the dependsOn", () => {
    const r = lintFlux([ks("p"), ks("c")], {
      "apps/p/crd.yaml": crd("postgresql.cnpg.io", "Cluster"),
      "apps/c/x.yaml": cluster,
    });
    expect(r.findings.find((f) => f.ruleId === "crd-race")?.fix).toBe(
      "add dependsOn: [{name: p, namespace: flux-system}] to Kustomization flux-system/c",
    );
  });
});
