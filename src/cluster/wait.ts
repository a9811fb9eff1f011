/**
 * Waits until objects are Current (see status.ts), watching each one that is not yet: a read, then a watch of
 * that one object from the version read, re-evaluated on every event; a watch that ends or fails (an API
 * server restarting) is followed by a fresh read. A webhook configuration also depends on its Services'
 * EndpointSlices, which are read each time it is evaluated and watched alongside it.
 */
import { type Discovery, describeRef, type ObjectRef } from "./discovery.ts";
import { type KubeClient, KubeError, type WatchEvent } from "./kube.ts";
import {
  computeStatus,
  isWebhookConfiguration,
  type KubeObject,
  type ServiceEndpoints,
  type StatusResult,
  webhookServices,
  webhookStatus,
} from "./status.ts";

export interface ObjectState {
  ref: ObjectRef;
  status: StatusResult["status"];
  message: string;
}

export interface WaitOptions {
  timeoutMs: number;
  /** The readiness of one object from its own fields (default: kstatus semantics, `computeStatus`). */
  readiness?: (object: KubeObject) => StatusResult;
  signal?: AbortSignal;
  /** Called whenever an object's status changes, with every object's latest state. */
  onProgress?: (states: ObjectState[]) => void;
}

export class WaitTimeout extends Error {
  override readonly name = "WaitTimeout";
  readonly pending: ObjectState[];
  constructor(timeoutMs: number, pending: ObjectState[]) {
    super(
      `not ready after ${Math.round(timeoutMs / 1000)} s: ${pending
        .map((p) => `${describeRef(p.ref)} (${p.status}: ${p.message})`)
        .join("; ")}`,
    );
    this.pending = pending;
  }
}

export class WaitFailed extends Error {
  override readonly name = "WaitFailed";
  readonly state: ObjectState;
  constructor(state: ObjectState) {
    super(`${describeRef(state.ref)} failed: ${state.message}`);
    this.state = state;
  }
}

/** The current status of one object, reading what it depends on (a webhook's endpoints). */
export async function evaluate(
  client: KubeClient,
  object: KubeObject | undefined,
  readiness: (object: KubeObject) => StatusResult = computeStatus,
): Promise<StatusResult> {
  if (!object) return { status: "NotFound", message: "not found" };
  const own = readiness(object);
  if (own.status !== "Current" || !isWebhookConfiguration(object)) return own;
  const endpoints = new Map<string, ServiceEndpoints>();
  for (const service of webhookServices(object)) {
    const [namespace, name] = service.split("/") as [string, string];
    const slices = await client.list<{ endpoints?: { conditions?: { ready?: boolean } }[] }>(
      `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`,
      { labelSelector: `kubernetes.io/service-name=${name}` },
    );
    const ready = slices.items
      .flatMap((s) => s.endpoints ?? [])
      .filter((e) => e.conditions?.ready !== false).length;
    endpoints.set(service, { ready });
  }
  return webhookStatus(object, endpoints);
}

/** Reads each object once and says how it stands; nothing is waited for. */
export async function observe(
  client: KubeClient,
  discovery: Discovery,
  refs: ObjectRef[],
  readiness: (object: KubeObject) => StatusResult = computeStatus,
): Promise<ObjectState[]> {
  return Promise.all(
    refs.map(async (ref) => {
      try {
        const path = await discovery.path(ref);
        const result = await evaluate(client, await client.get<KubeObject>(path), readiness);
        return { ref, ...result };
      } catch (error) {
        if (error instanceof KubeError && error.status === 404)
          return { ref, status: "NotFound" as const, message: error.message };
        throw error;
      }
    }),
  );
}

/** Resolves when every object is Current; rejects on a Failed object, the timeout, or the signal. */
export async function waitForObjects(
  client: KubeClient,
  discovery: Discovery,
  refs: ObjectRef[],
  options: WaitOptions,
): Promise<ObjectState[]> {
  const states = new Map<string, ObjectState>(
    refs.map((ref) => [key(ref), { ref, status: "InProgress" as const, message: "not read yet" }]),
  );
  const controller = new AbortController();
  const stopAll = () => controller.abort();
  options.signal?.addEventListener("abort", stopAll, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const report = (state: ObjectState) => {
    const previous = states.get(key(state.ref));
    states.set(key(state.ref), state);
    if (previous?.status !== state.status || previous.message !== state.message)
      options.onProgress?.([...states.values()]);
  };
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new WaitTimeout(
          options.timeoutMs,
          [...states.values()].filter((s) => s.status !== "Current"),
        ),
      );
    }, options.timeoutMs);
  });
  timeout.catch(() => {});
  try {
    await Promise.race([
      Promise.all(
        refs.map((ref) =>
          track(client, discovery, ref, report, controller.signal, options.readiness ?? computeStatus),
        ),
      ),
      timeout,
    ]);
    options.signal?.throwIfAborted();
    return [...states.values()];
  } finally {
    clearTimeout(timer);
    controller.abort();
    options.signal?.removeEventListener("abort", stopAll);
  }
}

function key(ref: ObjectRef): string {
  return `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? ""}/${ref.name}`;
}

async function track(
  client: KubeClient,
  discovery: Discovery,
  ref: ObjectRef,
  report: (state: ObjectState) => void,
  signal: AbortSignal,
  readiness: (object: KubeObject) => StatusResult,
): Promise<void> {
  let path: string;
  for (;;) {
    try {
      path = await discovery.path(ref);
      break;
    } catch (error) {
      // A kind whose CRD is still being installed: read discovery again shortly.
      if (!(error instanceof KubeError && error.status === 404)) throw error;
      report({ ref, status: "NotFound", message: error.message });
      // Given up (the timeout, a failure elsewhere): an aborted pause returns at once, so stop here.
      if (signal.aborted) return;
      await pause(1_000, signal);
    }
  }
  const slash = path.lastIndexOf("/");
  const collection = path.slice(0, slash);
  const name = decodeURIComponent(path.slice(slash + 1));
  while (!signal.aborted) {
    const object = await client.get<KubeObject>(path);
    const result = await evaluate(client, object, readiness);
    report({ ref, ...result });
    if (result.status === "Current") return;
    if (result.status === "Failed") throw new WaitFailed({ ref, ...result });
    const changed = await nextChange(
      client,
      collection,
      name,
      object?.metadata?.resourceVersion as string | undefined,
      object !== undefined && isWebhookConfiguration(object),
      signal,
    );
    if (!changed) await pause(500, signal);
  }
}

/**
 * Resolves on the first event about the object: true when one came, false when the watch ended without one
 * or failed. A webhook configuration (`poll`) is looked at again after a second at the latest: its Services'
 * endpoints change without an event on the configuration.
 */
function nextChange(
  client: KubeClient,
  collection: string,
  name: string,
  resourceVersion: string | undefined,
  poll: boolean,
  signal: AbortSignal,
): Promise<boolean> {
  return new Promise((resolve) => {
    // Aborted while the object was being read: an abort listener added now would never fire, and the watch
    // opened would hold its connection (and the process) until the API server ends it.
    if (signal.aborted) return resolve(false);
    let settled = false;
    const finish = (value: boolean) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      clearTimeout(timer);
      watch.stop();
      resolve(value);
    };
    const onAbort = () => finish(false);
    signal.addEventListener("abort", onAbort, { once: true });
    const watch = client.watch(
      collection,
      resourceVersion ?? "",
      (event: WatchEvent) => {
        if (event.type !== "BOOKMARK") finish(true);
      },
      { fieldSelector: `metadata.name=${name}` },
    );
    const timer = poll ? setTimeout(() => finish(true), 1_000) : undefined;
    watch.done.then(
      () => finish(false),
      () => finish(false),
    );
  });
}

/** Sleeps `ms`, or less when the signal aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
