/**
 * A local control plane on loopback with free ports: etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler, kwok with fake nodes that become Ready, and optionally a distribution registry. The
 * integration tests run against one (`scripts/testenv`), and `kubestrap rehearse` starts a throwaway one.
 *
 * Everything lives in one state directory: data, certificates, kubeconfigs, logs, `bin/` with kubectl and
 * helm, and `state.json` with the process ids. Every process is started with a path inside that directory on
 * its command line, which is how `stopControlPlane` also finds the processes of a run that crashed before it
 * wrote its state.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { featureGateFlags } from "./feature-gates.ts";
import { type ApiTarget, apiRequest, waitFor } from "./kubeapi.ts";
import { type ToolPaths, toolPaths } from "./provision.ts";
import { VERSIONS } from "./versions.ts";

/** Fake nodes unless the caller asks for another number. */
export const NODE_COUNT = 3;

export interface ControlPlane {
  dir: string;
  kubeconfig: string;
  server: string;
  /** The API server's audit log: one JSON event per write request (create, update, patch, delete). */
  auditLog: string;
  /** `host:port` of the OCI registry (plain HTTP on loopback), when one was started. */
  registry?: string;
  /** Links to the tools in the cache (a tool that is not built has a link to nothing). */
  bin: { kubectl: string; helm3: string; helm4: string; sops: string; ageKeygen: string };
  kubernetesVersion: string;
  nodes: string[];
}

/** A process of the caller's, started last, with a kubeconfig of its own user (in system:masters). */
export interface Sidecar {
  name: string;
  command: string;
  args: (kubeconfig: string) => string[];
}

export interface ControlPlaneOptions {
  log?: (line: string) => void;
  /** Fake nodes (default NODE_COUNT). */
  nodes?: number;
  /** Also start an OCI registry. */
  registry?: boolean;
  sidecars?: Sidecar[];
  /** The tools that must be built (default: all of `ToolPaths`). */
  required?: (keyof ToolPaths)[];
  /** Feature gates of kube-apiserver, kube-controller-manager and kube-scheduler (`HPAScaleToZero: true`). */
  featureGates?: Record<string, boolean>;
}

interface ProcessRecord {
  name: string;
  pid: number;
  bin: string;
  /** How it was started, so that it can be restarted the same way. */
  args: string[];
  env: Record<string, string>;
}

interface StateFile extends ControlPlane {
  processes: ProcessRecord[];
  token: string;
  startedAt: string;
}

function readState(dir: string): StateFile | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as StateFile;
  } catch {
    return undefined;
  }
}

function publicView(state: StateFile): ControlPlane {
  const { processes: _p, token: _t, startedAt: _s, ...env } = state;
  return env;
}

/** The running control plane, if its state file exists, all its processes live and the API server is ready. */
export async function runningControlPlane(dir: string): Promise<ControlPlane | undefined> {
  const state = readState(dir);
  if (!state) return undefined;
  if (!state.processes.every((p) => isAlive(p))) return undefined;
  try {
    const ready = await apiRequest(apiTarget(state, dir), "GET", "/readyz", undefined, 2_000);
    return ready.status === 200 ? publicView(state) : undefined;
  } catch {
    return undefined;
  }
}

function apiTarget(state: { server: string; token: string }, dir: string): ApiTarget {
  return { server: state.server, token: state.token, ca: readFileSync(join(dir, "pki", "ca.crt"), "utf8") };
}

export interface StartResult {
  env: ControlPlane;
  reused: boolean;
  /** Seconds per step, in order, for the log and the benchmarks. */
  timings: [string, number][];
}

/**
 * Starts a control plane in `dir`, or returns the one running there. A previous one that is not healthy
 * (crashed, half started, killed) is stopped and its state removed first. The tools must be built
 * (`provisionRecipes`); a missing one is an error naming it.
 */
export async function startControlPlane(
  dir: string,
  options: ControlPlaneOptions = {},
): Promise<StartResult> {
  const log = options.log ?? (() => {});
  const running = await runningControlPlane(dir);
  if (running) return { env: running, reused: true, timings: [] };
  if (existsSync(dir)) {
    log(`cleaning up a previous control plane in ${dir}`);
    await stopControlPlane(dir);
  }
  const tools = toolPaths();
  const missing = (options.required ?? (Object.keys(tools) as (keyof ToolPaths)[]))
    .map((tool) => tools[tool])
    .filter((path) => !existsSync(path));
  if (missing.length > 0)
    throw new Error(`the control plane's binaries are not built:\n  ${missing.join("\n  ")}`);
  const starter = new Starter(dir, tools, options, log);
  try {
    const env = await starter.start();
    return { env, reused: false, timings: starter.timings };
  } catch (error) {
    await stopControlPlane(dir);
    throw new ControlPlaneError(`the local control plane did not start: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** The local control plane could not be started: what it waited for, and the failing component's last log lines. */
export class ControlPlaneError extends Error {
  override name = "ControlPlaneError";
}

class Starter {
  readonly timings: [string, number][] = [];
  private readonly processes: ProcessRecord[] = [];
  private readonly children = new Map<string, ChildProcess>();
  private readonly exited = new Map<string, number | string>();
  private readonly token = randomBytes(24).toString("hex");
  private lastMark = performance.now();

  private readonly dir: string;
  private readonly tools: ToolPaths;
  private readonly options: ControlPlaneOptions;
  private readonly log: (line: string) => void;

  constructor(dir: string, tools: ToolPaths, options: ControlPlaneOptions, log: (line: string) => void) {
    this.dir = dir;
    this.tools = tools;
    this.options = options;
    this.log = log;
  }

  private get sidecars(): Sidecar[] {
    return this.options.sidecars ?? [];
  }

  private mark(step: string) {
    const now = performance.now();
    const seconds = (now - this.lastMark) / 1000;
    this.timings.push([step, seconds]);
    this.log(`${step} (${seconds.toFixed(1)} s)`);
    this.lastMark = now;
  }

  private path(...parts: string[]) {
    return join(this.dir, ...parts);
  }

  async start(): Promise<ControlPlane> {
    for (const sub of ["bin", "logs", "pki", "etcd", "registry", "apiserver-certs"]) {
      mkdirSync(this.path(sub), { recursive: true });
    }
    symlinkSync(this.tools.kubectl, this.path("bin", "kubectl"));
    symlinkSync(this.tools.helm3, this.path("bin", "helm"));
    symlinkSync(this.tools.helm4, this.path("bin", "helm4"));
    symlinkSync(this.tools.sops, this.path("bin", "sops"));
    symlinkSync(this.tools.ageKeygen, this.path("bin", "age-keygen"));
    const [etcdClient, etcdPeer, apiserverPort, registryPort] = await freePorts(4);
    const server = `https://127.0.0.1:${apiserverPort}`;
    const registry = `127.0.0.1:${registryPort}`;
    this.writeCredentials();

    this.spawn("etcd", this.tools.etcd, [
      "--name=testenv",
      `--data-dir=${this.path("etcd")}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=testenv=http://127.0.0.1:${etcdPeer}`,
      "--unsafe-no-fsync",
      "--log-level=warn",
    ]);
    if (this.options.registry) this.startRegistry(registryPort as number);
    await waitFor(
      "etcd",
      async () => (await fetch(`http://127.0.0.1:${etcdClient}/health`)).ok,
      20_000,
      () => this.diagnose("etcd"),
      100,
      () => this.exited.has("etcd"),
    );
    this.mark("etcd ready");

    writeFileSync(this.path("audit-policy.yaml"), AUDIT_POLICY);
    this.spawn("kube-apiserver", this.tools.kubeApiserver, [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${apiserverPort}`,
      `--cert-dir=${this.path("apiserver-certs")}`,
      `--token-auth-file=${this.path("pki", "tokens.csv")}`,
      "--authorization-mode=Node,RBAC",
      "--service-cluster-ip-range=10.96.0.0/16",
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${this.path("pki", "sa.pub")}`,
      `--service-account-signing-key-file=${this.path("pki", "sa.key")}`,
      "--allow-privileged=true",
      `--audit-policy-file=${this.path("audit-policy.yaml")}`,
      `--audit-log-path=${this.path("logs", "audit.log")}`,
      "--audit-log-format=json",
      "--audit-log-mode=blocking",
      ...featureGateFlags(this.options.featureGates),
      "--v=1",
    ]);
    const ca = await this.apiserverCa();
    writeFileSync(this.path("pki", "ca.crt"), ca);
    const target: ApiTarget = { server, token: this.token, ca };
    await waitFor(
      "kube-apiserver /readyz",
      async () => (await apiRequest(target, "GET", "/readyz", undefined, 2_000)).status === 200,
      60_000,
      () => this.diagnose("kube-apiserver"),
      100,
      () => this.exited.has("kube-apiserver"),
    );
    this.mark("kube-apiserver ready");

    const kubeconfig = this.path("kubeconfig");
    this.writeKubeconfig(kubeconfig, server, "kubestrap-admin", this.token);
    for (const component of [
      "kube-controller-manager",
      "kube-scheduler",
      "kwok",
      ...this.sidecars.map((c) => c.name),
    ]) {
      this.writeKubeconfig(
        this.path("pki", `${component}.kubeconfig`),
        server,
        component,
        this.componentToken(component),
      );
    }
    this.spawn("kube-controller-manager", this.tools.kubeControllerManager, [
      ...this.controllerFlags("kube-controller-manager"),
      // Each controller acts as its own ServiceAccount, bound to its system:controller:* role, as in real clusters.
      "--use-service-account-credentials=true",
      `--service-account-private-key-file=${this.path("pki", "sa.key")}`,
      `--root-ca-file=${this.path("pki", "ca.crt")}`,
      "--controllers=*,-nodeipam,-service-lb-controller,-cloud-node-lifecycle",
      ...featureGateFlags(this.options.featureGates),
      "--v=1",
    ]);
    this.spawn("kube-scheduler", this.tools.kubeScheduler, [
      ...this.controllerFlags("kube-scheduler"),
      ...featureGateFlags(this.options.featureGates),
      "--v=1",
    ]);
    writeFileSync(
      this.path("kwok-stages.yaml"),
      withReadinessDelay(readFileSync(this.tools.kwokStages, "utf8")),
    );
    this.spawn("kwok", this.tools.kwok, [
      `--kubeconfig=${this.path("pki", "kwok.kubeconfig")}`,
      `--config=${this.path("kwok-stages.yaml")}`,
      "--manage-all-nodes=true",
      "--cidr=10.244.0.0/16",
      "--node-ip=10.0.0.1",
      "--server-address=",
      "--node-lease-duration-seconds=40",
    ]);
    const nodeCount = this.options.nodes ?? NODE_COUNT;
    const nodes = Array.from({ length: nodeCount }, (_, i) => `kwok-node-${i}`);
    for (const name of nodes) {
      const created = await apiRequest(target, "POST", "/api/v1/nodes", fakeNode(name));
      if (created.status !== 201)
        throw new Error(`creating node ${name}: HTTP ${created.status} ${created.body}`);
    }
    await waitFor(
      `${nodeCount} Ready nodes`,
      async () => (await readyNodes(target)).length >= nodeCount,
      60_000,
      () => this.diagnose("kwok"),
      100,
      () => this.exited.has("kwok"),
    );
    this.mark(`${nodeCount} fake nodes Ready`);
    await waitFor(
      "the default ServiceAccount (kube-controller-manager running)",
      async () =>
        (await apiRequest(target, "GET", "/api/v1/namespaces/default/serviceaccounts/default")).status ===
        200,
      60_000,
      () => this.diagnose("kube-controller-manager"),
      100,
      () => this.exited.has("kube-controller-manager"),
    );
    this.mark("kube-controller-manager serving");
    if (this.options.registry) {
      await waitFor(
        "the OCI registry",
        async () => (await fetch(`http://${registry}/v2/`)).ok,
        20_000,
        () => this.diagnose("registry"),
      );
      this.mark("registry ready");
    }
    for (const sidecar of this.sidecars)
      this.spawn(sidecar.name, sidecar.command, sidecar.args(this.path("pki", `${sidecar.name}.kubeconfig`)));

    const env: ControlPlane = {
      dir: this.dir,
      kubeconfig,
      server,
      auditLog: this.path("logs", "audit.log"),
      ...(this.options.registry ? { registry } : {}),
      bin: {
        kubectl: this.path("bin", "kubectl"),
        helm3: this.path("bin", "helm"),
        helm4: this.path("bin", "helm4"),
        sops: this.path("bin", "sops"),
        ageKeygen: this.path("bin", "age-keygen"),
      },
      kubernetesVersion: VERSIONS.kubernetes,
      nodes,
    };
    const state: StateFile = {
      ...env,
      processes: this.processes,
      token: this.token,
      startedAt: new Date().toISOString(),
    };
    writeFileSync(this.path("state.json"), `${JSON.stringify(state, null, 2)}\n`);
    for (const child of this.children.values()) child.unref();
    return env;
  }

  /**
   * What kube-controller-manager and kube-scheduler share: their own kubeconfig for everything, no serving
   * port (nothing here scrapes them), no leader election (one of each).
   */
  private controllerFlags(component: string): string[] {
    const kubeconfig = this.path("pki", `${component}.kubeconfig`);
    return [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      "--bind-address=127.0.0.1",
      "--secure-port=0",
      "--leader-elect=false",
    ];
  }

  private componentToken(component: string): string {
    return `${this.token.slice(0, 16)}-${component}`;
  }

  /**
   * Without --tls-cert-file, kube-apiserver writes a serving certificate for the advertise address, the service
   * IP and the kubernetes.default names into --cert-dir, followed by the throw-away CA that signed it. That CA
   * is what every kubeconfig trusts, so clients verify TLS and no certificate tooling is needed here.
   */
  private async apiserverCa(): Promise<string> {
    const file = this.path("apiserver-certs", "apiserver.crt");
    let blocks: string[] = [];
    await waitFor(
      `kube-apiserver's self-signed certificate in ${file}`,
      async () => {
        blocks = existsSync(file) ? (readFileSync(file, "utf8").match(PEM_CERTIFICATE) ?? []) : [];
        return blocks.length > 0;
      },
      20_000,
      () => this.diagnose("kube-apiserver"),
      100,
      () => this.exited.has("kube-apiserver"),
    );
    return `${blocks[blocks.length - 1]}\n`;
  }

  private writeCredentials() {
    const sa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(this.path("pki", "sa.key"), sa.privateKey.export({ type: "pkcs8", format: "pem" }));
    writeFileSync(this.path("pki", "sa.pub"), sa.publicKey.export({ type: "spki", format: "pem" }));
    const users: [string, string, string][] = [
      [this.token, "kubestrap-admin", "system:masters"],
      [this.componentToken("kube-controller-manager"), "system:kube-controller-manager", ""],
      [this.componentToken("kube-scheduler"), "system:kube-scheduler", ""],
      [this.componentToken("kwok"), "kwok", "system:masters"],
      ...this.sidecars.map((c): [string, string, string] => [
        this.componentToken(c.name),
        c.name,
        "system:masters",
      ]),
    ];
    writeFileSync(
      this.path("pki", "tokens.csv"),
      users
        .map(([token, user, groups]) => `${token},${user},${user}${groups ? `,"${groups}"` : ""}`)
        .join("\n"),
    );
  }

  private writeKubeconfig(file: string, server: string, user: string, token: string) {
    const ca = readFileSync(this.path("pki", "ca.crt")).toString("base64");
    const config = {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "testenv", cluster: { server, "certificate-authority-data": ca } }],
      users: [{ name: user, user: { token } }],
      contexts: [{ name: "testenv", context: { cluster: "testenv", user } }],
      "current-context": "testenv",
    };
    writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
  }

  private startRegistry(port: number) {
    writeFileSync(
      this.path("registry.yaml"),
      registryConfig(`127.0.0.1:${port}`, this.path("registry"), ["  delete:", "    enabled: true"]),
    );
    this.spawn("registry", this.tools.registry, ["serve", this.path("registry.yaml")], REGISTRY_ENV);
  }

  private spawn(name: string, bin: string, args: string[], env: Record<string, string> = {}) {
    const child = spawnDetached(this.dir, name, bin, args, env);
    child.on("exit", (code, signal) => this.exited.set(name, signal ?? code ?? "?"));
    this.children.set(name, child);
    this.processes.push({ name, pid: child.pid as number, bin: resolveExe(bin), args, env });
  }

  /** The last lines of a component's log, and whether it exited, for a startup error message. */
  private diagnose(name: string): string {
    const lines: string[] = [];
    for (const [proc, how] of this.exited) lines.push(`${proc} exited (${how})`);
    const logFile = this.path("logs", `${name}.log`);
    try {
      const tail = readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-15).join("\n");
      lines.push(`last lines of ${logFile}:\n${tail}`);
    } catch {}
    return lines.join("\n");
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Writes are logged (user, verb, object, user agent); reads are not. Tests count a re-run's writes with it. */
const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: Metadata
    verbs: ["create", "update", "patch", "delete", "deletecollection"]
  - level: None
`;

/**
 * kwok's fast pod stages make a Pod Ready at once. Charts standing in for real ones need the readiness delays
 * real workloads have: a Pod annotated `kubestrap.dev/ready-after: 3s` becomes Ready 3 s after it started.
 */
export const READY_AFTER_ANNOTATION = "kubestrap.dev/ready-after";

function withReadinessDelay(stages: string): string {
  const marker = "kind: Stage\nmetadata:\n  name: pod-ready\nspec:\n";
  if (!stages.includes(marker))
    throw new Error("kwok's pod-ready stage is not where the test environment expects it");
  return stages.replace(
    marker,
    `${marker}  delay:\n    durationMilliseconds: 0\n    durationFrom:\n      expressionFrom: '.metadata.annotations["${READY_AFTER_ANNOTATION}"]'\n`,
  );
}

/** Starts a component in a process group of its own, logging to logs/<name>.log, so that it outlives its parent. */
function spawnDetached(dir: string, name: string, bin: string, args: string[], env: Record<string, string>) {
  const logFd = openSync(join(dir, "logs", `${name}.log`), "a");
  const child = spawn(bin, args, {
    detached: true,
    stdio: ["ignore", logFd, logFd],
    env: { ...process.env, ...env },
  });
  closeSync(logFd);
  if (child.pid === undefined) throw new Error(`cannot start ${name} (${bin})`);
  return child;
}

/** The binary a process record names: the real path (what /proc/<pid>/exe shows). */
function resolveExe(bin: string): string {
  try {
    return realpathSync(bin);
  } catch {
    return bin;
  }
}

/**
 * Restarts one component of a running environment (kube-apiserver, say) the way it was started; resolves when
 * the new process runs. `waitReady` also waits for the API server's /readyz.
 */
export async function restartComponent(
  name: string,
  { dir, downMs = 0 }: { dir: string; downMs?: number },
): Promise<number> {
  const state = readState(dir);
  const record = state?.processes.find((p) => p.name === name);
  if (!state || !record) throw new Error(`no ${name} in the environment at ${dir}`);
  signal(record.pid, "SIGKILL");
  const deadline = Date.now() + 10_000;
  while (isRunning(record.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
  const child = spawnDetached(dir, name, record.bin, record.args, record.env);
  child.unref();
  record.pid = child.pid as number;
  writeFileSync(join(dir, "state.json"), `${JSON.stringify(state, null, 2)}\n`);
  if (name === "kube-apiserver") {
    const target = apiTarget(state, dir);
    await waitFor(
      "kube-apiserver /readyz after a restart",
      async () => (await apiRequest(target, "GET", "/readyz", undefined, 2_000)).status === 200,
      60_000,
    );
  }
  return record.pid;
}

/**
 * A fake node for kwok. It takes 1,000 Pods (a kubelet's default is 110): nothing runs in them, and a test
 * environment reused across many runs accumulates what the tests install.
 */
function fakeNode(name: string) {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: {
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "node-role.kubernetes.io/agent": "",
        type: "kwok",
      },
    },
    status: {
      allocatable: { cpu: "32", memory: "256Gi", pods: "1000" },
      capacity: { cpu: "32", memory: "256Gi", pods: "1000" },
      nodeInfo: {
        architecture: "amd64",
        operatingSystem: "linux",
        kubeletVersion: "fake",
        kubeProxyVersion: "fake",
      },
    },
  };
}

async function readyNodes(target: ApiTarget): Promise<string[]> {
  const res = await apiRequest(target, "GET", "/api/v1/nodes");
  if (res.status !== 200) return [];
  const list = JSON.parse(res.body) as {
    items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[];
  };
  return list.items
    .filter((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"))
    .map((n) => n.metadata.name);
}

function freePorts(count: number): Promise<number[]> {
  // All listeners are open at once, so the ports are distinct.
  return new Promise((resolvePorts, reject) => {
    const servers = Array.from({ length: count }, () => createServer());
    const ports: number[] = [];
    let pending = count;
    for (const server of servers) {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const address = server.address();
        if (address && typeof address === "object") ports.push(address.port);
        if (--pending === 0) {
          let closing = count;
          for (const s of servers) s.close(() => --closing === 0 && resolvePorts(ports));
        }
      });
    }
  });
}

/** Stops every process of the control plane (by state file and by command line) and removes its directory. */
export async function stopControlPlane(dir: string): Promise<number> {
  const state = readState(dir);
  const pids = new Set<number>(state?.processes.filter((p) => isAlive(p)).map((p) => p.pid) ?? []);
  for (const pid of processesMentioning(dir)) pids.add(pid);
  for (const pid of pids) signal(pid, "SIGTERM");
  // The state is thrown away, so there is nothing to flush: kube-apiserver's graceful shutdown (which
  // takes more than 8 s here) is not waited for.
  const deadline = Date.now() + 3_000;
  while ([...pids].some(isRunning) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids) if (isRunning(pid)) signal(pid, "SIGKILL");
  // SIGKILL is delivered asynchronously (a loaded machine shows the process running for a moment after it), and
  // a process may have started while the others stopped: wait until none of the environment's runs.
  const killDeadline = Date.now() + 5_000;
  for (;;) {
    const left = [...new Set([...[...pids].filter(isRunning), ...processesMentioning(dir)])];
    if (left.length === 0 || Date.now() > killDeadline) break;
    for (const pid of left) {
      pids.add(pid);
      signal(pid, "SIGKILL");
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  rmSync(dir, { recursive: true, force: true });
  return pids.size;
}

function signal(pid: number, sig: NodeJS.Signals) {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {}
  }
}

/** Running and not a zombie (a zombie has exited; only its parent has not collected it yet). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** The recorded process still runs the recorded binary (a pid may have been reused since). */
function isAlive(record: ProcessRecord): boolean {
  if (!isRunning(record.pid)) return false;
  try {
    return readlinkSync(`/proc/${record.pid}/exe`) === record.bin;
  } catch {
    return false;
  }
}

/** Live processes with a path inside `dir` on their command line: every process the control plane starts. */
export function controlPlaneProcesses(dir: string): number[] {
  return processesMentioning(dir);
}

function processesMentioning(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (cmdline.includes(`${dir}/`) && isRunning(pid)) found.push(pid);
    } catch {}
  }
  return found;
}

/** Tracing off: the registry would otherwise try to export spans to a collector that is not there. */
export const REGISTRY_ENV = { OTEL_TRACES_EXPORTER: "none", OTEL_SDK_DISABLED: "true" };

/** A distribution registry config: quiet logs, filesystem storage, `storage` lines and the rest appended. */
export function registryConfig(
  addr: string,
  rootDirectory: string,
  storage: string[] = [],
  rest: string[] = [],
) {
  return [
    "version: 0.1",
    "log:",
    "  level: warn",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${rootDirectory}`,
    ...storage,
    "http:",
    `  addr: ${addr}`,
    ...rest,
    "",
  ].join("\n");
}
