import type { SourceLocation } from "../findings.ts";

export type Json = Record<string, unknown>;

/** A Kubernetes object as kubestrap models it: identity, body and where it was written. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | undefined;
  body: Json;
  source: ObjectSource;
}

export interface ObjectSource extends SourceLocation {
  /** Index of the YAML document within its file; -1 for generated objects. */
  docIndex: number;
  /** For an object rendered by a HelmRelease's chart: that HelmRelease's id. */
  renderedBy?: string;
}

export function isRecord(v: unknown): v is Json {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export function asRecord(v: unknown): Json {
  return isRecord(v) ? v : {};
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

export function versionOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
}

/** `group/Kind`, with an empty group for the core API. */
export function groupKind(o: { apiVersion: string; kind: string }): string {
  return `${groupOf(o.apiVersion)}/${o.kind}`;
}

/** Identity as the API server sees it: group, kind, namespace, name (version excluded). */
export function objectKey(o: KubeObject): string {
  return `${groupKind(o)}/${o.namespace ?? ""}/${o.name}`;
}

export function describeObject(o: { kind: string; name: string; namespace?: string | undefined }): string {
  return o.namespace ? `${o.kind} ${o.namespace}/${o.name}` : `${o.kind} ${o.name}`;
}

/**
 * Turns a parsed document into a KubeObject, or returns a reason when it is not one.
 * `kind: List` documents are expanded into their items.
 */
export function toKubeObjects(value: unknown, source: ObjectSource): KubeObject[] | string {
  if (!isRecord(value)) return "not a mapping";
  const apiVersion = asString(value.apiVersion);
  const kind = asString(value.kind);
  if (!apiVersion || !kind) return "missing apiVersion or kind";
  // A SOPS document that encrypts its identity too: what it is, only Flux's decryption knows (a Secret, mostly).
  if (isRecord(value.sops) && (kind.startsWith("ENC[") || apiVersion.startsWith("ENC["))) return [];
  if (kind.endsWith("List")) {
    if (Array.isArray(value.items)) {
      const out: KubeObject[] = [];
      for (const item of value.items) {
        const r = toKubeObjects(item, source);
        if (typeof r !== "string") out.push(...r);
      }
      return out;
    }
  }
  const metadata = asRecord(value.metadata);
  const name = asString(metadata.name) ?? asString(metadata.generateName);
  if (!name) return "missing metadata.name";
  return [{ apiVersion, kind, name, namespace: asString(metadata.namespace), body: value, source }];
}

/** Returns a copy of the object with metadata changed by `update`. */
export function withMetadata(o: KubeObject, update: (metadata: Json) => void): KubeObject {
  const metadata = { ...asRecord(o.body.metadata) };
  update(metadata);
  const body = { ...o.body, metadata };
  return {
    ...o,
    body,
    name: asString(metadata.name) ?? o.name,
    namespace: asString(metadata.namespace),
  };
}

export function withBody(o: KubeObject, body: Json): KubeObject {
  const metadata = asRecord(body.metadata);
  return {
    ...o,
    body,
    apiVersion: asString(body.apiVersion) ?? o.apiVersion,
    kind: asString(body.kind) ?? o.kind,
    name: asString(metadata.name) ?? o.name,
    namespace: asString(metadata.namespace),
  };
}

export function annotation(o: KubeObject, key: string): string | undefined {
  return asString(asRecord(asRecord(o.body.metadata).annotations)[key]);
}

/** Like `getPath`, and whether the path exists at all (a key set to null is found). */
export function findPath(value: unknown, path: readonly string[]): { found: boolean; value: unknown } {
  let cur = value;
  for (const key of path) {
    if (!isRecord(cur) || !Object.hasOwn(cur, key)) return { found: false, value: undefined };
    cur = cur[key];
  }
  return { found: true, value: cur };
}

export function getPath(value: unknown, path: readonly string[]): unknown {
  let cur = value;
  for (const key of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}
