/**
 * Renders the CRD-providing releases with `helm template --include-crds`, in parallel (bounded by the
 * cores), and extracts their CustomResourceDefinitions. Each render is cached by chart digest, values, helm
 * version, Kubernetes version, release name and namespace, so a second run renders nothing.
 */

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { load } from "js-yaml";
import { ChartCache } from "./cache.ts";
import { Helm } from "./helm.ts";
import { type ChartRelease, describeChart } from "./releases.ts";

/** One CRD document as the chart rendered it. */
export interface RenderedCrd {
  name: string;
  /** The document's YAML text, as helm printed it (without the `---` separator). */
  text: string;
  object: Record<string, unknown>;
  /** `namespace/name` of the release that rendered it. */
  release: string;
}

/** An object the chart renders besides CRDs, by its identity only (what the CRD analysis needs). */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface RenderedRelease {
  release: ChartRelease;
  crds: RenderedCrd[];
  objects: RenderedObject[];
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
  onProgress?: (event: {
    release: ChartRelease;
    state: "start" | "done" | "failed";
    detail?: string;
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

interface CachedRender {
  crds: { name: string; text: string }[];
  objects: RenderedObject[];
}

export async function renderCrds(releases: ChartRelease[], options: RenderOptions): Promise<RenderResult> {
  const helmVersion = await options.helm.version();
  const results: (RenderedRelease | RenderFailure)[] = new Array(releases.length);
  let next = 0;
  const worker = async () => {
    while (next < releases.length) {
      const index = next++;
      const release = releases[index] as ChartRelease;
      options.onProgress?.({ release, state: "start" });
      const started = performance.now();
      try {
        const rendered = await renderOne(release, helmVersion, options);
        rendered.seconds = (performance.now() - started) / 1000;
        results[index] = rendered;
        options.onProgress?.({ release, state: "done", detail: plural(rendered.crds.length, "CRD") });
      } catch (error) {
        const message = `release ${release.id} (chart ${describeChart(release.chart)}): ${(error as Error).message}`;
        results[index] = { release, message };
        options.onProgress?.({ release, state: "failed", detail: message });
      }
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? availableParallelism(), releases.length));
  await Promise.all(Array.from({ length: workers }, worker));
  const out: RenderResult = { rendered: [], failures: [] };
  for (const r of results) {
    if ("crds" in r) out.rendered.push(r);
    else out.failures.push(r);
  }
  return out;
}

async function renderOne(
  release: ChartRelease,
  helmVersion: string,
  options: RenderOptions,
): Promise<RenderedRelease> {
  const fetched = await options.cache.fetch(options.helm, release.chart, {
    offline: options.offline ?? false,
  });
  const key = options.cache.renderKey({
    chart: fetched.digest,
    values: release.values,
    helm: helmVersion,
    kube: options.kubeVersion ?? "helm-default",
    name: release.name,
    namespace: release.namespace,
  });
  const hit = await options.cache.readRender<CachedRender>(key);
  if (hit?.objects) {
    return {
      release,
      crds: hit.crds.map((c) => toRendered(c, release)),
      objects: hit.objects,
      chartDigest: fetched.digest,
      cached: true,
      seconds: 0,
    };
  }
  const dir = await mkdtemp(join(tmpdir(), "kubestrap-values-"));
  try {
    const valuesFile = join(dir, "values.json");
    await writeFile(valuesFile, JSON.stringify(release.values));
    const templateOptions = { releaseName: release.name, namespace: release.namespace, valuesFile };
    const output = await options.helm.template(
      fetched.path,
      options.kubeVersion ? { ...templateOptions, kubeVersion: options.kubeVersion } : templateOptions,
    );
    const { crds, objects } = splitRendered(output);
    await options.cache.writeRender(key, { crds, objects } satisfies CachedRender);
    return {
      release,
      crds: crds.map((c) => toRendered(c, release)),
      objects,
      chartDigest: fetched.digest,
      cached: false,
      seconds: 0,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function toRendered(crd: { name: string; text: string }, release: ChartRelease): RenderedCrd {
  return { ...crd, object: load(crd.text) as Record<string, unknown>, release: release.id };
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

const CRD_KIND = /^kind:\s*["']?CustomResourceDefinition["']?\s*$/m;

/** The CustomResourceDefinition documents of a multi-document helm output, as text with their names. */
export function extractCrds(output: string): { name: string; text: string }[] {
  return splitRendered(output).crds;
}

/**
 * Splits helm output into the CRD documents (kept as text, exactly as rendered) and the identity of every
 * other object.
 */
export function splitRendered(output: string): CachedRender {
  const crds: CachedRender["crds"] = [];
  const objects: RenderedObject[] = [];
  for (const chunk of output.split(/^---[ \t]*$/m)) {
    if (!/^kind:/m.test(chunk)) continue;
    const object = load(chunk) as Record<string, unknown> | null;
    if (!object || typeof object.kind !== "string" || typeof object.apiVersion !== "string") continue;
    const metadata = (object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
    if (typeof metadata.name !== "string") continue;
    if (object.kind === "CustomResourceDefinition" && CRD_KIND.test(chunk)) {
      crds.push({ name: metadata.name, text: `${chunk.replace(/^\s*\n/, "").trimEnd()}\n` });
      continue;
    }
    const identity: RenderedObject = {
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: metadata.name,
    };
    if (typeof metadata.namespace === "string") identity.namespace = metadata.namespace;
    objects.push(identity);
  }
  return { crds, objects };
}
