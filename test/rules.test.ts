import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lint, type SeveritySetting } from "../src/analysis/lint.ts";
import { ALL_RULES } from "../src/analysis/rules/index.ts";

import { customResource, helmRelease, ks, lintFlux, makeRepo, ruleIds } from "./helpers.ts";

const CNPG = "oci://ghcr.io/cloudnative-pg/charts/cloudnative-pg";
const configMap = (name: string, extra = "") =>
  `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  a: "1"\n${extra}`;

describe("rule registry", () => {
  it("keeps the public rule ids with their default severities", () => {
    const ids = Object.fromEntries(ALL_RULES.map((r) => [r.id, r.severity]));
    expect(ids).toMatchObject({
      "crd-missing": "error",
      "crd-deadlock": "error",
      "crd-same-unit": "error",
      "crd-unwaited": "warning",
      "crd-race": "warning",
      "dependson-missing": "error",
      "dependson-cycle": "error",
      "duplicate-object": "error",
      "substitution-undefined": "warning",
      "path-missing": "error",
      "cluster-unique-value": "error",
      "cluster-cidr-overlap": "error",
      "lb-ip-outside-pool": "error",
      "cluster-placement": "error",
      "cluster-version-skew": "warning",
    });
  });
  it("documents every rule in docs/rules", () => {
    for (const rule of ALL_RULES)
      expect(existsSync(new URL(`../docs/rules/${rule.id}.md`, import.meta.url)), rule.id).toBe(true);
  });
});

describe("dependson-missing", () => {
  it("valid: the target exists", () => {
    expect(
      ruleIds(
        lintFlux([ks("a"), ks("b", { dependsOn: ["a"] })], {
          "apps/a/cm.yaml": configMap("a"),
          "apps/b/cm.yaml": configMap("b"),
        }),
      ),
    ).toEqual([]);
  });
  it("invalid: the target does not exist, reported on the dependsOn line", () => {
    const r = lintFlux([ks("b", { dependsOn: ["nope"] })], { "apps/b/cm.yaml": configMap("b") });
    expect(ruleIds(r)).toEqual(["dependson-missing"]);
    expect(r.findings[0]?.location).toEqual({ file: "kubernetes/flux/cluster/ks.yaml", line: 13 });
  });
  it("invalid: a HelmRelease depends on a missing HelmRelease", () => {
    const hr = helmRelease("x", "oci://ghcr.io/bjw-s-labs/helm/app-template").replace(
      "  chartRef:",
      "  dependsOn:\n    - name: y\n  chartRef:",
    );
    expect(ruleIds(lintFlux([ks("a")], { "apps/a/hr.yaml": hr }))).toEqual(["dependson-missing"]);
  });
});

describe("dependson-cycle", () => {
  it("valid: a chain", () => {
    expect(
      ruleIds(
        lintFlux([ks("a"), ks("b", { dependsOn: ["a"] }), ks("c", { dependsOn: ["b"] })], {
          "apps/a/x.yaml": configMap("a"),
          "apps/b/x.yaml": configMap("b"),
          "apps/c/x.yaml": configMap("c"),
        }),
      ),
    ).toEqual([]);
  });
  it("invalid: a → b → c → a is one finding naming the cycle", () => {
    const r = lintFlux(
      [ks("a", { dependsOn: ["c"] }), ks("b", { dependsOn: ["a"] }), ks("c", { dependsOn: ["b"] })],
      {
        "apps/a/x.yaml": configMap("a"),
        "apps/b/x.yaml": configMap("b"),
        "apps/c/x.yaml": configMap("c"),
      },
    );
    expect(ruleIds(r)).toEqual(["dependson-cycle"]);
    expect(r.findings[0]?.message).toMatch(/flux-system\/a → .* → flux-system\/a/);
  });
  it("invalid: a Kustomization depending on itself", () => {
    expect(ruleIds(lintFlux([ks("a", { dependsOn: ["a"] })], { "apps/a/x.yaml": configMap("a") }))).toEqual([
      "dependson-cycle",
    ]);
  });
});

describe("duplicate-object", () => {
  it("valid: same name in different namespaces", () => {
    expect(
      ruleIds(
        lintFlux([ks("a"), ks("b")], {
          "apps/a/x.yaml": configMap("x"),
          "apps/b/x.yaml": configMap("x").replace("namespace: default", "namespace: other"),
        }),
      ),
    ).toEqual([]);
  });
  it("invalid: two Kustomizations apply the same object", () => {
    const r = lintFlux([ks("a"), ks("b")], {
      "apps/a/x.yaml": configMap("x"),
      "apps/b/x.yaml": configMap("x"),
    });
    expect(ruleIds(r)).toEqual(["duplicate-object"]);
    expect(r.findings[0]?.related?.[0]?.file).toBe("apps/a/x.yaml");
  });
});

describe("substitution-undefined", () => {
  const cm = configMap("x", "  b: ${CLUSTER_NAME}\n");
  it("valid: the variable has a value", () => {
    expect(
      ruleIds(lintFlux([ks("a", { substitute: { CLUSTER_NAME: "home" } })], { "apps/a/x.yaml": cm })),
    ).toEqual([]);
  });
  it("valid: the variable has a default, or the object opts out, or nothing is substituted", () => {
    expect(
      ruleIds(
        lintFlux([ks("a", { substitute: {} })], {
          "apps/a/x.yaml": configMap("x", "  b: ${CLUSTER_NAME:=home}\n"),
        }),
      ),
    ).toEqual([]);
    const optOut = cm.replace(
      "  namespace: default",
      "  namespace: default\n  annotations:\n    kustomize.toolkit.fluxcd.io/substitute: disabled",
    );
    expect(ruleIds(lintFlux([ks("a", { substitute: {} })], { "apps/a/x.yaml": optOut }))).toEqual([]);
    expect(ruleIds(lintFlux([ks("a")], { "apps/a/x.yaml": cm }))).toEqual([]);
  });
  it("valid: values from a ConfigMap in the repository", () => {
    const settings = configMap("cluster-settings", "  CLUSTER_NAME: home\n").replace(
      "namespace: default",
      "namespace: flux-system",
    );
    expect(
      ruleIds(
        lintFlux([ks("a", { substituteFrom: [{ kind: "ConfigMap", name: "cluster-settings" }] })], {
          "apps/a/x.yaml": cm,
          "apps/settings.yaml": settings,
        }),
      ),
    ).toEqual([]);
  });
  it("valid: a substituteFrom source outside the repository makes the values unknown, not undefined", () => {
    expect(
      ruleIds(
        lintFlux([ks("a", { substituteFrom: [{ kind: "Secret", name: "cluster-secrets" }] })], {
          "apps/a/x.yaml": cm,
        }),
      ),
    ).toEqual([]);
  });
  it("invalid: no value and no default", () => {
    const r = lintFlux([ks("a", { substitute: { OTHER: "x" } })], { "apps/a/x.yaml": cm });
    expect(ruleIds(r)).toEqual(["substitution-undefined"]);
    expect(r.findings[0]?.message).toContain("${CLUSTER_NAME}");
  });
});

describe("path-missing", () => {
  it("valid: the path exists", () => {
    expect(ruleIds(lintFlux([ks("a")], { "apps/a/x.yaml": configMap("x") }))).toEqual([]);
  });
  it("invalid: Kustomization path, kustomize resource and generator file missing", () => {
    const r = lintFlux([ks("a", { path: "./apps/nope" }), ks("b")], {
      "apps/b/kustomization.yaml":
        "resources:\n  - ./missing.yaml\nconfigMapGenerator:\n  - name: c\n    files:\n      - ./script.sh\n",
    });
    expect(ruleIds(r)).toEqual(["path-missing", "path-missing", "path-missing"]);
    expect(r.findings.map((f) => f.location?.line)).toEqual([2, 4, 8]);
  });
});

describe("source-missing", () => {
  it("valid: the OCIRepository exists", () => {
    expect(
      ruleIds(lintFlux([ks("a", { wait: true })], { "apps/a/hr.yaml": helmRelease("cloudnative-pg", CNPG) })),
    ).toEqual([]);
  });
  it("invalid: chartRef points at nothing", () => {
    const onlyHr = helmRelease("x", CNPG).split("---").slice(2).join("---");
    expect(ruleIds(lintFlux([ks("a")], { "apps/a/hr.yaml": `---${onlyHr}` }))).toEqual(["source-missing"]);
  });
});

describe("crd rules valid/invalid", () => {
  const cluster = customResource("postgresql.cnpg.io/v1", "Cluster", "db");
  const hr = helmRelease("cloudnative-pg", CNPG);
  it("valid for every crd rule: waited dependency", () => {
    expect(
      ruleIds(
        lintFlux([ks("p", { wait: true }), ks("c", { dependsOn: ["p"] })], {
          "apps/p/hr.yaml": hr,
          "apps/c/x.yaml": cluster,
        }),
      ),
    ).toEqual([]);
  });
  it("--rule severity overrides apply, and off removes the rule", () => {
    const repo = makeRepo({
      "kubernetes/flux/cluster/ks.yaml": [ks("p", { wait: true }), ks("c")].join(""),
      "apps/p/hr.yaml": hr,
      "apps/c/x.yaml": cluster,
    });
    const severities = (rules?: Record<string, SeveritySetting>) =>
      lint({ repo, ...(rules ? { rules } : {}) }).findings.map((f) => [f.ruleId, f.severity]);
    expect(severities()).toEqual([["crd-race", "warning"]]);
    expect(severities({ "crd-race": "error" })).toEqual([["crd-race", "error"]]);
    expect(severities({ "crd-race": "off" })).toEqual([]);
  });
});

describe("chart-version-drift", () => {
  const PODINFO = "oci://ghcr.io/stefanprodan/charts/podinfo";
  const helmfile = (chart: string, version: string) =>
    `releases:\n  - name: podinfo\n    namespace: default\n    chart: ${chart}\n    version: ${version}\n`;
  const lintWith = (helmfileText: string) =>
    lintFlux([ks("podinfo")], {
      "apps/podinfo/hr.yaml": helmRelease("podinfo", PODINFO),
      "bootstrap/helmfile.d/01-apps.yaml": helmfileText,
    });
  it("valid: the helmfile installs the chart and version Flux uses", () => {
    expect(ruleIds(lintWith(helmfile(PODINFO, "1.0.0")))).not.toContain("chart-version-drift");
  });
  it("valid: a helmfile release that reads its chart from the Flux files cannot drift", () => {
    const result = lintWith("releases:\n  - name: podinfo\n    namespace: default\n");
    expect(ruleIds(result)).not.toContain("chart-version-drift");
  });
  it("invalid: another version", () => {
    const result = lintWith(helmfile(PODINFO, "0.9.0"));
    const finding = result.findings.find((f) => f.ruleId === "chart-version-drift");
    expect(finding?.message).toMatch(/installs version 0\.9\.0 vs 1\.0\.0/);
    expect(finding?.location).toEqual({ file: "bootstrap/helmfile.d/01-apps.yaml", line: 2 });
    expect(finding?.related?.[0]?.file).toBe("apps/podinfo/hr.yaml");
  });
  it("valid: the same version written with and without a v", () => {
    expect(ruleIds(lintWith(helmfile(PODINFO, "v1.0.0")))).not.toContain("chart-version-drift");
  });
  it("invalid: another chart", () => {
    const result = lintWith(helmfile("oci://ghcr.io/example/charts/webapp", "1.0.0"));
    expect(result.findings.find((f) => f.ruleId === "chart-version-drift")?.message).toMatch(
      /chart webapp vs podinfo/,
    );
  });
});
