import { describe, expect, it } from "vitest";
import { ks, lintFlux } from "../helpers.ts";

const broken = "a: [unclosed\nb: {{ .Values.x }}\n";

describe("YAML nothing reads is not an error of the bootstrap", () => {
  it("a reachable file that does not parse is a yaml-syntax error", () => {
    const r = lintFlux([ks("apps", { path: "./apps" })], { "apps/broken.yaml": broken });
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.location?.file])).toEqual([
      ["yaml-syntax", "error", "apps/broken.yaml"],
    ]);
  });

  it("chart templates/, Ansible and Terraform YAML that no Kustomization reads become one info finding", () => {
    const r = lintFlux([ks("apps", { path: "./apps" })], {
      "apps/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: default}\n",
      "charts/mine/templates/deployment.yaml": broken,
      "ansible/roles/k3s/tasks/main.yaml": broken,
      "terraform/values.yaml": broken,
    });
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([["file-skipped", "info"]]);
    expect(r.findings[0]?.message).toBe(
      "3 YAML files that neither Flux nor the bootstrap reads do not parse, and are not checked: ansible/roles/k3s/tasks/main.yaml, charts/mine/templates/deployment.yaml, terraform/values.yaml",
    );
  });
});
