import type { FleetRule, FleetRuleFinding } from "../context.ts";
import { factsOf } from "../fleet-facts.ts";
import { contains } from "../ip-ranges.ts";

/**
 * An address pinned with `lbipam.cilium.io/ips` (or `io.cilium/lb-ipam-ips`, MetalLB's annotations,
 * `loadBalancerIP`) that no load-balancer pool of the cluster contains is never assigned: the Service stays
 * pending. Only clusters whose Flux tree declares a pool (CiliumLoadBalancerIPPool, MetalLB IPAddressPool) are
 * checked.
 */
export const lbIpOutsidePool: FleetRule = {
  id: "lb-ip-outside-pool",
  severity: "error",
  description:
    "A load-balancer address pinned by annotation or loadBalancerIP that is outside every load-balancer pool of its cluster.",
  check: (fleet) => {
    const out: FleetRuleFinding[] = [];
    for (const cluster of fleet.clusters) {
      const facts = factsOf(cluster, fleet);
      const pools = facts.ranges.filter((r) => r.kind === "pool");
      if (pools.length === 0) continue;
      for (const pin of facts.pinned) {
        if (pools.some((p) => contains(p.range, pin.range))) continue;
        out.push({
          cluster: cluster.name,
          object: pin.object,
          message: `load-balancer address ${pin.address} (${pin.key}) is outside every pool of cluster ${cluster.name} (${pools.map((p) => p.range.text).join(", ")}): it is never assigned and the Service stays pending`,
          fix: `pin an address of a pool of ${cluster.name}, or add one that contains ${pin.address}`,
          location: pin.location,
          related: pools.map((p) => ({ ...p.location, message: `${p.what}: ${p.range.text}` })),
        });
      }
    }
    return out;
  },
};
