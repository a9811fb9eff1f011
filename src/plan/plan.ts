/**
 * The bootstrap plan: every step `kubestrap up` runs, in phases, as one DAG, each step with what it does, why it
 * is there (the helmfile, the Flux files or kubestrap.yaml) and a content hash of its inputs. Building it is pure
 * and offline: no cluster, no secret, no chart download.
 *
 * Phases, in order (DESIGN §5): before (commands that create the cluster), preflight, prerequisites (namespaces,
 * bootstrap resources), crds, releases, handoff.
 */
import { createHash } from "node:crypto";
import { stableJson } from "../charts/cache.ts";
import type { Finding, SourceLocation } from "../findings.ts";
import type { BeforeStep, Config } from "../model/config.ts";
import { type BootstrapResources, describeSource, type NamespaceNeed } from "../model/prerequisites.ts";
import { type ChartLocation, type ChartRelease, describeChart } from "../model/releases.ts";

export const PHASES = ["before", "preflight", "prerequisites", "crds", "releases", "handoff"] as const;
export type PhaseName = (typeof PHASES)[number];

export type PreflightCheck = "api-ready" | "nodes" | "helm" | "sops" | "injectors" | "identity";

interface StepBase {
  /** `phase/name`, unique in the plan: `releases/kube-system/cilium`. */
  id: string;
  phase: PhaseName;
  /** What it does, in a few words. */
  title: string;
  /** Why it is there. */
  why: string;
  source?: SourceLocation;
  /** Steps that must be done first. */
  needs: string[];
  /** sha256 of everything that decides what the step writes; unchanged hash + healthy objects = nothing to do. */
  hash: string;
}

export type PlanStep =
  | (StepBase & { kind: "command"; command: BeforeStep })
  | (StepBase & { kind: "preflight"; check: PreflightCheck; nodes?: number; identity?: string })
  | (StepBase & { kind: "namespaces"; namespaces: NamespaceNeed[] })
  | (StepBase & { kind: "resources"; resources: BootstrapResources })
  | (StepBase & { kind: "crds"; releases: ChartRelease[] })
  | (StepBase & {
      kind: "release";
      release: ChartRelease;
      /** The CRD step it waits for when its chart ships or uses CRDs of the set, or it has hooks. */
      crdGate?: string;
    })
  | (StepBase & {
      kind: "handoff";
      expect: { kustomizations: string[]; helmReleases: string[] };
      /** The bootstrap releases whose manifests may hold the Flux instance (flux-instance's FluxInstance). */
      releases: { namespace: string; name: string }[];
      timeoutSeconds: number;
    });

export interface Plan {
  /** The cluster this plan is for (`default` in a repository with one). */
  cluster: string;
  steps: PlanStep[];
  /** Problems that stop the plan from running (an unresolvable chart, a `needs` on nothing, ...). */
  findings: Finding[];
}

export interface PlanInputs {
  cluster: string;
  config: Config;
  /** Nodes that must have registered (kubestrap.yaml, else 1). */
  nodes: number;
  identity?: string;
  namespaces: NamespaceNeed[];
  resources: BootstrapResources[];
  /** Every bootstrap release, CRD phase and release phase (values as installed). */
  releases: ChartRelease[];
  /** The CRD phase's releases (values with the CRD switches on). */
  crdReleases: ChartRelease[];
  /** What Flux will reconcile, for `--wait-flux`. */
  flux: { kustomizations: string[]; helmReleases: string[] };
  /** Whether SOPS-encrypted documents are among the resources. */
  sops: boolean;
  findings: Finding[];
}

/** Bumped when the meaning of a step's inputs changes, so that every step runs again once. */
const PLAN_FORMAT = 1;

/** What names a chart's content: its location without how it is reached (plain HTTP or TLS). */
function chartIdentity(loc: ChartLocation): ChartLocation {
  if (loc.type !== "oci" || loc.plainHttp === undefined) return loc;
  const { plainHttp: _transport, ...rest } = loc;
  return rest;
}

export function stepHash(kind: string, inputs: unknown): string {
  return createHash("sha256")
    .update(stableJson({ format: PLAN_FORMAT, kind, inputs }))
    .digest("hex")
    .slice(0, 32);
}

export function buildPlan(inputs: PlanInputs): Plan {
  const steps: PlanStep[] = [];
  const findings: Finding[] = [...inputs.findings];

  // before: the commands that bring the cluster up, each after the previous one unless it says otherwise.
  const before = inputs.config.before;
  const beforeIds = new Set(before.map((b) => `before/${b.name}`));
  before.forEach((b, i) => {
    const previous = before[i - 1];
    const needs =
      b.needs.length > 0 ? b.needs.map((n) => `before/${n}`) : previous ? [`before/${previous.name}`] : [];
    for (const n of needs)
      if (!beforeIds.has(n))
        findings.push({
          ruleId: "plan-invalid",
          severity: "error",
          message: `before step ${b.name} needs ${n.slice(7)}, which is not a before step`,
        });
    steps.push({
      id: `before/${b.name}`,
      phase: "before",
      kind: "command",
      title: [b.command, ...b.args].join(" "),
      why: "kubestrap.yaml before",
      needs,
      hash: stepHash("command", { command: b.command, args: b.args, env: b.env, dir: b.dir ?? "" }),
      command: b,
    });
  });
  // Preflight waits for every before step that no other before step waits for.
  const needed = new Set(steps.flatMap((s) => s.needs));
  const beforeSinks = steps.filter((s) => s.phase === "before" && !needed.has(s.id)).map((s) => s.id);

  // preflight: read-only checks, never journaled, run on every `up`.
  const preflight = (
    check: PreflightCheck,
    title: string,
    why: string,
    needs: string[],
    extra: object = {},
  ) => {
    const step = {
      id: `preflight/${check}`,
      phase: "preflight" as const,
      kind: "preflight" as const,
      check,
      title,
      why,
      needs,
      hash: "",
      ...extra,
    };
    steps.push(step as PlanStep);
    return step.id;
  };
  const api = preflight(
    "api-ready",
    "the API server answers /readyz",
    "every later step talks to it",
    beforeSinks,
  );
  const identity = preflight(
    "identity",
    `the cluster is ${inputs.cluster}`,
    inputs.identity
      ? `kubestrap.yaml pins its identity (kube-system UID ${inputs.identity})`
      : "the journal records the identity (kube-system UID) of the cluster it bootstrapped",
    [api],
    inputs.identity ? { identity: inputs.identity } : {},
  );
  const nodes = preflight(
    "nodes",
    `${inputs.nodes} node${inputs.nodes === 1 ? "" : "s"} registered (NotReady is fine before the CNI)`,
    "charts schedule onto nodes",
    [api],
    { nodes: inputs.nodes },
  );
  const helm = preflight("helm", "helm 3.14+ or 4.x", "the releases are installed with helm", []);
  const preflightIds = [api, identity, nodes, helm];
  if (inputs.sops)
    preflightIds.push(preflight("sops", "sops can run", "bootstrap resources are SOPS-encrypted", []));
  const injectors = [...new Set(inputs.resources.flatMap((r) => (r.inject ? [r.inject.command] : [])))];
  if (injectors.length > 0)
    preflightIds.push(
      preflight("injectors", `${injectors.join(", ")} on PATH`, "secret references are resolved with it", []),
    );

  // prerequisites: namespaces first, then each bootstrap resource tree.
  const namespacesId = "prerequisites/namespaces";
  const namespaces = inputs.namespaces;
  if (namespaces.length > 0) {
    steps.push({
      id: namespacesId,
      phase: "prerequisites",
      kind: "namespaces",
      title: `namespaces ${namespaces.map((n) => n.name).join(", ")}`,
      why:
        [...new Set(namespaces.flatMap((n) => n.why))].slice(0, 3).join("; ") +
        (namespaces.length > 3 ? "; ..." : ""),
      needs: preflightIds,
      hash: stepHash(
        "namespaces",
        namespaces.map((n) => n.object),
      ),
      namespaces,
    });
  }
  const prerequisiteIds = namespaces.length > 0 ? [namespacesId] : [...preflightIds];
  for (const r of inputs.resources) {
    const id = `prerequisites/${r.path}`;
    steps.push({
      id,
      phase: "prerequisites",
      kind: "resources",
      title: `apply ${describeSource(r)}${r.sops ? " (SOPS)" : ""}${r.inject ? ` (secrets via ${r.inject.command})` : ""}`,
      why: r.why,
      source: r.location,
      needs: namespaces.length > 0 ? [namespacesId] : preflightIds,
      hash: stepHash("resources", { text: r.text, inject: r.inject ?? null, namespace: r.namespace ?? "" }),
      resources: r,
    });
    prerequisiteIds.push(id);
  }

  // crds: the CRD set of every bootstrap release, applied server-side and waited for.
  const crdsId = "crds/crds";
  const crdNeeds = namespaces.length > 0 ? [namespacesId] : preflightIds;
  if (inputs.crdReleases.length > 0) {
    steps.push({
      id: crdsId,
      phase: "crds",
      kind: "crds",
      title: `CRDs of ${inputs.crdReleases.length} chart${inputs.crdReleases.length === 1 ? "" : "s"}, until Established`,
      why: `rendered from ${inputs.crdReleases.map((r) => r.id).join(", ")}`,
      needs: crdNeeds,
      hash: stepHash(
        "crds",
        inputs.crdReleases.map((r) => ({ id: r.id, chart: chartIdentity(r.chart), values: r.values })),
      ),
      releases: inputs.crdReleases,
    });
  }

  // releases: helm upgrade --install in needs order, after the prerequisites and the CRDs.
  const installable = inputs.releases.filter((r) => r.phase === "releases");
  const ids = new Set(installable.map((r) => r.id));
  // Releases do not all wait for the CRD phase: each waits for it only when its chart ships or uses CRDs of the set
  // (see execute/gate.ts). The handoff waits for it: Flux applies what needs those CRDs.
  const hasCrds = inputs.crdReleases.length > 0;
  const base = [...prerequisiteIds, ...(hasCrds ? [crdsId] : [])];
  for (const r of installable) {
    const missing = r.needs.filter((n) => !ids.has(n));
    for (const n of missing)
      findings.push({
        ruleId: "plan-invalid",
        severity: "error",
        message: `bootstrap release ${r.id} needs ${n}, which is not a release of the bootstrap helmfiles`,
        location: r.location,
      });
    steps.push({
      id: `releases/${r.id}`,
      phase: "releases",
      kind: "release",
      title: `helm upgrade --install ${r.id} (${describeChart(r.chart)})`,
      why: `${r.location.file}:${r.location.line}${r.needs.length > 0 ? `, needs ${r.needs.join(", ")}` : ""}${hasCrds ? "; after the CRD phase if its chart ships or uses its CRDs" : ""}`,
      source: r.location,
      needs: [...prerequisiteIds, ...r.needs.filter((n) => ids.has(n)).map((n) => `releases/${n}`)],
      ...(hasCrds ? { crdGate: crdsId } : {}),
      hash: stepHash("release", {
        chart: chartIdentity(r.chart),
        values: r.values,
        hooks: r.hooks.map((h) => ({ ...h, location: undefined })),
        helm: r.helm,
      }),
      release: r,
    });
  }

  // handoff: Flux takes over.
  if (inputs.config.handoff.enabled) {
    const releaseIds = installable.map((r) => `releases/${r.id}`);
    steps.push({
      id: "handoff/flux",
      phase: "handoff",
      kind: "handoff",
      title: "the Flux instance is Ready",
      why: "after it, Flux reconciles the repository and owns these releases",
      needs: releaseIds.length > 0 ? [...releaseIds, ...(hasCrds ? [crdsId] : [])] : base,
      hash: "",
      expect: inputs.flux,
      releases: installable.map((r) => ({ namespace: r.namespace, name: r.name })),
      timeoutSeconds: inputs.config.handoff.timeoutSeconds,
    });
  }
  return { cluster: inputs.cluster, steps, findings };
}

/** `needs` of every step as a dependency graph. */
export function planEdges(plan: Plan): Map<string, string[]> {
  return new Map(plan.steps.map((s) => [s.id, s.needs]));
}
