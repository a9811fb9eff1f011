import { describe, expect, it } from "vitest";
import { lint } from "../src/analysis/lint.ts";
import {
  crd,
  customResource,
  helmRelease,
  ks,
  lintFlux,
  makeRepo,
  ruleIds,
  SCALED_OBJECT_SPEC,
} from "./helpers.ts";

// One small repository per CRD verdict of DESIGN §4.5, each checked for its exact rule id.
const CNPG = "oci://ghcr.io/cloudnative-pg/charts/cloudnative-pg";
const cluster = customResource("postgresql.cnpg.io/v1", "Cluster", "db");

describe("CRD verdicts", () => {
  it("ok: provider Kustomization waits and the consumer depends on it", () => {
    const r = lintFlux([ks("cnpg", { wait: true }), ks("app", { dependsOn: ["cnpg"] })], {
      "apps/cnpg/hr.yaml": helmRelease("cloudnative-pg", CNPG),
      "apps/app/db.yaml": cluster,
    });
    expect(ruleIds(r)).toEqual([]);
    expect(r.crds.verdicts.map((v) => v.verdict)).toEqual(["ok"]);
  });

  it("ok: CRD manifest in the same Kustomization (applied first by the staged apply)", () => {
    const r = lintFlux([ks("app")], {
      "apps/app/crd.yaml": crd("example.com", "Widget"),
      "apps/app/w.yaml": customResource("example.com/v1", "Widget", "w"),
    });
    expect(ruleIds(r)).toEqual([]);
  });

  it("unwaited: ordered by dependsOn but the provider Kustomization does not wait", () => {
    const r = lintFlux([ks("cnpg"), ks("app", { dependsOn: ["cnpg"] })], {
      "apps/cnpg/hr.yaml": helmRelease("cloudnative-pg", CNPG),
      "apps/app/db.yaml": cluster,
    });
    expect(ruleIds(r)).toEqual(["crd-unwaited"]);
    expect(r.findings[0]?.message).toContain("flux-system/app → flux-system/cnpg");
    expect(r.findings[0]?.fix).toContain("wait: true");
  });

  it("ok: a health check on the providing HelmRelease counts as waiting", () => {
    const r = lintFlux(
      [
        ks("cnpg", { healthChecks: [{ kind: "HelmRelease", name: "cloudnative-pg" }] }),
        ks("app", { dependsOn: ["cnpg"] }),
      ],
      { "apps/cnpg/hr.yaml": helmRelease("cloudnative-pg", CNPG), "apps/app/db.yaml": cluster },
    );
    expect(ruleIds(r)).toEqual([]);
  });

  it("same-unit: custom resource next to the HelmRelease that installs its CRD", () => {
    const r = lintFlux([ks("cnpg", { wait: true })], {
      "apps/cnpg/hr.yaml": helmRelease("cloudnative-pg", CNPG),
      "apps/cnpg/db.yaml": cluster,
    });
    expect(ruleIds(r)).toEqual(["crd-same-unit"]);
  });

  it("race: no ordering between consumer and provider", () => {
    const r = lintFlux([ks("cnpg", { wait: true }), ks("app")], {
      "apps/cnpg/hr.yaml": helmRelease("cloudnative-pg", CNPG),
      "apps/app/db.yaml": cluster,
    });
    expect(ruleIds(r)).toEqual(["crd-race"]);
    expect(r.findings[0]?.fix).toContain("dependsOn: [{name: cnpg, namespace: flux-system}]");
  });

  it("deadlock: the provider depends on the consumer (the seed case)", () => {
    const rules = Array.from({ length: 17 }, (_, i) =>
      customResource("monitoring.coreos.com/v1", "PrometheusRule", `rule-${i}`),
    ).join("");
    const r = lintFlux(
      [ks("infrastructure"), ks("workloads", { dependsOn: ["infrastructure"], wait: true })],
      {
        "apps/infrastructure/rules.yaml": rules,
        "apps/workloads/kps.yaml": helmRelease(
          "kube-prometheus-stack",
          "oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack",
        ),
      },
    );
    expect(ruleIds(r)).toEqual(Array(17).fill("crd-deadlock"));
    expect(r.findings[0]?.message).toContain("flux-system/workloads → flux-system/infrastructure");
  });

  it("missing: nothing provides the CRD", () => {
    const r = lintFlux([ks("app")], {
      "apps/app/so.yaml": customResource(
        "keda.sh/v1alpha1",
        "ScaledObject",
        "so",
        "default",
        SCALED_OBJECT_SPEC,
      ),
    });
    expect(ruleIds(r)).toEqual(["crd-missing"]);
    expect(r.findings[0]?.location).toEqual({ file: "apps/app/so.yaml", line: 2 });
  });

  it("ok: provided by the bootstrap CRD phase", () => {
    const r = lintFlux([ks("app")], {
      "apps/app/rule.yaml": customResource("monitoring.coreos.com/v1", "PrometheusRule", "r"),
      "bootstrap/helmfile.d/00-crds.yaml":
        "releases:\n  - name: kube-prometheus-stack\n    namespace: o11y\n    chart: oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack\n    version: 77.0.0\n",
    });
    expect(ruleIds(r)).toEqual([]);
    expect(r.crds.verdicts[0]?.provider?.kind).toBe("bootstrap");
  });

  it("cert-manager provides CRDs only when its values enable them", () => {
    const files = (values: string) => ({
      "apps/cm/hr.yaml": helmRelease("cert-manager", "oci://quay.io/jetstack/charts/cert-manager", values),
      "apps/issuers/ci.yaml": customResource("cert-manager.io/v1", "ClusterIssuer", "le"),
    });
    const kss = [ks("cm", { wait: true }), ks("issuers", { dependsOn: ["cm"] })];
    expect(ruleIds(lintFlux(kss, files("crds:\n  enabled: true")))).toEqual([]);
    expect(ruleIds(lintFlux(kss, files("replicaCount: 1")))).toEqual(["crd-missing"]);
  });

  it("unresolved: an unreadable chart might provide the CRD (info, not an error)", () => {
    const r = lintFlux([ks("app", { wait: true }), ks("use", { dependsOn: ["app"] })], {
      "apps/app/hr.yaml": helmRelease("mystery", "oci://example.com/charts/mystery"),
      "apps/use/x.yaml": customResource("widgets.example.com/v1", "Widget", "w"),
    });
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([["crd-unresolved", "info"]]);
  });
});

describe("CRD verdicts for custom resources a chart renders (lint --render)", () => {
  const WEBAPP = "oci://registry.example/charts/webapp";
  // What `lint --render` learns from helm: the webapp chart renders a Cluster with its values.
  const rendered = new Map([
    [
      "default/webapp",
      [{ apiVersion: "postgresql.cnpg.io/v1", kind: "Cluster", name: "db", namespace: "default" }],
    ],
  ]);
  const lintRendered = (kustomizations: string[], files: Record<string, string>) =>
    lint({
      repo: makeRepo({ "kubernetes/flux/cluster/ks.yaml": kustomizations.join(""), ...files }),
      chartObjects: rendered,
    });

  it("ok: the rendering HelmRelease dependsOn the provider's, in the same Kustomization", () => {
    const r = lintRendered([ks("apps")], {
      "apps/apps/cnpg.yaml": helmRelease("cloudnative-pg", CNPG),
      "apps/apps/webapp.yaml": helmRelease("webapp", WEBAPP, "", { dependsOn: ["cloudnative-pg"] }),
    });
    expect(ruleIds(r)).toEqual([]);
    expect(r.crds.verdicts.map((v) => [v.verdict, v.releases?.path])).toEqual([
      ["ok", ["default/webapp", "default/cloudnative-pg"]],
    ]);
  });

  it("ok: through a chain of HelmRelease dependsOn, across Kustomizations nothing else orders", () => {
    const r = lintRendered([ks("db"), ks("apps")], {
      "apps/db/cnpg.yaml": helmRelease("cloudnative-pg", CNPG),
      "apps/apps/middle.yaml": helmRelease("middle", WEBAPP, "", { dependsOn: ["cloudnative-pg"] }),
      "apps/apps/webapp.yaml": helmRelease("webapp", WEBAPP, "", { dependsOn: ["middle"] }),
    });
    expect(ruleIds(r)).toEqual([]);
    expect(r.crds.verdicts[0]?.releases?.path).toEqual([
      "default/webapp",
      "default/middle",
      "default/cloudnative-pg",
    ]);
  });

  it("race, not same-unit: two HelmReleases of one Kustomization install side by side", () => {
    const r = lintRendered([ks("apps", { wait: true })], {
      "apps/apps/cnpg.yaml": helmRelease("cloudnative-pg", CNPG),
      "apps/apps/webapp.yaml": helmRelease("webapp", WEBAPP),
    });
    expect(ruleIds(r)).toEqual(["crd-race"]);
    expect(r.findings[0]?.object).toBe(
      "Cluster default/db, rendered by the chart of HelmRelease default/webapp",
    );
    expect(r.findings[0]?.message).toContain("HelmRelease default/webapp does not depend on it");
    expect(r.findings[0]?.fix).toBe(
      "add dependsOn: [{name: cloudnative-pg, namespace: default}] to HelmRelease default/webapp",
    );
  });

  it("ok: a chart rendering resources of its own CRDs (helm installs crds/ first)", () => {
    const r = lint({
      repo: makeRepo({
        "kubernetes/flux/cluster/ks.yaml": ks("o11y"),
        "apps/o11y/hr.yaml": helmRelease(
          "kube-prometheus-stack",
          "oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack",
        ),
      }),
      chartObjects: new Map([
        [
          "default/kube-prometheus-stack",
          [
            {
              apiVersion: "monitoring.coreos.com/v1",
              kind: "ServiceMonitor",
              name: "operator",
              namespace: "default",
            },
          ],
        ],
      ]),
    });
    expect(ruleIds(r)).toEqual([]);
    expect(r.crds.verdicts.map((v) => v.verdict)).toEqual(["ok"]);
  });

  it("a plain manifest next to the provider stays same-unit, whatever the HelmReleases say", () => {
    const r = lintRendered([ks("apps")], {
      "apps/apps/cnpg.yaml": helmRelease("cloudnative-pg", CNPG),
      "apps/apps/webapp.yaml": helmRelease("webapp", WEBAPP, "", { dependsOn: ["cloudnative-pg"] }),
      "apps/apps/db.yaml": customResource("postgresql.cnpg.io/v1", "Cluster", "plain"),
    });
    expect(r.crds.verdicts.map((v) => `${v.consumer.name}: ${v.verdict}`).sort()).toEqual([
      "db: ok",
      "plain: same-unit",
    ]);
  });
});

describe("providers inferred from chart names", () => {
  it("between an operator chart and its -crds chart ordered alike, the -crds chart is named as the provider", () => {
    const r = lintFlux(
      [
        ks("toolhive-crds"),
        ks("toolhive", { dependsOn: ["toolhive-crds"] }),
        ks("mcp", { dependsOn: ["toolhive"] }),
      ],
      {
        "apps/toolhive-crds/hr.yaml": helmRelease(
          "toolhive-operator-crds",
          "oci://ghcr.io/stacklok/toolhive/toolhive-operator-crds",
        ),
        "apps/toolhive/hr.yaml": helmRelease(
          "toolhive-operator",
          "oci://ghcr.io/stacklok/toolhive/toolhive-operator",
        ),
        "apps/mcp/server.yaml": customResource("toolhive.stacklok.dev/v1alpha1", "MCPServer", "arr"),
      },
    );
    expect(r.crds.verdicts.map((v) => [v.verdict, v.provider?.label])).toEqual([
      ["unwaited", "HelmRelease default/toolhive-operator-crds"],
    ]);
  });
});

describe("health checks that do or do not wait for the provider", () => {
  const withHealthCheck = (check: { kind: string; name: string; namespace?: string }) =>
    lintFlux([ks("cnpg", { healthChecks: [check] }), ks("app", { dependsOn: ["cnpg"] })], {
      "apps/cnpg/hr.yaml": helmRelease("cloudnative-pg", CNPG),
      "apps/app/db.yaml": cluster,
    });

  it("a HelmRelease health check in another namespace is another release: unwaited", () => {
    expect(
      ruleIds(withHealthCheck({ kind: "HelmRelease", name: "cloudnative-pg", namespace: "other" })),
    ).toEqual(["crd-unwaited"]);
  });

  it("a CRD health check waits only for a CRD of the consumer's group", () => {
    expect(
      ruleIds(withHealthCheck({ kind: "CustomResourceDefinition", name: "clusters.postgresql.cnpg.io" })),
    ).toEqual([]);
    expect(
      ruleIds(withHealthCheck({ kind: "CustomResourceDefinition", name: "widgets.example.com" })),
    ).toEqual(["crd-unwaited"]);
  });

  it("of several providers, the one that orders the consumer is chosen", () => {
    const r = lintFlux(
      [ks("cnpg-a", { wait: true }), ks("cnpg-b", { wait: true }), ks("app", { dependsOn: ["cnpg-b"] })],
      {
        "apps/cnpg-a/hr.yaml": helmRelease("cloudnative-pg", CNPG, "", { namespace: "a" }),
        "apps/cnpg-b/hr.yaml": helmRelease("cloudnative-pg", CNPG, "", { namespace: "b" }),
        "apps/app/db.yaml": cluster,
      },
    );
    expect(ruleIds(r)).toEqual([]);
    expect(r.crds.verdicts.map((v) => [v.verdict, v.provider?.label])).toEqual([
      ["ok", "HelmRelease b/cloudnative-pg"],
    ]);
  });
});
