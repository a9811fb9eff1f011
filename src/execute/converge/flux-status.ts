/**
 * The Flux controllers' part of a rehearsal that kubestrap cannot run (they are containers, and the rehearsal's
 * nodes are fake): once kubestrap has done a Flux object's work itself, it writes the status the controller
 * would write, a `Ready=True` condition for the object's generation, so that whatever waits for the object
 * (a Kustomization's `wait`, `dependsOn`, the handoff) sees what it would see on a real cluster.
 */
import type { Discovery, ObjectRef } from "../../cluster/discovery.ts";
import { type KubeClient, KubeError } from "../../cluster/kube.ts";
import type { KubeObject } from "../../cluster/status.ts";

/** Writes `Ready=True` for the object's current generation; false when the object or its kind is not there. */
export async function markReady(
  client: KubeClient,
  discovery: Discovery,
  ref: ObjectRef,
  message: string,
): Promise<boolean> {
  try {
    const path = await discovery.path(ref);
    const live = await client.get<KubeObject>(path);
    if (!live) return false;
    const generation = (live.metadata as { generation?: number } | undefined)?.generation ?? 1;
    await client.mergePatch(`${path}/status`, {
      status: {
        observedGeneration: generation,
        conditions: [
          {
            type: "Ready",
            status: "True",
            reason: "ReconciliationSucceeded",
            message,
            observedGeneration: generation,
            lastTransitionTime: new Date().toISOString(),
          },
        ],
      },
    });
    return true;
  } catch (error) {
    if (error instanceof KubeError && error.status === 404) return false;
    throw error;
  }
}

const INSTANCE = { apiVersion: "fluxcd.controlplane.io/v1", kind: "FluxInstance" };

/**
 * flux-operator's part while the bootstrap runs: every FluxInstance becomes Ready, so that the handoff passes
 * and the rehearsal goes on to do the Flux controllers' work. Runs until `signal` aborts.
 */
export async function standInForFluxOperator(
  client: KubeClient,
  discovery: Discovery,
  signal: AbortSignal,
): Promise<void> {
  let round = 0;
  while (!signal.aborted) {
    try {
      if (round++ % 4 === 0) await discovery.refresh();
      if (discovery.has(INSTANCE.apiVersion, INSTANCE.kind)) {
        const list = await client.list<KubeObject>(
          await discovery.collection(INSTANCE.apiVersion, INSTANCE.kind),
        );
        for (const item of list.items) {
          const metadata = item.metadata as { name: string; namespace?: string; generation?: number };
          const status = item.status as
            | { conditions?: { type: string; status: string; observedGeneration?: number }[] }
            | undefined;
          const ready = status?.conditions?.find((c) => c.type === "Ready");
          if (ready?.status === "True" && ready.observedGeneration === metadata.generation) continue;
          await markReady(
            client,
            discovery,
            {
              ...INSTANCE,
              name: metadata.name,
              ...(metadata.namespace ? { namespace: metadata.namespace } : {}),
            },
            "rehearsal: kubestrap does the Flux controllers' work",
          );
        }
      }
    } catch {
      // The API server is still coming up, or the CRD was just installed: the next round sees it.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
