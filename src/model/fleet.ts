/**
 * The clusters of a repository. One repository often bootstraps several clusters (infra and apps; main, test and
 * utility): each has its own Flux entry point, its own helmfile environment, or both. kubestrap.yaml's `clusters`
 * name them when it has any; otherwise they are detected, in this order:
 *
 * 1. several Flux entry points (`clusters/<name>`, several FluxInstance sync paths): one cluster each;
 * 2. one entry point (or none) and bootstrap helmfiles with environments other than `default`: one cluster per
 *    environment, all synced from the same Flux tree (`helmfile -e infra sync`);
 * 3. otherwise one cluster, named after its entry point.
 */
import type { Repository } from "../load/repository.ts";
import { findBootstrapHelmfiles } from "./bootstrap.ts";
import type { ClusterConfig, Config, LoadedConfig } from "./config.ts";
import { clusterName, findEntryPoints } from "./entry.ts";
import type { EntryPoint } from "./flux.ts";
import { helmfileEnvironments, helmfilesOf } from "./helmfile/state.ts";
import { type ProjectOptions, UsageError } from "./project.ts";

export interface FleetCluster {
  name: string;
  /** How the cluster was found, for the user. */
  from: string;
  /** Its Flux entry point, when one is known (kubestrap.yaml `entry`, or detected). */
  entry?: string;
  /** Its helmfile environment, when the cluster was found as one. */
  environment?: string;
  /** Its kubestrap.yaml entry. */
  config?: ClusterConfig;
}

export function findClusters(repo: Repository, config: Config, helmfiles?: string[]): FleetCluster[] {
  const entries = findEntryPoints(repo);
  if (config.clusters.length > 0) return config.clusters.map((c) => fromConfig(c, entries));
  if (entries.length > 1) return entries.map((e) => ({ name: clusterName(e), from: e.from, entry: e.path }));
  const environments = bootstrapEnvironments(repo, helmfiles ?? config.bootstrap.helmfiles);
  if (environments.names.length > 1)
    return environments.names.map((env) => {
      const c: FleetCluster = {
        name: env,
        from: `helmfile environment ${env} (${environments.file})`,
        environment: env,
      };
      if (entries[0]) c.entry = entries[0].path;
      return c;
    });
  const entry = entries[0];
  if (!entry) return [{ name: "default", from: "the whole repository (no entry point)" }];
  return [{ name: clusterName(entry), from: entry.from, entry: entry.path }];
}

function fromConfig(c: ClusterConfig, entries: EntryPoint[]): FleetCluster {
  const out: FleetCluster = { name: c.name, from: "kubestrap.yaml", config: c };
  const entry = c.entry ?? entries.find((e) => clusterName(e) === c.name)?.path;
  if (entry) out.entry = entry;
  if (c.environment) out.environment = c.environment;
  return out;
}

/** The environments of the bootstrap helmfiles other than `default`, from the first helmfile that has some. */
function bootstrapEnvironments(
  repo: Repository,
  declared: string[] | undefined,
): { names: string[]; file?: string } {
  const files = declared
    ? declared.flatMap((d) => helmfilesOf(repo, d.replace(/^\.?\/+/, "").replace(/\/+$/, "")))
    : findBootstrapHelmfiles(repo);
  for (const file of files) {
    const names = helmfileEnvironments(repo, file).filter((n) => n !== "default");
    if (names.length > 0) return { names, file };
  }
  return { names: [] };
}

/**
 * The clusters a command runs on: the ones named (each must exist), all with `all`, and otherwise every cluster
 * when `defaultAll` (lint) or the only one (the other commands, which must not guess).
 */
export function selectClusters(
  clusters: FleetCluster[],
  names: string[],
  options: { all?: boolean; defaultAll?: boolean; command?: string } = {},
): FleetCluster[] {
  const known = clusters.map((c) => c.name).join(", ");
  if (options.all) {
    if (names.length > 0) throw new UsageError("--cluster and --all-clusters exclude each other");
    return clusters;
  }
  if (names.length > 0) {
    const unique = [...new Set(names)];
    return unique.map((n) => {
      const match = clusters.find((c) => c.name === n);
      if (!match)
        throw new UsageError(
          clusters.every((c) => c.config)
            ? `cluster ${n} is not in kubestrap.yaml (clusters: ${known})`
            : `cluster ${n} not found (clusters: ${known})`,
        );
      return match;
    });
  }
  if (clusters.length <= 1 || options.defaultAll) return clusters;
  throw new UsageError(
    `this repository has several clusters (${known}): choose one with --cluster NAME${options.command ? ` (${options.command} takes several: repeat --cluster, or --all-clusters)` : ""}`,
  );
}

export interface FleetProjectOptions extends ProjectOptions {
  /** Clusters to load (`--cluster`, repeatable); by default every one. */
  clusters?: string[];
}

export interface ChosenCluster<T> {
  cluster: FleetCluster;
  /** The options to load this cluster's project with. */
  options: T;
}

/**
 * The clusters named by `clusters` (or `cluster`), every one by default, each with the options its project loads
 * with: its entry point, its helmfile environment (the cluster's name selects the environment of the same name in
 * a repository of several) and its variables. The repository and kubestrap.yaml are read once for all of them.
 */
export function chooseClusters<T extends FleetProjectOptions>(
  options: T,
  repository: Repository,
  config: LoadedConfig,
): { fleet: FleetCluster[]; several: boolean; chosen: ChosenCluster<Omit<T, "clusters">>[] } {
  const { clusters: names = options.cluster ? [options.cluster] : [], cluster: _c, ...rest } = options;
  const fleet = findClusters(repository, config.config, options.helmfiles);
  const picked = options.entry
    ? [{ name: names[0] ?? fleet[0]?.name ?? "default", from: "--entry", entry: options.entry }]
    : selectClusters(fleet, names, { defaultAll: true });
  const several = fleet.length > 1;
  const chosen = picked.map((cluster) => {
    const one = { ...rest, repository, config } as Omit<T, "clusters">;
    if (cluster.entry) {
      one.entry = cluster.entry;
      if (several) one.cluster = cluster.name;
    }
    const environment = options.environment ?? cluster.environment;
    if (environment) one.environment = environment;
    if (cluster.config?.env) one.clusterEnv = cluster.config.env;
    return { cluster, options: one };
  });
  return { fleet, several, chosen };
}
