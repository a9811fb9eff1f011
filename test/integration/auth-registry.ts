/**
 * Distribution registries (the same binary as the test environment's) that require authentication: one with
 * basic (htpasswd) authentication, and one with distribution token authentication and the token service it
 * trusts. The service is small and lives in the test
 * process: it checks basic credentials (GET) or OAuth2 refresh tokens and passwords (POST), and signs ES256
 * JWTs whose key the registry reads from a JWKS file, so the registry verifies every token for real.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRegistry } from "../../scripts/testenv/registry.ts";

const SERVICE = "kubestrap-test-registry";
const ISSUER = "kubestrap-test-token-service";
const KEY_ID = "kubestrap-test-key";

export interface TokenRequest {
  method: string;
  /** `basic` (GET with credentials), `anonymous` (GET without), `refresh_token` or `password` (POST). */
  grant: string;
  user?: string;
  scopes: string[];
  granted: boolean;
}

export interface AuthRegistry {
  /** `127.0.0.1:<port>`, plain HTTP. */
  registry: string;
  /** The token service's URL, as the registry's challenge names it. */
  realm: string;
  requests: TokenRequest[];
  stop(): Promise<void>;
}

export interface AuthRegistryOptions {
  users: Record<string, string>;
  /** Refresh tokens (docker's `identitytoken`) the service accepts, and the user each stands for. */
  refreshTokens?: Record<string, string>;
}

export async function startAuthRegistry(options: AuthRegistryOptions): Promise<AuthRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "kubestrap-auth-registry-"));
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = { ...publicKey.export({ format: "jwk" }), kid: KEY_ID, use: "sig", alg: "ES256" };
  writeFileSync(join(dir, "jwks.json"), JSON.stringify({ keys: [jwk] }));

  const requests: TokenRequest[] = [];
  const tokenServer = createServer(async (req, res) => {
    const answer = await tokenAnswer(req, options, privateKey);
    requests.push(answer.request);
    res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
  });
  await listen(tokenServer);
  const realm = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`;

  const { registry, stop } = await spawnRegistry(dir, [
    "auth:",
    "  token:",
    `    realm: ${realm}`,
    `    service: ${SERVICE}`,
    `    issuer: ${ISSUER}`,
    `    jwks: ${join(dir, "jwks.json")}`,
  ]);
  return {
    registry,
    realm,
    requests,
    async stop() {
      await stop();
      await new Promise<void>((resolve) => tokenServer.close(() => resolve()));
    },
  };
}

export interface BasicAuthRegistry {
  registry: string;
  user: string;
  password: string;
  stop(): Promise<void>;
}

/**
 * A registry with htpasswd (basic) authentication. Given an htpasswd file that does not exist, distribution
 * provisions the user `docker` with a random password and logs it: that is the user the test signs in as,
 * so no bcrypt hash has to be made here.
 */
export async function startBasicAuthRegistry(): Promise<BasicAuthRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "kubestrap-basic-registry-"));
  const { registry, stop, stderr } = await spawnRegistry(dir, [
    "auth:",
    "  htpasswd:",
    "    realm: kubestrap-test",
    `    path: ${join(dir, "htpasswd")}`,
  ]);
  const provisioned = /password=(\S+).*user=docker|user=docker.*password=(\S+)/.exec(stderr());
  const password = provisioned?.[1] ?? provisioned?.[2];
  if (!password) throw new Error(`the registry logged no provisioned password:\n${stderr()}`);
  return { registry, user: "docker", password, stop };
}

/** The registry with `auth` lines, removed with its folder when stopped. */
async function spawnRegistry(
  dir: string,
  auth: string[],
): Promise<{ registry: string; stderr: () => string; stop: () => Promise<void> }> {
  const started = await startRegistry(dir, auth);
  return {
    registry: started.registry,
    stderr: started.stderr,
    async stop() {
      started.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function tokenAnswer(
  req: IncomingMessage,
  options: AuthRegistryOptions,
  key: KeyObject,
): Promise<{ status: number; body: unknown; request: TokenRequest }> {
  const url = new URL(req.url ?? "/", "http://localhost");
  let user: string | undefined;
  let grant: string;
  let scopes: string[];
  if (req.method === "POST") {
    const form = new URLSearchParams(await readBody(req));
    grant = form.get("grant_type") ?? "";
    scopes = (form.get("scope") ?? "").split(" ").filter(Boolean);
    if (grant === "refresh_token") user = options.refreshTokens?.[form.get("refresh_token") ?? ""];
    else if (grant === "password") {
      const name = form.get("username") ?? "";
      if (options.users[name] !== undefined && options.users[name] === form.get("password")) user = name;
    }
  } else {
    scopes = url.searchParams.getAll("scope");
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    grant = basic ? "basic" : "anonymous";
    if (basic) {
      const [name = "", password] = Buffer.from(basic, "base64").toString("utf8").split(/:(.*)/s);
      if (options.users[name] !== undefined && options.users[name] === password) user = name;
    }
  }
  const request: TokenRequest = { method: req.method ?? "", grant, scopes, granted: user !== undefined };
  if (user !== undefined) request.user = user;
  if (user === undefined)
    return { status: 401, body: { errors: [{ code: "UNAUTHORIZED", message: "bad credentials" }] }, request };
  const token = signToken(key, user, scopes);
  return { status: 200, body: { token, access_token: token, expires_in: 300 }, request };
}

function signToken(key: KeyObject, user: string, scopes: string[]): string {
  const now = Math.floor(Date.now() / 1000);
  const access = scopes.map((scope) => {
    const [type, name, actions] = scope.split(":");
    return { type, name, actions: (actions ?? "").split(",") };
  });
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const header = encode({ alg: "ES256", typ: "JWT", kid: KEY_ID });
  const claims = encode({
    iss: ISSUER,
    sub: user,
    aud: SERVICE,
    exp: now + 300,
    nbf: now - 10,
    iat: now,
    jti: randomBytes(8).toString("hex"),
    access,
  });
  const signature = sign("sha256", Buffer.from(`${header}.${claims}`), { key, dsaEncoding: "ieee-p1363" });
  return `${header}.${claims}.${signature.toString("base64url")}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      text += chunk;
    });
    req.on("end", () => resolve(text));
    req.on("error", reject);
  });
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
}

/** `sha256:<hex>` of some bytes. */
export function digestOf(bytes: Buffer): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}
