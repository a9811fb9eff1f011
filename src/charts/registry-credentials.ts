/**
 * Registry credentials found where helm finds them: helm's registry config first (`$HELM_REGISTRY_CONFIG`,
 * else `<helm config home>/registry/config.json`), then the docker config (`$DOCKER_CONFIG/config.json`,
 * else `~/.docker/config.json`). Each file is read as docker reads it: a credential helper for the host
 * (`credHelpers`), else the file's credential store (`credsStore`), else the platform's default helper when
 * the file configures no authentication at all, else the `auths` entry, whose key may carry a scheme and path
 * (`https://registry.example.com/v1/`).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";

export interface RegistryCredential {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (`identitytoken`, or a helper's secret under the user name `<token>`). */
  identityToken?: string;
  /** A bearer token sent to the registry as it is (`registrytoken`). */
  registryToken?: string;
  /** Where it was found: a config file, or a credential helper and the file that named it. */
  from: string;
}

export class RegistryCredentialError extends Error {
  override readonly name = "RegistryCredentialError";
}

/** The configuration files helm reads registry credentials from, in the order it reads them. */
export function registryConfigFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME || homedir();
  const helmConfigHome = env.HELM_CONFIG_HOME || join(env.XDG_CONFIG_HOME || join(home, ".config"), "helm");
  return [
    env.HELM_REGISTRY_CONFIG || join(helmConfigHome, "registry", "config.json"),
    join(env.DOCKER_CONFIG || join(home, ".docker"), "config.json"),
  ];
}

/** The key docker and helm store a registry's credentials under; Docker Hub has a historical one. */
export function serverAddress(host: string): string {
  return host === "registry-1.docker.io" || host === "docker.io" ? "https://index.docker.io/v1/" : host;
}

interface ConfigFile {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export class RegistryCredentials {
  private readonly files: string[];
  private readonly env: NodeJS.ProcessEnv;
  private readonly found = new Map<string, Promise<RegistryCredential | undefined>>();

  constructor(files?: string[], env: NodeJS.ProcessEnv = process.env) {
    this.env = env;
    this.files = files ?? registryConfigFiles(env);
  }

  /** Where credentials are looked for, for error messages. */
  get sources(): readonly string[] {
    return this.files;
  }

  /** The first credential any source holds for `host` (`host[:port]`), or undefined. */
  get(host: string): Promise<RegistryCredential | undefined> {
    let found = this.found.get(host);
    if (!found) {
      found = this.lookup(serverAddress(host));
      this.found.set(host, found);
    }
    return found;
  }

  private async lookup(address: string): Promise<RegistryCredential | undefined> {
    for (const file of this.files) {
      const credential = await this.fromFile(file, address);
      if (credential) return credential;
    }
    return undefined;
  }

  private async fromFile(file: string, address: string): Promise<RegistryCredential | undefined> {
    const config = await readConfig(file);
    if (!config) return undefined;
    const helper =
      config.credHelpers?.[address] ||
      config.credsStore ||
      (authConfigured(config) ? undefined : this.defaultHelper());
    if (helper) return runHelper(helper, address, file, this.env);
    const entry =
      config.auths?.[address] ??
      Object.entries(config.auths ?? {}).find(([key]) => toHostname(key) === address)?.[1];
    return entry ? fromAuthEntry(entry, file) : undefined;
  }

  /** As docker does on Linux: `pass` when it is installed, else `secretservice`, if its helper exists. */
  private defaultHelper(): string | undefined {
    const suffix = this.onPath("pass") ? "pass" : "secretservice";
    return this.onPath(`docker-credential-${suffix}`) ? suffix : undefined;
  }

  private onPath(command: string): boolean {
    return (this.env.PATH ?? "").split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
  }
}

async function readConfig(file: string): Promise<ConfigFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new RegistryCredentialError(`cannot read ${file}: ${(error as Error).message}`);
  }
  // helm writes an empty registry config before the first login.
  if (!text.trim()) return {};
  try {
    return JSON.parse(text) as ConfigFile;
  } catch (error) {
    throw new RegistryCredentialError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

function authConfigured(config: ConfigFile): boolean {
  return (
    Boolean(config.credsStore) ||
    Object.keys(config.credHelpers ?? {}).length > 0 ||
    Object.keys(config.auths ?? {}).length > 0
  );
}

/** `https://registry.example.com/v1/` → `registry.example.com`, as docker matches legacy keys. */
function toHostname(key: string): string {
  return key.replace(/^https?:\/\//, "").split("/")[0] ?? key;
}

function fromAuthEntry(entry: AuthEntry, file: string): RegistryCredential | undefined {
  const credential: RegistryCredential = { from: file };
  if (entry.username) credential.username = entry.username;
  if (entry.password) credential.password = entry.password;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0)
      throw new RegistryCredentialError(`${file}: an "auth" value is not base64 of user:password`);
    credential.username = decoded.slice(0, colon);
    credential.password = decoded.slice(colon + 1);
  }
  if (entry.identitytoken) credential.identityToken = entry.identitytoken;
  if (entry.registrytoken) credential.registryToken = entry.registrytoken;
  const empty = !credential.username && !credential.password && !credential.identityToken;
  return empty && !credential.registryToken ? undefined : credential;
}

/** The docker credential-helper protocol: `docker-credential-<suffix> get`, the server address on stdin. */
function runHelper(
  suffix: string,
  address: string,
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<RegistryCredential | undefined> {
  const command = `docker-credential-${suffix}`;
  return new Promise((resolve, reject) => {
    const child = execFile(command, ["get"], { env, timeout: 30_000 }, (error, stdout) => {
      if (error) {
        // The protocol's answer for "no credentials for this server".
        if (stdout.includes("credentials not found")) return resolve(undefined);
        const detail = stdout.trim() || error.message;
        return reject(new RegistryCredentialError(`${command} (named in ${file}) failed: ${detail}`));
      }
      try {
        const answer = JSON.parse(stdout) as { Username?: string; Secret?: string };
        const from = `${command} (named in ${file})`;
        if (!answer.Secret) return resolve(undefined);
        resolve(
          answer.Username === "<token>"
            ? { identityToken: answer.Secret, from }
            : { username: answer.Username ?? "", password: answer.Secret, from },
        );
      } catch {
        reject(new RegistryCredentialError(`${command} (named in ${file}) did not answer with JSON`));
      }
    });
    child.stdin?.end(address);
  });
}
