/**
 * The bootstrap CRD phase as a library call: load the repository, find the CRD-providing releases, render
 * them, and build the de-duplicated CRD set. `kubestrap crds` prints or applies what this returns.
 */

import type { Finding } from "../findings.ts";
import { loadProject, type ProjectOptions } from "../model/project.ts";
import { buildCrdSet, type CrdSet } from "./crd-set.ts";
import { type CrdReleases, crdReleases } from "./releases.ts";
import {
  applyPlainHttp,
  type RenderResult,
  type RenderSettings,
  renderCrds,
  renderOptionsFrom,
} from "./render.ts";

export interface CrdPhaseOptions extends Pick<ProjectOptions, "repo" | "cluster" | "entry">, RenderSettings {}

export interface CrdPhase {
  releases: CrdReleases;
  render: RenderResult;
  set: CrdSet;
  /** Unresolved releases, render failures and CRD conflicts, as findings. */
  findings: Finding[];
}

export async function bootstrapCrds(options: CrdPhaseOptions): Promise<CrdPhase> {
  const projectOptions: ProjectOptions = { repo: options.repo };
  if (options.cluster) projectOptions.cluster = options.cluster;
  if (options.entry) projectOptions.entry = options.entry;
  // The model only: no rule runs, so a repository with lint errors still has its CRDs rendered.
  const loaded = loadProject(projectOptions);
  const releases = crdReleases(loaded.bootstrap, loaded.model, options.repo);
  applyPlainHttp(releases.releases, options);
  const renderOptions = { ...renderOptionsFrom(options), crdsOnly: true };
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
