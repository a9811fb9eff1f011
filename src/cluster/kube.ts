/**
 * A small Kubernetes API client: kubeconfig loading and authentication come from @kubernetes/client-node
 * (certificates, tokens, exec plugins), requests are plain HTTPS over keep-alive connections. Server-side
 * apply sends the object as the chart or the repository wrote it, byte for byte in JSON, so no field is lost
 * to a typed model's serializer.
 *
 * Transient failures are retried with exponential backoff until `retryForMs` has passed: connection errors
 * (an API server restarting refuses connections for seconds), 429 (honouring Retry-After), 502/503/504, and
 * 500s that say an admission webhook or an aggregated API cannot be reached yet (the webhook of a release
 * that has just been installed is not serving for a few seconds).
 */

import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from "node:https";
import { loadConnection } from "./kubeconfig.ts";

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

export interface ClientOptions {
  /** How long transient failures are retried before they are errors (default 90 s). */
  retryForMs?: number;
  /** Timeout of one request without an answer (default 30 s). */
  requestTimeoutMs?: number;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ObjectList<T> {
  metadata: { resourceVersion: string };
  items: T[];
}

interface Response {
  status: number;
  body: string;
  retryAfter?: string;
  /** The API server's `Warning` headers (`299 - "unknown field \"spec.x\""`), as their text. */
  warnings?: string[];
}

/** What a server-side apply with `dryRun=All` says of an object, without changing anything. */
export interface DryRunVerdict {
  accepted: boolean;
  /** The API server's message when it refused the object. */
  message?: string;
  /** Its warnings either way (pruned unknown fields, deprecations). */
  warnings: string[];
}

/** A message from the API server that means "try again shortly", even with a 500. */
const TRANSIENT_MESSAGE =
  /failed calling webhook|the server is currently unable to handle the request|no endpoints available for service|connection refused|etcdserver: (request timed out|leader changed)|too many requests/i;

const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EHOSTUNREACH",
]);

export function isTransientStatus(status: number, body: string): boolean {
  if (status === 429 || status === 502 || status === 503 || status === 504) return true;
  if (status === 500) return TRANSIENT_MESSAGE.test(body);
  return false;
}

export function isTransientNetworkError(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return (
    (code !== undefined && TRANSIENT_CODES.has(code)) ||
    /socket hang up|request timed out|ECONNREFUSED|ECONNRESET/.test((error as Error).message ?? "")
  );
}

export class KubeClient {
  readonly server: string;
  /** The kubeconfig file, when one was named (else helm and kubectl find the same one by themselves). */
  readonly kubeconfig: string | undefined;
  /** The context in use. */
  readonly context: string;
  private readonly options: RequestOptions;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly retryForMs: number;
  private readonly requestTimeoutMs: number;

  private constructor(
    server: string,
    options: RequestOptions,
    identity: { kubeconfig: string | undefined; context: string },
    clientOptions: ClientOptions,
  ) {
    this.server = server.replace(/\/+$/, "");
    this.kubeconfig = identity.kubeconfig;
    this.context = identity.context;
    this.retryForMs = clientOptions.retryForMs ?? 90_000;
    this.requestTimeoutMs = clientOptions.requestTimeoutMs ?? 30_000;
    const { headers: _headers, ...tls } = options;
    this.agent = this.server.startsWith("http:")
      ? new HttpAgent({ keepAlive: true })
      : new HttpsAgent({ keepAlive: true, ...(tls as object) });
    this.options = { ...options, agent: this.agent };
  }

  /** Loads the kubeconfig (`--kubeconfig`, else $KUBECONFIG, else ~/.kube/config) and its context. */
  static async load(target: KubeTarget = {}, clientOptions: ClientOptions = {}): Promise<KubeClient> {
    const connection = await loadConnection(target);
    const options: RequestOptions = {
      headers: connection.headers,
      rejectUnauthorized: connection.rejectUnauthorized,
    };
    if (connection.ca) options.ca = connection.ca;
    if (connection.cert) options.cert = connection.cert;
    if (connection.key) options.key = connection.key;
    if (connection.servername) options.servername = connection.servername;
    return new KubeClient(
      connection.server,
      options,
      { kubeconfig: target.kubeconfig, context: connection.context },
      clientOptions,
    );
  }

  /** Closes idle keep-alive connections, so that a finished command exits at once. */
  close(): void {
    this.agent.destroy();
  }

  async get<T = Record<string, unknown>>(path: string, accept?: string): Promise<T | undefined> {
    const res = await this.request("GET", path, undefined, undefined, accept);
    if (res.status === 404) return undefined;
    return this.check<T>(res, `GET ${path}`);
  }

  async list<T = Record<string, unknown>>(path: string, options: ListOptions = {}): Promise<ObjectList<T>> {
    const query = new URLSearchParams();
    if (options.labelSelector) query.set("labelSelector", options.labelSelector);
    if (options.fieldSelector) query.set("fieldSelector", options.fieldSelector);
    const q = query.size > 0 ? `?${query}` : "";
    const res = await this.request("GET", `${path}${q}`);
    if (res.status === 404) return { metadata: { resourceVersion: "" }, items: [] };
    return this.check<ObjectList<T>>(res, `GET ${path}${q}`);
  }

  /** Server-side apply: creates or updates the object, owned by `fieldManager`. */
  async apply<T = Record<string, unknown>>(
    path: string,
    object: unknown,
    { fieldManager, force, dryRun }: { fieldManager: string; force: boolean; dryRun?: boolean },
  ): Promise<T> {
    const query = `?fieldManager=${encodeURIComponent(fieldManager)}${force ? "&force=true" : ""}${dryRun ? "&dryRun=All" : ""}`;
    const res = await this.request(
      "PATCH",
      `${path}${query}`,
      JSON.stringify(object),
      "application/apply-patch+yaml",
    );
    return this.check<T>(res, `apply ${path}`);
  }

  /** Server-side apply with `dryRun=All`: whether the API server accepts the object, and its warnings. */
  async dryRunApply(path: string, object: unknown, fieldManager: string): Promise<DryRunVerdict> {
    const query = `?fieldManager=${encodeURIComponent(fieldManager)}&force=true&dryRun=All`;
    const res = await this.request(
      "PATCH",
      `${path}${query}`,
      JSON.stringify(object),
      "application/apply-patch+yaml",
    );
    const warnings = res.warnings ?? [];
    if (res.status >= 200 && res.status < 300) return { accepted: true, warnings };
    // Transient failures were retried; what is left is the verdict. A field of the wrong type is a 500 from
    // server-side apply ("failed to create typed patch object"), not a 422.
    if (res.status === 401 || res.status === 403 || res.status === 404) this.check(res, `apply ${path}`);
    try {
      this.check(res, `apply ${path}`);
    } catch (error) {
      return { accepted: false, message: (error as Error).message, warnings };
    }
    return { accepted: true, warnings };
  }

  /** A JSON merge patch (RFC 7386). */
  async mergePatch<T = Record<string, unknown>>(path: string, patch: unknown): Promise<T> {
    const res = await this.request("PATCH", path, JSON.stringify(patch), "application/merge-patch+json");
    return this.check<T>(res, `patch ${path}`);
  }

  async create<T = Record<string, unknown>>(collection: string, object: unknown): Promise<T> {
    const res = await this.request("POST", collection, JSON.stringify(object), "application/json");
    return this.check<T>(res, `create in ${collection}`);
  }

  async replace<T = Record<string, unknown>>(path: string, object: unknown): Promise<T> {
    const res = await this.request("PUT", path, JSON.stringify(object), "application/json");
    return this.check<T>(res, `update ${path}`);
  }

  /** Deletes the object; true when it existed. */
  async delete(path: string): Promise<boolean> {
    const res = await this.request("DELETE", path);
    if (res.status === 404) return false;
    this.check(res, `delete ${path}`);
    return true;
  }

  async serverVersion(): Promise<string> {
    const version = await this.get<{ gitVersion?: string }>("/version");
    return version?.gitVersion ?? "";
  }

  /** `/readyz` once, without retrying: whether the API server answers and says it is ready. */
  async readyz(timeoutMs = 5_000): Promise<{ ready: boolean; detail: string }> {
    try {
      const res = await this.send("GET", "/readyz", undefined, undefined, timeoutMs);
      return { ready: res.status === 200, detail: `HTTP ${res.status}: ${res.body.trim().slice(0, 200)}` };
    } catch (error) {
      return { ready: false, detail: (error as Error).message };
    }
  }

  /**
   * Watches a collection from `resourceVersion`, calling `onEvent` per event until `stop()` or the server
   * ends the watch (then `done` resolves, and the caller decides whether to watch again).
   */
  watch(
    path: string,
    resourceVersion: string,
    onEvent: (event: WatchEvent) => void,
    options: ListOptions = {},
  ): { stop(): void; done: Promise<void> } {
    const url = new URL(`${this.server}${path}`);
    url.searchParams.set("watch", "1");
    url.searchParams.set("allowWatchBookmarks", "true");
    if (resourceVersion) url.searchParams.set("resourceVersion", resourceVersion);
    if (options.labelSelector) url.searchParams.set("labelSelector", options.labelSelector);
    if (options.fieldSelector) url.searchParams.set("fieldSelector", options.fieldSelector);
    let stopRequested = false;
    let abort: () => void = () => {};
    const done = new Promise<void>((resolve, reject) => {
      // A watch holds its connection open: it gets one of its own, outside the keep-alive pool.
      const req = this.transport(url)(url, { ...this.options, agent: false, method: "GET" }, (res) => {
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

  /** One request with the retry policy. */
  private async request(
    method: string,
    path: string,
    body?: string,
    contentType?: string,
    accept?: string,
  ): Promise<Response> {
    const started = Date.now();
    let delay = 250;
    for (;;) {
      let retryAfterMs: number | undefined;
      try {
        const res = await this.send(method, path, body, contentType, this.requestTimeoutMs, accept);
        if (!isTransientStatus(res.status, res.body) || Date.now() - started > this.retryForMs) return res;
        const seconds = Number(res.retryAfter);
        if (Number.isFinite(seconds) && seconds > 0) retryAfterMs = seconds * 1000;
      } catch (error) {
        if (!isTransientNetworkError(error) || Date.now() - started > this.retryForMs) throw error;
      }
      await new Promise((r) => setTimeout(r, Math.min(retryAfterMs ?? delay, 5_000)));
      delay = Math.min(delay * 2, 5_000);
    }
  }

  private send(
    method: string,
    path: string,
    body: string | undefined,
    contentType: string | undefined,
    timeoutMs: number,
    accept = "application/json",
  ): Promise<Response> {
    const url = new URL(`${this.server}${path}`);
    const headers: Record<string, string> = {
      ...(this.options.headers as Record<string, string>),
      accept,
      "user-agent": "kubestrap",
    };
    if (contentType) headers["content-type"] = contentType;
    return new Promise((resolve, reject) => {
      const req = this.transport(url)(
        url,
        { ...this.options, method, headers, timeout: timeoutMs },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            text += chunk;
          });
          res.on("end", () => {
            const response: Response = { status: res.statusCode ?? 0, body: text };
            const retryAfter = res.headers["retry-after"];
            if (typeof retryAfter === "string") response.retryAfter = retryAfter;
            const warning = res.headers.warning;
            if (warning) response.warnings = warningTexts(warning);
            resolve(response);
          });
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`request timed out after ${timeoutMs / 1000} s`)));
      req.on("error", (error: NodeJS.ErrnoException) => {
        const wrapped = new KubeError(`${method} ${url.href}: ${error.message}`, 0) as KubeError & {
          code?: string;
        };
        if (error.code) wrapped.code = error.code;
        reject(wrapped);
      });
      req.end(body);
    });
  }

  private check<T>(res: Response, what: string): T {
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

/** `299 - "text"` warning headers (one, or several joined by commas) as their texts. */
export function warningTexts(header: string | string[]): string[] {
  const out: string[] = [];
  for (const h of Array.isArray(header) ? header : [header]) {
    for (const m of h.matchAll(/\d{3} [^ ]+ "((?:[^"\\]|\\.)*)"/g))
      out.push((m[1] ?? "").replace(/\\(.)/g, "$1"));
  }
  return out;
}
