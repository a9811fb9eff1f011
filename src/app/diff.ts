/** `kubestrap diff --baseline REV` as a library call: what a change does to each cluster, offline. */
import { compareModels, type UnitChange } from "../analysis/changes.ts";
import { withBaseline } from "../load/git.ts";
import { Repository } from "../load/repository.ts";
import { type LoadedConfig, loadConfig } from "../model/config.ts";
import { chooseClusters, type FleetProjectOptions } from "../model/fleet.ts";
import type { FluxModel } from "../model/flux.ts";
import { loadProject } from "../model/project.ts";
import { isUnreadableRepository } from "./baseline.ts";

/** The clusters to compare (every one by default), and how to read them. */
export type DiffOptions = FleetProjectOptions;

export interface ClusterDiff {
  name: string;
  changes: UnitChange[];
  /** Why the cluster's baseline could not be read (it did not exist yet, say): everything counts as added. */
  unreadable?: string;
}

export interface RepositoryDiff {
  /** The baseline as given: a git revision or a folder. */
  baseline: string;
  /** The commit the revision names; absent for a folder. */
  commit?: string;
  /** Whether the repository has several clusters (each section then names its cluster). */
  several: boolean;
  clusters: ClusterDiff[];
}

const EMPTY: FluxModel = {
  kustomizations: new Map(),
  helmReleases: [],
  sources: new Map(),
  rootSources: new Set(),
  findings: [],
};

/**
 * The Flux model of each chosen cluster, as the repository is and as it was at `baseline` (a git revision of the
 * repository that holds `repo`, or a folder when one exists at that path), compared.
 */
export async function diffAgainstBaseline(options: DiffOptions, baseline: string): Promise<RepositoryDiff> {
  const repository = options.repository ?? Repository.load(options.repo);
  const config = options.config ?? loadConfig(repository);
  const { several, chosen } = chooseClusters(options, repository, config);
  const now = chosen.map(({ cluster, options: one }) => ({
    name: cluster.name,
    model: loadProject(one).model,
  }));
  const { repository: _r, config: _c, clusters: _n, cluster: _o, ...rest } = options;

  return withBaseline(options.repo, baseline, (dir, commit) => {
    const past = readRepository(dir);
    const clusters = now.map(({ name, model }): ClusterDiff => {
      const then =
        typeof past === "string" ? past : pastModel(past, { ...rest, repo: dir, clusters: [name] });
      if (typeof then === "string") return { name, changes: compareModels(model, EMPTY), unreadable: then };
      return { name, changes: compareModels(model, then) };
    });
    return { baseline, ...(commit ? { commit } : {}), several, clusters };
  });
}

interface ReadRepository {
  repository: Repository;
  config: LoadedConfig;
}

/** The baseline's repository and kubestrap.yaml, read once for every cluster; or why they cannot be read. */
function readRepository(dir: string): ReadRepository | string {
  try {
    const repository = Repository.load(dir);
    return { repository, config: loadConfig(repository) };
  } catch (error) {
    if (!isUnreadableRepository(error)) throw error;
    return error.message;
  }
}

/** One cluster's Flux model in the baseline; or why it cannot be read (the cluster did not exist yet, say). */
function pastModel(past: ReadRepository, options: DiffOptions): FluxModel | string {
  try {
    const { chosen } = chooseClusters(options, past.repository, past.config);
    return chosen[0] ? loadProject(chosen[0].options).model : EMPTY;
  } catch (error) {
    if (!isUnreadableRepository(error)) throw error;
    return error.message;
  }
}
