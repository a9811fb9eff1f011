/**
 * Runs the real kustomize (built from the Go module proxy into the test environment's cache) and kubestrap's
 * builder on the same folder, and returns both as `Kind namespace/name` → object, for a test to compare. Flux
 * builds with no load restrictions inside the repository, and appends `spec.components` to the folder's
 * kustomization: the kustomize side gets the same (a copy of the kustomization with the components added).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments, parse as parseYaml, stringify } from "yaml";
import { Repository } from "../../src/load/repository.ts";
import { builtinScope } from "../../src/model/builtin-api.ts";
import { KustomizeBuilder } from "../../src/model/kustomize.ts";

export type Built = Record<string, unknown>;

const id = (o: Record<string, unknown>) => {
  const metadata = (o.metadata ?? {}) as { name?: string; namespace?: string };
  return `${o.kind} ${metadata.namespace ?? ""}/${metadata.name}`;
};

export function kustomizeBuild(
  kustomize: string,
  root: string,
  dir: string,
  components: string[] = [],
): Built {
  if (components.length > 0) {
    const file = join(root, dir, "kustomization.yaml");
    const k = parseYaml(readFileSync(file, "utf8")) as Record<string, unknown>;
    k.components = [...((k.components as string[]) ?? []), ...components];
    writeFileSync(file, stringify(k));
  }
  const out = execFileSync(kustomize, ["build", "--load-restrictor", "LoadRestrictionsNone", dir], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const built: Built = {};
  for (const doc of parseAllDocuments(out)) {
    const o = doc.toJS() as Record<string, unknown> | null;
    if (o) built[id(o)] = o;
  }
  return built;
}

export function kubestrapBuild(
  root: string,
  dir: string,
  components: string[] = [],
): { built: Built; findings: string[] } {
  const repo = Repository.load(root);
  const builder = new KustomizeBuilder(repo, (gk) => builtinScope(gk) ?? "Namespaced");
  const objects = builder.build(
    dir,
    false,
    components.map((ref) => ({ ref, location: { file: dir, line: 1 } })),
  );
  const built: Built = {};
  for (const o of objects) built[id(o.body)] = o.body;
  return { built, findings: builder.findings.map((f) => `${f.ruleId}: ${f.message}`) };
}
