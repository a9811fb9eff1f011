import { posix } from "node:path";
import type { Repository } from "../load/repository.ts";
import type { EntryPoint } from "./flux.ts";
import { asRecord, asString, getPath } from "./objects.ts";

/**
 * Finds the directories Flux syncs first. In order: the FluxInstance sync path (a FluxInstance object, the
 * flux-instance chart's `instance.sync.path` value in a HelmRelease, or in a values file a configMapGenerator
 * feeds to it through `valuesFrom`), then the conventional layouts `kubernetes/flux/cluster` and
 * `<folder>/clusters/<name>` (`clusters/`, `kubernetes/clusters/`, `k8s/clusters/`...). Several results mean
 * several clusters; each gets a name `--cluster` can tell apart.
 */
export function findEntryPoints(repo: Repository): EntryPoint[] {
  const found: EntryPoint[] = [];
  const seen = new Set<string>();
  const add = (path: string, from: string): void => {
    const clean = path.replace(/^\.?\/+/, "").replace(/\/+$/, "");
    if (seen.has(clean) || !repo.isDir(clean)) return;
    seen.add(clean);
    found.push({ path: clean, from });
  };
  for (const doc of repo.allDocuments()) {
    const v = asRecord(doc.value);
    const kind = asString(v.kind);
    if (kind === "FluxInstance") {
      const path = asString(getPath(v, ["spec", "sync", "path"]));
      if (path) add(path, `FluxInstance sync path (${doc.file}:${doc.line})`);
    } else if (kind === "HelmRelease") {
      const path = asString(getPath(v, ["spec", "values", "instance", "sync", "path"]));
      if (path) add(path, `flux-instance values instance.sync.path (${doc.file}:${doc.line})`);
    } else if (kind === undefined) {
      const path = asString(getPath(v, ["instance", "sync", "path"]));
      if (path) add(path, `flux-instance values file instance.sync.path (${doc.file}:${doc.line})`);
    }
  }
  if (found.length === 0) {
    add("kubernetes/flux/cluster", "conventional layout kubernetes/flux/cluster");
    const clusterFolders = repo
      .dirs()
      .filter((d) => posix.basename(d) === "clusters" && d.split("/").length <= 3)
      .sort((a, b) => a.split("/").length - b.split("/").length || (a < b ? -1 : 1));
    for (const base of clusterFolders)
      for (const entry of repo.list(base))
        if (entry.endsWith("/"))
          add(`${base}/${entry.slice(0, -1)}`, `conventional layout ${base}/<cluster>`);
  }
  return nameEntries(found);
}

/**
 * Names each entry point: `clusters/<name>` when its path has it, otherwise the first path segment that tells
 * it apart from the others (`kubernetes/main/flux` and `kubernetes/test/flux`: main and test). One entry point
 * without such a segment is "default".
 */
function nameEntries(entries: EntryPoint[]): EntryPoint[] {
  const segments = entries.map((e) => e.path.split("/"));
  return entries.map((e, i) => {
    const m = e.path.match(/(?:^|\/)clusters\/([^/]+)/);
    if (m) return { ...e, name: m[1] as string };
    if (entries.length === 1) return e;
    const own = segments[i] as string[];
    const differing = own.findIndex((seg, k) => segments.some((other, j) => j !== i && other[k] !== seg));
    return differing >= 0 ? { ...e, name: own[differing] as string } : e;
  });
}

/** The cluster name of an entry point (see `nameEntries`). */
export function clusterName(entry: EntryPoint): string {
  if (entry.name) return entry.name;
  const m = entry.path.match(/clusters\/([^/]+)/);
  return m?.[1] ?? "default";
}
