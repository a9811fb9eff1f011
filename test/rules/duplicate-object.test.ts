import { describe, expect, it } from "vitest";
import { ks, lintFlux, ruleIds } from "../helpers.ts";

const configMap = (name: string, extra = "") =>
  `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  a: "1"\n${extra}`;

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

describe("duplicate-object within one Kustomization", () => {
  const cm = (name: string) =>
    `---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: default}\n`;

  it("the same object twice in one build is an error, as kustomize refuses it", () => {
    const r = lintFlux([ks("app", { path: "./app" })], { "app/a.yaml": cm("x"), "app/b.yaml": cm("x") });
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.location?.file])).toEqual([
      ["duplicate-object", "error", "app/b.yaml"],
    ]);
    expect(r.findings[0]?.message).toContain("may not add resource with an already registered id");
  });

  it("valid: two objects of one kind with different names", () => {
    expect(
      lintFlux([ks("app", { path: "./app" })], { "app/a.yaml": cm("x"), "app/b.yaml": cm("y") }).findings,
    ).toEqual([]);
  });
});
