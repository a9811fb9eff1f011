/**
 * Renders the CRD-providing releases with `helm template --include-crds`, in parallel (bounded by the
 * cores), and extracts their CustomResourceDefinitions. Each render is cached by chart digest, values, helm
 * version, Kubernetes version, release name and namespace, so a second run renders nothing.
 */

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { load } from "js-yaml";
import type { ChartCache } from "./cache.ts";
import type { Helm } from "./helm.ts";
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

export interface RenderedRelease {
  release: ChartRelease;
  crds: RenderedCrd[];
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

export interface RenderResult {
  rendered: RenderedRelease[];
  failures: RenderFailure[];
}

interface CachedRender {
  crds: { name: string; text: string }[];
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
  if (hit) {
    return {
      release,
      crds: hit.crds.map((c) => toRendered(c, release)),
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
    const crds = extractCrds(output);
    await options.cache.writeRender(key, { crds } satisfies CachedRender);
    return {
      release,
      crds: crds.map((c) => toRendered(c, release)),
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
  const out: { name: string; text: string }[] = [];
  for (const chunk of output.split(/^---[ \t]*$/m)) {
    if (!CRD_KIND.test(chunk)) continue;
    const object = load(chunk) as Record<string, unknown> | null;
    if (!object || object.kind !== "CustomResourceDefinition") continue;
    const name = (object.metadata as { name?: unknown } | undefined)?.name;
    if (typeof name !== "string") continue;
    out.push({ name, text: `${chunk.replace(/^\s*\n/, "").trimEnd()}\n` });
  }
  return out;
}
