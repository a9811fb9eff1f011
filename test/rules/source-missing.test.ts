import { describe, expect, it } from "vitest";
import { helmRelease, ks, lintFlux, ruleIds } from "../helpers.ts";

const CNPG = "oci://ghcr.io/cloudnative-pg/charts/cloudnative-pg";

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
