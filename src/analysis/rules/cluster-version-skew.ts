import { isExactVersion } from "../../model/charts.ts";
import type { FleetRule, FleetRuleFinding } from "../context.ts";
import { factsOf, type ReleaseFact } from "../fleet-facts.ts";

const newer = (a: string, b: string) =>
  a.replace(/^v/, "").localeCompare(b.replace(/^v/, ""), "en", { numeric: true });

/**
 * The same release (namespace/name and chart) at different chart versions on different clusters: its CRDs, and
 * the API every app of the fleet is written against, differ between them. Each cluster behind the newest version
 * is reported; kubestrap.yaml `fleet.allowSkew` lists charts that may differ (a canary cluster).
 */
export const clusterVersionSkew: FleetRule = {
  id: "cluster-version-skew",
  severity: "warning",
  description:
    "The same release runs different chart versions (and so different CRDs) on different clusters, unless kubestrap.yaml fleet.allowSkew allows it.",
  check: (fleet) => {
    const out: FleetRuleFinding[] = [];
    const allowed = new Set(fleet.config.fleet.allowSkew);
    // release key → cluster → what finally runs there (Flux's HelmRelease over the bootstrap's release).
    const byRelease = new Map<string, Map<string, ReleaseFact>>();
    for (const cluster of fleet.clusters)
      for (const r of factsOf(cluster, fleet).releases) {
        if (
          !r.version ||
          !(isExactVersion(r.version) || r.version.startsWith("sha256:")) ||
          allowed.has(r.chart)
        )
          continue;
        const key = `${r.id}\0${r.chart}`;
        const perCluster = byRelease.get(key) ?? new Map<string, ReleaseFact>();
        byRelease.set(key, perCluster);
        // The facts list a cluster's bootstrap releases before its HelmReleases, so Flux's replaces the bootstrap's.
        perCluster.set(cluster.name, r);
      }
    for (const perCluster of byRelease.values()) {
      const versions = new Set([...perCluster.values()].map((r) => (r.version as string).replace(/^v/, "")));
      if (versions.size < 2) continue;
      const entries = [...perCluster.entries()];
      const [newestCluster, newest] = entries.reduce((a, b) =>
        newer(b[1].version as string, a[1].version as string) > 0 ? b : a,
      );
      for (const [cluster, r] of entries) {
        if ((r.version as string).replace(/^v/, "") === (newest.version as string).replace(/^v/, ""))
          continue;
        out.push({
          cluster,
          object: `${r.installedBy === "bootstrap" ? "bootstrap release" : "HelmRelease"} ${r.id}`,
          message: `chart ${r.chart} is ${r.version} on cluster ${cluster} and ${newest.version} on cluster ${newestCluster}: its CRDs differ between the clusters`,
          fix: `run the same version on every cluster, or allow ${r.chart} to differ in kubestrap.yaml (fleet.allowSkew)`,
          location: r.location,
          related: [
            { ...newest.location, cluster: newestCluster, message: `${newest.version} on ${newestCluster}` },
          ],
        });
      }
    }
    return out;
  },
};
