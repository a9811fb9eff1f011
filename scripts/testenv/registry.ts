/**
 * A distribution registry on its own (the test environment's binary), on a free loopback port, for what needs a
 * registry but no control plane: the registries with authentication of the integration tests, and the
 * rehearsal bench, whose stand-in charts must not share two cores with a second control plane.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { REGISTRY_ENV, registryConfig } from "./cluster.ts";
import { toolPaths } from "./provision.ts";

export interface StandaloneRegistry {
  /** `127.0.0.1:<port>`, plain HTTP. */
  registry: string;
  /** What the registry wrote to stderr so far. */
  stderr: () => string;
  stop: () => void;
}

/**
 * Starts the registry with its storage in `dir` and `rest` config lines (`auth:` ...), and waits until `/v2/`
 * answers: 200 without authentication, 401 (its challenge) with.
 */
export async function startRegistry(dir: string, rest: string[] = []): Promise<StandaloneRegistry> {
  const registry = `127.0.0.1:${await freePort()}`;
  writeFileSync(join(dir, "config.yml"), registryConfig(registry, join(dir, "storage"), [], rest));
  const child: ChildProcess = spawn(toolPaths().registry, ["serve", join(dir, "config.yml")], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, ...REGISTRY_ENV },
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const expected = rest.some((line) => line.startsWith("auth:")) ? 401 : 200;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const status = await fetch(`http://${registry}/v2/`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === expected) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGKILL");
      throw new Error(`the registry did not start (last status ${status}):\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { registry, stderr: () => stderr, stop: () => child.kill("SIGKILL") };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
