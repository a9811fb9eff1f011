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

  it("invalid: the messages and fixes, and the namespace a dependsOn entry probably meant", () => {
    const other = ks("db").replace("namespace: flux-system", "namespace: database");
    const hr = helmRelease("x", "oci://ghcr.io/bjw-s-labs/helm/app-template").replace(
      "  chartRef:",
      "  dependsOn:\n    - name: ok\n    - name: y\n      namespace: other\n  chartRef:",
    );
    const okRelease = helmRelease("ok", "oci://ghcr.io/bjw-s-labs/helm/app-template");
    const r = lintFlux([other, ks("b", { dependsOn: ["db", "nope"] })], {
      "apps/b/hr.yaml": hr + okRelease,
      "apps/db/cm.yaml": configMap("db"),
    });
    expect(
      r.findings.filter((f) => f.ruleId === "dependson-missing").map((f) => [f.message, f.fix, f.object]),
    ).toEqual([
      [
        "HelmRelease default/x depends on HelmRelease other/y, which does not exist",
        "remove the dependsOn entry or define HelmRelease other/y",
        "HelmRelease default/x",
      ],
      [
        "Kustomization flux-system/b depends on Kustomization flux-system/db, which no Kustomization reachable from the entry point defines",
        "set namespace: database in this dependsOn entry",
        "Kustomization flux-system/b",
      ],
      [
        "Kustomization flux-system/b depends on Kustomization flux-system/nope, which no Kustomization reachable from the entry point defines",
        "remove the dependsOn entry or define Kustomization flux-system/nope",
        "Kustomization flux-system/b",
      ],
    ]);
  });
});
