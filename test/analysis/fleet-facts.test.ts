/**
 * The per-cluster facts the cross-cluster rules compare: each release's chart and version, the address ranges a
 * cluster declares (Cilium values, Cilium and MetalLB pools, kubestrap.yaml), and the load-balancer addresses
 * its objects pin. Values Flux has yet to substitute are not facts.
 */
import { describe, expect, it } from "vitest";
import type { ClusterContext, FleetContext } from "../../src/analysis/context.ts";
import { pinnedAddresses, rangeFacts, releaseFacts } from "../../src/analysis/fleet-facts.ts";
import { lint } from "../../src/analysis/lint.ts";
import { Repository } from "../../src/load/repository.ts";
import { DEFAULT_CONFIG } from "../../src/model/config.ts";
import { ks, makeRepo } from "../helpers.ts";

const doc = (apiVersion: string, kind: string, name: string, body: string) =>
  `---\napiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: ${name}, namespace: kube-system}\n${body}`;

const files = {
  "kubernetes/flux/cluster/ks.yaml": ks("app"),
  "apps/app/sources.yaml": [
    doc(
      "source.toolkit.fluxcd.io/v1",
      "OCIRepository",
      "cilium",
      "spec:\n  url: oci://quay.io/cilium/charts/cilium\n  ref: {tag: 1.18.2}\n",
    ),
    doc(
      "source.toolkit.fluxcd.io/v1",
      "OCIRepository",
      "pinned",
      "spec:\n  url: oci://ghcr.io/org/pinned\n  ref: {digest: 'sha256:abc'}\n",
    ),
    doc(
      "source.toolkit.fluxcd.io/v1",
      "HelmRepository",
      "charts",
      "spec:\n  url: https://charts.example.com\n",
    ),
  ].join(""),
  "apps/app/releases.yaml": [
    doc(
      "helm.toolkit.fluxcd.io/v2",
      "HelmRelease",
      "cilium",
      [
        "spec:",
        "  chartRef: {kind: OCIRepository, name: cilium}",
        "  values:",
        "    ipv4NativeRoutingCIDR: 10.42.0.0/16",
        "    ipv6NativeRoutingCIDR: 'fd00::/104'",
        "    ipam:",
        "      operator:",
        "        clusterPoolIPv4PodCIDRList: ['10.43.0.0/16', '${POD_CIDR}']",
        "        clusterPoolIPv4PodCIDR: 10.44.0.0/16, 10.45.0.0/16",
        "",
      ].join("\n"),
    ),
    doc(
      "helm.toolkit.fluxcd.io/v2",
      "HelmRelease",
      "pinned",
      "spec:\n  chartRef: {kind: OCIRepository, name: pinned}\n",
    ),
    doc(
      "helm.toolkit.fluxcd.io/v2",
      "HelmRelease",
      "podinfo",
      [
        "spec:",
        "  chart:",
        "    spec: {chart: podinfo, version: 6.5.0, sourceRef: {kind: HelmRepository, name: charts}}",
        "  values:",
        "    service:",
        "      annotations: {metallb.io/loadBalancerIPs: '192.168.1.3'}",
        "",
      ].join("\n"),
    ),
  ].join(""),
  "apps/app/pools.yaml": [
    doc(
      "cilium.io/v2alpha1",
      "CiliumLoadBalancerIPPool",
      "pool",
      "spec:\n  blocks:\n    - {cidr: 10.69.10.0/24}\n    - {start: 10.70.0.10, stop: 10.70.0.20}\n    - {start: 10.71.0.5}\n    - {cidr: '${LB_CIDR}'}\n",
    ),
    doc(
      "cilium.io/v2alpha1",
      "CiliumLoadBalancerIPPool",
      "legacy",
      "spec:\n  cidrs:\n    - {cidr: 10.72.0.0/24}\n",
    ),
    doc(
      "example.com/v1",
      "CiliumLoadBalancerIPPool",
      "lookalike",
      "spec:\n  blocks:\n    - {cidr: 10.99.0.0/24}\n",
    ),
    doc(
      "metallb.io/v1beta1",
      "IPAddressPool",
      "metal",
      "spec:\n  addresses: [192.168.1.0/28, 192.168.2.1-192.168.2.9, '${MORE}']\n",
    ),
    doc("example.com/v1", "IPAddressPool", "lookalike", "spec:\n  addresses: [10.98.0.0/24]\n"),
  ].join(""),
  "apps/app/services.yaml": [
    "apiVersion: v1",
    "kind: Service",
    "metadata:",
    "  name: gateway",
    "  namespace: kube-system",
    "  annotations:",
    "    lbipam.cilium.io/ips: '10.69.10.5, 10.69.10.6'",
    "    io.cilium/lb-ipam-ips: '${GATEWAY_IP}'",
    "    other/ips: 10.0.0.1",
    "spec:",
    "  type: LoadBalancer",
    "  loadBalancerIP: 10.69.10.7",
    "",
  ].join("\n"),
};

function cluster(): { ctx: ClusterContext; fleet: FleetContext } {
  const repo = makeRepo(files);
  const ctx = { ...lint({ repo }).context, name: "main" } as ClusterContext;
  const fleet = { repo: Repository.load(repo), config: DEFAULT_CONFIG, clusters: [ctx] } as FleetContext;
  return { ctx, fleet };
}

// Read inside each test, not while collecting: a mutation run credits a test only with what runs in it.
function read() {
  const { ctx, fleet } = cluster();
  return { ctx, fleet, releases: releaseFacts(ctx) };
}

describe("fleet facts of one cluster", () => {
  it("gives each release its chart and the version that runs: tag, else digest, else chart version", () => {
    const { releases } = read();
    expect(releases.map((r) => [r.id, r.chart, r.version, r.installedBy])).toEqual([
      ["kube-system/cilium", "cilium", "1.18.2", "flux"],
      ["kube-system/pinned", "pinned", "sha256:abc", "flux"],
      ["kube-system/podinfo", "podinfo", "6.5.0", "flux"],
    ]);
    const cilium = releases[0];
    expect(cilium?.valueAt(["ipv4NativeRoutingCIDR"])).toEqual({ file: "apps/app/releases.yaml", line: 8 });
  });

  it("reads the ranges Cilium and the pools declare, known values only, each once", () => {
    const { ctx, fleet, releases } = read();
    const ranges = rangeFacts(ctx, fleet, [...releases, ...releases]);
    expect(ranges.map((r) => [r.kind, r.range.text, r.what, r.owner])).toEqual([
      [
        "routing",
        "10.42.0.0/16",
        "cilium ipv4NativeRoutingCIDR (HelmRelease kube-system/cilium)",
        "kube-system/cilium",
      ],
      [
        "routing",
        "fd00::/104",
        "cilium ipv6NativeRoutingCIDR (HelmRelease kube-system/cilium)",
        "kube-system/cilium",
      ],
      [
        "pods",
        "10.43.0.0/16",
        "cilium ipam.operator.clusterPoolIPv4PodCIDRList (HelmRelease kube-system/cilium)",
        "kube-system/cilium",
      ],
      [
        "pods",
        "10.44.0.0/16",
        "cilium ipam.operator.clusterPoolIPv4PodCIDR (HelmRelease kube-system/cilium)",
        "kube-system/cilium",
      ],
      [
        "pods",
        "10.45.0.0/16",
        "cilium ipam.operator.clusterPoolIPv4PodCIDR (HelmRelease kube-system/cilium)",
        "kube-system/cilium",
      ],
      ["pool", "10.69.10.0/24", "load-balancer pool pool", "CiliumLoadBalancerIPPool/kube-system/pool"],
      [
        "pool",
        "10.70.0.10-10.70.0.20",
        "load-balancer pool pool",
        "CiliumLoadBalancerIPPool/kube-system/pool",
      ],
      ["pool", "10.71.0.5-10.71.0.5", "load-balancer pool pool", "CiliumLoadBalancerIPPool/kube-system/pool"],
      ["pool", "10.72.0.0/24", "load-balancer pool legacy", "CiliumLoadBalancerIPPool/kube-system/legacy"],
      ["pool", "192.168.1.0/28", "MetalLB pool metal", "IPAddressPool/kube-system/metal"],
      ["pool", "192.168.2.1-192.168.2.9", "MetalLB pool metal", "IPAddressPool/kube-system/metal"],
    ]);
  });

  it("finds the load-balancer addresses pinned by annotation or loadBalancerIP, in any object", () => {
    const { ctx } = read();
    expect(pinnedAddresses(ctx).map((p) => [p.address, p.key, p.object, p.location.line])).toEqual([
      ["192.168.1.3", "metallb.io/loadBalancerIPs", "HelmRelease kube-system/podinfo", 29],
      ["10.69.10.5", "lbipam.cilium.io/ips", "Service kube-system/gateway", 7],
      ["10.69.10.6", "lbipam.cilium.io/ips", "Service kube-system/gateway", 7],
      ["10.69.10.7", "loadBalancerIP", "Service kube-system/gateway", 12],
    ]);
  });
});
