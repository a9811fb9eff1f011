/**
 * `kubestrap.yaml`: what the repository cannot say by itself about its bootstrap. Everything in it is optional:
 * kubestrap detects the clusters, the helmfiles and the bootstrap resources; this file names them where the
 * detection cannot (a Talos pipeline before the cluster exists, a secret-reference resolver such as `op
 * inject`, the number of nodes to wait for, the identity a cluster must have).
 *
 * The schema is zod; `npm run gen:schema` writes it as JSON Schema to `schema/kubestrap.schema.json` for
 * editors (`# yaml-language-server: $schema=...`).
 */

import { z } from "zod";
import type { Finding } from "../findings.ts";
import type { Repository } from "../load/repository.ts";
import { durationSeconds } from "./duration.ts";

export const CONFIG_FILES = ["kubestrap.yaml", "kubestrap.yml", ".kubestrap.yaml"];

const name = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "lowercase letters, digits and dashes");

const command = z
  .object({
    command: z.string().min(1).describe("program to run (looked up on PATH)"),
    args: z.array(z.string()).default([]).describe("its arguments, passed as they are (no shell)"),
    env: z.record(z.string(), z.string()).default({}).describe("extra environment variables"),
  })
  .strict();

export const BeforeStepSchema = command
  .extend({
    name: name.describe("step name, unique among the `before` steps"),
    dir: z.string().optional().describe("working directory, relative to the repository (default: its root)"),
    creates: z
      .string()
      .optional()
      .describe("a file the command creates: when it exists, the step is done (like `talosctl kubeconfig`)"),
    skipIf: command
      .optional()
      .describe("a command that exits 0 when the step is already done (a Talos node that is configured)"),
    needs: z
      .array(z.string())
      .default([])
      .describe("`before` steps that must run first (default: the previous one)"),
    timeoutSeconds: z.number().positive().default(600),
    retries: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        "times to run it again after a failure, with backoff (`talosctl bootstrap` while etcd starts)",
      ),
  })
  .strict()
  .describe("a command that runs before the cluster exists (the Talos stages)");

export const ResourceSourceSchema = z
  .object({
    path: z.string().describe("a kustomize directory or a YAML file, relative to the repository"),
    inject: command
      .optional()
      .describe(
        "resolves secret references in the built YAML (stdin to stdout), e.g. `op inject`; overrides secrets.inject",
      ),
    namespace: z.string().optional().describe("namespace for objects that name none"),
  })
  .strict();

export const DeclaredReleaseSchema = z
  .object({
    name,
    namespace: name,
    chart: z
      .string()
      .min(1)
      .describe("oci://registry/path/chart, a local chart folder (./charts/x), or a chart name with `repo`"),
    repo: z.string().optional().describe("URL of the chart's Helm repository (for a chart name)"),
    version: z.string().optional(),
    phase: z
      .enum(["crds", "releases"])
      .default("releases")
      .describe("crds: only its CRDs are applied, before every release; releases: installed with helm"),
    values: z.record(z.string(), z.unknown()).default({}),
    needs: z.array(z.string()).default([]).describe("namespace/name of releases installed first"),
  })
  .strict()
  .describe("a release installed before Flux, for bootstraps kubestrap cannot read (no helmfile)");

export const ClusterSchema = z
  .object({
    name,
    kubeconfig: z.string().optional().describe("kubeconfig file (default: $KUBECONFIG, ~/.kube/config)"),
    context: z.string().optional().describe("kubeconfig context of this cluster"),
    entry: z.string().optional().describe("Flux entry point directory (default: detected)"),
    identity: z
      .string()
      .optional()
      .describe("UID of the cluster's kube-system namespace: kubestrap refuses any other cluster"),
    nodes: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("nodes that must have registered before anything is applied"),
    environment: z
      .string()
      .optional()
      .describe(
        "helmfile environment of this cluster's bootstrap (default: bootstrap.environment, else its name)",
      ),
    env: z
      .record(z.string(), z.string())
      .default({})
      .describe("environment variables for this cluster's helmfiles (CLUSTER: infra), over bootstrap.env"),
    network: z
      .object({
        pods: z.array(z.string()).default([]).describe("pod CIDRs (Talos podSubnets, k3s cluster-cidr)"),
        services: z
          .array(z.string())
          .default([])
          .describe("service CIDRs (Talos serviceSubnets, k3s service-cidr)"),
      })
      .strict()
      .optional()
      .describe("address ranges no chart value says, for cluster-cidr-overlap"),
  })
  .strict();

const chartOrKind = {
  chart: z
    .string()
    .optional()
    .describe("chart name (cilium, rook-ceph), of a bootstrap release or a HelmRelease"),
  kind: z
    .string()
    .optional()
    .describe("object kind, optionally with its group (CephCluster, ceph.rook.io/CephCluster)"),
};

export const FleetSchema = z
  .object({
    unique: z
      .array(
        z
          .object({
            chart: z.string().describe("chart name"),
            path: z.string().describe("dotted path in its values (cluster.id)"),
          })
          .strict(),
      )
      .default([])
      .describe("chart values that must differ per cluster, besides Cilium's cluster.id and cluster.name"),
    independent: z
      .array(z.tuple([name, name]))
      .default([])
      .describe("pairs of clusters never routed or meshed together: their address ranges may overlap"),
    placement: z
      .array(
        z
          .object({
            ...chartOrKind,
            clusters: z.array(name).min(1).describe("the only clusters it may run on"),
          })
          .strict()
          .refine((p) => (p.chart === undefined) !== (p.kind === undefined), "name either a chart or a kind"),
      )
      .default([])
      .describe("charts or kinds allowed only on some clusters (rook-ceph on infra)"),
    allowSkew: z
      .array(z.string())
      .default([])
      .describe("charts that may run at different versions on different clusters"),
  })
  .strict();

export const ConfigSchema = z
  .object({
    $schema: z.string().optional(),
    clusters: z
      .array(ClusterSchema)
      .default([])
      .describe("the clusters of this repository (default: detected)"),
    fleet: FleetSchema.default({ unique: [], independent: [], placement: [], allowSkew: [] }).describe(
      "what must hold between the clusters of this repository",
    ),
    before: z.array(BeforeStepSchema).default([]).describe("commands that bring the cluster up"),
    bootstrap: z
      .object({
        helmfiles: z
          .array(z.string())
          .optional()
          .describe(
            "bootstrap helmfiles or folders, in order (default: the helmfiles found in the tree, those under a bootstrap/ folder first)",
          ),
        resources: z
          .array(ResourceSourceSchema)
          .optional()
          .describe(
            "bootstrap resources applied before the CRDs (default: bootstrap/kustomize, bootstrap/resources.yaml)",
          ),
        namespaces: z
          .array(z.string())
          .default([])
          .describe("more namespaces to create with the prerequisites"),
        environment: z
          .string()
          .optional()
          .describe(
            "helmfile environment of the bootstrap helmfiles (helmfile -e; default: the cluster's name if defined)",
          ),
        env: z
          .record(z.string(), z.string())
          .default({})
          .describe(
            "environment variables the helmfiles' templates read (requiredEnv \"CLUSTER\"), over the shell's",
          ),
        releases: z
          .array(DeclaredReleaseSchema)
          .default([])
          .describe(
            "releases installed before Flux that no helmfile declares (a Taskfile, k3s HelmChart manifests)",
          ),
      })
      .strict()
      .default({ namespaces: [], env: {}, releases: [] }),
    secrets: z
      .object({
        inject: command
          .optional()
          .describe(
            "resolves secret references (`op://vault/item/field`) in bootstrap resources, stdin to stdout",
          ),
      })
      .strict()
      .default({}),
    registries: z
      .object({
        mirrors: z
          .record(z.string(), z.string())
          .default({})
          .describe(
            "registry host → mirror (`ghcr.io: registry.internal/ghcr`; an http:// mirror is pulled without TLS); charts keep their upstream names in plans",
          ),
      })
      .strict()
      .default({ mirrors: {} }),
    journal: z
      .object({
        namespace: z.string().default("kube-system").describe("namespace of the journal ConfigMap"),
      })
      .strict()
      .default({ namespace: "kube-system" }),
    handoff: z
      .object({
        enabled: z.boolean().default(true).describe("wait for the Flux instance to be Ready at the end"),
        timeoutSeconds: z.number().positive().default(600),
      })
      .strict()
      .default({ enabled: true, timeoutSeconds: 600 }),
    rehearse: z
      .object({
        readiness: z
          .record(
            z.string(),
            z
              .string()
              .refine(
                (d) => (durationSeconds(d) ?? -1) >= 0,
                "a duration as Kubernetes writes it (30s, 1m30s, 2h)",
              ),
          )
          .default({})
          .describe(
            "how long a workload takes to become Ready on the real cluster (image pull, start, probes), by kind (`StatefulSet: 45s`, per replica) or by `Kind/namespace/name`, for the rehearsal's predicted time-to-ready (defaults: Deployment, StatefulSet and DaemonSet 30s, Job 60s)",
          ),
        featureGates: z
          .record(
            z.string().regex(/^[A-Z][A-Za-z0-9]*$/, "a feature gate name (HPAScaleToZero)"),
            z.boolean(),
          )
          .default({})
          .describe(
            "Kubernetes feature gates the cluster enables or disables (`HPAScaleToZero: true`): the rehearsal's control plane runs with them",
          ),
      })
      .strict()
      .default({ readiness: {}, featureGates: {} }),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type ClusterConfig = z.infer<typeof ClusterSchema>;
export type FleetConfig = z.infer<typeof FleetSchema>;
export type DeclaredRelease = z.infer<typeof DeclaredReleaseSchema>;
export type BeforeStep = z.infer<typeof BeforeStepSchema>;
export type CommandSpec = z.infer<typeof command>;
export type ResourceSource = z.infer<typeof ResourceSourceSchema>;

export const DEFAULT_CONFIG: Config = ConfigSchema.parse({});

export interface LoadedConfig {
  config: Config;
  /** Repository-relative file it came from; undefined when the repository has none. */
  file?: string;
  findings: Finding[];
}

/**
 * Reads and validates `kubestrap.yaml` at the repository root. An invalid file is an error finding per problem,
 * with the line of the field it is about, and the defaults are used.
 */
export function loadConfig(repo: Repository): LoadedConfig {
  const file = CONFIG_FILES.find((f) => repo.isFile(f));
  if (!file) return { config: DEFAULT_CONFIG, findings: [] };
  const docs = repo.documents(file) ?? [];
  const doc = docs[0];
  const result = ConfigSchema.safeParse(doc?.value ?? {});
  if (result.success) return { config: result.data, file, findings: [] };
  const findings: Finding[] = result.error.issues.map((issue) => {
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    const location = doc ? repo.location(file, doc.index, path, doc.line) : { file, line: 1 };
    return {
      ruleId: "config-invalid",
      severity: "error",
      message: `${file}: ${path.length > 0 ? `${path.join(".")}: ` : ""}${issue.message}`,
      location,
    };
  });
  return { config: DEFAULT_CONFIG, file, findings };
}

/** The JSON Schema of kubestrap.yaml, for editors. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...(z.toJSONSchema(ConfigSchema, { io: "input" }) as Record<string, unknown>),
    $id: "https://kubestrap.dev/schema/kubestrap.schema.json",
    title: "kubestrap.yaml",
  };
}
