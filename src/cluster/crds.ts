/**
 * The CRD phase against a cluster: server-side apply every CRD (field manager `kubestrap`), then wait until
 * each is Established and NamesAccepted, watching the CRD collection (no sleep loop).
 *
 * Safety, as Flux's staged apply: CRDs are never deleted, and an apply that would drop a version listed in
 * the live CRD's `status.storedVersions` is refused before anything is written (objects stored in that
 * version would become unreadable), unless explicitly allowed.
 */
import { stableJson } from "../charts/cache.ts";
import type { RenderedCrd } from "../charts/render.ts";
import { type KubeClient, KubeError, type WatchEvent } from "./kube.ts";

const CRDS_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

export interface CrdApplyOptions {
  fieldManager?: string;
  force?: boolean;
  allowStoredVersionRemoval?: boolean;
  timeoutMs?: number;
  concurrency?: number;
  onEvent?: (event: { name: string; state: "applied" | "established"; detail: string }) => void;
}

export interface CrdApplyResult {
  name: string;
  action: "created" | "configured" | "unchanged";
  /** What the apply changes in an existing CRD, one line per change. */
  changes: string[];
  /** From the start of the phase until the CRD was Established and NamesAccepted. */
  seconds: number;
}

export class StoredVersionRefusal extends Error {
  override readonly name = "StoredVersionRefusal";
  readonly refusals: { name: string; removed: string[] }[];
  constructor(refusals: { name: string; removed: string[] }[]) {
    super(
      `refusing to apply: ${refusals
        .map((r) => `CRD ${r.name} would drop ${r.removed.join(", ")}, still listed in status.storedVersions`)
        .join(
          "; ",
        )}. Objects stored in those versions would become unreadable. Migrate them and remove the versions from status.storedVersions first, or pass --allow-stored-version-removal`,
    );
    this.refusals = refusals;
  }
}

export class CrdWaitTimeout extends Error {
  override readonly name = "CrdWaitTimeout";
}

interface LiveCrd {
  metadata: { name: string; resourceVersion: string };
  spec: Record<string, unknown> & { versions?: CrdVersion[] };
  status?: { storedVersions?: string[]; conditions?: { type: string; status: string }[] };
}

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: unknown;
}

export async function applyCrds(
  client: KubeClient,
  crds: RenderedCrd[],
  options: CrdApplyOptions = {},
): Promise<CrdApplyResult[]> {
  const started = performance.now();
  // Each CRD is read by name (a cluster may hold hundreds of large CRDs that are not ours); the one-item list
  // gives the collection's current version, which the watch starts from.
  const [list, ...current] = await Promise.all([
    client.get<{ metadata: { resourceVersion: string } }>(`${CRDS_PATH}?limit=1`),
    ...crds.map((crd) => client.get<LiveCrd>(`${CRDS_PATH}/${crd.name}`)),
  ]);
  const live = new Map(
    current.filter((c): c is LiveCrd => c !== undefined).map((c) => [c.metadata.name, c] as const),
  );

  if (!options.allowStoredVersionRemoval) {
    const refusals = crds
      .map((crd) => ({ name: crd.name, removed: removedStoredVersions(live.get(crd.name), crd) }))
      .filter((r) => r.removed.length > 0);
    if (refusals.length > 0) throw new StoredVersionRefusal(refusals);
  }

  const pending = new Set(crds.map((c) => c.name));
  const seconds = new Map<string, number>();
  const settle = (object: LiveCrd) => {
    const name = object.metadata.name;
    if (!pending.has(name) || !isReady(object)) return;
    pending.delete(name);
    const at = (performance.now() - started) / 1000;
    seconds.set(name, at);
    options.onEvent?.({ name, state: "established", detail: `${at.toFixed(2)} s` });
  };
  // The watch starts before the first write, so no transition can be missed between apply and wait.
  const waiter = watchUntilReady(
    client,
    list?.metadata.resourceVersion ?? "",
    pending,
    settle,
    options.timeoutMs ?? 120_000,
  );
  // A timeout while applies are still running is reported by the `await waiter.done` below.
  waiter.done.catch(() => {});

  const results: CrdApplyResult[] = [];
  try {
    const queue = [...crds];
    const worker = async () => {
      for (let crd = queue.shift(); crd; crd = queue.shift()) {
        const before = live.get(crd.name);
        const applied = await client
          .apply<LiveCrd>(`${CRDS_PATH}/${crd.name}`, crd.object, {
            fieldManager: options.fieldManager ?? "kubestrap",
            force: options.force ?? false,
          })
          .catch((error: unknown) => {
            if (error instanceof KubeError && error.status === 409) {
              throw new KubeError(
                `${error.message}; another field manager owns these fields of CRD ${crd.name}: pass --force-conflicts to take them over`,
                409,
                error.reason,
              );
            }
            throw error;
          });
        const action = !before
          ? "created"
          : before.metadata.resourceVersion === applied.metadata.resourceVersion
            ? "unchanged"
            : "configured";
        const changes = before && action === "configured" ? describeChanges(before, crd) : [];
        results.push({ name: crd.name, action, changes, seconds: 0 });
        options.onEvent?.({ name: crd.name, state: "applied", detail: action });
        settle(applied);
        if (pending.size === 0) waiter.stop();
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, crds.length) }, worker));
    await waiter.done;
  } finally {
    waiter.stop();
  }
  for (const r of results) r.seconds = seconds.get(r.name) ?? 0;
  return results.sort((a, b) => (a.name < b.name ? -1 : 1));
}

function isReady(crd: LiveCrd): boolean {
  const conditions = crd.status?.conditions ?? [];
  const isTrue = (type: string) => conditions.some((c) => c.type === type && c.status === "True");
  return isTrue("Established") && isTrue("NamesAccepted");
}

/** Stored versions of the live CRD that the new one no longer lists at all. */
export function removedStoredVersions(live: LiveCrd | undefined, crd: RenderedCrd): string[] {
  if (!live) return [];
  const next = new Set(versionsOf(crd.object.spec).map((v) => v.name));
  return (live.status?.storedVersions ?? []).filter((v) => !next.has(v));
}

function versionsOf(spec: unknown): CrdVersion[] {
  return ((spec as { versions?: CrdVersion[] } | undefined)?.versions ?? []).filter(
    (v) => typeof v.name === "string",
  );
}

/** A readable summary of what changes between the live CRD and the one being applied. */
export function describeChanges(live: LiveCrd, crd: RenderedCrd): string[] {
  const changes: string[] = [];
  const before = new Map(versionsOf(live.spec).map((v) => [v.name, v]));
  const after = new Map(versionsOf(crd.object.spec).map((v) => [v.name, v]));
  for (const [name, v] of after) {
    const old = before.get(name);
    if (!old) {
      changes.push(`version ${name} added${v.storage ? " (storage)" : ""}`);
      continue;
    }
    if ((old.served ?? true) !== (v.served ?? true))
      changes.push(`version ${name} ${v.served === false ? "no longer served" : "served again"}`);
    if (!!old.storage !== !!v.storage)
      changes.push(`version ${name} ${v.storage ? "becomes" : "is no longer"} the storage version`);
    if (stableJson(old.schema) !== stableJson(v.schema)) changes.push(`version ${name} schema changed`);
  }
  for (const name of before.keys()) if (!after.has(name)) changes.push(`version ${name} removed`);
  const rest = (spec: unknown) => stableJson({ ...(spec as Record<string, unknown>), versions: undefined });
  if (rest(live.spec) !== rest(crd.object.spec)) changes.push("names, scope or conversion changed");
  if (changes.length === 0) changes.push("metadata changed");
  return changes;
}

function watchUntilReady(
  client: KubeClient,
  resourceVersion: string,
  pending: Set<string>,
  settle: (crd: LiveCrd) => void,
  timeoutMs: number,
): { done: Promise<void>; stop(): void } {
  let current: { stop(): void } | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve, reject) => {
    timer = setTimeout(() => {
      stopped = true;
      current?.stop();
      reject(
        new CrdWaitTimeout(
          `CRDs not Established after ${timeoutMs / 1000} s: ${[...pending].sort().join(", ")}`,
        ),
      );
    }, timeoutMs);
    let rv = resourceVersion;
    const onEvent = (event: WatchEvent) => {
      const meta = event.object.metadata as { resourceVersion?: string } | undefined;
      if (meta?.resourceVersion) rv = meta.resourceVersion;
      if (event.type === "ADDED" || event.type === "MODIFIED") settle(event.object as unknown as LiveCrd);
      if (pending.size === 0) {
        stopped = true;
        current?.stop();
      }
    };
    const loop = async () => {
      while (!stopped) {
        const watch = client.watch(CRDS_PATH, rv, onEvent);
        current = watch;
        try {
          await watch.done;
        } catch (error) {
          // 410 Gone: the resourceVersion is too old; list again and resume from the fresh one.
          if (!stopped) {
            const list = await client.get<{ metadata: { resourceVersion: string }; items: LiveCrd[] }>(
              CRDS_PATH,
            );
            for (const item of list?.items ?? []) settle(item);
            rv = list?.metadata.resourceVersion ?? "";
            if ((error as { status?: number }).status !== 410 && pending.size > 0)
              await new Promise((r) => setTimeout(r, 200));
          }
        }
        if (pending.size === 0) stopped = true;
      }
      clearTimeout(timer);
      resolve();
    };
    if (pending.size === 0) {
      stopped = true;
      clearTimeout(timer);
      resolve();
      return;
    }
    loop().catch((error: unknown) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  return {
    done,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      current?.stop();
    },
  };
}
