/**
 * A stand-in for flux-operator and the Flux controllers in the test environment, where no container runs: it
 * marks FluxInstance, GitRepository, OCIRepository, Kustomization and HelmRelease objects Ready (a `Ready=True`
 * condition and `observedGeneration` for their current generation), as the real controllers do once they have
 * reconciled. An object annotated `kubestrap.dev/ready-after: 5s` becomes Ready that long after it was created
 * or last changed; `kubestrap.dev/ready: "false"` keeps it not Ready. Nothing else is simulated: kubestrap's
 * handoff and `--wait-flux` are what the tests exercise against it.
 *
 * Started by the environment (`cluster.ts`) as a process of its own: `node flux-standin.ts --kubeconfig=FILE`.
 */
import { Discovery } from "../../src/cluster/discovery.ts";
import { KubeClient } from "../../src/cluster/kube.ts";
import { markReady } from "../../src/execute/converge/flux-status.ts";

const KINDS = [
  { apiVersion: "fluxcd.controlplane.io/v1", kind: "FluxInstance" },
  { apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository" },
  { apiVersion: "source.toolkit.fluxcd.io/v1", kind: "OCIRepository" },
  { apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization" },
  { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease" },
];

interface FluxObject {
  metadata: {
    name: string;
    namespace?: string;
    generation?: number;
    creationTimestamp?: string;
    annotations?: Record<string, string>;
    managedFields?: { time?: string }[];
  };
  status?: {
    observedGeneration?: number;
    conditions?: { type: string; status: string; observedGeneration?: number }[];
  };
}

const kubeconfig = process.argv.find((a) => a.startsWith("--kubeconfig="))?.slice("--kubeconfig=".length);
const client = await KubeClient.load(kubeconfig ? { kubeconfig } : {}, { retryForMs: 5_000 });
const discovery = new Discovery(client);
/** When each object generation was first seen, for `ready-after`. */
const firstSeen = new Map<string, number>();

function readyFor(o: FluxObject): boolean {
  const ready = o.status?.conditions?.find((c) => c.type === "Ready");
  return ready?.status === "True" && ready.observedGeneration === o.metadata.generation;
}

function delayOf(o: FluxObject): number {
  const text = o.metadata.annotations?.["kubestrap.dev/ready-after"] ?? "0s";
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  return m[2] === "ms" ? n : m[2] === "m" ? n * 60_000 : n * 1000;
}

async function reconcile(apiVersion: string, kind: string): Promise<void> {
  if (!discovery.has(apiVersion, kind)) return;
  const collection = await discovery.collection(apiVersion, kind);
  const list = await client.list<FluxObject>(collection);
  for (const o of list.items) {
    if (o.metadata.annotations?.["kubestrap.dev/ready"] === "false" || readyFor(o)) continue;
    const key = `${kind}/${o.metadata.namespace}/${o.metadata.name}/${o.metadata.generation}`;
    if (!firstSeen.has(key)) firstSeen.set(key, Date.now());
    if (Date.now() - (firstSeen.get(key) ?? 0) < delayOf(o)) continue;
    const ref = {
      apiVersion,
      kind,
      name: o.metadata.name,
      ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    };
    await markReady(client, discovery, ref, "stand-in: reconciled").catch((error: Error) =>
      console.error(`${kind} ${o.metadata.name}: ${error.message}`),
    );
  }
}

let round = 0;
for (;;) {
  // New CRDs (the bootstrap installs them) show up in discovery within two seconds.
  if (round++ % 4 === 0) await discovery.refresh().catch(() => {});
  for (const { apiVersion, kind } of KINDS)
    await reconcile(apiVersion, kind).catch((e: Error) => console.error(e.message));
  await new Promise((r) => setTimeout(r, 500));
}
