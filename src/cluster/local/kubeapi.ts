/**
 * The few API calls the environment itself needs while it starts (readiness, fake nodes), over node:https
 * with the cluster's CA and a bearer token. Tests and kubestrap talk to the cluster with real clients.
 */
import { request } from "node:https";

export interface ApiTarget {
  server: string;
  ca: string;
  token: string;
}

export interface ApiResponse {
  status: number;
  body: string;
}

export function apiRequest(
  target: ApiTarget,
  method: string,
  path: string,
  body?: unknown,
  timeoutMs = 5_000,
): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      new URL(path, target.server),
      {
        method,
        ca: target.ca,
        headers: {
          authorization: `Bearer ${target.token}`,
          accept: "application/json",
          ...(payload ? { "content-type": "application/json" } : {}),
        },
        timeout: timeoutMs,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(payload);
  });
}

/** Polls `check` every `intervalMs` until it returns true, or throws `describe()` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  describe: () => string = () => "",
  intervalMs = 100,
  /** True once waiting longer is pointless (the process that would answer has exited). */
  hopeless: () => boolean = () => false,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    if (hopeless()) {
      const detail = [lastError, describe()].filter(Boolean).join("\n");
      throw new Error(`gave up waiting for ${what}${detail ? `:\n${detail}` : ""}`);
    }
    try {
      if (await check()) return;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const detail = [lastError, describe()].filter(Boolean).join("\n");
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${detail ? `:\n${detail}` : ""}`);
}
