import { describe, expect, it } from "vitest";
import { findingsOf, fleetRepo, lintRepo, replace } from "../../fleet-repo.ts";

const SETTINGS = (cluster: string) => `kubernetes/clusters/${cluster}/cluster-settings.yaml`;

describe("cluster-cidr-overlap", () => {
  it("valid: pods, services and pools of both clusters are apart", async () => {
    expect(findingsOf(await lintRepo(fleetRepo()), "cluster-cidr-overlap")).toEqual([]);
  });

  it("invalid: apps' pod CIDR inside infra's, in Flux's values, the bootstrap's and kubestrap.yaml", async () => {
    const result = await lintRepo(
      fleetRepo({
        [SETTINGS("apps")]: replace("POD_CIDR: 10.52.0.0/16", "POD_CIDR: 10.42.128.0/17"),
      }),
    );
    const found = findingsOf(result, "cluster-cidr-overlap");
    expect(found.map((f) => [f.cluster, f.location?.file, f.message])).toEqual([
      [
        "apps",
        "kubernetes/apps/base/kube-system/cilium/app/helmrelease.yaml",
        "10.42.128.0/17 (cilium ipv4NativeRoutingCIDR (HelmRelease kube-system/cilium)) on cluster apps overlaps 10.42.0.0/16 (cilium ipv4NativeRoutingCIDR (bootstrap release kube-system/cilium)) on cluster infra: the two clusters cannot be routed or meshed together",
      ],
    ]);
    // infra writes 10.42.0.0/16 twice (its Cilium values and kubestrap.yaml): one finding, at the first.
    expect(found[0]?.related?.[0]).toMatchObject({
      cluster: "infra",
      file: "bootstrap/helmfile.yaml.gotmpl",
    });
  });

  it("invalid: a pod range declared in kubestrap.yaml is reported where it is declared", async () => {
    const result = await lintRepo(
      fleetRepo({ "kubestrap.yaml": replace("pods: [10.52.0.0/16]", "pods: [10.42.0.0/24]") }),
    );
    expect(
      findingsOf(result, "cluster-cidr-overlap").map((f) => [f.cluster, f.location, f.message.split(":")[0]]),
    ).toEqual([
      [
        "apps",
        { file: "kubestrap.yaml", line: 13 },
        "10.42.0.0/24 (pods CIDR in kubestrap.yaml) on cluster apps overlaps 10.42.0.0/16 (cilium ipv4NativeRoutingCIDR (bootstrap release kube-system/cilium)) on cluster infra",
      ],
    ]);
  });

  it("invalid: a load-balancer pool inside the cluster's own service range", async () => {
    const result = await lintRepo(
      fleetRepo({ [SETTINGS("infra")]: replace("LB_POOL: 192.168.10.64/27", "LB_POOL: 10.43.200.0/24") }),
    );
    const found = findingsOf(result, "cluster-cidr-overlap");
    expect(found.map((f) => [f.cluster, f.location?.file, f.message])).toEqual([
      [
        "infra",
        "kubernetes/apps/base/kube-system/cilium/app/networking.yaml",
        "10.43.200.0/24 (load-balancer pool pool) overlaps 10.43.0.0/16 (services CIDR in kubestrap.yaml) on cluster infra",
      ],
    ]);
  });

  it("the same pool on both clusters overlaps; declared independent, it does not", async () => {
    const samePool = {
      [SETTINGS("apps")]: replace("LB_POOL: 192.168.10.96/27", "LB_POOL: 192.168.10.64/27"),
    };
    const found = findingsOf(await lintRepo(fleetRepo(samePool)), "cluster-cidr-overlap");
    expect(found.map((f) => f.message)).toEqual([
      "192.168.10.64/27 (load-balancer pool pool) on cluster apps overlaps 192.168.10.64/27 (load-balancer pool pool) on cluster infra: the two clusters cannot be routed or meshed together",
    ]);
    expect(found[0]?.fix).toContain("fleet.independent: [[infra, apps]]");
    const independent = fleetRepo({
      ...samePool,
      "kubestrap.yaml": replace("fleet:\n", "fleet:\n  independent:\n    - [apps, infra]\n"),
    });
    expect(findingsOf(await lintRepo(independent), "cluster-cidr-overlap")).toEqual([]);
  });

  it("a pool given as start and stop, and a MetalLB range, are compared as ranges", async () => {
    const pools = `---
apiVersion: cilium.io/v2
kind: CiliumLoadBalancerIPPool
metadata:
  name: extra
spec:
  blocks:
    - start: 192.168.10.90
      stop: 192.168.10.100
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: legacy
  namespace: kube-system
spec:
  addresses:
    - 10.43.0.1-10.43.0.5
`;
    const result = await lintRepo(
      fleetRepo({
        "kubernetes/apps/infra/pools.yaml": pools,
        "kubernetes/apps/infra/kustomization.yaml": replace(
          "  - ./observability\n",
          "  - ./observability\n  - ./pools.yaml\n",
        ),
      }),
    );
    expect(findingsOf(result, "cluster-cidr-overlap").map((f) => f.message)).toEqual([
      "192.168.10.64/27 (load-balancer pool pool) overlaps 192.168.10.90-192.168.10.100 (load-balancer pool extra) on cluster infra",
      "10.43.0.1-10.43.0.5 (MetalLB pool legacy) overlaps 10.43.0.0/16 (services CIDR in kubestrap.yaml) on cluster infra",
      "192.168.10.96/27 (load-balancer pool pool) on cluster apps overlaps 192.168.10.90-192.168.10.100 (load-balancer pool extra) on cluster infra: the two clusters cannot be routed or meshed together",
    ]);
  });
});
