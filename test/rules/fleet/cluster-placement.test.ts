import { describe, expect, it } from "vitest";
import { findingsOf, fleetRepo, lintRepo, replace } from "../../fleet-repo.ts";

const APPS_TREE = "kubernetes/apps/apps/kustomization.yaml";

describe("cluster-placement", () => {
  it("valid: kube-prometheus-stack only on infra, as kubestrap.yaml says", async () => {
    expect(findingsOf(await lintRepo(fleetRepo()), "cluster-placement")).toEqual([]);
  });

  it("invalid: the apps cluster includes the observability tree", async () => {
    const result = await lintRepo(
      fleetRepo({
        [APPS_TREE]: replace(
          "  - ../base/flux-system\n",
          "  - ../base/flux-system\n  - ../infra/observability\n",
        ),
      }),
    );
    const found = findingsOf(result, "cluster-placement");
    expect(found.map((f) => [f.cluster, f.object, f.location?.file, f.message])).toEqual([
      [
        "apps",
        "HelmRelease observability/kube-prometheus-stack",
        "kubernetes/apps/infra/observability/kube-prometheus-stack/app/helmrelease.yaml",
        "chart kube-prometheus-stack is allowed only on infra, not on cluster apps",
      ],
    ]);
    expect(found[0]?.related).toEqual([
      { file: "kubestrap.yaml", line: 18, message: "chart kube-prometheus-stack runs only on infra" },
    ]);
  });

  it("a kind policy, with or without its group", async () => {
    for (const kind of ["CiliumL2AnnouncementPolicy", "cilium.io/CiliumL2AnnouncementPolicy"]) {
      const result = await lintRepo(
        fleetRepo({
          "kubestrap.yaml": replace(
            "  placement:\n",
            `  placement:\n    - kind: ${kind}\n      clusters: [infra]\n`,
          ),
        }),
      );
      expect(findingsOf(result, "cluster-placement").map((f) => [f.cluster, f.object])).toEqual([
        ["apps", "CiliumL2AnnouncementPolicy l2-policy"],
      ]);
    }
    const otherGroup = await lintRepo(
      fleetRepo({
        "kubestrap.yaml": replace(
          "  placement:\n",
          "  placement:\n    - kind: example.com/CiliumL2AnnouncementPolicy\n      clusters: [infra]\n",
        ),
      }),
    );
    expect(findingsOf(otherGroup, "cluster-placement")).toEqual([]);
  });

  it("invalid: a policy naming a cluster the repository does not have", async () => {
    const result = await lintRepo(
      fleetRepo({ "kubestrap.yaml": replace("clusters: [infra]", "clusters: [infra, storage]") }),
    );
    expect(
      findingsOf(result, "cluster-placement").map((f) => [f.cluster, f.location, f.message, f.fix]),
    ).toEqual([
      [
        "infra",
        { file: "kubestrap.yaml", line: 19 },
        "the placement of chart kube-prometheus-stack names cluster storage, which this repository does not have (clusters: infra, apps)",
        "name the clusters as kubestrap lint lists them",
      ],
    ]);
  });

  it("kubestrap.yaml refuses a policy that names both a chart and a kind", async () => {
    const result = await lintRepo(
      fleetRepo({
        "kubestrap.yaml": replace(
          "    - chart: kube-prometheus-stack\n",
          "    - chart: kube-prometheus-stack\n      kind: Prometheus\n",
        ),
      }),
    );
    expect(result.findings.filter((f) => f.ruleId === "config-invalid").map((f) => f.message)).toEqual([
      "kubestrap.yaml: fleet.placement.0: name either a chart or a kind",
    ]);
  });

  it("invalid: a namespaced kind, a bootstrap release, and a policy allowing several clusters", async () => {
    const result = await lintRepo(
      fleetRepo({
        "kubestrap.yaml": replace(
          "  placement:\n",
          "  placement:\n    - kind: OCIRepository\n      clusters: [infra, edge]\n    - chart: cilium\n      clusters: [infra]\n",
        ),
      }),
    );
    const found = findingsOf(result, "cluster-placement").filter((f) => f.cluster === "apps");
    expect(found.map((f) => [f.object, f.message])).toEqual(
      expect.arrayContaining([
        [
          "OCIRepository kube-system/coredns",
          "kind OCIRepository is allowed only on infra, edge, not on cluster apps",
        ],
        [
          "bootstrap release kube-system/cilium",
          "chart cilium is allowed only on infra, not on cluster apps",
        ],
        ["HelmRelease kube-system/cilium", "chart cilium is allowed only on infra, not on cluster apps"],
      ]),
    );
    expect(found.find((f) => f.object === "bootstrap release kube-system/cilium")).toMatchObject({
      location: { file: "bootstrap/helmfile.yaml.gotmpl" },
      fix: "remove it from the Flux tree of cluster apps, or allow apps in kubestrap.yaml fleet.placement",
      related: [{ file: "kubestrap.yaml", message: "chart cilium runs only on infra" }],
    });
  });
});
