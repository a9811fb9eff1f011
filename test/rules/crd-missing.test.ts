import { describe, expect, it } from "vitest";
import { crd, customResource, ks, lintFlux, ruleIds, SCALED_OBJECT_SPEC } from "../helpers.ts";

const scaledObject = customResource("keda.sh/v1alpha1", "ScaledObject", "app", "default", SCALED_OBJECT_SPEC);

describe("crd-missing", () => {
  it("valid: the CRD manifest is applied with the custom resource (staged apply)", () => {
    expect(
      ruleIds(
        lintFlux([ks("app")], {
          "apps/app/crd.yaml": crd("keda.sh", "ScaledObject"),
          "apps/app/so.yaml": scaledObject,
        }),
      ),
    ).toEqual([]);
  });
  it("invalid: nothing in the repository or the bootstrap provides the CRD", () => {
    const r = lintFlux([ks("app")], { "apps/app/so.yaml": scaledObject });
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.location?.file])).toEqual([
      ["crd-missing", "error", "apps/app/so.yaml"],
    ]);
  });
});
