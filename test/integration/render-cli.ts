/** The CLI as the --render integration tests run it: the environment's helm 3, a chart cache of its own. */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { helmBin } from "./env.ts";

const BIN = join(import.meta.dirname, "../../bin/kubestrap.js");

export function kubestrap(
  args: string[],
  cache = mkdtempSync(join(tmpdir(), "kubestrap-cache-")),
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, KUBESTRAP_HELM: helmBin(3), KUBESTRAP_CACHE_DIR: cache, NO_COLOR: "1" } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) || 1 : 0, stdout, stderr }),
    );
  });
}

/** A chart template: a Deployment named after the release, with `.Values.replicas` replicas. */
export const DEPLOYMENT_TEMPLATE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
`;
