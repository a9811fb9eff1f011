/**
 * When a provider's Kustomization counts as waiting for the HelmRelease that installs a CRD: `wait: true`, a
 * health check on that HelmRelease (name, namespace, Flux's helm API group), one on the CRD itself, or one on a
 * workload the release alone installs into its namespace. Anything less leaves the consumer unwaited.
 */
import { describe, expect, it } from "vitest";
import { customResource, DEPLOYMENT_SPEC, helmRelease, ks, lintFlux, ruleIds } from "../helpers.ts";

const CNPG = "oci://ghcr.io/cloudnative-pg/charts/cloudnative-pg";
const cluster = customResource("postgresql.cnpg.io/v1", "Cluster", "db");

/** The provider Kustomization `cnpg` with these health checks, and the consumer `app` ordered after it. */
function verdictWith(checks: string[], files: Record<string, string> = {}): string[] {
  const provider = `${ks("cnpg")}  healthChecks:\n${checks.map((c) => `    - ${c}\n`).join("")}`;
  const r = lintFlux([provider, ks("app", { dependsOn: ["cnpg"] })], {
    "apps/cnpg/hr.yaml": helmRelease("cloudnative-pg", CNPG, "", { namespace: "database" }),
    "apps/app/db.yaml": cluster,
    ...files,
  });
  return ruleIds(r);
}

describe("a health check on the HelmRelease", () => {
  it("waits when name and namespace are the release's, with or without Flux's apiVersion", () => {
    expect(verdictWith(["{kind: HelmRelease, name: cloudnative-pg, namespace: database}"])).toEqual([]);
    expect(
      verdictWith([
        "{apiVersion: helm.toolkit.fluxcd.io/v2, kind: HelmRelease, name: cloudnative-pg, namespace: database}",
      ]),
    ).toEqual([]);
  });

  it("does not wait for another release, another namespace, or a HelmRelease of another API group", () => {
    expect(verdictWith(["{kind: HelmRelease, name: other, namespace: database}"])).toEqual(["crd-unwaited"]);
    expect(verdictWith(["{kind: HelmRelease, name: cloudnative-pg, namespace: other}"])).toEqual([
      "crd-unwaited",
    ]);
    expect(verdictWith(["{kind: HelmRelease, name: cloudnative-pg}"])).toEqual(["crd-unwaited"]);
    expect(
      verdictWith([
        "{apiVersion: example.com/v1, kind: HelmRelease, name: cloudnative-pg, namespace: database}",
      ]),
    ).toEqual(["crd-unwaited"]);
  });
});

describe("a health check on the CRD", () => {
  it("waits when it names a CRD of the consumer's group, not another group's", () => {
    const crdCheck = (name: string) =>
      `{apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition, name: ${name}}`;
    expect(verdictWith([crdCheck("clusters.postgresql.cnpg.io")])).toEqual([]);
    expect(verdictWith([crdCheck("certificates.cert-manager.io")])).toEqual(["crd-unwaited"]);
  });
});

describe("a health check on a workload the release installs", () => {
  const deployment = (namespace: string) =>
    `{apiVersion: apps/v1, kind: Deployment, name: cnpg-operator, namespace: ${namespace}}`;

  it("waits when the release is the only one the Kustomization installs into that namespace", () => {
    expect(verdictWith([deployment("database")])).toEqual([]);
  });

  it("does not wait for a workload in another namespace, or of a kind that is not a workload", () => {
    expect(verdictWith([deployment("other")])).toEqual(["crd-unwaited"]);
    expect(
      verdictWith(["{apiVersion: v1, kind: Service, name: cnpg-operator, namespace: database}"]),
    ).toEqual(["crd-unwaited"]);
  });

  it("does not take a workload the Kustomization applies itself for the release's", () => {
    const own = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cnpg-operator, namespace: database}\n${DEPLOYMENT_SPEC}`;
    expect(verdictWith([deployment("database")], { "apps/cnpg/own.yaml": own })).toEqual(["crd-unwaited"]);
  });

  it("cannot tell which of two releases into the namespace it belongs to", () => {
    const second = helmRelease("pgadmin", "oci://ghcr.io/example/pgadmin", "", { namespace: "database" });
    expect(verdictWith([deployment("database")], { "apps/cnpg/second.yaml": second })).toEqual([
      "crd-unwaited",
    ]);
  });
});
