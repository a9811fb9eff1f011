/**
 * Starts one local environment for the whole integration suite, building any missing binary first (a cold
 * cache takes minutes; it is never skipped). A running environment (`npm run env:up`) is reused and left
 * running; one started here is stopped at the end unless KUBESTRAP_TESTENV_KEEP=1.
 */
import type { TestProject } from "vitest/node";
import { startEnvironment, stopEnvironment, type TestEnvironment } from "../../scripts/testenv/cluster.ts";
import { provision } from "../../scripts/testenv/provision.ts";

declare module "vitest" {
  export interface ProvidedContext {
    testenv: TestEnvironment;
  }
}

const log = (line: string) => console.log(`testenv: ${line}`);

export default async function setup(project: TestProject) {
  await provision((line) => {
    if (!line.includes("cached")) log(line);
  });
  const started = performance.now();
  const { env, reused } = await startEnvironment();
  log(
    reused
      ? `reusing the running environment at ${env.server}`
      : `started at ${env.server} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  project.provide("testenv", env);
  return async () => {
    if (reused || process.env.KUBESTRAP_TESTENV_KEEP === "1") return;
    await stopEnvironment();
  };
}
