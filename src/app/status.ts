/**
 * `kubestrap status` as a library call: every step of the plan as the journal and the live cluster see it
 * (done, changed, drifted, pending, failed, interrupted), and after the handoff, Flux's own readiness.
 * Read-only.
 */
import { Discovery } from "../cluster/discovery.ts";
import { checkIdentity, Journal, type JournalEntry } from "../cluster/journal.ts";
import { KubeClient, KubeError } from "../cluster/kube.ts";
import { fluxReadiness, type KubeObject } from "../cluster/status.ts";
import { type ObjectState, observe } from "../cluster/wait.ts";
import { fluxInstances } from "../execute/steps/handoff.ts";
import { type Inspection, inspectOffline, inspectStep } from "../plan/live.ts";
import type { PlanStep } from "../plan/plan.ts";
import { type LoadedPlan, loadPlan, type PlanOptions } from "./plan.ts";

export interface StepStatus {
  step: PlanStep;
  inspection: Inspection;
  /** What the journal recorded of its last run. */
  entry?: JournalEntry;
}

export interface FluxCount {
  kind: string;
  ready: number;
  total: number;
  notReady: string[];
}

export interface StatusResult {
  loaded: LoadedPlan;
  server: string;
  /** UID of kube-system. */
  identity: string;
  /** The cluster the journal says this is (undefined before the first bootstrap). */
  journalCluster?: string;
  steps: StepStatus[];
  flux: { instances: ObjectState[]; counts: FluxCount[] };
}

export async function status(options: PlanOptions): Promise<StatusResult> {
  const loaded = loadPlan(options);
  const client = await KubeClient.load(loaded.target, { retryForMs: 10_000 });
  try {
    const discovery = new Discovery(client);
    const ns = await client.get<{ metadata: { uid: string } }>("/api/v1/namespaces/kube-system");
    const identity = ns?.metadata.uid ?? "";
    const journal = await new Journal(client, loaded.config.journal.namespace).read();
    checkIdentity(journal, loaded.plan.cluster, identity);
    const session = { client, discovery, journal, repoDir: options.repo };
    const steps = await Promise.all(
      loaded.plan.steps.map(async (step): Promise<StepStatus> => {
        const inspection =
          step.phase === "before"
            ? await inspectOffline(step, options.repo, journal)
            : await inspectStep(step, session);
        const entry = journal.steps.get(step.id);
        return entry ? { step, inspection, entry } : { step, inspection };
      }),
    );
    const handoff = loaded.plan.steps.find((s) => s.kind === "handoff");
    const instances = await fluxInstances(
      { client, discovery },
      handoff?.kind === "handoff" ? handoff.releases : [],
    );
    const out: StatusResult = {
      loaded,
      server: client.server,
      identity,
      steps,
      flux: {
        instances: instances.length > 0 ? await observe(client, discovery, instances, fluxReadiness) : [],
        counts: await fluxCounts(client, discovery),
      },
    };
    if (journal.cluster) out.journalCluster = journal.cluster;
    return out;
  } finally {
    client.close();
  }
}

async function fluxCounts(client: KubeClient, discovery: Discovery): Promise<FluxCount[]> {
  const out: FluxCount[] = [];
  for (const [apiVersion, kind] of [
    ["kustomize.toolkit.fluxcd.io/v1", "Kustomization"],
    ["helm.toolkit.fluxcd.io/v2", "HelmRelease"],
  ] as const) {
    try {
      const items = (await client.list<KubeObject>(await discovery.collection(apiVersion, kind))).items;
      const notReady = items
        .filter((i) => fluxReadiness(i).status !== "Current")
        .map((i) => `${i.metadata?.namespace}/${i.metadata?.name}`);
      out.push({ kind, ready: items.length - notReady.length, total: items.length, notReady });
    } catch (error) {
      if (!(error instanceof KubeError && error.status === 404)) throw error;
    }
  }
  return out;
}
