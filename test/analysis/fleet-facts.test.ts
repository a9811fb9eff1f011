/**
 * The per-cluster facts the cross-cluster rules compare: each release's chart and version, the address ranges a
 * cluster declares (Cilium values, Cilium and MetalLB pools, kubestrap.yaml), and the load-balancer addresses
 * its objects pin. Values Flux has yet to substitute are not facts.
 */
import { describe, expect, it } from "vitest";
import type { ClusterContext, FleetContext } from "../../src/analysis/context.ts";
import {
  factsOf,
  independentPairs,
  pinnedAddresses,
  rangeFacts,
  releaseFacts,
} from "../../src/analysis/fleet-facts.ts";
import { lint } from "../../src/analysis/lint.ts";
import { Repository } from "../../src/load/repository.ts";
import { DEFAULT_CONFIG, loadConfig } from "../../src/model/config.ts";
import { ks, makeRepo } from "../helpers.ts";

const doc = (apiVersion: string, kind: string, name: string, body: string) =>
  `---\napiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: ${name}, namespace: kube-system}\n${body}`;

const files = {
  "kubernetes/flux/cluster/ks.yaml": ks("app"),
  "bootstrap/helmfile.yaml": [
    "releases:",
    "  - name: cilium",
    "    namespace: kube-system",
    "    chart: oci://quay.io/cilium/charts/cilium",
    "    version: 1.18.1",
    "    values:",
    "      - ipv4NativeRoutingCIDR: 10.42.0.0/16",
    "  - name: tools",
    "    namespace: kube-system",
    "    chart: oci://ghcr.io/org/charts/tools",
    "  - name: hooks-only",
    "    namespace: kube-system",
    "",
  ].join("\n"),
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
    doc(
      "source.toolkit.fluxcd.io/v1",
      "GitRepository",
      "git",
      "spec:\n  url: https://git.example.com/charts\n  ref: {tag: v2.0.0}\n",
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
        "    ipv4NativeRoutingCIDR: 10.50.0.0/16",
        "    service:",
        "      annotations: {metallb.io/loadBalancerIPs: '192.168.1.3'}",
        "      loadBalancerIP: null",
        "    controllers:",
        "      - service: {loadBalancerIP: 192.168.1.4}",
        "",
      ].join("\n"),
    ),
    doc(
      "helm.toolkit.fluxcd.io/v2",
      "HelmRelease",
      "from-git",
      [
        "spec:",
        "  chart:",
        "    spec: {chart: ./charts/app, version: 1.0.0, sourceRef: {kind: GitRepository, name: git}}",
        "",
      ].join("\n"),
    ),
    doc(
      "helm.toolkit.fluxcd.io/v2",
      "HelmRelease",
      "unversioned",
      "spec:\n  chart:\n    spec: {chart: redis, sourceRef: {kind: HelmRepository, name: charts}}\n",
    ),
    doc(
      "helm.toolkit.fluxcd.io/v2",
      "HelmRelease",
      "no-repository",
      "spec:\n  chart:\n    spec: {chart: redis, version: 1.0.0, sourceRef: {kind: HelmRepository, name: gone}}\n",
    ),
    doc(
      "helm.toolkit.fluxcd.io/v2",
      "HelmRelease",
      "no-source",
      "spec:\n  chartRef: {kind: OCIRepository, name: missing}\n",
    ),
  ].join(""),
  "apps/app/pools.yaml": [
    doc(
      "cilium.io/v2alpha1",
      "CiliumLoadBalancerIPPool",
      "pool",
      "spec:\n  blocks:\n    - {cidr: 10.69.10.0/24}\n    - {start: 10.70.0.10, stop: 10.70.0.20}\n    - {start: 10.71.0.5}\n    - {cidr: '${LB_CIDR}'}\n",
    ),
    // Cluster-scoped, as CiliumLoadBalancerIPPool is.
    "---\napiVersion: cilium.io/v2alpha1\nkind: CiliumLoadBalancerIPPool\nmetadata: {name: twin}\nspec:\n  blocks:\n    - {cidr: 10.69.10.0/24}\n",
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

function cluster(config = DEFAULT_CONFIG): { ctx: ClusterContext; fleet: FleetContext } {
  const repo = makeRepo(files);
  const ctx = { ...lint({ repo }).context, name: "main" } as ClusterContext;
  const fleet = { repo: Repository.load(repo), config, clusters: [ctx] } as FleetContext;
  return { ctx, fleet };
}

// Read inside each test, not while collecting: a mutation run credits a test only with what runs in it.
function read(config = DEFAULT_CONFIG) {
  const { ctx, fleet } = cluster(config);
  return { ctx, fleet, releases: releaseFacts(ctx) };
}

const ciliumRange = (kind: string, text: string, path: string, who = "HelmRelease") => [
  kind,
  text,
  `cilium ${path} (${who} kube-system/cilium)`,
  "kube-system/cilium",
];
const pool = (text: string, name: string, kind = "CiliumLoadBalancerIPPool") => [
  "pool",
  text,
  kind === "IPAddressPool" ? `MetalLB pool ${name}` : `load-balancer pool ${name}`,
  `${kind}/${name === "twin" ? "" : "kube-system"}/${name}`,
];

describe("fleet facts of one cluster", () => {
  it("gives each release its chart and the version that runs: tag, else digest, else chart version", () => {
    const { releases } = read();
    expect(releases.map((r) => [r.id, r.chart, r.version, r.installedBy])).toEqual([
      ["kube-system/cilium", "cilium", "1.18.1", "bootstrap"],
      ["kube-system/tools", "tools", undefined, "bootstrap"],
      ["kube-system/cilium", "cilium", "1.18.2", "flux"],
      ["kube-system/pinned", "pinned", "sha256:abc", "flux"],
      ["kube-system/podinfo", "podinfo", "6.5.0", "flux"],
      // A chart read from Git is what the tag holds, whatever chart.spec.version says.
      ["kube-system/from-git", "app", "v2.0.0", "flux"],
      ["kube-system/unversioned", "redis", undefined, "flux"],
      // A chart whose repository is not in the repository still has its name and version.
      ["kube-system/no-repository", "redis", "1.0.0", "flux"],
    ]);
    // No version is no field at all, so that two unversioned releases compare equal.
    expect(releases.filter((r) => "version" in r).map((r) => r.id)).not.toContain("kube-system/tools");
    expect(releases.filter((r) => "version" in r).map((r) => r.id)).not.toContain("kube-system/unversioned");
    const [bootstrap, , flux] = releases;
    expect(bootstrap?.location).toEqual({ file: "bootstrap/helmfile.yaml", line: 2 });
    expect(bootstrap?.valueAt(["ipv4NativeRoutingCIDR"])).toEqual(bootstrap?.location);
    expect(flux?.location).toEqual({ file: "apps/app/releases.yaml", line: 2 });
    expect(flux?.valueAt(["ipv4NativeRoutingCIDR"])).toEqual({ file: "apps/app/releases.yaml", line: 8 });
  });

  it("reads the ranges Cilium and the pools declare, each once per owner, what Flux substitutes not at all", () => {
    const { ctx, fleet, releases } = read();
    const ranges = rangeFacts(ctx, fleet, [...releases, ...releases]);
    expect(ranges.map((r) => [r.kind, r.range.text, r.what, r.owner])).toEqual([
      // Written by the bootstrap's cilium and by Flux's: one fact, the bootstrap's, which comes first.
      ciliumRange("routing", "10.42.0.0/16", "ipv4NativeRoutingCIDR", "bootstrap release"),
      ciliumRange("routing", "fd00::/104", "ipv6NativeRoutingCIDR"),
      ciliumRange("pods", "10.43.0.0/16", "ipam.operator.clusterPoolIPv4PodCIDRList"),
      ciliumRange("pods", "10.44.0.0/16", "ipam.operator.clusterPoolIPv4PodCIDR"),
      ciliumRange("pods", "10.45.0.0/16", "ipam.operator.clusterPoolIPv4PodCIDR"),
      pool("10.69.10.0/24", "pool"),
      pool("10.70.0.10-10.70.0.20", "pool"),
      pool("10.71.0.5-10.71.0.5", "pool"),
      // The same block in another pool is another owner's fact.
      pool("10.69.10.0/24", "twin"),
      pool("10.72.0.0/24", "legacy"),
      pool("192.168.1.0/28", "metal", "IPAddressPool"),
      pool("192.168.2.1-192.168.2.9", "metal", "IPAddressPool"),
    ]);
    expect(ranges.find((r) => r.range.text === "10.45.0.0/16")?.range).toMatchObject({ family: 4 });
    expect(ranges.find((r) => r.owner.endsWith("/twin"))?.location).toEqual({
      file: "apps/app/pools.yaml",
      line: 12,
    });
  });

  it("reads the ranges kubestrap.yaml declares for the cluster, at their lines", () => {
    const configText = [
      "clusters:",
      "  - name: other",
      "    network: {pods: [10.1.0.0/16]}",
      "  - name: main",
      "    network:",
      "      pods: [10.42.0.0/16]",
      "      services: [10.96.0.0/12, not-a-cidr]",
      "",
    ].join("\n");
    const loaded = loadConfig(Repository.load(makeRepo({ "kubestrap.yaml": configText })));
    expect(loaded.findings).toEqual([]);
    const { ctx, fleet, releases } = read(loaded.config);
    const withFile = {
      ...fleet,
      repo: Repository.load(makeRepo({ ...files, "kubestrap.yaml": configText })),
    };
    const configured = (f: FleetContext) =>
      rangeFacts(ctx, f, releases)
        .filter((r) => r.owner.startsWith("config/"))
        .map((r) => [r.kind, r.range.text, r.what, r.owner, r.location.line]);
    // Without the file's name, kubestrap.yaml was not read: its ranges are the defaults' (none).
    expect(configured(fleet)).toEqual([]);
    expect(configured({ ...withFile, configFile: "kubestrap.yaml" })).toEqual([
      ["pods", "10.42.0.0/16", "pods CIDR in kubestrap.yaml", "config/pods", 6],
      ["services", "10.96.0.0/12", "services CIDR in kubestrap.yaml", "config/services", 7],
    ]);
  });

  it("finds the load-balancer addresses pinned by annotation or loadBalancerIP, in any object", () => {
    const { ctx } = read();
    expect(pinnedAddresses(ctx).map((p) => [p.address, p.key, p.object, p.location.line])).toEqual([
      ["192.168.1.3", "metallb.io/loadBalancerIPs", "HelmRelease kube-system/podinfo", 30],
      ["192.168.1.4", "loadBalancerIP", "HelmRelease kube-system/podinfo", 33],
      ["10.69.10.5", "lbipam.cilium.io/ips", "Service kube-system/gateway", 7],
      ["10.69.10.6", "lbipam.cilium.io/ips", "Service kube-system/gateway", 7],
      ["10.69.10.7", "loadBalancerIP", "Service kube-system/gateway", 12],
    ]);
    expect(pinnedAddresses(ctx)[0]?.range).toMatchObject({ family: 4, text: "192.168.1.3" });
  });

  it("reads a cluster's facts once, however many rules ask", () => {
    const { ctx, fleet } = cluster();
    const facts = factsOf(ctx, fleet);
    expect(factsOf(ctx, fleet)).toBe(facts);
    expect(facts.releases).toHaveLength(8);
    expect(facts.pinned).toHaveLength(5);
  });

  it("pairs the clusters kubestrap.yaml declares independent, both ways round", () => {
    const fleet = { config: { fleet: { independent: [["infra", "apps"]] } } } as unknown as FleetContext;
    expect([...independentPairs(fleet)].sort()).toEqual(["apps\0infra", "infra\0apps"]);
  });
});
