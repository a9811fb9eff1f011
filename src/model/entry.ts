import type { Repository } from "../load/repository.ts";
import type { EntryPoint } from "./flux.ts";
import { asRecord, asString, getPath } from "./objects.ts";

/**
 * Finds the directories Flux syncs first. In order: the FluxInstance sync path (a FluxInstance object,
 * or the flux-instance chart's `instance.sync.path` value), then the conventional layouts
 * `kubernetes/flux/cluster`, `kubernetes/clusters/<name>` and `clusters/<name>`.
 * Several results mean several clusters.
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
    }
  }
  if (found.length > 0) return found;
  add("kubernetes/flux/cluster", "conventional layout kubernetes/flux/cluster");
  for (const base of ["kubernetes/clusters", "clusters"]) {
    for (const entry of repo.list(base)) {
      if (entry.endsWith("/")) add(`${base}/${entry.slice(0, -1)}`, `conventional layout ${base}/<cluster>`);
    }
  }
  return found;
}

/** The cluster name of an entry point: its last directory for `clusters/<name>` layouts. */
export function clusterName(entry: EntryPoint): string {
  const m = entry.path.match(/clusters\/([^/]+)/);
  return m?.[1] ?? "default";
}
