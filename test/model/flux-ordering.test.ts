import { describe, expect, it } from "vitest";
import { customResource, DEPLOYMENT_SPEC, helmRelease, ks, lintFlux, ruleIds } from "../helpers.ts";

// The ordering Flux gives through the tree of Kustomizations, not only through dependsOn.
const CNPG = "oci://ghcr.io/cloudnative-pg/charts/cloudnative-pg";
const cluster = customResource("postgresql.cnpg.io/v1", "Cluster", "db");

describe("ordering through parents and children", () => {
  it("deadlock: the consumer's Kustomization applies the provider's, and its dry run fails first", () => {
    const r = lintFlux([ks("apps", { path: "./tree", wait: true })], {
      "tree/cnpg.yaml": ks("cnpg", { path: "./cnpg", wait: true }),
      "tree/db.yaml": cluster,
      "cnpg/hr.yaml": helmRelease("cloudnative-pg", CNPG),
    });
    expect(ruleIds(r)).toEqual(["crd-deadlock"]);
    expect(r.findings[0]?.message).toContain("which Kustomization flux-system/apps itself applies");
  });

  const tree = (providerParentWaits: boolean) =>
    lintFlux(
      [
        ks("infra", { path: "./infra", wait: providerParentWaits }),
        ks("apps", { path: "./apps-tree", dependsOn: ["infra"] }),
      ],
      {
        "infra/cnpg.yaml": ks("cnpg", { path: "./cnpg", wait: true }),
        "cnpg/hr.yaml": helmRelease("cloudnative-pg", CNPG),
        "apps-tree/app.yaml": ks("app", { path: "./app" }),
        "app/db.yaml": cluster,
      },
    );

  it("ok: the consumer's parent depends on the provider's parent, which waits for its children", () => {
    const r = tree(true);
    expect(ruleIds(r)).toEqual([]);
    expect(r.crds.verdicts.map((v) => v.verdict)).toEqual(["ok"]);
  });

  it("race: the same, but the provider's parent does not wait, so it is Ready before its children", () => {
    expect(ruleIds(tree(false))).toEqual(["crd-race"]);
  });

  it("race, not deadlock: a resource a chart of the parent renders is installed by helm later, and retried", () => {
    const r = lintFlux([ks("apps", { path: "./tree" })], {
      "tree/cnpg.yaml": ks("cnpg", { path: "./cnpg", wait: true }),
      "tree/child.yaml": ks("child", { path: "./child" }),
      "cnpg/hr.yaml": helmRelease("cloudnative-pg", CNPG),
      "child/db.yaml": cluster,
    });
    expect(ruleIds(r)).toEqual(["crd-race"]);
  });
});

describe("health checks that wait for a release", () => {
  const withHealthCheck = (kind: string, name: string, extra: Record<string, string> = {}) =>
    lintFlux(
      [
        ks("cnpg").replace(
          "  sourceRef:",
          `  healthChecks:\n    - apiVersion: apps/v1\n      kind: ${kind}\n      name: ${name}\n      namespace: default\n  sourceRef:`,
        ),
        ks("app", { dependsOn: ["cnpg"] }),
      ],
      { "apps/cnpg/hr.yaml": helmRelease("cloudnative-pg", CNPG), "apps/app/db.yaml": cluster, ...extra },
    );

  it("ok: a health check on the operator's Deployment, which the release installs", () => {
    expect(ruleIds(withHealthCheck("Deployment", "cloudnative-pg"))).toEqual([]);
  });

  it("unwaited: a health check on a Deployment the Kustomization applies itself", () => {
    const deployment = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: other, namespace: default}\n${DEPLOYMENT_SPEC}`;
    expect(ruleIds(withHealthCheck("Deployment", "other", { "apps/cnpg/deploy.yaml": deployment }))).toEqual([
      "crd-unwaited",
    ]);
  });
});
