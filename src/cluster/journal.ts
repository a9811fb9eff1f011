/**
 * The journal: one ConfigMap in the cluster (`kubestrap-journal`, in kube-system unless configured) that records
 * which cluster this is (name and the UID of its kube-system namespace), each step's input hash, outcome and
 * timings, the objects it applied, and a lock held by the run that is writing. It never holds a secret value:
 * steps record object references and hashes, not content.
 *
 * Each step is one key (`step.<id>`), written with a JSON merge patch, so steps that end at the same time do not
 * overwrite each other. A run that finds nothing to do never writes it.
 */
import { hostname } from "node:os";
import type { ObjectRef } from "./discovery.ts";
import { type KubeClient, KubeError } from "./kube.ts";

export const JOURNAL_NAME = "kubestrap-journal";

export type StepState = "running" | "done" | "failed" | "interrupted";

export interface JournalEntry {
  id: string;
  hash: string;
  state: StepState;
  startedAt: string;
  endedAt?: string;
  seconds?: number;
  /** One line for the user: what happened, or the error. */
  detail?: string;
  /** What the step applied or installed. */
  objects?: ObjectRef[];
  /** For a release: the helm revision this step produced. */
  revision?: number;
  /** The run that wrote it. */
  run: string;
}

export interface JournalLock {
  run: string;
  host: string;
  pid: number;
  since: string;
  heartbeat: string;
}

export interface JournalData {
  cluster?: string;
  identity?: string;
  lock?: JournalLock;
  steps: Map<string, JournalEntry>;
  resourceVersion?: string;
}

interface ConfigMap {
  metadata: { name: string; namespace: string; resourceVersion?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
}

export class IdentityMismatch extends Error {
  override readonly name = "IdentityMismatch";
}

export class LockHeld extends Error {
  override readonly name = "LockHeld";
}

/** A ConfigMap key for a step id (keys allow `-._a-zA-Z0-9`). */
export function stepKey(id: string): string {
  return `step.${id.replace(/[^-._a-zA-Z0-9]/g, "_")}`;
}

export function parseJournal(cm: ConfigMap | undefined): JournalData {
  const data = cm?.data ?? {};
  const steps = new Map<string, JournalEntry>();
  for (const [key, value] of Object.entries(data)) {
    if (!key.startsWith("step.")) continue;
    try {
      const entry = JSON.parse(value) as JournalEntry;
      if (entry.id && stepKey(entry.id) === key) steps.set(entry.id, entry);
    } catch {
      // A hand-edited entry that does not parse is ignored: the step runs again.
    }
  }
  const out: JournalData = { steps };
  if (data.cluster) out.cluster = data.cluster;
  if (data.identity) out.identity = data.identity;
  if (data.lock) {
    try {
      out.lock = JSON.parse(data.lock) as JournalLock;
    } catch {}
  }
  if (cm?.metadata.resourceVersion) out.resourceVersion = cm.metadata.resourceVersion;
  return out;
}

export class Journal {
  readonly namespace: string;
  private readonly client: KubeClient;
  private readonly path: string;
  private exists = false;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Writes in flight, awaited by `flush`. */
  private writes: Promise<unknown>[] = [];

  constructor(client: KubeClient, namespace: string) {
    this.client = client;
    this.namespace = namespace;
    this.path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${JOURNAL_NAME}`;
  }

  private namespacePath(): string {
    return `/api/v1/namespaces/${encodeURIComponent(this.namespace)}`;
  }

  async read(): Promise<JournalData> {
    const cm = await this.client.get<ConfigMap>(this.path);
    this.exists = cm !== undefined;
    return parseJournal(cm);
  }

  /**
   * Checks that the cluster is the one named, and that nothing else holds the lock, then takes the lock
   * (creating the journal with the cluster's name and identity on its first run).
   */
  async acquire(cluster: string, identity: string, run: string): Promise<JournalData> {
    const current = await this.read();
    checkIdentity(current, cluster, identity);
    const lock: JournalLock = {
      run,
      host: hostname(),
      pid: process.pid,
      since: new Date().toISOString(),
      heartbeat: new Date().toISOString(),
    };
    if (current.lock && !isStale(current.lock))
      throw new LockHeld(
        `another kubestrap run holds the journal of cluster ${cluster} (pid ${current.lock.pid} on ${current.lock.host}, since ${current.lock.since}); wait for it, or remove the lock key from ConfigMap ${this.namespace}/${JOURNAL_NAME} if that run is gone`,
      );
    if (!this.exists) {
      try {
        await this.client.create(`/api/v1/namespaces/${encodeURIComponent(this.namespace)}/configmaps`, {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: {
            name: JOURNAL_NAME,
            namespace: this.namespace,
            labels: { "app.kubernetes.io/managed-by": "kubestrap" },
          },
          data: { cluster, identity, lock: JSON.stringify(lock) },
        });
        this.exists = true;
      } catch (error) {
        if (error instanceof KubeError && error.status === 409) return this.acquire(cluster, identity, run);
        if (
          error instanceof KubeError &&
          error.status === 404 &&
          !(await this.client.get(this.namespacePath()))
        ) {
          // A journal namespace of its own (kubestrap.yaml journal.namespace) is created with the journal.
          await this.client.apply(
            this.namespacePath(),
            { apiVersion: "v1", kind: "Namespace", metadata: { name: this.namespace } },
            { fieldManager: "kubestrap", force: false },
          );
          return this.acquire(cluster, identity, run);
        }
        throw error;
      }
    } else {
      // The resourceVersion makes the patch conditional: two runs that read the same journal cannot both lock it.
      await this.client.mergePatch(this.path, {
        metadata: { resourceVersion: current.resourceVersion },
        data: { cluster, identity, lock: JSON.stringify(lock) },
      });
    }
    this.heartbeat = setInterval(() => {
      this.track(
        this.client.mergePatch(this.path, {
          data: { lock: JSON.stringify({ ...lock, heartbeat: new Date().toISOString() }) },
        }),
      );
    }, 10_000);
    this.heartbeat.unref();
    return current;
  }

  record(entry: JournalEntry): Promise<void> {
    return this.track(
      this.client.mergePatch(this.path, { data: { [stepKey(entry.id)]: JSON.stringify(entry) } }),
    );
  }

  async release(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.flush();
    await this.client.mergePatch(this.path, { data: { lock: null } });
  }

  async flush(): Promise<void> {
    const pending = this.writes;
    this.writes = [];
    await Promise.allSettled(pending);
  }

  private track(write: Promise<unknown>): Promise<void> {
    const done = write.then(() => undefined);
    this.writes.push(done.catch(() => undefined));
    return done;
  }
}

/** The journal says which cluster this is; a run meant for another must stop before writing anything. */
export function checkIdentity(journal: JournalData, cluster: string, identity: string): void {
  if (journal.cluster !== undefined && journal.cluster !== cluster)
    throw new IdentityMismatch(
      `this is cluster ${journal.cluster} (kube-system UID ${journal.identity ?? "?"}), not ${cluster}: check --cluster, --context and --kubeconfig; nothing was written`,
    );
  if (journal.identity !== undefined && journal.identity !== identity)
    throw new IdentityMismatch(
      `the journal of cluster ${cluster} was written for the cluster whose kube-system UID is ${journal.identity}, and this one's is ${identity}: it was rebuilt or copied; delete ConfigMap ${JOURNAL_NAME} to bootstrap it afresh`,
    );
}

/** A lock whose holder cannot be running any more: this host's process is gone, or no heartbeat for 60 s. */
export function isStale(lock: JournalLock, now = Date.now()): boolean {
  if (lock.host === hostname()) {
    try {
      process.kill(lock.pid, 0);
      return lock.pid === process.pid;
    } catch {
      return true;
    }
  }
  return now - Date.parse(lock.heartbeat) > 60_000;
}
