import { describe, expect, it } from "vitest";
import { helmRelease, ks, lintFlux, ruleIds } from "../helpers.ts";

const configMap = (name: string, extra = "") =>
  `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  a: "1"\n${extra}`;

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
