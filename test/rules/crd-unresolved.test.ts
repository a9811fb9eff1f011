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

  it("invalid: one finding per API group, naming its kinds, the charts it cannot read and every resource", () => {
    const charts = ["a", "b", "c", "d", "e"]
      .map((n) => helmRelease(n, `oci://example.com/charts/${n}`))
      .join("");
    const gadget = customResource("widgets.example.com/v1", "Gadget", "g");
    const other = customResource("widgets.example.com/v1", "Widget", "w2");
    const r = lintFlux([ks("app", { wait: true }), ks("use", { dependsOn: ["app"] })], {
      "apps/app/hr.yaml": charts,
      "apps/use/x.yaml": widget,
      "apps/use/y.yaml": gadget + other,
    });
    const found = r.findings.filter((f) => f.ruleId === "crd-unresolved");
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toMatch(
      /^3 custom resources of widgets\.example\.com \(Gadget, Widget\): no known provider, and 5 charts cannot be read offline \(HelmRelease default\/\w+, HelmRelease default\/\w+, HelmRelease default\/\w+, HelmRelease default\/\w+, and 1 more\)$/,
    );
    expect(found[0]?.fix).toBe(
      "add the chart that ships widgets.example.com to the bootstrap CRD phase, or vendor its CRDs in the repository so that kubestrap can check the ordering",
    );
    expect(found[0]?.related?.map((l) => [l.file, l.message])).toHaveLength(2);
    expect(found[0]?.object).toMatch(/^(Widget|Gadget) default\/\w+$/);
  });

  it("invalid: a single resource and a single chart are named in the singular", () => {
    const r = lintFlux([ks("app", { wait: true }), ks("use", { dependsOn: ["app"] })], {
      "apps/app/hr.yaml": helmRelease("mystery", "oci://example.com/charts/mystery"),
      "apps/use/x.yaml": widget,
    });
    expect(r.findings[0]?.message).toBe(
      "1 custom resource of widgets.example.com (Widget): no known provider, and 1 chart cannot be read offline (HelmRelease default/mystery)",
    );
    expect(r.findings[0]?.related).toEqual([]);
  });
});
