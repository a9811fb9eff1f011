/**
 * Helm's release records, read straight from the cluster: helm 3 and 4 keep each revision of a release in a
 * Secret `sh.helm.release.v1.<name>.v<revision>` (labels `owner=helm`, `name`, `status`, `version`), whose
 * `release` field is base64 of gzipped JSON. Reading them costs one list request where `helm status` would cost
 * a process; kubestrap uses them to tell a deployed release from a pending or failed one, to read what it
 * installed, and to unlock a release an interrupted run left `pending-*`.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { documentHeader } from "../charts/documents.ts";
import type { ObjectRef } from "./discovery.ts";
import type { KubeClient } from "./kube.ts";

export type HelmStatus =
  | "unknown"
  | "deployed"
  | "uninstalled"
  | "superseded"
  | "failed"
  | "uninstalling"
  | "pending-install"
  | "pending-upgrade"
  | "pending-rollback";

export interface ReleaseRecord {
  name: string;
  namespace: string;
  revision: number;
  status: HelmStatus;
  /** Name of the Secret holding it. */
  secret: string;
}

export interface ReleaseDetail extends ReleaseRecord {
  chartName: string;
  chartVersion: string;
  /** The values given at install or upgrade (helm's `config`). */
  config: Record<string, unknown>;
  manifest: string;
  description: string;
}

interface SecretObject {
  metadata: { name: string; namespace: string; resourceVersion?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
}

interface StoredRelease {
  name?: string;
  namespace?: string;
  version?: number;
  info?: { status?: string; description?: string; [key: string]: unknown };
  chart?: { metadata?: { name?: string; version?: string } };
  config?: Record<string, unknown>;
  manifest?: string;
  [key: string]: unknown;
}

function secretsPath(namespace: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`;
}

export function isPending(status: HelmStatus): boolean {
  return status.startsWith("pending-");
}

/** Every revision of a release, newest first. */
export async function releaseRecords(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<ReleaseRecord[]> {
  const list = await client.list<SecretObject>(secretsPath(namespace), {
    labelSelector: `owner=helm,name=${name}`,
  });
  return list.items
    .map((s) => ({
      name,
      namespace,
      revision: Number(s.metadata.labels?.version ?? 0),
      status: (s.metadata.labels?.status ?? "unknown") as HelmStatus,
      secret: s.metadata.name,
    }))
    .sort((a, b) => b.revision - a.revision);
}

export function decodeRelease(data: string): StoredRelease {
  // The Secret's data is base64 (the API's encoding) of helm's own base64 text of gzipped JSON.
  let bytes = Buffer.from(Buffer.from(data, "base64").toString("utf8"), "base64");
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  return JSON.parse(bytes.toString("utf8")) as StoredRelease;
}

export function encodeRelease(release: StoredRelease): string {
  const helmText = gzipSync(Buffer.from(JSON.stringify(release))).toString("base64");
  return Buffer.from(helmText).toString("base64");
}

/** The newest revision with its chart, values and manifest; undefined when the release does not exist. */
export async function latestRelease(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<ReleaseDetail | undefined> {
  const [latest] = await releaseRecords(client, namespace, name);
  if (!latest) return undefined;
  const secret = await client.get<SecretObject>(`${secretsPath(namespace)}/${latest.secret}`);
  if (!secret?.data?.release) return undefined;
  const stored = decodeRelease(secret.data.release);
  return {
    ...latest,
    status: (stored.info?.status ?? latest.status) as HelmStatus,
    chartName: stored.chart?.metadata?.name ?? "",
    chartVersion: stored.chart?.metadata?.version ?? "",
    config: stored.config ?? {},
    manifest: stored.manifest ?? "",
    description: stored.info?.description ?? "",
  };
}

/**
 * Marks a release that an interrupted helm left `pending-install`, `pending-upgrade` or `pending-rollback` as
 * `failed`, as helm-controller does, so that the next `helm upgrade --install` may run ("another operation is
 * in progress" otherwise). The objects it created carry the release's ownership annotations and are adopted.
 */
export async function unlockPending(client: KubeClient, record: ReleaseRecord, why: string): Promise<void> {
  const path = `${secretsPath(record.namespace)}/${record.secret}`;
  const secret = await client.get<SecretObject>(path);
  if (!secret?.data?.release) return;
  const stored = decodeRelease(secret.data.release);
  stored.info = {
    ...stored.info,
    status: "failed",
    description: `${why} (was ${stored.info?.status ?? record.status})`,
  };
  await client.replace(path, {
    ...secret,
    metadata: { ...secret.metadata, labels: { ...secret.metadata.labels, status: "failed" } },
    data: { ...secret.data, release: encodeRelease(stored) },
  });
}

/** The objects of a rendered manifest, in the release's namespace unless they name one. */
export function manifestObjects(manifest: string, namespace: string): ObjectRef[] {
  const refs: ObjectRef[] = [];
  for (const chunk of manifest.split(/^---[ \t]*$/m)) {
    const header = documentHeader(chunk);
    if (!header?.name) continue;
    refs.push({
      apiVersion: header.apiVersion,
      kind: header.kind,
      name: header.name,
      namespace: header.namespace ?? namespace,
    });
  }
  return refs;
}
