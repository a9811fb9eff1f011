/**
 * The expected nodes have registered. Before the CNI runs they are NotReady, which is normal: the bootstrap is
 * what installs the CNI, so registration is what is waited for, not readiness.
 */
import type { KubeClient } from "../kube.ts";
import { pause } from "../wait.ts";
import { PreflightFailed, type PreflightOptions, type PreflightResult } from "./types.ts";

interface NodeList {
  items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[];
}

export async function nodesRegistered(
  client: KubeClient,
  expected: number,
  options: PreflightOptions,
): Promise<PreflightResult> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const nodes = await client.list<NodeList["items"][number]>("/api/v1/nodes");
    const ready = nodes.items.filter((n) =>
      n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
    ).length;
    const count = nodes.items.length;
    const readiness = ready === count ? "all Ready" : `${ready} Ready; NotReady is normal before the CNI`;
    if (count >= expected && count > 0)
      return { message: `${count} node${count === 1 ? "" : "s"} registered (${readiness})` };
    if (Date.now() > deadline || options.signal?.aborted)
      throw new PreflightFailed(
        `${count} of ${expected} nodes registered after ${options.timeoutMs / 1000} s`,
      );
    options.progress?.(`${count} of ${expected} nodes registered`);
    await pause(2_000, options.signal);
  }
}
