/**
 * `npm run gen:openapi [-- --kubeconfig FILE]`: writes data/openapi/kubernetes-<minor>.json.gz, the schemas of
 * the built-in kinds as a real kube-apiserver serves them at `/openapi/v3`, for schema validation. By default it
 * starts the test environment (or reuses a running one); `--kubeconfig` reads another API server. Only
 * `io.k8s.*` components are kept, so CRDs a test left installed never leak in. Descriptions and patch hints are
 * dropped: they play no part in validation.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { startEnvironment, stopEnvironment } from "./testenv/cluster.ts";
import { provision, toolPaths } from "./testenv/provision.ts";

const DROP = new Set([
  "description",
  "x-kubernetes-patch-strategy",
  "x-kubernetes-patch-merge-key",
  "x-kubernetes-group-version-kind",
]);

/** Drops keywords, never a field: under `properties` the keys are field names (a field named `description`). */
function strip(v: unknown, fieldNames = false): unknown {
  if (Array.isArray(v)) return v.map((x) => strip(x));
  if (v === null || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (!fieldNames && DROP.has(k)) continue;
    out[k] = strip(x, !fieldNames && k === "properties");
  }
  return out;
}

const log = (line: string) => console.log(`gen:openapi: ${line}`);
const flag = process.argv.indexOf("--kubeconfig");
const kubeconfig = flag >= 0 ? process.argv[flag + 1] : undefined;
if (!kubeconfig) await provision(log);
const started = kubeconfig ? undefined : await startEnvironment(log);
const env = {
  kubectl: toolPaths().kubectl,
  kubeconfig: kubeconfig ?? (started?.env.kubeconfig as string),
};
try {
  const raw = (path: string) =>
    execFileSync(env.kubectl, ["--kubeconfig", env.kubeconfig, "get", "--raw", path], {
      maxBuffer: 512 * 1024 * 1024,
    }).toString("utf8");
  const kubernetesVersion = (JSON.parse(raw("/version")) as { gitVersion: string }).gitVersion.replace(
    /^v/,
    "",
  );
  const index = JSON.parse(raw("/openapi/v3")) as { paths: Record<string, { serverRelativeURL: string }> };
  const schemas: Record<string, unknown> = {};
  const kinds: Record<string, string> = {};
  for (const [path, { serverRelativeURL }] of Object.entries(index.paths).sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    if (!path.startsWith("api/") && !path.startsWith("apis/")) continue;
    const doc = JSON.parse(raw(serverRelativeURL)) as { components?: { schemas?: Record<string, unknown> } };
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
      if (!name.startsWith("io.k8s.")) continue;
      schemas[name] = strip(schema);
      const gvks = (
        schema as { "x-kubernetes-group-version-kind"?: { group: string; version: string; kind: string }[] }
      )["x-kubernetes-group-version-kind"];
      // Only a document's own kinds: DeleteOptions and friends name every group they serve.
      for (const gvk of gvks ?? []) {
        const own = path === "api/v1" ? gvk.group === "" : path === `apis/${gvk.group}/${gvk.version}`;
        if (own && gvks?.length === 1) kinds[`${gvk.group}/${gvk.version}/${gvk.kind}`] = name;
      }
    }
  }
  const minor = kubernetesVersion.split(".").slice(0, 2).join(".");
  const dir = join(import.meta.dirname, "../data/openapi");
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `kubernetes-${minor}.json.gz`);
  // Each schema as its JSON text: kubestrap parses only the ones a repository uses (catalog/schemas.ts).
  const sorted = Object.fromEntries(
    Object.entries(schemas)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, schema]) => [name, JSON.stringify(schema)]),
  );
  const json = JSON.stringify({ version: kubernetesVersion, schemas: sorted, kinds });
  writeFileSync(out, gzipSync(json, { level: 9 }));
  log(
    `wrote ${out}: ${Object.keys(kinds).length} kinds, ${Object.keys(sorted).length} schemas (Kubernetes ${kubernetesVersion})`,
  );
} finally {
  if (started && !started.reused) await stopEnvironment(started.env.dir);
}
