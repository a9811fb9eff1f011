/**
 * `kubestrap crds` as a library call: load the repository, find the CRD-providing releases, render them, build
 * the de-duplicated CRD set, and with `apply`, server-side apply it and wait until every CRD is Established.
 */

import { buildCrdSet, type CrdSet } from "../charts/crd-set.ts";
import {
  applyPlainHttp,
  type RenderResult,
  type RenderSettings,
  renderCrds,
  renderOptionsFrom,
} from "../charts/render.ts";
import type { CrdApplyOptions, CrdApplyResult } from "../cluster/crds.ts";
import type { KubeClient, KubeTarget } from "../cluster/kube.ts";
import type { Finding } from "../findings.ts";
import { loadProject, type ProjectOptions } from "../model/project.ts";
import { type CrdReleases, crdReleases, unresolvedFindings } from "../model/releases.ts";

export interface CrdPhaseOptions
  extends Pick<ProjectOptions, "repo" | "cluster" | "environment" | "entry">,
    RenderSettings {}

export interface CrdPhase {
  releases: CrdReleases;
  render: RenderResult;
  set: CrdSet;
  /** Unresolved releases, render failures and CRD conflicts, as findings. */
  findings: Finding[];
}

/** Renders the bootstrap's CRD set without touching a cluster. */
export async function bootstrapCrds(options: CrdPhaseOptions): Promise<CrdPhase> {
  const projectOptions: ProjectOptions = { repo: options.repo };
  if (options.cluster) projectOptions.cluster = options.cluster;
  if (options.environment) projectOptions.environment = options.environment;
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
  return { releases, render, set, findings: crdPhaseFindings(releases, render, set) };
}

export function crdPhaseFindings(releases: CrdReleases, render: RenderResult, set: CrdSet): Finding[] {
  return [
    ...unresolvedFindings(releases.unresolved),
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
}

export interface CrdsApplyRequest extends Omit<CrdApplyOptions, "onEvent"> {
  target: KubeTarget;
}

export interface CrdsOptions extends CrdPhaseOptions {
  /** Apply the set to the cluster and wait until every CRD is Established. */
  apply?: CrdsApplyRequest;
  /** Called once the cluster answered and the set is rendered, before anything is written. */
  onApplyStart?: (info: { server: string; phase: CrdPhase }) => void;
}

export interface CrdsResult {
  phase: CrdPhase;
  /** Per CRD, with `apply`; absent when the phase had errors (nothing is applied then). */
  applied?: CrdApplyResult[];
}

/**
 * The CRD phase, and with `apply`, the cluster side: charts render for the cluster's Kubernetes version unless
 * one is given. A phase with error findings applies nothing.
 */
export async function crds(options: CrdsOptions): Promise<CrdsResult> {
  let client: KubeClient | undefined;
  let kubeVersion = options.kubeVersion;
  if (options.apply) {
    // The cluster client (and node:http with it) is loaded only when a command talks to a cluster.
    const { KubeClient } = await import("../cluster/kube.ts");
    client = await KubeClient.load(options.apply.target);
    kubeVersion ??= (await client.serverVersion()) || undefined;
  }
  const phase = await bootstrapCrds(kubeVersion ? { ...options, kubeVersion } : options);
  if (!client || !options.apply || phase.findings.some((f) => f.severity === "error")) return { phase };
  options.onApplyStart?.({ server: client.server, phase });
  const { applyCrds } = await import("../cluster/crds.ts");
  const { target: _target, ...applyOptions } = options.apply;
  const applied = await applyCrds(client, phase.set.crds, applyOptions);
  return { phase, applied };
}
