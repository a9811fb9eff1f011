/**
 * Kubeconfig loading as kubectl does it: `--kubeconfig`, else every file of $KUBECONFIG (merged, the first
 * file to name an entry wins), else ~/.kube/config; the context given or the current one; credentials from
 * tokens, token files, client certificates, basic auth, or an exec plugin (client.authentication.k8s.io
 * ExecCredential, as `aws eks get-token`, `kubelogin` and `talosctl` use). Legacy `auth-provider` users are
 * handed to @kubernetes/client-node.
 *
 * @kubernetes/client-node alone takes 0.9 s to import on the machines this was measured on, which is most of
 * a `kubestrap status`: it is loaded only for what this module does not read itself.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import jsyaml from "js-yaml";

export interface KubeconfigTarget {
  kubeconfig?: string;
  context?: string;
}

/** What a connection needs: the server, TLS material and credentials. */
export interface Connection {
  server: string;
  context: string;
  /** The file that was read first (for tools that are given the same kubeconfig). */
  file: string | undefined;
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  servername?: string;
  rejectUnauthorized: boolean;
  headers: Record<string, string>;
}

type Entry = Record<string, unknown>;

interface Named {
  name: string;
  [key: string]: unknown;
}

interface Merged {
  clusters: Map<string, Entry>;
  users: Map<string, Entry>;
  contexts: Map<string, Entry>;
  currentContext?: string;
  /** Each entry's file, for paths relative to it. */
  origin: Map<Entry, string>;
  files: string[];
}

export class KubeconfigError extends Error {
  override readonly name = "KubeError";
  readonly status = 0;
}

export function kubeconfigFiles(explicit?: string): string[] {
  if (explicit) return [resolve(explicit)];
  const env = process.env.KUBECONFIG;
  if (env)
    return env
      .split(delimiter)
      .filter(Boolean)
      .map((f) => resolve(f));
  return [join(homedir(), ".kube", "config")];
}

function readMerged(files: string[], explicit: boolean): Merged {
  const merged: Merged = {
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
    origin: new Map(),
    files: [],
  };
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      // kubectl ignores missing files of $KUBECONFIG, but not the one named with --kubeconfig.
      if (explicit || files.length === 1)
        throw new KubeconfigError(`cannot read the kubeconfig ${file}: ${(error as Error).message}`);
      continue;
    }
    let doc: Entry;
    try {
      doc = (jsyaml.load(text) ?? {}) as Entry;
    } catch (error) {
      throw new KubeconfigError(`the kubeconfig ${file} is not valid YAML: ${(error as Error).message}`);
    }
    merged.files.push(file);
    for (const [list, into, field] of [
      ["clusters", merged.clusters, "cluster"],
      ["users", merged.users, "user"],
      ["contexts", merged.contexts, "context"],
    ] as const) {
      for (const item of (Array.isArray(doc[list]) ? doc[list] : []) as Named[]) {
        if (!item?.name || into.has(item.name)) continue;
        const value = (item[field] ?? {}) as Entry;
        into.set(item.name, value);
        merged.origin.set(value, file);
      }
    }
    if (
      merged.currentContext === undefined &&
      typeof doc["current-context"] === "string" &&
      doc["current-context"]
    )
      merged.currentContext = doc["current-context"];
  }
  return merged;
}

function fileData(
  entry: Entry,
  origin: string | undefined,
  dataKey: string,
  fileKey: string,
): Buffer | undefined {
  const data = entry[dataKey];
  if (typeof data === "string" && data) return Buffer.from(data, "base64");
  const path = entry[fileKey];
  if (typeof path !== "string" || !path) return undefined;
  const full = isAbsolute(path) || !origin ? path : join(dirname(origin), path);
  try {
    return readFileSync(full);
  } catch (error) {
    throw new KubeconfigError(`cannot read ${fileKey} ${full}: ${(error as Error).message}`);
  }
}

/** Resolves the kubeconfig and the context into a connection, running an exec plugin if the user has one. */
export async function loadConnection(target: KubeconfigTarget = {}): Promise<Connection> {
  const files = kubeconfigFiles(target.kubeconfig);
  const merged = readMerged(files, target.kubeconfig !== undefined);
  const contextName = target.context ?? merged.currentContext;
  if (!contextName) throw new KubeconfigError(`the kubeconfig (${files.join(", ")}) has no current context`);
  const context = merged.contexts.get(contextName);
  if (!context)
    throw new KubeconfigError(`context ${contextName} is not in the kubeconfig (${files.join(", ")})`);
  const cluster = merged.clusters.get(String(context.cluster ?? ""));
  if (!cluster?.server)
    throw new KubeconfigError(
      `context ${contextName} names cluster ${String(context.cluster)}, which has no server`,
    );
  const user = merged.users.get(String(context.user ?? "")) ?? {};
  const connection: Connection = {
    server: String(cluster.server),
    context: contextName,
    file: merged.files[0],
    rejectUnauthorized: cluster["insecure-skip-tls-verify"] !== true,
    headers: {},
  };
  const ca = fileData(
    cluster,
    merged.origin.get(cluster),
    "certificate-authority-data",
    "certificate-authority",
  );
  if (ca) connection.ca = ca;
  if (typeof cluster["tls-server-name"] === "string") connection.servername = cluster["tls-server-name"];
  const userOrigin = merged.origin.get(user);
  const cert = fileData(user, userOrigin, "client-certificate-data", "client-certificate");
  const key = fileData(user, userOrigin, "client-key-data", "client-key");
  if (cert) connection.cert = cert;
  if (key) connection.key = key;
  if (typeof user.token === "string" && user.token) connection.headers.authorization = `Bearer ${user.token}`;
  else if (typeof user.tokenFile === "string") {
    const token = fileData({ f: user.tokenFile }, userOrigin, "-", "f")?.toString("utf8").trim();
    if (token) connection.headers.authorization = `Bearer ${token}`;
  } else if (typeof user.username === "string") {
    const basic = Buffer.from(`${user.username}:${String(user.password ?? "")}`).toString("base64");
    connection.headers.authorization = `Basic ${basic}`;
  }
  if (user.exec && typeof user.exec === "object") await applyExec(user.exec as Entry, connection, cluster);
  else if (user["auth-provider"]) await applyWithClientNode(target, connection);
  return connection;
}

/** Runs the exec plugin and takes its token or client certificate (ExecCredential status). */
async function applyExec(exec: Entry, connection: Connection, cluster: Entry): Promise<void> {
  const command = String(exec.command ?? "");
  const args = Array.isArray(exec.args) ? exec.args.map(String) : [];
  const env: Record<string, string> = {};
  for (const e of (Array.isArray(exec.env) ? exec.env : []) as Named[]) env[e.name] = String(e.value ?? "");
  const info = {
    apiVersion: String(exec.apiVersion ?? "client.authentication.k8s.io/v1"),
    kind: "ExecCredential",
    spec: { interactive: false, ...(exec.provideClusterInfo ? { cluster: { server: cluster.server } } : {}) },
  };
  const output = await new Promise<string>((resolvePromise, reject) => {
    execFile(
      command,
      args,
      { env: { ...process.env, ...env, KUBERNETES_EXEC_INFO: JSON.stringify(info) }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error)
          reject(
            new KubeconfigError(
              `the kubeconfig's exec plugin ${command} failed: ${stderr.trim() || error.message}`,
            ),
          );
        else resolvePromise(stdout);
      },
    );
  });
  const status = (JSON.parse(output) as { status?: Record<string, string> }).status ?? {};
  if (status.token) connection.headers.authorization = `Bearer ${status.token}`;
  if (status.clientCertificateData) connection.cert = status.clientCertificateData;
  if (status.clientKeyData) connection.key = status.clientKeyData;
}

async function applyWithClientNode(target: KubeconfigTarget, connection: Connection): Promise<void> {
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kc = new KubeConfig();
  if (target.kubeconfig) kc.loadFromFile(target.kubeconfig);
  else kc.loadFromDefault();
  kc.setCurrentContext(connection.context);
  const options: { headers: Record<string, string> } = { headers: {} };
  await kc.applyToHTTPSOptions(options);
  Object.assign(connection.headers, options.headers);
}

/**
 * A self-contained kubeconfig for the given context (credentials inlined), for tools kubestrap runs (hooks,
 * helm): they then reach the same cluster whatever the file's current context is.
 */
export function exportKubeconfig(target: KubeconfigTarget, context: string): string {
  const files = kubeconfigFiles(target.kubeconfig);
  const merged = readMerged(files, target.kubeconfig !== undefined);
  const ctx = merged.contexts.get(context) ?? {};
  const clusterName = String(ctx.cluster ?? "");
  const userName = String(ctx.user ?? "");
  const inline = (entry: Entry | undefined, pairs: [string, string][]): Entry => {
    const out: Entry = { ...(entry ?? {}) };
    for (const [fileKey, dataKey] of pairs) {
      const data = entry ? fileData(entry, merged.origin.get(entry), dataKey, fileKey) : undefined;
      if (data) {
        out[dataKey] = data.toString("base64");
        delete out[fileKey];
      }
    }
    return out;
  };
  return jsyaml.dump({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: clusterName,
        cluster: inline(merged.clusters.get(clusterName), [
          ["certificate-authority", "certificate-authority-data"],
        ]),
      },
    ],
    users: [
      {
        name: userName,
        user: inline(merged.users.get(userName), [
          ["client-certificate", "client-certificate-data"],
          ["client-key", "client-key-data"],
        ]),
      },
    ],
    contexts: [{ name: context, context: ctx }],
    "current-context": context,
  });
}
