/**
 * waitForObjects against the test environment's API server: what happens after it gives up.
 */
import { afterAll, describe, expect, test } from "vitest";
import { Discovery } from "../../src/cluster/discovery.ts";
import { KubeClient } from "../../src/cluster/kube.ts";
import { WaitTimeout, waitForObjects } from "../../src/cluster/wait.ts";
import { env } from "./env.ts";

const client = await KubeClient.load({ kubeconfig: env.kubeconfig });
afterAll(() => client.close());

describe("waitForObjects", () => {
  test("stops asking about a kind the cluster does not serve once it has timed out", async () => {
    const discovery = new Discovery(client);
    let requests = 0;
    const get = client.get.bind(client);
    client.get = ((...args: Parameters<typeof get>) => {
      requests++;
      return get(...args);
    }) as typeof client.get;
    const ref = { apiVersion: "unserved.kubestrap.test/v1", kind: "Widget", name: "w", namespace: "default" };
    const error = await waitForObjects(client, discovery, [ref], { timeoutMs: 1_500 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WaitTimeout);
    expect((error as WaitTimeout).message).toMatch(/Widget default\/w/);
    // While it waited, it read discovery again about once a second, as a CRD being installed needs.
    expect(requests).toBeGreaterThan(0);
    expect(requests).toBeLessThan(10);
    const after = requests;
    await new Promise((r) => setTimeout(r, 2_500));
    expect(requests - after).toBe(0);
  });
});
