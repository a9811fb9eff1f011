/** `kubestrap diff --baseline REV` as a library call: what a change does to each cluster, offline. */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { compareModels, type UnitChange } from "../analysis/changes.ts";
import { withCheckout } from "../load/git.ts";
import { Repository } from "../load/repository.ts";
import { loadConfig } from "../model/config.ts";
import { chooseClusters, type FleetProjectOptions } from "../model/fleet.ts";
import type { FluxModel } from "../model/flux.ts";
import { loadProject } from "../model/project.ts";
import { isUnreadableRepository } from "./lint.ts";

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

  const compare = (dir: string): ClusterDiff[] => {
    let past: { repository: Repository; config: ReturnType<typeof loadConfig> } | undefined;
    let unreadable: string | undefined;
    try {
      const repo = Repository.load(dir);
      past = { repository: repo, config: loadConfig(repo) };
    } catch (error) {
      if (!isUnreadableRepository(error)) throw error;
      unreadable = error.message;
    }
    return now.map(({ name, model }) => {
      if (!past) return withUnreadable({ name, changes: compareModels(model, EMPTY) }, unreadable);
      try {
        const { chosen: then } = chooseClusters(
          { ...rest, repo: dir, clusters: [name] },
          past.repository,
          past.config,
        );
        const pastModel = then[0] ? loadProject(then[0].options).model : EMPTY;
        return { name, changes: compareModels(model, pastModel) };
      } catch (error) {
        if (!isUnreadableRepository(error)) throw error;
        return withUnreadable({ name, changes: compareModels(model, EMPTY) }, error.message);
      }
    });
  };

  const folder = resolve(baseline);
  if (existsSync(folder) && statSync(folder).isDirectory())
    return { baseline, several, clusters: compare(folder) };
  return withCheckout(options.repo, baseline, (c) => ({
    baseline,
    commit: c.commit,
    several,
    clusters: compare(c.dir),
  }));
}

function withUnreadable(diff: ClusterDiff, why: string | undefined): ClusterDiff {
  return why === undefined ? diff : { ...diff, unreadable: why };
}
