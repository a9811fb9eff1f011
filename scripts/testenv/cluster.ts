/**
 * The integration-test environment: a local control plane (`src/cluster/local/control-plane.ts`) with an OCI
 * registry and the Flux stand-in (`flux-standin.ts`), in `.testenv` at the repository root unless
 * KUBESTRAP_TESTENV_DIR says otherwise.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type ControlPlane,
  controlPlaneProcesses,
  restartComponent as restartControlPlaneComponent,
  runningControlPlane,
  type StartResult,
  startControlPlane,
  stopControlPlane,
} from "../../src/cluster/local/control-plane.ts";
import { missingBinaries } from "./provision.ts";

export {
  NODE_COUNT,
  READY_AFTER_ANNOTATION,
  REGISTRY_ENV,
  registryConfig,
} from "../../src/cluster/local/control-plane.ts";

export type TestEnvironment = ControlPlane & { registry: string };

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, "../..");

export function environmentDir(): string {
  return resolve(process.env.KUBESTRAP_TESTENV_DIR || join(REPO_ROOT, ".testenv"));
}

/** The running environment, if its state file exists, all its processes live and the API server is ready. */
export async function runningEnvironment(dir = environmentDir()): Promise<TestEnvironment | undefined> {
  return (await runningControlPlane(dir)) as TestEnvironment | undefined;
}

/**
 * Starts the environment, or returns the running one. A previous run that is not healthy (crashed, half
 * started, killed) is stopped and its state removed first.
 */
export async function startEnvironment(
  log: (line: string) => void = () => {},
  dir = environmentDir(),
): Promise<StartResult & { env: TestEnvironment }> {
  const missing = missingBinaries();
  if (missing.length > 0 && !(await runningControlPlane(dir)))
    throw new Error(
      `test environment binaries are missing (run \`node scripts/testenv/provision.ts\`):\n  ${missing.join("\n  ")}`,
    );
  const started = await startControlPlane(dir, {
    log,
    registry: true,
    sidecars: [
      {
        name: "flux-standin",
        command: process.execPath,
        args: (kubeconfig) => [join(HERE, "flux-standin.ts"), `--kubeconfig=${kubeconfig}`],
      },
    ],
  });
  return started as StartResult & { env: TestEnvironment };
}

/**
 * Restarts one component of a running environment (kube-apiserver, say) the way it was started; resolves when
 * the new process runs.
 */
export function restartComponent(
  name: string,
  { dir = environmentDir(), downMs = 0 }: { dir?: string; downMs?: number } = {},
): Promise<number> {
  return restartControlPlaneComponent(name, { dir, downMs });
}

/** Stops every process of the environment (by state file and by command line) and removes its directory. */
export function stopEnvironment(dir = environmentDir()): Promise<number> {
  return stopControlPlane(dir);
}

/** Live processes with a path inside `dir` on their command line: every process the environment starts. */
export function environmentProcesses(dir = environmentDir()): number[] {
  return controlPlaneProcesses(dir);
}
