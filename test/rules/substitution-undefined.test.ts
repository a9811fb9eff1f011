import { describe, expect, it } from "vitest";
import { ks, lintFlux, ruleIds } from "../helpers.ts";

const configMap = (name: string, extra = "") =>
  `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  a: "1"\n${extra}`;

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
