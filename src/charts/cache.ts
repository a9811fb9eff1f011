/**
 * Content-addressed caches for charts and renders, under `<cache>/charts` and `<cache>/renders`.
 *
 * - A pulled chart archive is stored by its sha256 (`charts/blobs/sha256-<hex>.tgz`); `charts/refs/` maps a
 *   reference (URL + tag, semver range or digest) to that digest, so an exact reference is served from the
 *   cache without the network and a range falls back to the last pull when the registry cannot be reached.
 * - A render is stored under everything that decides its output: chart digest, values, helm version,
 *   Kubernetes version, release name and namespace.
 *
 * Every write goes to a temporary file that is renamed into place, so concurrent runs and interruptions
 * never leave a torn entry.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, relative } from "node:path";
import { isExactVersion } from "../model/charts.ts";
import type { ChartLocation } from "../model/releases.ts";
import type { Helm } from "./helm.ts";
import type { OciClient } from "./oci.ts";

/** `$KUBESTRAP_CACHE_DIR`, else `$XDG_CACHE_HOME/kubestrap`, else `~/.cache/kubestrap`. */
export function defaultCacheDir(): string {
  if (process.env.KUBESTRAP_CACHE_DIR) return process.env.KUBESTRAP_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "kubestrap");
}

export interface FetchedChart {
  /** A .tgz archive or a chart directory, ready for `helm template`. */
  path: string;
  /** `sha256:<hex>` of the archive, or of the directory's files for a local chart. */
  digest: string;
  /** The archive's bytes, when this run pulled it (saves reading back what was just written). */
  bytes?: Buffer;
  from: "cache" | "registry" | "directory";
}

export class ChartCache {
  private readonly root: string;
  private oci: OciClient | undefined;
  /** Pulls in progress, by reference: the CRD phase and a release step asking at once share one. */
  private readonly pulling = new Map<string, Promise<Omit<FetchedChart, "from">>>();

  constructor(cacheDir = defaultCacheDir()) {
    this.root = cacheDir;
  }

  async fetch(helm: Helm, chart: ChartLocation, options: { offline?: boolean } = {}): Promise<FetchedChart> {
    if (chart.type === "path")
      return { path: chart.path, digest: await directoryDigest(chart.path), from: "directory" };
    const reference = stableJson(chart);
    const refFile = join(this.root, "charts", "refs", keyHash(reference));
    const cached = await this.cachedRef(refFile, reference);
    const exact =
      chart.type === "oci"
        ? chart.digest !== undefined ||
          [chart.tag, chart.semver].some((version) => version !== undefined && isExactVersion(version))
        : chart.version !== undefined && isExactVersion(chart.version);
    if (cached && (exact || options.offline)) return { ...cached, from: "cache" };
    if (options.offline) throw new Error("not in the chart cache, and --offline forbids pulling it");
    let pulling = this.pulling.get(reference);
    if (!pulling) {
      pulling = this.pull(helm, chart, refFile, reference).finally(() => this.pulling.delete(reference));
      this.pulling.set(reference, pulling);
    }
    try {
      return { ...(await pulling), from: "registry" };
    } catch (error) {
      // A version range whose registry is unreachable: the last chart it resolved to.
      if (cached) return { ...cached, from: "cache" };
      throw error;
    }
  }

  /** A ref file is the digest, then the reference it answers (a different reference is a miss). */
  private async cachedRef(
    refFile: string,
    reference: string,
  ): Promise<Omit<FetchedChart, "from"> | undefined> {
    if (!existsSync(refFile)) return undefined;
    const [digest = "", stored] = (await readFile(refFile, "utf8")).split("\n");
    if (stored !== reference) return undefined;
    const path = this.blobPath(digest);
    return existsSync(path) ? { path, digest } : undefined;
  }

  private blobPath(digest: string): string {
    return join(this.root, "charts", "blobs", `${digest.replace(":", "-")}.tgz`);
  }

  /**
   * An oci:// chart named by digest, tag or exact version is pulled natively (a manifest and a blob request,
   * see oci.ts); a version range, no version, or a chart repository goes through `helm pull`.
   */
  private async pull(
    helm: Helm,
    chart: Exclude<ChartLocation, { type: "path" }>,
    refFile: string,
    reference: string,
  ): Promise<Omit<FetchedChart, "from">> {
    // Loaded only when something is pulled: a warm run needs no HTTP or TLS modules.
    const { OciClient, ociReference } = await import("./oci.ts");
    const native = chart.type === "oci" ? ociReference(chart) : undefined;
    let bytes: Buffer;
    if (native) {
      this.oci ??= new OciClient();
      bytes = (
        await this.oci.pullChart(native).catch((error: Error) => {
          throw new Error(`pull failed: ${error.message}`);
        })
      ).bytes;
    } else bytes = await this.helmPull(helm, chart);
    const { createHash } = await import("node:crypto");
    const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    const blob = this.blobPath(digest);
    if (!existsSync(blob)) await atomicWrite(blob, bytes);
    await atomicWrite(refFile, `${digest}\n${reference}\n`);
    return { path: blob, digest, bytes };
  }

  private async helmPull(helm: Helm, chart: Exclude<ChartLocation, { type: "path" }>): Promise<Buffer> {
    await mkdir(join(this.root, "charts"), { recursive: true });
    const tmp = await mkdtemp(join(this.root, "charts", "pull-"));
    try {
      await helm.pull(chart, tmp);
      const archive = (await readdir(tmp)).find((f) => f.endsWith(".tgz"));
      if (!archive) throw new Error("helm pull wrote no chart archive");
      return await readFile(join(tmp, archive));
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  /** The key of a render: everything that decides its output, as stable JSON. */
  renderKey(parts: Record<string, unknown>): string {
    return stableJson(parts);
  }

  /**
   * A render is two files named by its key's hash: `<hash>.yaml` with the CRD documents exactly as helm
   * printed them, and `<hash>.json`, the key and a small index (written last, so it marks the render
   * complete). The YAML is read and written as bytes, never parsed, which keeps a warm run of a 13 MiB CRD
   * set in the tens of milliseconds. A stored key that differs from the one asked for is a miss.
   */
  async readRender<T>(key: string): Promise<{ index: T; bytes: Buffer } | undefined> {
    try {
      const file = join(this.root, "renders", keyHash(key));
      const stored = JSON.parse(await readFile(`${file}.json`, "utf8")) as { key: string; index: T };
      if (stored.key !== key) return undefined;
      return { index: stored.index, bytes: await readFile(`${file}.yaml`) };
    } catch {
      return undefined;
    }
  }

  async writeRender(key: string, index: unknown, bytes: Buffer): Promise<void> {
    const file = join(this.root, "renders", keyHash(key));
    await atomicWrite(`${file}.yaml`, bytes);
    await atomicWrite(`${file}.json`, JSON.stringify({ key, index }));
  }
}

let writes = 0;

async function atomicWrite(file: string, content: string | Buffer): Promise<void> {
  await mkdir(join(file, ".."), { recursive: true });
  // Unique across processes (pid) and within one (counter), so concurrent writers never share a file.
  const tmp = `${file}.${process.pid}.${++writes}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, file);
}

/**
 * A cache file name for a key: two 53-bit string hashes (cyrb53, two seeds). Not cryptographic, and it need
 * not be: every entry stores its full key and a different key is a miss. What it saves is loading
 * node:crypto, about a tenth of a warm run.
 */
function keyHash(key: string): string {
  const part = (seed: number) => {
    let h1 = 0xdeadbeef ^ seed;
    let h2 = 0x41c6ce57 ^ seed;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, "0");
  };
  return part(0) + part(1);
}

/** JSON with object keys sorted, so that equal values hash equally whatever their key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/** Hash of a chart directory: every file's relative path and content, in sorted order. */
async function directoryDigest(dir: string): Promise<string> {
  const { createHash } = await import("node:crypto");
  const hash = createHash("sha256");
  const files: string[] = [];
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  await walk(dir);
  files.sort();
  for (const file of files) {
    hash.update(`${relative(dir, file)}\0`);
    hash.update(await readFile(file));
    hash.update("\0");
  }
  return `sha256:${hash.digest("hex")}`;
}
