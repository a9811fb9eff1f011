/**
 * Server-side apply of a set of objects, reported as a change set (created / configured / unchanged), the way
 * fluxcd/pkg/ssa does it: an object that exists is first applied with `dryRun=All` and compared with what is
 * live, so an object that would not change is not written at all. `applyStaged` applies the definitions
 * (CustomResourceDefinitions and Namespaces) first and waits for them, then everything else.
 */
import { stableJson } from "../charts/cache.ts";
import { type Discovery, describeRef, type ObjectRef } from "./discovery.ts";
import { type KubeClient, KubeError } from "./kube.ts";
import type { KubeObject } from "./status.ts";
import { waitForObjects } from "./wait.ts";

export type ChangeAction = "created" | "configured" | "unchanged";

export interface ChangeSetEntry {
  ref: ObjectRef;
  action: ChangeAction;
}

export interface ApplyOptions {
  fieldManager: string;
  /** Take over fields another manager owns (server-side apply `force`). */
  force: boolean;
  /** Namespace for namespaced objects that name none. */
  defaultNamespace?: string;
  concurrency?: number;
  signal?: AbortSignal;
}

export class ApplyError extends KubeError {
  readonly ref: ObjectRef;
  constructor(ref: ObjectRef, cause: KubeError) {
    const hint =
      cause.status === 409
        ? "; another field manager owns these fields: take them over with --force-conflicts"
        : "";
    super(`${describeRef(ref)}: ${cause.message}${hint}`, cause.status, cause.reason);
    this.ref = ref;
  }
}

export function refOf(object: KubeObject, defaultNamespace?: string): ObjectRef {
  const ref: ObjectRef = {
    apiVersion: object.apiVersion ?? "",
    kind: object.kind ?? "",
    name: object.metadata?.name ?? "",
  };
  const ns = object.metadata?.namespace ?? defaultNamespace;
  if (ns) ref.namespace = ns;
  return ref;
}

/** Applies one object; an unchanged object is only read and dry-run, never written. */
export async function applyObject(
  client: KubeClient,
  discovery: Discovery,
  object: KubeObject,
  options: ApplyOptions,
): Promise<ChangeSetEntry> {
  const body: KubeObject = { ...object, metadata: { ...object.metadata } };
  let ref = refOf(body, options.defaultNamespace);
  try {
    // A kind the cluster does not serve (its CRD is not installed) is an error of this object.
    const info = await discovery.resource(object.apiVersion ?? "", object.kind ?? "");
    if (info.namespaced && !body.metadata?.namespace && options.defaultNamespace)
      (body.metadata as Record<string, unknown>).namespace = options.defaultNamespace;
    if (!info.namespaced) delete (body.metadata as Record<string, unknown>).namespace;
    ref = refOf(body);
    const path = await discovery.path(ref);
    const apply = (dryRun: boolean) =>
      client.apply<KubeObject>(path, body, {
        fieldManager: options.fieldManager,
        force: options.force,
        dryRun,
      });
    const live = await client.get<KubeObject>(path);
    if (!live) {
      await apply(false);
      return { ref, action: "created" };
    }
    const dry = await apply(true);
    if (comparable(dry) === comparable(live)) return { ref, action: "unchanged" };
    await apply(false);
    return { ref, action: "configured" };
  } catch (error) {
    if (error instanceof KubeError && !(error instanceof ApplyError)) throw new ApplyError(ref, error);
    throw error;
  }
}

/** The object without what every write changes (resourceVersion, managedFields) or a controller owns (status). */
function comparable(o: KubeObject): string {
  const { resourceVersion: _rv, managedFields: _mf, generation: _g, ...metadata } = o.metadata ?? {};
  const { status: _status, ...rest } = o;
  return stableJson({ ...rest, metadata });
}

/** Applies every object, `concurrency` at a time; the first error stops the rest. */
export async function applyAll(
  client: KubeClient,
  discovery: Discovery,
  objects: KubeObject[],
  options: ApplyOptions,
): Promise<ChangeSetEntry[]> {
  const results: ChangeSetEntry[] = new Array(objects.length);
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < objects.length) {
      options.signal?.throwIfAborted();
      const index = next++;
      try {
        results[index] = await applyObject(client, discovery, objects[index] as KubeObject, options);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, objects.length) }, worker));
  if (failure !== undefined) throw failure;
  return results;
}

/** CustomResourceDefinitions and Namespaces: what the other objects of a set may need to exist first. */
export function isDefinition(o: { apiVersion?: string; kind?: string }): boolean {
  return (
    (o.kind === "CustomResourceDefinition" && (o.apiVersion ?? "").startsWith("apiextensions.k8s.io/")) ||
    (o.kind === "Namespace" && o.apiVersion === "v1")
  );
}

/** Definitions first, waited for (CRDs Established, Namespaces Active), then the rest. */
export async function applyStaged(
  client: KubeClient,
  discovery: Discovery,
  objects: KubeObject[],
  options: ApplyOptions & { timeoutMs: number },
): Promise<ChangeSetEntry[]> {
  const definitions = objects.filter(isDefinition);
  const rest = objects.filter((o) => !isDefinition(o));
  const first = await applyAll(client, discovery, definitions, options);
  if (first.length > 0) {
    const waitOptions: Parameters<typeof waitForObjects>[3] = { timeoutMs: options.timeoutMs };
    if (options.signal) waitOptions.signal = options.signal;
    await waitForObjects(
      client,
      discovery,
      first.map((e) => e.ref),
      waitOptions,
    );
    // The new kinds are served now.
    if (first.some((e) => e.ref.kind === "CustomResourceDefinition")) await discovery.refresh();
  }
  return [...first, ...(await applyAll(client, discovery, rest, options))];
}

export function summarizeChanges(entries: ChangeSetEntry[]): string {
  const count = (a: ChangeAction) => entries.filter((e) => e.action === a).length;
  return `${count("created")} created, ${count("configured")} configured, ${count("unchanged")} unchanged`;
}
