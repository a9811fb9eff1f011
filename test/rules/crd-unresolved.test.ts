import { describe, expect, it } from "vitest";
import { customResource, helmRelease, ks, lintFlux, ruleIds } from "../helpers.ts";
import { cluster, operator } from "./crd-cases.ts";

const widget = customResource("widgets.example.com/v1", "Widget", "w");

describe("crd-unresolved", () => {
  it("valid: the chart that provides the CRD is known to kubestrap's catalog", () => {
    const r = lintFlux([ks("p", { wait: true }), ks("c", { dependsOn: ["p"] })], {
      "apps/p/hr.yaml": operator,
      "apps/c/x.yaml": cluster,
    });
    expect(ruleIds(r)).toEqual([]);
  });
  it("invalid: an unreadable chart might provide the CRD: info, not an error", () => {
    const r = lintFlux([ks("app", { wait: true }), ks("use", { dependsOn: ["app"] })], {
      "apps/app/hr.yaml": helmRelease("mystery", "oci://example.com/charts/mystery"),
      "apps/use/x.yaml": widget,
    });
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.location?.file])).toEqual([
      ["crd-unresolved", "info", "apps/use/x.yaml"],
    ]);
  });
});
