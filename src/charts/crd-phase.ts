/**
 * The bootstrap CRD phase as a library call: load the repository, find the CRD-providing releases, render
 * them, and build the de-duplicated CRD set. `kubestrap crds` prints or applies what this returns.
 */

import { type LintOptions, lint } from "../analysis/lint.ts";
import type { Finding } from "../findings.ts";
import { ChartCache } from "./cache.ts";
import { buildCrdSet, type CrdSet } from "./crd-set.ts";
import { Helm } from "./helm.ts";
import { type CrdReleases, crdReleases } from "./releases.ts";
import { type RenderOptions, type RenderResult, renderCrds } from "./render.ts";

export interface CrdPhaseOptions extends Pick<LintOptions, "repo" | "cluster" | "entry"> {
  helm?: string;
  kubeVersion?: string;
  cacheDir?: string;
  offline?: boolean;
  /** Pull every oci:// chart over plain HTTP (a local registry); OCIRepository `insecure: true` does it per chart. */
  plainHttp?: boolean;
  concurrency?: number;
  onProgress?: RenderOptions["onProgress"];
}

export interface CrdPhase {
  releases: CrdReleases;
  render: RenderResult;
  set: CrdSet;
  /** Unresolved releases, render failures and CRD conflicts, as findings. */
  findings: Finding[];
}

export async function bootstrapCrds(options: CrdPhaseOptions): Promise<CrdPhase> {
  const lintOptions: LintOptions = { repo: options.repo, rules: {} };
  if (options.cluster) lintOptions.cluster = options.cluster;
  if (options.entry) lintOptions.entry = options.entry;
  const loaded = lint(lintOptions);
  const releases = crdReleases(loaded.bootstrap, loaded.model, options.repo);
  if (options.plainHttp) {
    for (const r of releases.releases) if (r.chart.type === "oci") r.chart.plainHttp = true;
  }
  const renderOptions: RenderOptions = {
    helm: new Helm(options.helm),
    cache: new ChartCache(options.cacheDir),
  };
  if (options.kubeVersion) renderOptions.kubeVersion = options.kubeVersion;
  if (options.offline) renderOptions.offline = true;
  if (options.concurrency) renderOptions.concurrency = options.concurrency;
  if (options.onProgress) renderOptions.onProgress = options.onProgress;
  const render =
    releases.releases.length > 0
      ? await renderCrds(releases.releases, renderOptions)
      : { rendered: [], failures: [] };
  const set = buildCrdSet(render.rendered);
  const findings: Finding[] = [
    ...releases.unresolved.map(
      (u): Finding => ({
        ruleId: "chart-unresolved",
        severity: "error",
        message: `bootstrap release ${u.id}: ${u.reason}`,
        location: u.location,
      }),
    ),
    ...render.failures.map(
      (f): Finding => ({
        ruleId: "chart-render-failed",
        severity: "error",
        message: f.message,
        location: f.release.location,
      }),
    ),
    ...set.findings,
  ];
  return { releases, render, set, findings };
}
