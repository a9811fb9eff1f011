import { describe, expect, it } from "vitest";
import { configMap, lintApp, ofRule } from "./diagnostics.ts";

const helmfile = `releases:\n  - name: cilium\n    namespace: kube-system\n    chart: oci://quay.io/cilium/charts/cilium\n    version: 1.18.2\n    values:\n      - cluster:\n          name: {{ requiredEnv "KUBESTRAP_TEST_UNSET_CLUSTER" }}\n`;

describe("bootstrap-unresolved", () => {
  it("valid: the variable the helmfile requires is set in kubestrap.yaml", () => {
    const r = lintApp({
      "apps/app/cm.yaml": configMap("a"),
      "bootstrap/helmfile.yaml.gotmpl": helmfile,
      "kubestrap.yaml": "bootstrap:\n  env:\n    KUBESTRAP_TEST_UNSET_CLUSTER: home\n",
    });
    expect(ofRule(r.findings, "bootstrap-unresolved")).toEqual([]);
    expect(r.bootstrap.releases.map((b) => b.name)).toEqual(["cilium"]);
  });
  it("invalid: a variable neither the shell nor kubestrap.yaml sets: a warning, with the fix", () => {
    const r = lintApp({ "apps/app/cm.yaml": configMap("a"), "bootstrap/helmfile.yaml.gotmpl": helmfile });
    expect(ofRule(r.findings, "bootstrap-unresolved")).toEqual([
      ["warning", "bootstrap/helmfile.yaml.gotmpl"],
    ]);
    expect(r.findings.find((f) => f.ruleId === "bootstrap-unresolved")?.fix).toContain("clusters[].env");
  });
});
