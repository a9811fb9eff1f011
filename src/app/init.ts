/**
 * `kubestrap init`: writes kubestrap.yaml from what kubestrap detects (clusters and their entry points, the
 * bootstrap helmfiles, their environments and the variables they require, the bootstrap resources), so a user
 * sees what was found and corrects it. Nothing is guessed silently: what was not found is a commented example.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../analysis/lint.ts";
import { Repository } from "../load/repository.ts";
import { fullYaml } from "../load/yaml.ts";
import { findBootstrapHelmfiles, loadBootstrap } from "../model/bootstrap.ts";
import { CONFIG_FILES, ConfigSchema, DEFAULT_CONFIG } from "../model/config.ts";
import { findClusters } from "../model/fleet.ts";
import { helmfileEnvironments, readHelmfiles } from "../model/helmfile/state.ts";
import { detectSources } from "../model/prerequisites.ts";

export interface InitOptions {
  repo: string;
  /** Replace an existing kubestrap.yaml. */
  force?: boolean;
  /** Only return the text; write nothing. */
  dryRun?: boolean;
}

export interface InitResult {
  text: string;
  /** Absolute path written, unless `dryRun`. */
  written?: string;
}

export function initConfig(options: InitOptions): InitResult {
  const repo = Repository.load(options.repo);
  const existing = CONFIG_FILES.find((f) => repo.isFile(f));
  if (existing && !options.force && !options.dryRun)
    throw new UsageError(`${existing} already exists: run with --force to replace it, or --stdout to print`);
  const text = describeDetection(repo);
  // What init writes must be what kubestrap reads.
  ConfigSchema.parse(fullYaml().parse(text));
  if (options.dryRun) return { text };
  const path = join(repo.root, existing ?? "kubestrap.yaml");
  if (existsSync(path) && !options.force) throw new UsageError(`${path} already exists`);
  writeFileSync(path, text);
  return { text, written: path };
}

const q = (s: string) => JSON.stringify(s);

function describeDetection(repo: Repository): string {
  const lines = [
    "# yaml-language-server: $schema=https://kubestrap.dev/schema/kubestrap.schema.json",
    "# Written by `kubestrap init` from what it detected in this repository: check it, correct what is wrong.",
    "# Every field is optional; kubestrap detects again whatever this file leaves out.",
  ];
  const helmfiles = findBootstrapHelmfiles(repo);
  const read = helmfiles.length > 0 ? readHelmfiles(repo, helmfiles, { env: {} }) : undefined;
  const required = [
    ...new Set(
      (read?.findings ?? []).flatMap((f) =>
        [...f.message.matchAll(/required env var `([^`]+)`/g)].map((m) => m[1] as string),
      ),
    ),
  ];
  const clusters = findClusters(repo, DEFAULT_CONFIG, helmfiles);
  const several = clusters.length > 1;
  if (clusters.some((c) => c.entry || c.environment)) {
    lines.push("clusters:");
    for (const c of clusters) {
      lines.push(`  - name: ${c.name}`);
      if (c.entry) lines.push(`    entry: ${q(c.entry)} # ${c.from}`);
      if (c.environment) lines.push(`    environment: ${q(c.environment)} # ${c.from}`);
      // Each cluster's value of what the helmfiles require: a guess (its name), for the user to check.
      if (several && required.length > 0)
        lines.push(
          `    # env: { ${required.map((name) => `${name}: ${q(c.name)}`).join(", ")} } # the helmfiles require ${required.join(", ")}`,
        );
    }
  } else
    lines.push(
      "# clusters: no Flux entry point found (FluxInstance sync path, clusters/<name>)",
      "clusters: []",
    );

  lines.push("bootstrap:");
  if (helmfiles.length > 0) {
    lines.push("  helmfiles: # found in the tree, read in this order");
    for (const h of helmfiles) lines.push(`    - ${q(h)}`);
    const environments = [...new Set(helmfiles.flatMap((h) => helmfileEnvironments(repo, h)))].filter(
      (e) => e !== "default",
    );
    // Several clusters each read the environment of their name by themselves.
    if (environments.length > 0 && !(several && clusters.every((c) => environments.includes(c.name))))
      lines.push(
        `  # environment: ${environments[0]} # helmfile environments defined: ${environments.join(", ")}`,
      );
    if (required.length > 0 && !several) {
      lines.push(
        "  # env: # the helmfiles' templates require these: set them here, or in the shell kubestrap runs in",
      );
      const example = clusters[0]?.entry ? (clusters[0]?.name as string) : "value";
      for (const name of required) lines.push(`  #   ${name}: ${q(example)}`);
    }
  } else {
    lines.push(
      "  # No helmfile found: declare what is installed before Flux (a Taskfile, k3s HelmChart manifests).",
    );
  }
  lines.push("  releases: [] # releases installed before Flux that no helmfile declares, e.g.:");
  lines.push(
    "  #  - {name: cilium, namespace: kube-system, chart: oci://quay.io/cilium/charts/cilium, version: 1.18.2}",
  );
  const bootstrap = loadBootstrap(repo, helmfiles.length > 0 ? helmfiles : undefined, { env: {} });
  const resources = detectSources(repo, bootstrap);
  if (resources.length > 0) {
    lines.push("  resources: # applied before the CRDs (secrets, namespaces), found beside the helmfiles");
    for (const r of resources) lines.push(`    - path: ${q(r)}`);
  }
  return `${lines.join("\n")}\n`;
}
