/**
 * The environment's own lifecycle, on a second environment in a temporary directory (the suite's one keeps
 * running): a start reuses a healthy environment, a crashed one is cleaned up and started afresh, and a stop
 * leaves no process behind.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import {
  environmentProcesses,
  runningEnvironment,
  startEnvironment,
  stopEnvironment,
} from "../../scripts/testenv/cluster.ts";

const dir = join(mkdtempSync(join(tmpdir(), "kubestrap-lifecycle-")), "env");

afterAll(async () => {
  await stopEnvironment(dir);
});

test("start, reuse, recover from a crash, stop without leftovers", async () => {
  const first = await startEnvironment(() => {}, dir);
  expect(first.reused).toBe(false);
  expect(first.env.nodes).toHaveLength(3);
  const processes = environmentProcesses(dir);
  expect(processes.length).toBe(7);

  const again = await startEnvironment(() => {}, dir);
  expect(again.reused).toBe(true);
  expect(again.env.server).toBe(first.env.server);

  // A crash: the API server dies without anyone calling stop.
  const state = JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as {
    processes: { name: string; pid: number }[];
  };
  const apiserver = state.processes.find((p) => p.name === "kube-apiserver");
  expect(apiserver).toBeDefined();
  process.kill(apiserver?.pid as number, "SIGKILL");
  await expect
    .poll(() => environmentProcesses(dir).includes(apiserver?.pid as number), { timeout: 15_000 })
    .toBe(false);
  expect(await runningEnvironment(dir)).toBeUndefined();

  const recovered = await startEnvironment(() => {}, dir);
  expect(recovered.reused).toBe(false);
  // Every process of the crashed environment is gone; the running ones are all new.
  const running = environmentProcesses(dir);
  expect(running.filter((pid) => processes.includes(pid))).toEqual([]);
  expect(running).toHaveLength(7);

  const stopped = await stopEnvironment(dir);
  expect(stopped).toBe(7);
  expect(environmentProcesses(dir)).toEqual([]);
  expect(await runningEnvironment(dir)).toBeUndefined();
});
