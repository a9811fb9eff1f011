import { describe, expect, it } from "vitest";
import { ks, lintFlux, ruleIds } from "../helpers.ts";

const configMap = (name: string, extra = "") =>
  `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  a: "1"\n${extra}`;

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
