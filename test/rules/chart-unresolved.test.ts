import { describe, expect, it } from "vitest";
import { loadPlan } from "../../src/app/plan.ts";
import { makeRepo } from "../helpers.ts";

const plan = (helmfile: string) => loadPlan({ repo: makeRepo({ "bootstrap/helmfile.yaml": helmfile }) }).plan;

describe("chart-unresolved", () => {
  it("valid: the helmfile names the chart", () => {
    const p = plan(
      "releases:\n  - name: cilium\n    namespace: kube-system\n    chart: oci://quay.io/cilium/charts/cilium\n    version: 1.18.2\n",
    );
    expect(p.findings).toEqual([]);
  });
  it("invalid: a bootstrap release that names no chart, and no HelmRelease of its name does", () => {
    const p = plan("releases:\n  - name: cilium\n    namespace: kube-system\n");
    expect(p.findings.map((f) => [f.ruleId, f.severity, f.location?.file, f.location?.line])).toEqual([
      ["chart-unresolved", "error", "bootstrap/helmfile.yaml", 2],
    ]);
  });
});
