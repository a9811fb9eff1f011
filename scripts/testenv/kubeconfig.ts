/**
 * One kubeconfig with a context per name, each pointing at a local environment: how the multi-cluster tests and
 * `npm run demo:fleet` reach two control planes side by side (the contexts kubestrap.yaml names).
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { TestEnvironment } from "./cluster.ts";

interface Kubeconfig {
  clusters: { name: string; cluster: Record<string, string> }[];
  users: { name: string; user: Record<string, string> }[];
}

/** Writes the kubeconfig to `file`; the first context is the current one. */
export function writeContextsKubeconfig(file: string, contexts: Record<string, TestEnvironment>): string {
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [] as unknown[],
    users: [] as unknown[],
    contexts: [] as unknown[],
    "current-context": Object.keys(contexts)[0],
  };
  for (const [name, target] of Object.entries(contexts)) {
    const own = JSON.parse(readFileSync(target.kubeconfig, "utf8")) as Kubeconfig;
    config.clusters.push({ name, cluster: own.clusters[0]?.cluster });
    config.users.push({ name, user: own.users[0]?.user });
    config.contexts.push({ name, context: { cluster: name, user: name } });
  }
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
