import type { FleetRule, FleetRuleFinding } from "../context.ts";
import { factsOf, independentPairs, type RangeFact, type RangeKind } from "../fleet-facts.ts";
import { overlaps } from "../ip-ranges.ts";

/** Within one cluster, which kinds of range must not overlap (a routing CIDR contains the pod CIDRs by design). */
function conflictWithin(a: RangeKind, b: RangeKind): boolean {
  const pods = (k: RangeKind) => k === "pods" || k === "routing";
  if (pods(a) && pods(b)) return false;
  if (a === "services" && b === "services") return false;
  return true;
}

const describe = (f: RangeFact) => `${f.range.text} (${f.what})`;

/**
 * Pod, service and load-balancer ranges must not overlap: within a cluster (a Service address the pod network
 * routes elsewhere), and across the clusters of the repository, which are meant to be routed or meshed together
 * (Cilium Cluster Mesh requires distinct pod CIDRs; two clusters announcing one load-balancer pool hand out the
 * same address twice). kubestrap.yaml `fleet.independent` exempts a pair of clusters.
 */
export const clusterCidrOverlap: FleetRule = {
  id: "cluster-cidr-overlap",
  severity: "error",
  description:
    "Pod, service or load-balancer address ranges (Cilium ipv4NativeRoutingCIDR and cluster-pool CIDRs, load-balancer pools, kubestrap.yaml network) overlap within a cluster or between two clusters.",
  check: (fleet) => {
    const out: FleetRuleFinding[] = [];
    const independent = independentPairs(fleet);
    fleet.clusters.forEach((cluster, i) => {
      const ranges = factsOf(cluster, fleet).ranges;
      ranges.forEach((a, j) => {
        for (const b of ranges.slice(0, j)) {
          if (a.owner === b.owner || !conflictWithin(a.kind, b.kind) || !overlaps(a.range, b.range)) continue;
          out.push({
            cluster: cluster.name,
            message: `${describe(a)} overlaps ${describe(b)} on cluster ${cluster.name}`,
            fix: "give each range addresses of its own",
            location: a.location,
            related: [{ ...b.location, message: `the range it overlaps: ${b.range.text}` }],
          });
        }
      });
      for (const other of fleet.clusters.slice(0, i)) {
        if (independent.has(`${cluster.name}\0${other.name}`)) continue;
        for (const a of ranges) {
          // One range the other cluster writes in two places (its Cilium values and kubestrap.yaml) is one finding.
          const reported = new Set<string>();
          for (const b of factsOf(other, fleet).ranges) {
            if (!overlaps(a.range, b.range) || reported.has(b.range.text)) continue;
            reported.add(b.range.text);
            out.push({
              cluster: cluster.name,
              message: `${describe(a)} on cluster ${cluster.name} overlaps ${describe(b)} on cluster ${other.name}: the two clusters cannot be routed or meshed together`,
              fix: `give ${cluster.name} ranges of its own, or, if ${cluster.name} and ${other.name} are never connected, declare them independent in kubestrap.yaml (fleet.independent: [[${other.name}, ${cluster.name}]])`,
              location: a.location,
              related: [{ ...b.location, cluster: other.name, message: `${b.range.text} on ${other.name}` }],
            });
          }
        }
      }
    });
    return out;
  },
};
