import { groupOf } from "../../model/objects.ts";
import type { FleetRule, FleetRuleFinding } from "../context.ts";
import { factsOf, objectsOf } from "../fleet-facts.ts";

/**
 * kubestrap.yaml `fleet.placement` says which charts or kinds may run on which clusters (a storage operator on
 * infra only): a release of that chart, or an object of that kind, on any other cluster is reported where it is
 * written. A policy that names a cluster the repository does not have is reported at the policy.
 */
export const clusterPlacement: FleetRule = {
  id: "cluster-placement",
  severity: "error",
  description:
    "A chart or kind that kubestrap.yaml fleet.placement allows only on some clusters is deployed to another one.",
  check: (fleet) => {
    const out: FleetRuleFinding[] = [];
    const names = new Set(fleet.clusters.map((c) => c.name));
    const all = new Set([...fleet.config.clusters.map((c) => c.name), ...names]);
    fleet.config.fleet.placement.forEach((policy, i) => {
      const what = policy.chart !== undefined ? `chart ${policy.chart}` : `kind ${policy.kind}`;
      const allowed = policy.clusters.join(", ");
      for (const unknown of policy.clusters.filter((c) => !all.has(c)))
        if (fleet.configFile)
          out.push({
            cluster: fleet.clusters[0]?.name ?? unknown,
            message: `the placement of ${what} names cluster ${unknown}, which this repository does not have (clusters: ${[...all].join(", ")})`,
            fix: "name the clusters as kubestrap lint lists them",
            location: fleet.repo.location(fleet.configFile, 0, ["fleet", "placement", i, "clusters"]),
          });
      const policyAt = fleet.configFile
        ? [
            {
              ...fleet.repo.location(fleet.configFile, 0, ["fleet", "placement", i]),
              message: `${what} runs only on ${allowed}`,
            },
          ]
        : [];
      for (const cluster of fleet.clusters) {
        if (policy.clusters.includes(cluster.name)) continue;
        const finding = (object: string, location: { file: string; line: number }): FleetRuleFinding => ({
          cluster: cluster.name,
          object,
          message: `${what} is allowed only on ${allowed}, not on cluster ${cluster.name}`,
          fix: `remove it from the Flux tree of cluster ${cluster.name}, or allow ${cluster.name} in kubestrap.yaml fleet.placement`,
          location,
          related: policyAt,
        });
        if (policy.chart !== undefined)
          for (const r of factsOf(cluster, fleet).releases)
            if (r.chart === policy.chart)
              out.push(
                finding(
                  `${r.installedBy === "bootstrap" ? "bootstrap release" : "HelmRelease"} ${r.id}`,
                  r.location,
                ),
              );
        if (policy.kind !== undefined) {
          const slash = policy.kind.lastIndexOf("/");
          const group = slash >= 0 ? policy.kind.slice(0, slash) : undefined;
          const kind = policy.kind.slice(slash + 1);
          for (const o of objectsOf(cluster))
            if (o.kind === kind && (group === undefined || groupOf(o.apiVersion) === group))
              out.push(
                finding(`${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`, {
                  file: o.source.file,
                  line: o.source.line,
                }),
              );
        }
      }
    });
    return out;
  },
};
