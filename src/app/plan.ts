/**
 * `kubestrap plan` as a library call: the repository, its kubestrap.yaml and the chosen cluster, turned into the
 * plan `up` would run. Offline by default; `live` inspects every step against the cluster (read-only).
 */
import { resolve } from "node:path";
import type { RenderSettings } from "../charts/render.ts";
import { Discovery } from "../cluster/discovery.ts";
import { checkIdentity, Journal } from "../cluster/journal.ts";
import { KubeClient, type KubeTarget } from "../cluster/kube.ts";
import type { Finding } from "../findings.ts";
import { Repository } from "../load/repository.ts";
import { type ClusterConfig, type Config, loadConfig } from "../model/config.ts";
import { type FleetCluster, findClusters, selectClusters } from "../model/fleet.ts";
import { hookProblems } from "../model/hooks.ts";
import { loadPrerequisites } from "../model/prerequisites.ts";
import { loadProject, type Project } from "../model/project.ts";
import { bootstrapReleases, chartName, crdReleases, unresolvedFindings } from "../model/releases.ts";
import { type Inspection, inspectOffline, inspectStep } from "../plan/live.ts";
import { buildPlan, type Plan } from "../plan/plan.ts";

export interface PlanOptions {
  repo: string;
  /** The cluster, for repositories with several (kubestrap.yaml `clusters`, or `clusters/<name>`). */
  cluster?: string;
  /** The helmfile environment (default: the one named like the cluster, else "default"). */
  environment?: string;
  entry?: string;
  kubeconfig?: string;
  context?: string;
  /** Pull every oci:// chart over plain HTTP (a local registry). */
  plainHttp?: boolean;
  /** The command, when it takes several clusters (plan, status, up): named in the error when none was chosen. */
  several?: string;
}

export interface LoadedPlan {
  plan: Plan;
  project: Project;
  config: Config;
  /** kubestrap.yaml, when the repository has one. */
  configFile?: string;
  clusterConfig?: ClusterConfig;
  /** The kubeconfig and context to reach the cluster with: flags, then kubestrap.yaml. */
  target: KubeTarget;
}

/** Reads the repository and builds the plan; a repository that cannot be read is a UsageError. */
export function loadPlan(options: PlanOptions): LoadedPlan {
  const repository = Repository.load(options.repo);
  const { config, file: configFile, findings: configFindings } = loadConfig(repository);
  const clusters = findClusters(repository, config);
  // An entry point named without a cluster is the cluster that has it, or one of its own.
  const byEntry =
    options.entry !== undefined && options.cluster === undefined
      ? (clusters.find((c) => c.entry === options.entry) ?? { name: "default", from: "--entry" })
      : undefined;
  const chosen =
    byEntry ??
    (selectClusters(
      clusters,
      options.cluster ? [options.cluster] : [],
      options.several ? { command: options.several } : {},
    )[0] as FleetCluster);
  const clusterConfig = chosen.config;
  const projectOptions: Parameters<typeof loadProject>[0] = {
    repo: options.repo,
    repository,
    config: { config, findings: configFindings, ...(configFile ? { file: configFile } : {}) },
  };
  const entry = options.entry ?? chosen.entry;
  if (entry) {
    projectOptions.entry = entry;
    // The cluster's name also selects the helmfile environment of the same name.
    if (options.cluster || clusterConfig) projectOptions.cluster = chosen.name;
  }
  const environment = options.environment ?? chosen.environment;
  if (environment) projectOptions.environment = environment;
  if (clusterConfig?.env) projectOptions.clusterEnv = clusterConfig.env;
  const project = loadProject(projectOptions);
  const cluster = chosen.name;

  const builderFindings = project.builder.findings.length;
  const prerequisites = loadPrerequisites(
    project.repo,
    project.builder,
    project.bootstrap,
    project.model,
    config,
    configFile,
  );
  const releases = bootstrapReleases(project.bootstrap, project.model, options.repo);
  const crds = crdReleases(project.bootstrap, project.model, options.repo);
  if (options.plainHttp)
    for (const r of [...releases.releases, ...crds.releases])
      if (r.chart.type === "oci") r.chart.plainHttp = true;

  // A bootstrap file that does not parse would otherwise just be missing from the plan.
  const unreadable = project.repo.findings.filter(
    (f) => f.ruleId === "yaml-syntax" && /(^|\/)bootstrap\//.test(f.location?.file ?? ""),
  );
  const findings: Finding[] = [
    ...configFindings,
    ...unreadable.map((f): Finding => ({ ...f, severity: "error" })),
    ...project.bootstrap.findings.filter((f) => f.severity === "error"),
    ...prerequisites.findings,
    ...project.builder.findings.slice(builderFindings).filter((f) => f.severity === "error"),
    ...unresolvedFindings(releases.unresolved),
  ];
  for (const r of releases.releases) {
    const scope = {
      release: { name: r.name, namespace: r.namespace, chart: chartName(r.chart) },
      environment: project.bootstrap.environment ?? "default",
    };
    for (const p of hookProblems(r.hooks, scope))
      findings.push({
        ruleId: "hook-unsupported",
        severity: "error",
        message: `hook of ${r.id} (${p.hook.command}): ${p.message}`,
        location: p.hook.location,
      });
  }
  const flux = {
    kustomizations: [...project.model.kustomizations.keys()],
    helmReleases: project.model.helmReleases.map((h) => h.id),
  };
  const plan = buildPlan({
    cluster,
    config,
    nodes: clusterConfig?.nodes ?? 1,
    ...(clusterConfig?.identity ? { identity: clusterConfig.identity } : {}),
    namespaces: prerequisites.namespaces,
    resources: prerequisites.resources,
    releases: releases.releases,
    crdReleases: crds.releases,
    flux,
    sops: prerequisites.resources.some((r) => r.sops),
    findings,
  });
  const target: KubeTarget = {};
  // A flag is relative to where kubestrap runs; kubestrap.yaml's kubeconfig to the repository.
  if (options.kubeconfig) target.kubeconfig = resolve(options.kubeconfig);
  else if (clusterConfig?.kubeconfig) target.kubeconfig = resolve(options.repo, clusterConfig.kubeconfig);
  const context = options.context ?? clusterConfig?.context;
  if (context) target.context = context;
  const out: LoadedPlan = { plan, project, config, target };
  if (configFile) out.configFile = configFile;
  if (clusterConfig) out.clusterConfig = clusterConfig;
  return out;
}

/** The clusters of a repository, as `--all-clusters` means them. */
export function repositoryClusters(repo: string): FleetCluster[] {
  const repository = Repository.load(repo);
  return findClusters(repository, loadConfig(repository).config);
}

export interface PlanRenderOptions extends PlanOptions, Pick<RenderSettings, "helm"> {
  /** Inspect every step against the cluster (read-only). */
  live?: boolean;
}

export interface PlanResult extends LoadedPlan {
  /** With `live`: the state of each step, by id. */
  live?: Map<string, Inspection>;
  /** With `live`: the server inspected. */
  server?: string;
}

/** `kubestrap plan`: the plan, and with `live`, what already holds in the cluster. */
export async function plan(options: PlanRenderOptions): Promise<PlanResult> {
  const loaded = loadPlan(options);
  if (!options.live) return loaded;
  const client = await KubeClient.load(loaded.target, { retryForMs: 10_000 });
  try {
    const journal = await new Journal(client, loaded.config.journal.namespace).read();
    const ns = await client.get<{ metadata: { uid: string } }>("/api/v1/namespaces/kube-system");
    checkIdentity(journal, loaded.plan.cluster, ns?.metadata.uid ?? "");
    const session = {
      client,
      discovery: new Discovery(client),
      journal,
      repoDir: options.repo,
    };
    const live = new Map<string, Inspection>();
    await Promise.all(
      loaded.plan.steps.map(async (step) => {
        live.set(
          step.id,
          step.phase === "before"
            ? await inspectOffline(step, options.repo, journal)
            : await inspectStep(step, session),
        );
      }),
    );
    return { ...loaded, live, server: client.server };
  } finally {
    client.close();
  }
}
