/**
 * What every step of `up` works with: the cluster session (opened once, after the commands that create the
 * cluster have run), helm and the chart cache, the redactor, and the run's settings.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChartCache } from "../charts/cache.ts";
import type { Helm } from "../charts/helm.ts";
import type { RenderSettings } from "../charts/render.ts";
import { Discovery, type ObjectRef } from "../cluster/discovery.ts";
import { Journal, type JournalData } from "../cluster/journal.ts";
import { KubeClient, type KubeTarget } from "../cluster/kube.ts";
import { exportKubeconfig } from "../cluster/kubeconfig.ts";
import type { Config } from "../model/config.ts";
import { CrdGate } from "./gate.ts";
import type { Redactor } from "./redact.ts";

export interface Session {
  client: KubeClient;
  discovery: Discovery;
  journal: Journal;
  /** The journal as read by the identity check. */
  data: JournalData;
  /** UID of kube-system, once the identity check has passed. */
  identity?: string;
}

export interface RunSettings {
  /** Take over fields another field manager owns. */
  forceConflicts: boolean;
  /** How long a step waits for what it applied or installed to be ready. */
  waitTimeoutMs: number;
  /** How long preflight waits for the API server and the nodes. */
  apiTimeoutMs: number;
  /** Wait for every Flux Kustomization and HelmRelease to be Ready after the handoff. */
  waitFlux: boolean;
  /** Chart rendering (the CRD phase) and fetching. */
  render: RenderSettings;
  /** The Kubernetes version charts render for; the cluster's by default. */
  kubeVersion?: string;
  /** Registry host → mirror (kubestrap.yaml registries.mirrors and --registry-mirror). */
  mirrors: Record<string, string>;
}

export interface StepResult {
  detail: string;
  objects?: ObjectRef[];
  revision?: number;
}

export class ExecuteContext {
  readonly repoDir: string;
  readonly cluster: string;
  readonly target: KubeTarget;
  readonly config: Config;
  readonly helm: Helm;
  readonly cache: ChartCache;
  readonly redactor: Redactor;
  readonly settings: RunSettings;
  readonly fieldManager = "kubestrap";
  /** Set by the run: when each release may start relative to the CRD phase. */
  crdGate = new CrdGate(false);
  private opened: Promise<Session> | undefined;
  private tempDir: string | undefined;
  private hookConfig: Promise<string> | undefined;

  constructor(init: {
    repoDir: string;
    cluster: string;
    target: KubeTarget;
    config: Config;
    helm: Helm;
    cache: ChartCache;
    redactor: Redactor;
    settings: RunSettings;
  }) {
    this.repoDir = init.repoDir;
    this.cluster = init.cluster;
    this.target = init.target;
    this.config = init.config;
    this.helm = init.helm;
    this.cache = init.cache;
    this.redactor = init.redactor;
    this.settings = init.settings;
  }

  /** The cluster session; the kubeconfig is read the first time (a `before` step may have just written it). */
  session(): Promise<Session> {
    this.opened ??= (async () => {
      const client = await KubeClient.load(this.target);
      const journal = new Journal(client, this.config.journal.namespace);
      return { client, discovery: new Discovery(client), journal, data: { steps: new Map() } };
    })();
    this.opened.catch(() => {
      this.opened = undefined;
    });
    return this.opened;
  }

  /** The session if it was opened, without opening it. */
  openedSession(): Promise<Session> | undefined {
    return this.opened;
  }

  /**
   * Environment for hooks: KUBECONFIG pointing at a private copy of the kubeconfig whose current context is the
   * one kubestrap uses, so that a hook's `kubectl` writes to the same cluster even when `--context` chose
   * another context than the file's.
   */
  async hookEnv(): Promise<Record<string, string>> {
    this.hookConfig ??= (async () => {
      const { client } = await this.session();
      const file = join(this.scratch(), "kubeconfig");
      writeFileSync(file, exportKubeconfig(this.target, client.context), { mode: 0o600 });
      return file;
    })();
    return { KUBECONFIG: await this.hookConfig };
  }

  /** A private temporary directory for this run (values files, the hooks' kubeconfig), removed by `close`. */
  scratch(): string {
    this.tempDir ??= mkdtempSync(join(tmpdir(), "kubestrap-up-"));
    return this.tempDir;
  }

  async close(): Promise<void> {
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
    const session = await this.opened?.catch(() => undefined);
    session?.client.close();
  }

  /** Arguments that point helm at the same cluster as kubestrap. */
  async helmTargetArgs(): Promise<string[]> {
    const { client } = await this.session();
    return [
      ...(client.kubeconfig ? ["--kubeconfig", client.kubeconfig] : []),
      "--kube-context",
      client.context,
    ];
  }
}
