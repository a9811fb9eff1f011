/**
 * Runs the real helmfile (`build --embed-values` and `list --output json`) and kubestrap's reader on the same
 * helmfile, and reduces both to the fields kubestrap models, so a test can compare them. helmfile prepares
 * charts while building; a stand-in `helm` answers its `version` and `pull` calls, so nothing leaves the machine
 * and the state helmfile resolves is its own.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { Repository } from "../../src/load/repository.ts";
import { type HelmfileRelease, helmfilesOf, readHelmfiles } from "../../src/model/helmfile/state.ts";

export interface ComparableRelease {
  id: string;
  chart: string;
  version: string;
  values: unknown[];
  needs: string[];
  hooks: { events: string[]; command: string; args: string[]; showlogs: boolean }[];
  installed: boolean;
  enabled: boolean;
  labels: Record<string, string>;
}

export interface ComparableState {
  /** Undefined when the tool refused the helmfile. */
  releases?: ComparableRelease[];
  values?: unknown;
  error?: string;
}

const STANDIN_HELM = `#!/bin/sh
case "$1" in
  version) echo "v3.22.0+g0";;
  pull)
    ref="$2"; dest=""; ver="0.0.0"
    while [ $# -gt 0 ]; do case "$1" in --destination) dest="$2"; shift;; --version) ver="$2"; shift;; esac; shift; done
    name=$(basename "$ref"); mkdir -p "$dest/$name"
    printf 'apiVersion: v2\\nname: %s\\nversion: %s\\n' "$name" "$ver" > "$dest/$name/Chart.yaml";;
  *) exit 0;;
esac
`;

let standIn: { helm: string; home: string } | undefined;

function standInHelm(): { helm: string; home: string } {
  if (!standIn) {
    const dir = mkdtempSync(join(tmpdir(), "kubestrap-helmfile-diff-"));
    const helm = join(dir, "helm");
    writeFileSync(helm, STANDIN_HELM);
    chmodSync(helm, 0o755);
    standIn = { helm, home: join(dir, "home") };
  }
  return standIn;
}

function sortById(releases: ComparableRelease[]): ComparableRelease[] {
  return releases.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** What the real helmfile resolves for one helmfile of `root`. */
export function helmfileState(
  helmfileBinary: string,
  root: string,
  file: string,
  environment?: string,
  env: Record<string, string> = {},
): ComparableState {
  const { helm, home } = standInHelm();
  const args = ["-b", helm, "-f", file, ...(environment ? ["-e", environment] : [])];
  const run = (extra: string[]) =>
    execFileSync(helmfileBinary, [...args, ...extra], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: home, ...env },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  let built: string;
  let listed: string;
  try {
    built = run(["build", "--embed-values"]);
    listed = run(["list", "--output", "json"]);
  } catch (e) {
    const stderr = String((e as { stderr?: unknown }).stderr ?? e);
    // helmfile skips a file whose environment is not defined, and says so as an error of the whole run.
    if (/no releases found that matches specified selector\(\) and environment/.test(stderr))
      return { releases: [] };
    return { error: stderr.trim() };
  }
  const enabled = new Map<string, boolean>();
  for (const r of JSON.parse(listed || "[]") as { name: string; namespace: string; enabled: boolean }[])
    enabled.set(`${r.namespace}/${r.name}`, r.enabled);
  const releases: ComparableRelease[] = [];
  let values: unknown;
  for (const doc of parseAllDocuments(built)) {
    const state = (doc.toJS() ?? {}) as Record<string, unknown>;
    values = state.renderedvalues ?? {};
    for (const r of (state.releases ?? []) as Record<string, unknown>[]) {
      const id = `${r.namespace ?? ""}/${r.name}`;
      releases.push({
        id,
        chart: String(r.chart ?? ""),
        version: String(r.version ?? ""),
        values: (r.values as unknown[]) ?? [],
        needs: (r.needs as string[]) ?? [],
        hooks: ((r.hooks as Record<string, unknown>[]) ?? []).map((h) => ({
          events: (h.events as string[]) ?? [],
          command: String(h.command ?? ""),
          args: ((h.args as unknown[]) ?? []).map(String),
          showlogs: h.showlogs === true,
        })),
        installed: r.installed !== false,
        enabled: enabled.get(id) ?? true,
        labels: Object.fromEntries(
          Object.entries((r.labels as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v)]),
        ),
      });
    }
  }
  return { releases: sortById(releases), values };
}

/** What kubestrap's reader resolves for the same helmfile. */
export function kubestrapState(
  root: string,
  file: string,
  environment?: string,
  env: Record<string, string> = {},
): ComparableState {
  const repo = Repository.load(root);
  const { states, findings } = readHelmfiles(repo, helmfilesOf(repo, file), { environment, env });
  if (findings.length > 0) return { error: findings.map((f) => f.message).join("\n") };
  if (states.length === 0) return { releases: [] };
  return {
    releases: sortById(states.flatMap((s) => s.releases.map(comparable))),
    values: states.at(-1)?.values,
  };
}

function comparable(r: HelmfileRelease): ComparableRelease {
  return {
    id: `${r.namespace}/${r.name}`,
    chart: r.chart ?? "",
    version: r.version ?? "",
    values: r.values,
    needs: r.needs,
    hooks: r.hooks,
    installed: r.installed,
    enabled: r.enabled,
    labels: r.labels,
  };
}
