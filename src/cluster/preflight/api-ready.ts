/**
 * The API server answers `/readyz`. Right after `talosctl bootstrap` it takes minutes to come up, so this waits
 * (every 2 s) up to the timeout rather than failing on the first refused connection.
 */
import type { KubeClient } from "../kube.ts";
import { pause } from "../wait.ts";
import { PreflightFailed, type PreflightOptions, type PreflightResult } from "./types.ts";

export async function apiReady(client: KubeClient, options: PreflightOptions): Promise<PreflightResult> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const { ready, detail } = await client.readyz();
    if (ready) return { message: `${client.server} is ready (${await client.serverVersion()})` };
    if (Date.now() > deadline || options.signal?.aborted)
      throw new PreflightFailed(
        `${client.server} is not ready after ${options.timeoutMs / 1000} s: ${detail}`,
      );
    options.progress?.(`waiting for ${client.server}/readyz: ${detail}`);
    await pause(2_000, options.signal);
  }
}
