/**
 * Pulls a helm chart from an OCI registry without helm: one manifest request and one blob request, with the
 * registry's authentication flow (distribution token auth, OAuth2 refresh tokens, basic auth) and the
 * credentials helm would use (registry-credentials.ts). The archive is checked against the manifest's
 * digest and size, so the bytes are exactly the ones `helm pull` stores.
 */
import { createHash } from "node:crypto";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { Agent, request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { getCACertificates } from "node:tls";
import { isExactVersion } from "../model/charts.ts";
import type { ChartLocation } from "../model/releases.ts";
import { type RegistryCredential, RegistryCredentials } from "./registry-credentials.ts";

const MANIFEST_TYPES = [
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
];
const CHART_LAYER_TYPES = [
  "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
  // What charts pushed by helm before 3.7 carry.
  "application/tar+gzip",
];
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_AUTH_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 5;
const USER_AGENT = "kubestrap";

export class RegistryError extends Error {
  override readonly name = "RegistryError";
  readonly status: number;
  constructor(message: string, status = 0) {
    super(message);
    this.status = status;
  }
}

export interface OciChartRef {
  /** `host[:port]`. */
  registry: string;
  /** The repository path inside the registry, e.g. `charts/cert-manager`. */
  repository: string;
  /** A tag or a `sha256:` digest. */
  reference: string;
  plainHttp?: boolean;
}

export interface PulledChart {
  bytes: Buffer;
  /** `sha256:<hex>` of the archive. */
  digest: string;
}

/** `oci://host[:port]/path/name` → registry and repository. */
export function parseOciUrl(url: string): { registry: string; repository: string } {
  const match = /^oci:\/\/([^/]+)\/(.+?)\/*$/.exec(url);
  if (!match) throw new RegistryError(`${url} is not an oci:// chart reference`);
  return { registry: match[1] as string, repository: match[2] as string };
}

/**
 * The manifest an oci:// chart location names without a tag search: its digest, its tag (an OCIRepository's
 * `ref.tag`), or an exact version, which helm also takes as the tag (with `+` stored as `_`). A version
 * range, or no version at all (the newest tag), needs the registry's tag list and helm's constraint rules:
 * undefined.
 */
export function ociReference(loc: Extract<ChartLocation, { type: "oci" }>): OciChartRef | undefined {
  const reference =
    loc.digest ?? loc.tag ?? (loc.semver && isExactVersion(loc.semver) ? versionTag(loc.semver) : undefined);
  if (!reference) return undefined;
  const ref: OciChartRef = { ...parseOciUrl(loc.url), reference };
  if (loc.plainHttp) ref.plainHttp = true;
  return ref;
}

/** A helm version as an OCI tag: helm stores `+` (not allowed in tags) as `_`. */
export function versionTag(version: string): string {
  return version.replaceAll("+", "_");
}

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  url: URL;
}

interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  maxBytes: number;
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

export class OciClient {
  private readonly credentials: RegistryCredentials;
  /** Bearer tokens by registry and scope, shared by concurrent pulls. */
  private readonly tokens = new Map<string, Promise<string>>();
  /** Basic authorization by registry, once a registry has asked for it. */
  private readonly basic = new Map<string, string>();
  private httpsAgent: Agent | undefined;
  private systemCaAgent: Agent | undefined;

  constructor(credentials = new RegistryCredentials()) {
    this.credentials = credentials;
  }

  async pullChart(ref: OciChartRef): Promise<PulledChart> {
    const base = `${ref.plainHttp ? "http" : "https"}://${ref.registry}/v2/${ref.repository}`;
    const where = `${ref.registry}/${ref.repository}`;
    const manifestResponse = await this.get(ref, `${base}/manifests/${ref.reference}`, {
      headers: { accept: MANIFEST_TYPES.join(", ") },
      maxBytes: MAX_MANIFEST_BYTES,
    });
    if (manifestResponse.status === 404) {
      const what = ref.reference.startsWith("sha256:") ? "digest" : "tag";
      throw new RegistryError(
        `${what} ${ref.reference} not found in ${where} (HTTP 404${errorDetail(manifestResponse)})`,
        404,
      );
    }
    expectOk(manifestResponse, `manifest of ${where}:${ref.reference}`);
    if (ref.reference.startsWith("sha256:")) checkDigest(manifestResponse.body, ref.reference, "manifest");
    let manifest: { mediaType?: string; layers?: { mediaType?: string; digest?: string; size?: number }[] };
    try {
      manifest = JSON.parse(manifestResponse.body.toString("utf8"));
    } catch {
      throw new RegistryError(`the manifest of ${where}:${ref.reference} is not JSON`);
    }
    const layer = manifest.layers?.find((l) => CHART_LAYER_TYPES.includes(l.mediaType ?? ""));
    if (!layer?.digest || typeof layer.size !== "number")
      throw new RegistryError(
        `${where}:${ref.reference} is not a helm chart (no layer of type ${CHART_LAYER_TYPES[0]})`,
      );
    const blob = await this.get(ref, `${base}/blobs/${layer.digest}`, { maxBytes: layer.size });
    expectOk(blob, `chart layer ${layer.digest} of ${where}`);
    if (blob.body.length !== layer.size)
      throw new RegistryError(
        `chart layer of ${where}: ${blob.body.length} bytes, the manifest says ${layer.size}`,
      );
    checkDigest(blob.body, layer.digest, "chart layer");
    const digest = layer.digest.startsWith("sha256:")
      ? layer.digest
      : `sha256:${createHash("sha256").update(blob.body).digest("hex")}`;
    return { bytes: blob.body, digest };
  }

  /**
   * A GET that answers the registry's challenge: the request is sent without credentials, and a 401 names
   * the scheme. Redirects (blob storage) are followed without the registry's Authorization header when
   * they leave its origin.
   */
  private async get(ref: OciChartRef, address: string, init: SendOptions): Promise<Response> {
    const url = new URL(address);
    const scope = `repository:${ref.repository}:pull`;
    // What answered an earlier challenge of this registry is sent up front.
    const cachedToken = this.tokens.get(tokenKey(ref.registry, [scope]));
    const token = cachedToken ? await cachedToken.catch(() => undefined) : undefined;
    const known = token ? `Bearer ${token}` : this.basic.get(ref.registry);
    const headers = { ...init.headers };
    if (known) headers.authorization = known;
    let response = await this.follow(url, { ...init, headers });
    if (response.status !== 401 || response.url.origin !== url.origin) return response;
    const challenge = parseChallenge(header(response.headers, "www-authenticate"));
    if (!challenge) return response;
    const authorization = await this.authorize(ref, challenge, scope, url);
    response = await this.follow(url, { ...init, headers: { ...init.headers, authorization } });
    if (response.status === 401 || response.status === 403) {
      const credential = await this.credentials.get(ref.registry);
      const who = credential
        ? `the credentials from ${credential.from}`
        : `anonymous access (no credentials for it in ${this.credentials.sources.join(" or ")})`;
      throw new RegistryError(
        `${ref.registry} refused ${who} to ${ref.repository} (HTTP ${response.status}${errorDetail(response)})`,
        response.status,
      );
    }
    return response;
  }

  private async authorize(ref: OciChartRef, challenge: Challenge, scope: string, url: URL): Promise<string> {
    const credential = await this.credentials.get(ref.registry);
    if (challenge.scheme === "basic") {
      if (!credential?.username || !credential.password)
        throw new RegistryError(
          `${ref.registry} asks for a user name and password, and none is configured for it in ${this.credentials.sources.join(" or ")}`,
          401,
        );
      const basic = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString("base64")}`;
      this.basic.set(ref.registry, basic);
      return basic;
    }
    if (challenge.scheme !== "bearer")
      throw new RegistryError(
        `${ref.registry} asks for unsupported authentication "${challenge.scheme}"`,
        401,
      );
    const scopes = [...new Set([scope, ...(challenge.params.scope ?? "").split(" ").filter(Boolean)])].sort();
    const key = tokenKey(ref.registry, scopes);
    let token = this.tokens.get(key);
    if (!token) {
      token = this.fetchToken(ref.registry, challenge.params, scopes, credential, url);
      this.tokens.set(key, token);
      // Later pulls of the same repository reuse it without a first unauthenticated request.
      if (scopes.length > 1) this.tokens.set(tokenKey(ref.registry, [scope]), token);
    }
    return `Bearer ${await token}`;
  }

  /**
   * Distribution token auth: a registry token is used as it is; an identity token is exchanged with an OAuth2
   * refresh_token grant (POST); otherwise the token endpoint is asked with GET, with basic credentials when
   * there are some and anonymously when there are none.
   */
  private async fetchToken(
    registry: string,
    params: Record<string, string>,
    scopes: string[],
    credential: RegistryCredential | undefined,
    registryUrl: URL,
  ): Promise<string> {
    if (credential?.registryToken) return credential.registryToken;
    const realm = validateRealm(params.realm, registryUrl);
    const service = params.service ?? "";
    let response: Response;
    if (credential?.identityToken) {
      const form = new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: credential.identityToken,
        service,
        client_id: USER_AGENT,
      });
      if (scopes.length) form.set("scope", scopes.join(" "));
      response = await this.send(realm, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form.toString(),
        maxBytes: MAX_AUTH_BYTES,
      });
    } else {
      const query = new URLSearchParams();
      if (service) query.set("service", service);
      for (const scope of scopes) query.append("scope", scope);
      const tokenUrl = new URL(realm);
      tokenUrl.search = query.toString();
      const headers: Record<string, string> = {};
      if (credential?.username || credential?.password)
        headers.authorization = `Basic ${Buffer.from(`${credential.username ?? ""}:${credential.password ?? ""}`).toString("base64")}`;
      response = await this.send(tokenUrl, { headers, maxBytes: MAX_AUTH_BYTES });
    }
    const from = credential
      ? `with the credentials from ${credential.from}`
      : "anonymously (no credentials found)";
    if (response.status !== 200)
      throw new RegistryError(
        `the token service of ${registry} (${realm.origin}${realm.pathname}) refused a pull token ${from} (HTTP ${response.status}${errorDetail(response)})`,
        response.status === 200 ? 0 : 401,
      );
    let answer: { token?: string; access_token?: string };
    try {
      answer = JSON.parse(response.body.toString("utf8"));
    } catch {
      throw new RegistryError(`the token service of ${registry} did not answer with JSON`);
    }
    const token = answer.access_token || answer.token;
    if (!token) throw new RegistryError(`the token service of ${registry} returned no token`);
    return token;
  }

  private async follow(url: URL, init: SendOptions): Promise<Response> {
    let current = url;
    const headers = { ...init.headers };
    for (let hop = 0; ; hop++) {
      const response = await this.send(current, { ...init, headers });
      const location = header(response.headers, "location");
      if (response.status < 300 || response.status >= 400 || !location) return response;
      if (hop === MAX_REDIRECTS) throw new RegistryError(`${url.href}: more than ${MAX_REDIRECTS} redirects`);
      const next = new URL(location, current);
      // Credentials meant for the registry never go to the storage it redirects to.
      if (next.origin !== url.origin) delete headers.authorization;
      current = next;
    }
  }

  private async send(url: URL, init: SendOptions): Promise<Response> {
    try {
      return await this.sendOnce(url, init, this.agent(false));
    } catch (error) {
      // Node trusts its bundled CAs; helm trusts the system's. A registry signed by a CA only the system
      // knows (a company CA) is retried with both, which costs reading the system store only then.
      if (url.protocol === "https:" && isCertificateError(error))
        return this.sendOnce(url, init, this.agent(true));
      throw error;
    }
  }

  private agent(withSystemCas: boolean): Agent {
    if (!withSystemCas) {
      this.httpsAgent ??= new Agent({ keepAlive: true });
      return this.httpsAgent;
    }
    this.systemCaAgent ??= new Agent({
      keepAlive: true,
      ca: [...new Set([...getCACertificates("default"), ...getCACertificates("system")])],
    });
    return this.systemCaAgent;
  }

  private sendOnce(url: URL, init: SendOptions, agent: Agent): Promise<Response> {
    return new Promise((resolve, reject) => {
      const https = url.protocol === "https:";
      const options = {
        method: init.method ?? "GET",
        headers: { "user-agent": USER_AGENT, ...init.headers },
        timeout: 60_000,
        ...(https ? { agent } : {}),
      };
      const req = (https ? httpsRequest : httpRequest)(url, options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          // An error body is read whole (it is small); a success body is bounded by what was expected.
          if (size > Math.max(init.maxBytes, 64 * 1024)) {
            req.destroy(new RegistryError(`${url.href}: response larger than ${init.maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url }),
        );
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new RegistryError(`${url.href}: no answer for 60 s`)));
      req.on("error", (error) =>
        reject(error instanceof RegistryError ? error : new RegistryError(`${url.href}: ${error.message}`)),
      );
      req.end(init.body);
    });
  }
}

function tokenKey(registry: string, scopes: string[]): string {
  return `${registry} ${scopes.join(" ")}`;
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
}

/** `Bearer realm="https://auth.example.com/token",service="registry",scope="repository:a/b:pull"`. */
export function parseChallenge(text: string): Challenge | undefined {
  const match = /^\s*([A-Za-z]+)\s*(.*)$/.exec(text);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const param = /([A-Za-z_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?\s*/g;
  for (const [, key, quoted, bare] of (match[2] ?? "").matchAll(param))
    params[(key as string).toLowerCase()] =
      quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : (bare ?? "");
  return { scheme: (match[1] as string).toLowerCase(), params };
}

/**
 * The token endpoint a registry names must not be a way to send its credentials elsewhere: https always, http
 * only when the registry itself is plain HTTP, and a loopback or private address only on the registry's
 * own host (as helm's registry client checks).
 */
export function validateRealm(realm: string | undefined, registryUrl: URL): URL {
  if (!realm)
    throw new RegistryError(`${registryUrl.host} asks for a bearer token but names no token service`);
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new RegistryError(`${registryUrl.host} names an invalid token service "${realm}"`);
  }
  if (url.protocol === "http:" && registryUrl.protocol === "https:")
    throw new RegistryError(
      `the token service ${realm} uses http, but ${registryUrl.host} was contacted over https`,
    );
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new RegistryError(`the token service ${realm} uses an unsupported scheme`);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) && isLocalAddress(host) && url.hostname !== registryUrl.hostname)
    throw new RegistryError(
      `the token service ${realm} is a loopback, link-local or private address other than ${registryUrl.hostname}`,
    );
  return url;
}

function isLocalAddress(ip: string): boolean {
  if (ip.includes(":")) {
    const lower = ip.toLowerCase();
    return lower === "::1" || lower === "::" || /^fe[89ab]/.test(lower) || /^f[cd]/.test(lower);
  }
  const [a = 0, b = 0] = ip.split(".").map(Number);
  return (
    a === 127 ||
    a === 10 ||
    a === 0 ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168)
  );
}

function isCertificateError(error: unknown): boolean {
  const message = (error as Error).message ?? "";
  return /certificate|self[- ]signed|unable to (get|verify)/i.test(message);
}

function expectOk(response: Response, what: string): void {
  if (response.status >= 200 && response.status < 300) return;
  throw new RegistryError(`${what}: HTTP ${response.status}${errorDetail(response)}`, response.status);
}

/** The registry's error message (`{"errors":[{"code":…,"message":…}]}`), when it sent one. */
function errorDetail(response: Response): string {
  try {
    const body = JSON.parse(response.body.toString("utf8")) as {
      errors?: { code?: string; message?: string }[];
      details?: string;
    };
    const first = body.errors?.[0];
    if (first) return ` ${[first.code, first.message].filter(Boolean).join(": ")}`;
  } catch {}
  return "";
}

/** Refuses bytes that do not match their OCI digest, and digests of an algorithm kubestrap cannot check. */
export function checkDigest(bytes: Buffer, digest: string, what: string): void {
  const [algorithm, expected] = digest.split(":");
  if (algorithm !== "sha256" && algorithm !== "sha512")
    throw new RegistryError(`${what} digest ${digest} uses an unsupported algorithm`);
  const actual = createHash(algorithm).update(bytes).digest("hex");
  if (actual !== expected) throw new RegistryError(`${what} does not match its digest ${digest}`);
}
