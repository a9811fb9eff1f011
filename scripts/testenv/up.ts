/** `npm run env:up`: builds what is missing, then starts the local environment (or reports the running one). */
import { relative } from "node:path";
import { startEnvironment } from "./cluster.ts";
import { provision } from "./provision.ts";

const log = (line: string) => console.log(`testenv: ${line}`);
const started = performance.now();
try {
  await provision((line) => {
    if (!line.includes("cached")) log(line);
  });
  const { env, reused } = await startEnvironment(log);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const rel = (path: string) => relative(process.cwd(), path) || ".";
  log(reused ? `already running (${env.server})` : `started in ${seconds} s`);
  console.log(
    [
      `  API server   ${env.server} (Kubernetes v${env.kubernetesVersion}, nodes: ${env.nodes.join(", ")})`,
      `  registry     oci://${env.registry} (plain HTTP: helm push/pull --plain-http)`,
      `  kubeconfig   ${rel(env.kubeconfig)}`,
      `  try          ${rel(env.bin.kubectl)} --kubeconfig ${rel(env.kubeconfig)} get nodes`,
      `  helm 3 / 4   ${rel(env.bin.helm3)} / ${rel(env.bin.helm4)}`,
      "  stop         npm run env:down",
    ].join("\n"),
  );
} catch (error) {
  console.error(`testenv: ${(error as Error).message}`);
  process.exit(1);
}
