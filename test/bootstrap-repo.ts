/**
 * Small bootstrap repositories for tests: a Flux tree with one HelmRelease per release, and bootstrap helmfiles
 * that name the same charts (oci:// with a version), `needs`, values and hooks, plus any extra file.
 */
import { makeRepo } from "./helpers.ts";

export interface ReleaseSpec {
  name: string;
  namespace: string;
  /** `oci://host/path/name` without the version. */
  chart: string;
  version?: string;
  needs?: string[];
  /** YAML of the values (indented as a block under `values:`). */
  values?: string;
  /** YAML of the helmfile hooks list items. */
  hooks?: string;
}

export interface BootstrapRepoSpec {
  releases: ReleaseSpec[];
  /** Releases of the CRD phase (00-crds.yaml): their CRDs are applied, they are not installed. */
  crdReleases?: ReleaseSpec[];
  /** kubestrap.yaml. */
  config?: string;
  files?: Record<string, string>;
}

/** The Flux Kustomization at the root of a test repository: everything under kubernetes/apps. */
export const CLUSTER_APPS_KUSTOMIZATION = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: cluster-apps
  namespace: flux-system
spec:
  interval: 1h
  path: ./kubernetes/apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`;

function helmfileRelease(r: ReleaseSpec): string {
  const lines = [
    `  - name: ${r.name}`,
    `    namespace: ${r.namespace}`,
    `    chart: ${r.chart}`,
    `    version: ${r.version ?? "1.0.0"}`,
  ];
  if (r.needs?.length) lines.push("    needs:", ...r.needs.map((n) => `      - ${n}`));
  if (r.values)
    lines.push(
      "    values:",
      "      -",
      ...r.values
        .trimEnd()
        .split("\n")
        .map((l) => `        ${l}`),
    );
  if (r.hooks)
    lines.push(
      "    hooks:",
      ...r.hooks
        .trimEnd()
        .split("\n")
        .map((l) => `      ${l}`),
    );
  return lines.join("\n");
}

export function bootstrapFiles(spec: BootstrapRepoSpec): Record<string, string> {
  const all = [...(spec.crdReleases ?? []), ...spec.releases];
  const files: Record<string, string> = {
    "kubernetes/flux/cluster/ks.yaml": CLUSTER_APPS_KUSTOMIZATION,
    "kubernetes/apps/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
${all.map((r) => `  - ./${r.namespace}/${r.name}/app`).join("\n")}
`,
    "bootstrap/helmfile.d/01-apps.yaml": `releases:\n${spec.releases.map(helmfileRelease).join("\n")}\n`,
  };
  if (spec.crdReleases?.length)
    files["bootstrap/helmfile.d/00-crds.yaml"] =
      `releases:\n${spec.crdReleases.map(helmfileRelease).join("\n")}\n`;
  for (const r of all) {
    const dir = `kubernetes/apps/${r.namespace}/${r.name}/app`;
    files[`${dir}/kustomization.yaml`] =
      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./ocirepository.yaml\n  - ./helmrelease.yaml\n";
    files[`${dir}/ocirepository.yaml`] = `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: ${r.name}
  namespace: ${r.namespace}
spec:
  interval: 1h
  url: ${r.chart}
  ref:
    tag: ${r.version ?? "1.0.0"}
`;
    files[`${dir}/helmrelease.yaml`] = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${r.name}
  namespace: ${r.namespace}
spec:
  interval: 1h
  chartRef:
    kind: OCIRepository
    name: ${r.name}
${r.values ? `  values:\n${r.values.trimEnd().replace(/^/gm, "    ")}\n` : ""}`;
  }
  if (spec.config) files["kubestrap.yaml"] = spec.config;
  return { ...files, ...spec.files };
}

export function bootstrapRepo(spec: BootstrapRepoSpec): string {
  return makeRepo(bootstrapFiles(spec));
}
