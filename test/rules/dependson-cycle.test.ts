import { describe, expect, it } from "vitest";
import { ks, lintFlux, ruleIds } from "../helpers.ts";

const configMap = (name: string, extra = "") =>
  `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  a: "1"\n${extra}`;

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
