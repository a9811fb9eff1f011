import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import jsyaml from "js-yaml";
import { afterEach, describe, expect, test } from "vitest";
import { exportKubeconfig, loadConnection } from "../../src/cluster/kubeconfig.ts";
import { makeRepo } from "../helpers.ts";

const config = (extra: { clusters?: object[]; users?: object[]; contexts?: object[]; current?: string }) =>
  JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: extra.clusters ?? [],
    users: extra.users ?? [],
    contexts: extra.contexts ?? [],
    ...(extra.current ? { "current-context": extra.current } : {}),
  });

const saved = process.env.KUBECONFIG;
afterEach(() => {
  if (saved === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = saved;
});

describe("kubeconfig loading", () => {
  const dir = makeRepo({
    "a.yaml": config({
      clusters: [
        { name: "infra", cluster: { server: "https://infra:6443", "certificate-authority": "ca.pem" } },
      ],
      users: [{ name: "admin", user: { token: "t0ken" } }],
      contexts: [
        { name: "infra", context: { cluster: "infra", user: "admin" } },
        { name: "apps", context: { cluster: "apps", user: "cert" } },
      ],
      current: "infra",
    }),
    "b.yaml": config({
      clusters: [
        { name: "apps", cluster: { server: "https://apps:6443", "insecure-skip-tls-verify": true } },
        { name: "infra", cluster: { server: "https://shadowed:6443" } },
      ],
      users: [
        {
          name: "cert",
          user: {
            "client-certificate-data": Buffer.from("CERT").toString("base64"),
            "client-key-data": Buffer.from("KEY").toString("base64"),
          },
        },
      ],
      current: "apps",
    }),
    "ca.pem": "CA PEM\n",
  });

  test("merges $KUBECONFIG's files: the first to name an entry or a current context wins", async () => {
    process.env.KUBECONFIG = `${join(dir, "a.yaml")}:${join(dir, "b.yaml")}`;
    const c = await loadConnection();
    expect(c.server).toBe("https://infra:6443");
    expect(c.context).toBe("infra");
    expect(c.headers.authorization).toBe("Bearer t0ken");
    expect(c.ca?.toString()).toBe("CA PEM\n");
    expect(c.rejectUnauthorized).toBe(true);
  });

  test("takes the context asked for, with client certificates and TLS settings", async () => {
    process.env.KUBECONFIG = `${join(dir, "a.yaml")}:${join(dir, "b.yaml")}`;
    const c = await loadConnection({ context: "apps" });
    expect(c.server).toBe("https://apps:6443");
    expect(c.cert?.toString()).toBe("CERT");
    expect(c.key?.toString()).toBe("KEY");
    expect(c.rejectUnauthorized).toBe(false);
    expect(c.headers.authorization).toBeUndefined();
  });

  test("says which context is missing and which file was read", async () => {
    await expect(loadConnection({ kubeconfig: join(dir, "a.yaml"), context: "edge" })).rejects.toThrow(
      `context edge is not in the kubeconfig (${join(dir, "a.yaml")})`,
    );
    await expect(loadConnection({ kubeconfig: join(dir, "missing.yaml") })).rejects.toThrow(
      /cannot read the kubeconfig/,
    );
  });

  test("runs an exec plugin and uses the token of its ExecCredential", async () => {
    const plugin = join(dir, "plugin.sh");
    writeFileSync(
      plugin,
      `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-'"$STAGE"'"}}'\n`,
    );
    chmodSync(plugin, 0o755);
    const file = join(dir, "exec.yaml");
    writeFileSync(
      file,
      config({
        clusters: [{ name: "c", cluster: { server: "https://c:6443" } }],
        users: [
          {
            name: "u",
            user: {
              exec: {
                apiVersion: "client.authentication.k8s.io/v1",
                command: plugin,
                env: [{ name: "STAGE", value: "exec" }],
              },
            },
          },
        ],
        contexts: [{ name: "c", context: { cluster: "c", user: "u" } }],
        current: "c",
      }),
    );
    expect((await loadConnection({ kubeconfig: file })).headers.authorization).toBe("Bearer from-exec");
  });

  test("exports one context as a self-contained kubeconfig whose current context is that one", () => {
    process.env.KUBECONFIG = join(dir, "a.yaml");
    const exported = jsyaml.load(exportKubeconfig({}, "infra")) as Record<string, unknown>;
    expect(exported["current-context"]).toBe("infra");
    const cluster = (exported.clusters as { cluster: Record<string, string> }[])[0]?.cluster;
    expect(cluster?.["certificate-authority-data"]).toBe(Buffer.from("CA PEM\n").toString("base64"));
    expect(cluster?.["certificate-authority"]).toBeUndefined();
  });
});
