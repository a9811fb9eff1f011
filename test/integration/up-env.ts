/**
 * Helpers for the `kubestrap up` integration tests: the CLI in a child process (its own process group, so a
 * test can SIGKILL it with its helm), its JSON event stream, the API server's audit log, helm's release records,
 * and a generic stand-in chart whose Deployment becomes Ready after a delay.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import type { TestEnvironment } from "../../scripts/testenv/cluster.ts";
import { writeContextsKubeconfig } from "../../scripts/testenv/kubeconfig.ts";
import { buildStandIn } from "../../scripts/testenv/stand-ins.ts";
import type { RunEvent } from "../../src/execute/events.ts";
import { env, kubectl, kubectlJson, pushChart, runOk, writeChart } from "./env.ts";

const BIN = join(import.meta.dirname, "../../bin/kubestrap.js");

/** One chart cache for the file that imports this, outside the user's. */
export const CACHE = mkdtempSync(join(tmpdir(), "kubestrap-up-cache-"));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  events: RunEvent[];
}

export interface Started {
  child: ChildProcess;
  events: RunEvent[];
  /** Resolves with the first event that matches. */
  waitFor(match: (e: RunEvent) => boolean, timeoutMs?: number): Promise<RunEvent>;
  /** SIGKILL: the whole process group (kubestrap and its helm), or kubestrap alone. */
  kill(scope?: "group" | "process"): void;
  done: Promise<Run>;
}

/** Starts `kubestrap` with the environment's kubectl and helm first on PATH. */
export function startKubestrap(args: string[], extraEnv: Record<string, string> = {}): Started {
  const child = spawn(process.execPath, [BIN, ...args], {
    detached: true,
    env: {
      ...process.env,
      PATH: `${dirname(env.bin.kubectl)}${delimiter}${process.env.PATH ?? ""}`,
      KUBESTRAP_CACHE_DIR: CACHE,
      NO_COLOR: "1",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const events: RunEvent[] = [];
  const waiters: { match: (e: RunEvent) => boolean; resolve: (e: RunEvent) => void }[] = [];
  let stdout = "";
  let stderr = "";
  let partial = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    stdout += chunk;
    partial += chunk;
    const lines = partial.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      // Events are one object per line; other JSON output (plan, status) is pretty-printed and is not events.
      if (!line.startsWith('{"type":')) continue;
      const event = JSON.parse(line) as RunEvent;
      events.push(event);
      for (const w of [...waiters])
        if (w.match(event)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(event);
        }
    }
  });
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<Run>((resolve) =>
    child.on("close", (code, signal) =>
      resolve({ code: code ?? (signal ? 137 : 1), stdout, stderr, events }),
    ),
  );
  return {
    child,
    events,
    done,
    waitFor: (match, timeoutMs = 120_000) => {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`no matching event in ${timeoutMs / 1000} s; stderr:\n${stderr}\nstdout:\n${stdout}`),
            ),
          timeoutMs,
        );
        waiters.push({
          match,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
    kill: (scope = "group") => {
      try {
        process.kill(scope === "group" ? -(child.pid as number) : (child.pid as number), "SIGKILL");
      } catch {}
    },
  };
}

export function runKubestrap(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  return startKubestrap(args, extraEnv).done;
}

/** `up` of a repository against the test environment, as JSON events, with the chart registry over plain HTTP. */
export function upArgs(repo: string, extra: string[] = []): string[] {
  return ["up", "--repo", repo, "--kubeconfig", env.kubeconfig, "--plain-http", "-o", "json", ...extra];
}

export interface AuditEvent {
  verb: string;
  user: { username: string };
  userAgent?: string;
  requestURI: string;
  objectRef?: { resource?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number };
}

/** The audit log's write events from line `from` on (see `auditMark`). */
export function auditWrites(from: number, log = env.auditLog): AuditEvent[] {
  const lines = readFileSync(log, "utf8").split("\n").filter(Boolean);
  return lines.slice(from).map((l) => JSON.parse(l) as AuditEvent);
}

/** Where the audit log ends now. */
export function auditMark(log = env.auditLog): number {
  return readFileSync(log, "utf8").split("\n").filter(Boolean).length;
}

/** Writes made with the admin credentials kubestrap, its helm and its hooks use (controllers have their own). */
export function adminWrites(from: number, log = env.auditLog): AuditEvent[] {
  return auditWrites(from, log).filter((e) => e.user.username === "kubestrap-admin");
}

/**
 * A kubestrap.yaml for one test's repository: a cluster named after its namespace prefix and a journal of its own,
 * so tests share the control plane without reading each other's journal; `rest` adds settings (handoff off by
 * default, since most tests install no Flux stand-in).
 */
export function ownJournalConfig(ns: string, rest = "handoff:\n  enabled: false\n"): string {
  return `clusters:\n  - name: ${ns}\njournal:\n  namespace: ${ns}-journal\n${rest}`;
}

/** The outcome of every step that ended, by step id. */
export function stepOutcomes(events: RunEvent[]): Record<string, string> {
  return Object.fromEntries(
    events
      .filter((e): e is Extract<RunEvent, { type: "step-end" }> => e.type === "step-end")
      .map((e) => [e.id, e.outcome]),
  );
}

/** The journal ConfigMap's data, in the journal namespace kubestrap.yaml names (`journal.namespace`). */
export async function journalData(journalNamespace: string): Promise<Record<string, string>> {
  return (
    await kubectlJson<{ data: Record<string, string> }>([
      "get",
      "configmap",
      "kubestrap-journal",
      "-n",
      journalNamespace,
    ])
  ).data;
}

export interface HelmRecord {
  revision: number;
  status: string;
}

/** helm's records of a release, newest first. */
export async function helmRecords(namespace: string, name: string): Promise<HelmRecord[]> {
  const list = await kubectlJson<{ items: { metadata: { labels: Record<string, string> } }[] }>([
    "get",
    "secrets",
    "-n",
    namespace,
    "-l",
    `owner=helm,name=${name}`,
  ]);
  return list.items
    .map((s) => ({ revision: Number(s.metadata.labels.version), status: s.metadata.labels.status as string }))
    .sort((a, b) => b.revision - a.revision);
}

/** A suffix that keeps one test's values apart from another's. */
export function uniqueSuffix(): string {
  return randomBytes(3).toString("hex");
}

const created: string[] = [];

/**
 * A namespace name of its own for one test (`<prefix>-<random>`); the test's other namespaces start with it.
 * `removeTestNamespaces` deletes them all, so that an environment reused across runs does not fill up.
 */
export function testNamespace(prefix: string): string {
  const name = `${prefix}-${uniqueSuffix()}`;
  created.push(name);
  return name;
}

export async function removeTestNamespaces(): Promise<void> {
  const list = await kubectlJson<{ items: { metadata: { name: string } }[] }>(["get", "namespaces"]);
  const doomed = list.items
    .map((n) => n.metadata.name)
    .filter((n) => created.some((c) => n === c || n.startsWith(`${c}-`)));
  if (doomed.length > 0) await kubectl(["delete", "namespace", ...doomed, "--wait=false"]);
}

let workload: Promise<string> | undefined;

/**
 * A generic stand-in chart (`oci://<registry>/charts/workload`, version 1.0.0): a Deployment whose Pods become
 * Ready `readyAfter` after they start (kwok), with `replicas`; `ready: false` never becomes Ready; `hookAfter`
 * adds a post-install hook Job that helm waits for that long.
 */
export function workloadChart(): Promise<string> {
  workload ??= pushChart(
    writeChart({
      name: "workload",
      version: "1.0.0",
      values: 'readyAfter: 0s\nreplicas: 1\nready: true\nhookAfter: ""\n',
      templates: {
        "deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: { app: {{ .Release.Name }} }
  template:
    metadata:
      labels: { app: {{ .Release.Name }} }
      annotations:
        kubestrap.dev/ready-after: {{ ternary .Values.readyAfter "24h" .Values.ready | quote }}
    spec:
      containers:
        - name: app
          image: registry.invalid/workload:stand-in
`,
        // A post-install hook Job that completes `hookAfter` after it starts: helm's install takes that long.
        "hook.yaml": `{{- if .Values.hookAfter }}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-hook
  namespace: {{ .Release.Namespace }}
  annotations:
    helm.sh/hook: post-install,post-upgrade
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  template:
    metadata:
      annotations:
        kubestrap.dev/ready-after: {{ .Values.hookAfter | quote }}
    spec:
      restartPolicy: Never
      containers:
        - name: hook
          image: registry.invalid/hook:stand-in
{{- end }}
`,
        "configmap.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-settings
  namespace: {{ .Release.Namespace }}
data:
  values: {{ toJson .Values | quote }}
`,
      },
    }),
  );
  return workload;
}

const standIns = new Map<string, Promise<string>>();

/** A stand-in chart of test/fixtures/stand-ins, pushed once as `oci://<registry>/standins/<name>:1.0.0`. */
export function standInChart(name: string): Promise<string> {
  let pushed = standIns.get(name);
  if (!pushed) {
    pushed = (async () => {
      const dir = buildStandIn(name, "1.0.0");
      const packaged = mkdtempSync(join(tmpdir(), "kubestrap-standin-"));
      await runOk(env.bin.helm3, ["package", dir, "--destination", packaged]);
      await runOk(env.bin.helm3, [
        "push",
        join(packaged, `${name}-1.0.0.tgz`),
        `oci://${env.registry}/standins`,
        "--plain-http",
      ]);
      return `oci://${env.registry}/standins/${name}`;
    })();
    standIns.set(name, pushed);
  }
  return pushed;
}

/** One kubeconfig (in a fresh folder) with a context per name, each pointing at the given environment. */
export function kubeconfigWith(contexts: Record<string, TestEnvironment>): string {
  return writeContextsKubeconfig(join(mkdtempSync(join(tmpdir(), "kubestrap-kc-")), "kubeconfig"), contexts);
}
