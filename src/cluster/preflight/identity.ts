/**
 * The cluster is the one named: the UID of its kube-system namespace identifies it. The journal records the
 * cluster's name and UID at its first bootstrap, and kubestrap.yaml may pin the UID too; a run meant for
 * another cluster (`--cluster apps` with the infra kubeconfig) stops here, before writing anything.
 */
import { checkIdentity, IdentityMismatch, type Journal, type JournalData } from "../journal.ts";
import type { KubeClient } from "../kube.ts";
import { PreflightFailed, type PreflightResult } from "./types.ts";

export interface IdentityResult extends PreflightResult {
  identity: string;
  journal: JournalData;
}

export async function clusterIdentity(
  client: KubeClient,
  journal: Journal,
  cluster: string,
  pinned: string | undefined,
): Promise<IdentityResult> {
  const ns = await client.get<{ metadata: { uid: string } }>("/api/v1/namespaces/kube-system");
  if (!ns) throw new PreflightFailed("the cluster has no kube-system namespace");
  const identity = ns.metadata.uid;
  if (pinned && pinned !== identity)
    throw new PreflightFailed(
      `kubestrap.yaml pins cluster ${cluster} to kube-system UID ${pinned}, and ${client.server} (context ${client.context}) is ${identity}: wrong cluster; nothing was written`,
    );
  const data = await journal.read();
  try {
    checkIdentity(data, cluster, identity);
  } catch (error) {
    if (error instanceof IdentityMismatch) throw new PreflightFailed(error.message);
    throw error;
  }
  const known = data.cluster ? "as recorded in the journal" : "first bootstrap: recorded at the first write";
  return { message: `${cluster}: kube-system UID ${identity} (${known})`, identity, journal: data };
}
