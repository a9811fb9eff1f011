/**
 * A small Kubernetes API client: kubeconfig loading and authentication come from @kubernetes/client-node
 * (certificates, tokens, exec plugins), requests are plain HTTPS. Server-side apply sends the object as the
 * chart rendered it, byte for byte in JSON, so no field is lost to a typed model's serializer.
 */

import { request as httpRequest } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";

export class KubeError extends Error {
  override readonly name = "KubeError";
  readonly status: number;
  readonly reason: string | undefined;
  constructor(message: string, status: number, reason?: string) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

export interface KubeTarget {
  kubeconfig?: string;
  context?: string;
}

export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: Record<string, unknown>;
}

export class KubeClient {
  readonly server: string;
  private readonly options: RequestOptions;

  private constructor(server: string, options: RequestOptions) {
    this.server = server.replace(/\/+$/, "");
    this.options = options;
  }

  /** Loads the kubeconfig (`--kubeconfig`, else $KUBECONFIG, else ~/.kube/config) and its context. */
  static async load(target: KubeTarget = {}): Promise<KubeClient> {
    const { KubeConfig } = await import("@kubernetes/client-node");
    const kc = new KubeConfig();
    try {
      if (target.kubeconfig) kc.loadFromFile(target.kubeconfig);
      else kc.loadFromDefault();
      if (target.context) kc.setCurrentContext(target.context);
    } catch (error) {
      throw new KubeError(
        `cannot load the kubeconfig ${target.kubeconfig ?? ""}: ${(error as Error).message}`,
        0,
      );
    }
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new KubeError("the kubeconfig has no current cluster", 0);
    const options: RequestOptions = { headers: {} };
    await kc.applyToHTTPSOptions(options);
    return new KubeClient(cluster.server, options);
  }

  async get<T = Record<string, unknown>>(path: string): Promise<T | undefined> {
    const res = await this.request("GET", path);
    if (res.status === 404) return undefined;
    return this.check<T>(res, `GET ${path}`);
  }

  /** Server-side apply: creates or updates the object, owned by `fieldManager`. */
  async apply<T = Record<string, unknown>>(
    path: string,
    object: unknown,
    { fieldManager, force }: { fieldManager: string; force: boolean },
  ): Promise<T> {
    const query = `?fieldManager=${encodeURIComponent(fieldManager)}${force ? "&force=true" : ""}`;
    const res = await this.request(
      "PATCH",
      `${path}${query}`,
      JSON.stringify(object),
      "application/apply-patch+yaml",
    );
    return this.check<T>(res, `apply ${path}`);
  }

  async serverVersion(): Promise<string> {
    const version = await this.get<{ gitVersion?: string }>("/version");
    return version?.gitVersion ?? "";
  }

  /**
   * Watches a collection from `resourceVersion`, calling `onEvent` per event until `stop()` or the server
   * ends the watch (then `done` resolves, and the caller decides whether to watch again).
   */
  watch(
    path: string,
    resourceVersion: string,
    onEvent: (event: WatchEvent) => void,
  ): { stop(): void; done: Promise<void> } {
    const url = new URL(`${this.server}${path}`);
    url.searchParams.set("watch", "1");
    url.searchParams.set("allowWatchBookmarks", "true");
    if (resourceVersion) url.searchParams.set("resourceVersion", resourceVersion);
    let stopRequested = false;
    let abort: () => void = () => {};
    const done = new Promise<void>((resolve, reject) => {
      const req = this.transport(url)(url, { ...this.options, method: "GET" }, (res) => {
        if ((res.statusCode ?? 0) >= 300) {
          res.resume();
          reject(new KubeError(`watch ${path}: HTTP ${res.statusCode}`, res.statusCode ?? 0));
          return;
        }
        res.setEncoding("utf8");
        let buffer = "";
        res.on("data", (chunk: string) => {
          buffer += chunk;
          let newline = buffer.indexOf("\n");
          while (newline >= 0) {
            const line = buffer.slice(0, newline).trim();
            buffer = buffer.slice(newline + 1);
            if (line) onEvent(JSON.parse(line) as WatchEvent);
            newline = buffer.indexOf("\n");
          }
        });
        res.on("end", () => resolve());
        res.on("error", (error) => (stopRequested ? resolve() : reject(error)));
      });
      req.on("error", (error) => (stopRequested ? resolve() : reject(error)));
      req.end();
      abort = () => req.destroy();
    });
    return {
      stop: () => {
        stopRequested = true;
        abort();
      },
      done,
    };
  }

  private transport(url: URL) {
    return url.protocol === "http:" ? httpRequest : httpsRequest;
  }

  private request(
    method: string,
    path: string,
    body?: string,
    contentType?: string,
  ): Promise<{ status: number; body: string }> {
    const url = new URL(`${this.server}${path}`);
    const headers: Record<string, string> = {
      ...(this.options.headers as Record<string, string>),
      accept: "application/json",
    };
    if (contentType) headers["content-type"] = contentType;
    return new Promise((resolve, reject) => {
      const req = this.transport(url)(url, { ...this.options, method, headers }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on("error", reject);
      });
      req.on("error", (error) => reject(new KubeError(`${method} ${url.href}: ${error.message}`, 0)));
      req.end(body);
    });
  }

  private check<T>(res: { status: number; body: string }, what: string): T {
    if (res.status >= 200 && res.status < 300) return JSON.parse(res.body) as T;
    let message = res.body.trim();
    let reason: string | undefined;
    try {
      const status = JSON.parse(res.body) as { message?: string; reason?: string };
      message = status.message ?? message;
      reason = status.reason;
    } catch {}
    throw new KubeError(`${what}: ${message} (HTTP ${res.status})`, res.status, reason);
  }
}
