import { isExactVersion } from "../../model/charts.ts";
import type { Rule, RuleFinding } from "../context.ts";
import { fluxChartOf } from "../fleet-facts.ts";

/**
 * The bootstrap installs a release with the chart and version its helmfile names; Flux then takes over the
 * same release with the chart of its HelmRelease. When they differ, the handoff is an unplanned upgrade (or
 * downgrade) of a core component, CRDs included.
 */
export const chartVersionDrift: Rule = {
  id: "chart-version-drift",
  severity: "warning",
  description:
    "A bootstrap helmfile release whose chart or version differs from the HelmRelease (and its OCIRepository) that Flux will use for the same release.",
  check: (ctx) => {
    const out: RuleFinding[] = [];
    const byId = new Map(ctx.model.helmReleases.map((hr) => [hr.id, hr]));
    for (const br of ctx.bootstrap.releases) {
      // Only a chart the helmfile names itself can drift; one read from the Flux files is the same by construction.
      if (!br.chart || br.chartFrom !== undefined) continue;
      const hr = byId.get(`${br.namespace}/${br.name}`);
      const flux = hr && fluxChartOf(hr);
      if (!hr || !flux) continue;
      const source = hr.chart?.source;
      const fluxVersion = flux.version;
      const fluxName = flux.name;
      const differences: string[] = [];
      if (br.chart.name !== fluxName) differences.push(`chart ${br.chart.name} vs ${fluxName}`);
      else if (
        br.chart.version &&
        fluxVersion &&
        isExact(fluxVersion) &&
        normal(br.chart.version) !== normal(fluxVersion)
      )
        differences.push(`version ${br.chart.version} vs ${fluxVersion}`);
      if (differences.length === 0) continue;
      const fluxFile = source?.source ?? hr.object.source;
      out.push({
        message: `bootstrap release ${br.namespace}/${br.name} installs ${differences.join(", ")} that Flux's HelmRelease ${hr.id} uses: at handoff Flux changes the release it takes over`,
        fix: `use the same chart and version in the helmfile as in ${fluxFile.file}, or read them from it (the templates/release.yaml.gotmpl convention)`,
        location: br.location,
        object: `HelmRelease ${hr.id}`,
        related: [{ file: fluxFile.file, line: fluxFile.line, message: "what Flux installs" }],
      });
    }
    return out;
  },
};

function isExact(version: string): boolean {
  return isExactVersion(version) || version.startsWith("sha256:");
}

function normal(version: string): string {
  return version.replace(/^v/, "");
}
