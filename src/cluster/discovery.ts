/**
 * What the API server serves, for turning an object's apiVersion and kind into its URL: the aggregated
 * discovery documents (`/api` and `/apis`, apidiscovery.k8s.io/v2, two requests for the whole cluster), or the
 * per-group-version documents of servers older than Kubernetes 1.30. A kind it does not know yet (a CRD that
 * was just installed) makes it read discovery again, once per lookup.
 */
import { type KubeClient, KubeError } from "./kube.ts";

export interface ResourceInfo {
  /** Plural resource name, as in the URL. */
  resource: string;
  namespaced: boolean;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

const AGGREGATED =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

interface AggregatedList {
  kind?: string;
  items?: {
    metadata?: { name?: string };
    versions?: {
      version: string;
      resources?: { resource: string; scope: string; responseKind?: { kind?: string } }[];
    }[];
  }[];
}

export class UnknownKindError extends KubeError {
  constructor(apiVersion: string, kind: string) {
    super(`the cluster serves no ${kind} in ${apiVersion} (is its CRD installed?)`, 404, "NotFound");
  }
}

export class Discovery {
  private readonly client: KubeClient;
  private byGvk = new Map<string, ResourceInfo>();
  private loading: Promise<void> | undefined;
  private loaded = false;

  constructor(client: KubeClient) {
    this.client = client;
  }

  /** The resource serving `apiVersion`/`kind`; reads discovery again when the kind is unknown. */
  async resource(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const key = `${apiVersion}/${kind}`;
    if (!this.loaded) await this.refresh();
    let info = this.byGvk.get(key);
    if (!info) {
      await this.refresh();
      info = this.byGvk.get(key);
    }
    if (!info) throw new UnknownKindError(apiVersion, kind);
    return info;
  }

  /** Whether the kind was served at the last read of discovery (no request). */
  has(apiVersion: string, kind: string): boolean {
    return this.byGvk.has(`${apiVersion}/${kind}`);
  }

  /** Reads discovery again (concurrent callers share one read). */
  refresh(): Promise<void> {
    this.loading ??= this.read().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** The URL of an object, or of its collection when `name` is empty. */
  async path(ref: ObjectRef): Promise<string> {
    const info = await this.resource(ref.apiVersion, ref.kind);
    return objectPath(ref, info);
  }

  /** The collection of a kind: in one namespace, or across all of them when `namespace` is undefined. */
  async collection(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    const info = await this.resource(apiVersion, kind);
    const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
    return `${base}${ns}/${info.resource}`;
  }

  private async read(): Promise<void> {
    const next = new Map<string, ResourceInfo>();
    const [core, groups] = await Promise.all([
      this.client.get<AggregatedList>("/api", AGGREGATED),
      this.client.get<AggregatedList>("/apis", AGGREGATED),
    ]);
    if (core?.kind === "APIGroupDiscoveryList" && groups?.kind === "APIGroupDiscoveryList") {
      for (const group of [...(core.items ?? []), ...(groups.items ?? [])]) {
        const name = group.metadata?.name ?? "";
        for (const version of group.versions ?? []) {
          const apiVersion = name ? `${name}/${version.version}` : version.version;
          for (const r of version.resources ?? []) {
            const kind = r.responseKind?.kind;
            if (kind)
              next.set(`${apiVersion}/${kind}`, {
                resource: r.resource,
                namespaced: r.scope === "Namespaced",
              });
          }
        }
      }
    } else {
      await this.readLegacy(next);
    }
    this.byGvk = next;
    this.loaded = true;
  }

  private async readLegacy(into: Map<string, ResourceInfo>): Promise<void> {
    const groups = await this.client.get<{ groups?: { versions?: { groupVersion: string }[] }[] }>("/apis");
    const groupVersions = [
      "v1",
      ...(groups?.groups ?? []).flatMap((g) => (g.versions ?? []).map((v) => v.groupVersion)),
    ];
    await Promise.all(
      groupVersions.map(async (gv) => {
        const doc = await this.client.get<{
          resources?: { name: string; kind: string; namespaced: boolean }[];
        }>(gv === "v1" ? "/api/v1" : `/apis/${gv}`);
        for (const r of doc?.resources ?? []) {
          if (r.name.includes("/")) continue;
          into.set(`${gv}/${r.kind}`, { resource: r.name, namespaced: r.namespaced });
        }
      }),
    );
  }
}

export function objectPath(ref: ObjectRef, info: ResourceInfo): string {
  const base = ref.apiVersion.includes("/") ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
  const ns = info.namespaced ? `/namespaces/${encodeURIComponent(ref.namespace || "default")}` : "";
  return `${base}${ns}/${info.resource}${ref.name ? `/${encodeURIComponent(ref.name)}` : ""}`;
}

export function describeRef(ref: { kind: string; name: string; namespace?: string }): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}
