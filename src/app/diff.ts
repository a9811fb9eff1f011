/** `kubestrap diff --baseline REV` as a library call: what a change does to each cluster, offline. */
import {
  addRenderedChanges,
  compareModels,
  type RenderedTrees,
  type UnitChange,
} from "../analysis/changes.ts";
import {
  applyPlainHttp,
  type RenderSettings,
  renderCrds,
  renderedBodies,
  renderOptionsFrom,
} from "../charts/render.ts";
import { withBaseline } from "../load/git.ts";
import { Repository } from "../load/repository.ts";
import { type LoadedConfig, loadConfig } from "../model/config.ts";
import { chooseClusters, type FleetProjectOptions } from "../model/fleet.ts";
import type { FluxModel } from "../model/flux.ts";
import type { KubeObject } from "../model/objects.ts";
import { loadProject } from "../model/project.ts";
import { type ChartRelease, fluxChartReleases } from "../model/releases.ts";
import { renderedObjects } from "../model/rendered.ts";
import { isUnreadableRepository } from "./baseline.ts";

/** The clusters to compare (every one by default), and how to read them. */
export type DiffOptions = FleetProjectOptions & {
  /** Render every HelmRelease's chart, now and in the baseline, and compare what they render (`--render`). */
  render?: RenderSettings;
};

export interface ClusterDiff {
  name: string;
  changes: UnitChange[];
  /** Why the cluster's baseline could not be read (it did not exist yet, say): everything counts as added. */
  unreadable?: string;
  /** With `--render`: the charts that could not be rendered, each `HelmRelease ns/name (baseline): why`. */
  renderFailures?: string[];
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
  const { repository: _r, config: _c, clusters: _n, cluster: _o, render, ...rest } = options;

  return withBaseline(options.repo, baseline, async (dir, commit) => {
    const pastRepository = readRepository(dir);
    const pairs = now.map(({ name, model }) => {
      const before =
        typeof pastRepository === "string"
          ? pastRepository
          : pastModel(pastRepository, { ...rest, repo: dir, clusters: [name] });
      return { name, now: model, before };
    });
    const trees = render
      ? await renderTrees(
          pairs.map((p) => ({ now: p.now, before: typeof p.before === "string" ? EMPTY : p.before })),
          options.repo,
          dir,
          render,
        )
      : undefined;
    const clusters = pairs.map(({ name, now: model, before }, i): ClusterDiff => {
      const past = typeof before === "string" ? EMPTY : before;
      const changes = compareModels(model, past);
      const tree = trees?.[i];
      const cluster: ClusterDiff = {
        name,
        changes: tree ? addRenderedChanges(changes, model, past, tree.trees) : changes,
      };
      if (typeof before === "string") cluster.unreadable = before;
      if (tree && tree.failures.length > 0) cluster.renderFailures = tree.failures;
      return cluster;
    });
    return { baseline, ...(commit ? { commit } : {}), several, clusters };
  });
}

/**
 * Every HelmRelease's chart of every cluster, now and in the baseline, rendered in one run (charts fetched once,
 * renders cached by chart digest and values, so an unchanged release renders once).
 */
async function renderTrees(
  clusters: { now: FluxModel; before: FluxModel }[],
  nowDir: string,
  thenDir: string,
  settings: RenderSettings,
): Promise<{ trees: RenderedTrees; failures: string[] }[]> {
  const sides = clusters.map(({ now, before }) => ({
    now: fluxChartReleases(now, nowDir).releases,
    before: fluxChartReleases(before, thenDir).releases,
  }));
  const all = sides.flatMap((s) => [...s.now, ...s.before]);
  applyPlainHttp(all, settings);
  const result = await renderCrds(all, renderOptionsFrom(settings));
  const objects = new Map<ChartRelease, KubeObject[]>();
  for (const r of result.rendered) objects.set(r.release, renderedObjects(renderedBodies(r), r.release));
  const failed = new Map(result.failures.map((f) => [f.release, f.message]));
  return sides.map((side) => {
    const trees: RenderedTrees = { now: new Map(), baseline: new Map(), failed: new Set() };
    const failures: string[] = [];
    for (const [releases, into, label] of [
      [side.now, trees.now, ""],
      [side.before, trees.baseline, " (baseline)"],
    ] as const)
      for (const release of releases) {
        const message = failed.get(release);
        if (message !== undefined) {
          trees.failed.add(release.id);
          failures.push(`HelmRelease ${release.id}${label}: ${message}`);
        } else into.set(release.id, objects.get(release) ?? []);
      }
    return { trees, failures };
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
