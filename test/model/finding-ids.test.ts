import { describe, expect, it } from "vitest";
import { loadPlan } from "../../src/app/plan.ts";
import { Repository } from "../../src/load/repository.ts";
import { KustomizeBuilder } from "../../src/model/kustomize.ts";
import { ks, lintFlux, makeRepo } from "../helpers.ts";

// Finding ids that the loader and the plan emit, each triggered by the smallest repository that has the problem.
const k = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;

function build(files: Record<string, string>, dir: string) {
  const builder = new KustomizeBuilder(Repository.load(makeRepo(files)), () => "Namespaced");
  builder.build(dir, false);
  return builder.findings.map((f) => [f.ruleId, f.severity, f.location?.file]);
}

describe("finding ids of the kustomize builder", () => {
  it("invalid-object: a listed resource document that is not a Kubernetes object", () => {
    expect(
      build(
        { "app/kustomization.yaml": k("resources: [bad.yaml]\n"), "app/bad.yaml": "just: data\n" },
        "app",
      ),
    ).toEqual([["invalid-object", "warning", "app/bad.yaml"]]);
  });

  it("valid: an object with apiVersion, kind and name is not reported", () => {
    expect(
      build(
        {
          "app/kustomization.yaml": k("resources: [cm.yaml]\n"),
          "app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
        },
        "app",
      ),
    ).toEqual([]);
  });

  it("kustomize-cycle: two kustomizations that include each other", () => {
    const findings = build(
      { "a/kustomization.yaml": k("resources: [../b]\n"), "b/kustomization.yaml": k("resources: [../a]\n") },
      "a",
    );
    expect(findings).toEqual([["kustomize-cycle", "error", "a/kustomization.yaml"]]);
  });
});

describe("chart-unresolved", () => {
  it("a bootstrap release that names no chart, and no HelmRelease of its name does: an error of the plan", () => {
    const { plan } = loadPlan({
      repo: makeRepo({
        "bootstrap/helmfile.yaml": "releases:\n  - name: cilium\n    namespace: kube-system\n",
      }),
    });
    expect(plan.findings.map((f) => [f.ruleId, f.severity, f.location?.file, f.location?.line])).toEqual([
      ["chart-unresolved", "error", "bootstrap/helmfile.yaml", 2],
    ]);
  });

  it("valid: the helmfile names the chart", () => {
    const { plan } = loadPlan({
      repo: makeRepo({
        "bootstrap/helmfile.yaml":
          "releases:\n  - name: cilium\n    namespace: kube-system\n    chart: oci://quay.io/cilium/charts/cilium\n    version: 1.18.2\n",
      }),
    });
    expect(plan.findings).toEqual([]);
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
