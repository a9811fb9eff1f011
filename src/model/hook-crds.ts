/**
 * CRDs a bootstrap release's helmfile hooks apply (`kubectl apply -f ../crds/`, or a release manifest by URL):
 * they exist once the release is installed, as surely as the chart's own.
 */
import type { SourceLocation } from "../findings.ts";
import { isYamlPath, type Repository, resolveRepoPath } from "../load/repository.ts";
import { remoteManifestCrds } from "./catalog/remote.ts";
import { type HookScope, resolveTemplate } from "./hooks.ts";
import { asRecord, asString, getPath } from "./objects.ts";

export interface HookCrd {
  group: string;
  kind: string;
  /** The file or URL the hook applies. */
  from: string;
  location: SourceLocation;
}

interface HookInput {
  command: string;
  args: string[];
  location: SourceLocation;
}

/** The files a `kubectl apply` names with -f/--filename (and -k/--kustomize folders). */
function appliedFiles(args: string[]): string[] {
  if (!args.includes("apply")) return [];
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const inline = a.match(/^(?:--filename|--kustomize|-f|-k)=(.+)$/) ?? a.match(/^-[fk](.+)$/);
    if (inline) out.push(inline[1] as string);
    else if (["-f", "--filename", "-k", "--kustomize"].includes(a) && args[i + 1] !== undefined)
      out.push(args[++i] as string);
  }
  return out;
}

export function hookCrds(repo: Repository, dir: string, hooks: HookInput[], scope: HookScope): HookCrd[] {
  const out: HookCrd[] = [];
  for (const hook of hooks) {
    if (!/(^|\/)kubectl$/.test(hook.command)) continue;
    let args: string[];
    try {
      args = hook.args.map((a) => resolveTemplate(a, scope));
    } catch {
      continue;
    }
    for (const target of appliedFiles(args)) {
      if (/^https?:\/\//.test(target)) {
        for (const c of remoteManifestCrds(target) ?? [])
          out.push({ group: c.group, kind: c.kind, from: target, location: hook.location });
        continue;
      }
      const path = resolveRepoPath(dir, target);
      if (path === undefined) continue;
      const files = repo.isFile(path)
        ? [path]
        : repo
            .list(path)
            .filter((f) => isYamlPath(f))
            .map((f) => (path ? `${path}/${f}` : f));
      for (const file of files)
        for (const doc of repo.documents(file) ?? []) {
          const v = asRecord(doc.value);
          if (v.kind !== "CustomResourceDefinition") continue;
          const group = asString(getPath(v, ["spec", "group"]));
          const kind = asString(getPath(v, ["spec", "names", "kind"]));
          if (group && kind) out.push({ group, kind, from: file, location: { file, line: doc.line } });
        }
    }
  }
  return out;
}
