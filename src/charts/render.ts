/**
 * Renders the CRD-providing releases with `helm template --include-crds`, several at once, and extracts
 * their CustomResourceDefinitions. Each render is cached by chart digest, values, helm version, Kubernetes
 * version, release name and namespace, so a second run renders nothing.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { loadAllManifests, loadManifest } from "../load/yaml.ts";
import { isRecord, type Json } from "../model/objects.ts";
import { type ChartRelease, describeChart } from "../model/releases.ts";
import { crdsFromArchive } from "./archive.ts";
import { ChartCache, type FetchedChart } from "./cache.ts";
import { type RenderedObject, splitRendered } from "./documents.ts";
import { Helm } from "./helm.ts";

/** One CRD document as the chart rendered it. */
export interface RenderedCrd {
  name: string;
  /** The document's YAML text, as helm printed it (without the `---` separator). */
  readonly text: string;
  /** The same text as UTF-8 bytes, for output. */
  bytes: Buffer;
  object: Record<string, unknown>;
  /** `namespace/name` of the release that rendered it. */
  release: string;
}

/** An object other than a CRD, as the chart rendered it. */
export interface RenderedManifest extends RenderedObject {
  /** Its YAML text as helm printed it; absent when only the chart's CRDs were read (from its archive). */
  text?: string;
}

export interface RenderedRelease {
  release: ChartRelease;
  crds: RenderedCrd[];
  objects: RenderedManifest[];
  chartDigest: string;
  cached: boolean;
  seconds: number;
}

export interface RenderFailure {
  release: ChartRelease;
  message: string;
}

export interface RenderOptions {
  helm: Helm;
  cache: ChartCache;
  kubeVersion?: string;
  concurrency?: number;
  offline?: boolean;
  /**
   * Only the CRDs are wanted: a dependency-free archive whose CRDs are all in `crds/` is read directly, as
   * helm would print it, without running its templates (they cannot change `crds/`).
   */
  crdsOnly?: boolean;
  /** Releases whose other objects are wanted too (`up`'s CRD gate): rendered by helm even with `crdsOnly`. */
  needsObjects?: (release: ChartRelease) => boolean;
  onProgress?: (event: {
    release: ChartRelease;
    state: "start" | "done" | "failed";
    detail?: string;
    /** With `done`: what was rendered. */
    rendered?: RenderedRelease;
  }) => void;
}

/** What a command says about rendering; `renderSettings` turns it into RenderOptions. */
export interface RenderSettings {
  helm?: string;
  kubeVersion?: string;
  cacheDir?: string;
  offline?: boolean;
  /** Pull every oci:// chart over plain HTTP (a local registry); OCIRepository `insecure: true` does it per chart. */
  plainHttp?: boolean;
  concurrency?: number;
  onProgress?: RenderOptions["onProgress"];
}

export function renderOptionsFrom(settings: RenderSettings): RenderOptions {
  const options: RenderOptions = { helm: new Helm(settings.helm), cache: new ChartCache(settings.cacheDir) };
  if (settings.kubeVersion) options.kubeVersion = settings.kubeVersion;
  if (settings.offline) options.offline = true;
  if (settings.concurrency) options.concurrency = settings.concurrency;
  if (settings.onProgress) options.onProgress = settings.onProgress;
  return options;
}

/** Applies `plainHttp` to the releases' oci:// charts. */
export function applyPlainHttp(releases: ChartRelease[], settings: RenderSettings): void {
  if (!settings.plainHttp) return;
  for (const r of releases) if (r.chart.type === "oci") r.chart.plainHttp = true;
}

export interface RenderResult {
  rendered: RenderedRelease[];
  failures: RenderFailure[];
}

/** The objects other than CRDs that a render holds the text of, parsed (each document as Kubernetes reads it). */
export function renderedBodies(rendered: RenderedRelease): Json[] {
  return rendered.objects.flatMap((o) => {
    const body = o.text === undefined ? undefined : loadAllManifests(o.text)?.[0];
    return isRecord(body) ? [body] : [];
  });
}

/** The index of a cached render; the documents are byte ranges of the render's YAML file. */
interface RenderIndex {
  crds: { name: string; start: number; end: number }[];
  objects: (RenderedObject & { start?: number; end?: number })[];
}

/** Objects with their text, from the byte ranges of the render's file. */
function manifestsOf(index: RenderIndex, bytes: Buffer): RenderedManifest[] {
  return index.objects.map(({ start, end, ...object }) =>
    start === undefined || end === undefined
      ? object
      : { ...object, text: bytes.subarray(start, end).toString("utf8") },
  );
}

/** Runs at most `n` of the given tasks at once. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    while (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * Every chart is fetched at once (pulls wait on the registry, not the CPU); `helm template` runs start as
 * their chart arrives, 2 × cores at a time. Archives read without helm take no slot.
 */
export async function renderCrds(releases: ChartRelease[], options: RenderOptions): Promise<RenderResult> {
  const helm = options.helm.identity();
  helm.catch(() => {});
  const fetchSlot = limiter(16);
  const renderSlot = limiter(Math.max(1, options.concurrency ?? 2 * availableParallelism()));
  const results = await Promise.all(
    releases.map(async (release): Promise<RenderedRelease | RenderFailure> => {
      options.onProgress?.({ release, state: "start" });
      const started = performance.now();
      try {
        const fetched = await fetchSlot(() =>
          options.cache.fetch(options.helm, release.chart, { offline: options.offline ?? false }),
        );
        const rendered = await renderOne(release, fetched, helm, options, renderSlot);
        rendered.seconds = (performance.now() - started) / 1000;
        options.onProgress?.({
          release,
          state: "done",
          detail: plural(rendered.crds.length, "CRD"),
          rendered,
        });
        return rendered;
      } catch (error) {
        const message = `release ${release.id} (chart ${describeChart(release.chart)}): ${(error as Error).message}`;
        options.onProgress?.({ release, state: "failed", detail: message });
        return { release, message };
      }
    }),
  );
  // helm that cannot run is one error for the whole phase, not one per release.
  await helm;
  const out: RenderResult = { rendered: [], failures: [] };
  for (const r of results) {
    if ("crds" in r) out.rendered.push(r);
    else out.failures.push(r);
  }
  return out;
}

/**
 * Everything that decides what `helm template` prints for a release: the chart's digest (never a version range),
 * the values, helm's version, the Kubernetes version charts render for, and the release name and namespace.
 */
export function helmRenderKey(
  release: Pick<ChartRelease, "name" | "namespace" | "values">,
  chartDigest: string,
  helmVersion: string,
  kubeVersion: string | undefined,
): Record<string, unknown> {
  return {
    // Renders cached before objects kept their text hold identities only: a different key, so they miss.
    layout: "objects-with-text",
    chart: chartDigest,
    values: release.values,
    helm: helmVersion,
    kube: kubeVersion ?? "helm-default",
    name: release.name,
    namespace: release.namespace,
  };
}

async function renderOne(
  release: ChartRelease,
  fetched: FetchedChart,
  helm: Promise<string>,
  options: RenderOptions,
  slot: <T>(task: () => Promise<T>) => Promise<T>,
): Promise<RenderedRelease> {
  // A chart read from its archive is keyed by its digest alone; one rendered by helm by everything that
  // decides helm's output. The archive key is tried first, so a warm run opens no archive.
  const readArchive = options.crdsOnly && !release.templatedCrds && !options.needsObjects?.(release);
  const archiveKey = readArchive
    ? options.cache.renderKey({ chart: fetched.digest, reader: "archive-crds" })
    : undefined;
  const helmKey = options.cache.renderKey(
    helmRenderKey(release, fetched.digest, await helm, options.kubeVersion),
  );
  for (const key of [archiveKey, helmKey]) {
    const hit = key ? await options.cache.readRender<RenderIndex>(key) : undefined;
    if (hit) {
      return {
        release,
        crds: hit.index.crds.map((c) => renderedCrd(c.name, hit.bytes.subarray(c.start, c.end), release.id)),
        objects: manifestsOf(hit.index, hit.bytes),
        chartDigest: fetched.digest,
        cached: true,
        seconds: 0,
      };
    }
  }
  const fromArchive = readArchive ? await crdsFromArchive(fetched.path, fetched.bytes) : undefined;
  let index: RenderIndex;
  let all: Buffer;
  if (fromArchive) {
    index = { crds: [], objects: [] };
    all = Buffer.concat(fromArchive.map((c) => c.bytes));
    let offset = 0;
    for (const crd of fromArchive) {
      index.crds.push({ name: crd.name, start: offset, end: offset + crd.bytes.length });
      offset += crd.bytes.length;
    }
  } else {
    const output = await slot(() => helmTemplate(release, fetched.path, options));
    const { crds, objects } = splitRendered(output);
    index = { crds: [], objects: [] };
    let offset = 0;
    const range = (text: string) => {
      const start = offset;
      offset += Buffer.byteLength(text);
      return { start, end: offset };
    };
    for (const crd of crds) index.crds.push({ name: crd.name, ...range(crd.text) });
    for (const { text, ...object } of objects) index.objects.push({ ...object, ...range(text) });
    all = Buffer.from([...crds, ...objects].map((d) => d.text).join(""));
  }
  await options.cache.writeRender(fromArchive ? (archiveKey as string) : helmKey, index, all);
  return {
    release,
    crds: index.crds.map((c) => renderedCrd(c.name, all.subarray(c.start, c.end), release.id)),
    objects: manifestsOf(index, all),
    chartDigest: fetched.digest,
    cached: false,
    seconds: 0,
  };
}

/** `helm template` with the release's values in a temporary file. */
async function helmTemplate(
  release: ChartRelease,
  chartPath: string,
  options: RenderOptions,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kubestrap-values-"));
  try {
    const valuesFile = join(dir, "values.json");
    await writeFile(valuesFile, JSON.stringify(release.values));
    const templateOptions = { releaseName: release.name, namespace: release.namespace, valuesFile };
    return await options.helm.template(
      chartPath,
      options.kubeVersion ? { ...templateOptions, kubeVersion: options.kubeVersion } : templateOptions,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Text and parsed object are only built when something reads them (conflicts, JSON output, apply). */
export function renderedCrd(name: string, bytes: Buffer, release: string): RenderedCrd {
  let text: string | undefined;
  let parsed: Record<string, unknown> | undefined;
  return {
    name,
    bytes,
    release,
    get text() {
      text ??= bytes.toString("utf8");
      return text;
    },
    get object() {
      parsed ??= loadManifest(this.text) as Record<string, unknown>;
      return parsed;
    },
  };
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** The CustomResourceDefinition documents of a multi-document helm output, as text with their names. */
export function extractCrds(output: string): { name: string; text: string }[] {
  return splitRendered(output).crds;
}
