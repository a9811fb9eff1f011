import type { SourceLocation } from "../../findings.ts";
import { asString, getPath } from "../../model/objects.ts";
import type { FleetContext, FleetRule, FleetRuleFinding } from "../context.ts";
import { factsOf, independentPairs } from "../fleet-facts.ts";

/** Values that identify a cluster to its peers: two clusters with the same one cannot be meshed. */
export const BUILTIN_UNIQUE = [
  { chart: "cilium", path: "cluster.id" },
  { chart: "cilium", path: "cluster.name" },
];

/**
 * Cilium's `cluster.id` and `cluster.name` identify a cluster in a Cluster Mesh; clusters that share one cannot
 * be connected (and identities allocated in one collide with the other's). kubestrap.yaml `fleet.unique` adds
 * more chart values. Only values the repository sets are compared: a value left at the chart's default is not.
 * A load-balancer address pinned on two clusters that are not independent is reported too.
 */
export const clusterUniqueValue: FleetRule = {
  id: "cluster-unique-value",
  severity: "error",
  description:
    "A value that must differ per cluster (Cilium cluster.id and cluster.name, kubestrap.yaml fleet.unique, a pinned load-balancer address) is the same on two clusters.",
  check: (fleet) => {
    const out: FleetRuleFinding[] = [];
    for (const spec of [...BUILTIN_UNIQUE, ...fleet.config.fleet.unique]) {
      const path = spec.path.split(".");
      // The first place each value is set, per cluster, in cluster order.
      const firstSeen = new Map<string, { cluster: string; location: SourceLocation }>();
      for (const cluster of fleet.clusters) {
        const values = new Map<string, SourceLocation>();
        for (const r of factsOf(cluster, fleet).releases) {
          if (r.chart !== spec.chart) continue;
          const value = asString(getPath(r.values, path));
          if (value === undefined || value.includes("${") || values.has(value)) continue;
          values.set(value, r.valueAt(path));
        }
        for (const [value, location] of values) {
          const before = firstSeen.get(value);
          if (!before) {
            firstSeen.set(value, { cluster: cluster.name, location });
            continue;
          }
          out.push({
            cluster: cluster.name,
            message: `${spec.chart} ${spec.path} is ${value} on cluster ${cluster.name}, as on cluster ${before.cluster}: it must differ per cluster`,
            fix: `give ${spec.chart} ${spec.path} a value of its own on ${cluster.name} (per-cluster values, a helmfile environment, postBuild substitution)`,
            location,
            related: [
              {
                ...before.location,
                cluster: before.cluster,
                message: `the same ${spec.path} on ${before.cluster}`,
              },
            ],
          });
        }
      }
    }
    out.push(...sharedAddresses(fleet));
    return out;
  },
};

/**
 * A load-balancer address pinned on two clusters that share a network: both announce it, and clients reach
 * whichever answers first. Clusters declared independent may reuse addresses.
 */
function sharedAddresses(fleet: FleetContext): FleetRuleFinding[] {
  const out: FleetRuleFinding[] = [];
  const independent = independentPairs(fleet);
  const pinnedBy = new Map<string, { cluster: string; location: SourceLocation; object: string }[]>();
  for (const cluster of fleet.clusters) {
    const own = new Set<string>();
    for (const pin of factsOf(cluster, fleet).pinned) {
      if (own.has(pin.address)) continue;
      own.add(pin.address);
      const before = (pinnedBy.get(pin.address) ?? []).find(
        (b) => !independent.has(`${b.cluster}\0${cluster.name}`),
      );
      if (before)
        out.push({
          cluster: cluster.name,
          object: pin.object,
          message: `load-balancer address ${pin.address} is pinned on cluster ${cluster.name} and on cluster ${before.cluster} (${before.object}): both announce it`,
          fix: `pin an address of a pool of cluster ${cluster.name} alone, or declare the clusters independent in kubestrap.yaml (fleet.independent) if they never share a network`,
          location: pin.location,
          related: [
            { ...before.location, cluster: before.cluster, message: `${pin.address} on ${before.cluster}` },
          ],
        });
      pinnedBy.set(pin.address, [
        ...(pinnedBy.get(pin.address) ?? []),
        { cluster: cluster.name, location: pin.location, object: pin.object },
      ]);
    }
  }
  return out;
}
