import { describe, expect, it } from "vitest";
import { findingsOf, fleetRepo, lintRepo, replace } from "../../fleet-repo.ts";

const SETTINGS_APPS = "kubernetes/clusters/apps/cluster-settings.yaml";

describe("cluster-unique-value", () => {
  it("valid: each cluster has its own Cilium id and name", async () => {
    expect(findingsOf(await lintRepo(fleetRepo()), "cluster-unique-value")).toEqual([]);
  });

  it("invalid: the apps cluster reuses infra's cluster.id, in Flux's values and in the bootstrap's", async () => {
    const result = await lintRepo(
      fleetRepo({
        [SETTINGS_APPS]: replace('CLUSTER_ID: "2"', 'CLUSTER_ID: "1"'),
        "bootstrap/environments/apps.yaml": replace("clusterId: 2", "clusterId: 1"),
      }),
    );
    const found = findingsOf(result, "cluster-unique-value");
    expect(found.map((f) => [f.cluster, f.severity, f.location?.file, f.message])).toEqual([
      [
        "apps",
        "error",
        "bootstrap/helmfile.yaml.gotmpl",
        "cilium cluster.id is 1 on cluster apps, as on cluster infra: it must differ per cluster",
      ],
    ]);
    // The first place the value is set on infra is named, with its cluster.
    expect(found[0]?.related?.[0]).toMatchObject({
      cluster: "infra",
      file: "bootstrap/helmfile.yaml.gotmpl",
    });
  });

  it("invalid: only Flux's value is shared, and the finding points at the HelmRelease value", async () => {
    const result = await lintRepo(
      fleetRepo({ [SETTINGS_APPS]: replace("CLUSTER_NAME: apps", "CLUSTER_NAME: infra") }),
    );
    const found = findingsOf(result, "cluster-unique-value");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      cluster: "apps",
      location: { file: "kubernetes/apps/base/kube-system/cilium/app/helmrelease.yaml", line: 13 },
      message:
        "cilium cluster.name is infra on cluster apps, as on cluster infra: it must differ per cluster",
    });
  });

  it("kubestrap.yaml fleet.unique adds chart values to compare", async () => {
    const same = {
      [SETTINGS_APPS]: replace("DNS_IP: 10.53.0.10", "DNS_IP: 10.43.0.10"),
      "bootstrap/environments/apps.yaml": replace("dnsIP: 10.53.0.10", "dnsIP: 10.43.0.10"),
    };
    expect(findingsOf(await lintRepo(fleetRepo(same)), "cluster-unique-value")).toEqual([]);
    const configured = await lintRepo(
      fleetRepo({
        ...same,
        "kubestrap.yaml": replace(
          "fleet:\n",
          "fleet:\n  unique:\n    - chart: coredns\n      path: service.clusterIP\n",
        ),
      }),
    );
    expect(findingsOf(configured, "cluster-unique-value").map((f) => f.message)).toEqual([
      "coredns service.clusterIP is 10.43.0.10 on cluster apps, as on cluster infra: it must differ per cluster",
    ]);
  });

  it("invalid: one load-balancer address pinned on both clusters, unless they are independent", async () => {
    const pinned = `---
apiVersion: v1
kind: Service
metadata:
  name: echo
  namespace: kube-system
  annotations:
    lbipam.cilium.io/ips: 192.168.10.70
spec:
  type: LoadBalancer
  ports:
    - port: 80
`;
    const edits = {
      "kubernetes/apps/apps/echo.yaml": pinned,
      "kubernetes/apps/apps/kustomization.yaml": replace(
        "  - ../base/flux-system\n",
        "  - ../base/flux-system\n  - ./echo.yaml\n",
      ),
    };
    const found = findingsOf(await lintRepo(fleetRepo(edits)), "cluster-unique-value");
    expect(found.map((f) => [f.cluster, f.object, f.message])).toEqual([
      [
        "apps",
        "Service kube-system/echo",
        "load-balancer address 192.168.10.70 is pinned on cluster apps and on cluster infra (HelmRelease observability/kube-prometheus-stack): both announce it",
      ],
    ]);
    const independent = fleetRepo({
      ...edits,
      "kubestrap.yaml": replace("fleet:\n", "fleet:\n  independent:\n    - [infra, apps]\n"),
    });
    expect(findingsOf(await lintRepo(independent), "cluster-unique-value")).toEqual([]);
  });
});
