import { describe, expect, it } from "vitest";
import { buildCrdSet } from "../../src/charts/crd-set.ts";
import { crdText, rendered } from "../charts/rendered.ts";

describe("crd-version-conflict", () => {
  it("valid: two charts ship the same CRD alike", () => {
    const text = crdText("things.example.com", ["v1"]);
    const set = buildCrdSet([rendered("a/one", "releases", [text]), rendered("b/two", "releases", [text])]);
    expect(set.findings).toEqual([]);
  });
  it("invalid: two charts ship one CRD with different content; the CRD phase's wins", () => {
    const set = buildCrdSet([
      rendered("b/release", "releases", [crdText("things.example.com", ["v1alpha1", "v1"])]),
      rendered("a/crds", "crds", [crdText("things.example.com", ["v1"])]),
    ]);
    expect(set.findings.map((f) => [f.ruleId, f.severity])).toEqual([["crd-version-conflict", "warning"]]);
    expect(set.crds[0]?.release).toBe("a/crds");
  });
});
