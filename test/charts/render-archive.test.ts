/**
 * renderCrds for charts whose CRDs are read from the archive itself (crds/ only, no templates to run): what it
 * returns and reports, its render cache, its failures, and the settings a command passes it.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ChartCache } from "../../src/charts/cache.ts";
import type { Helm } from "../../src/charts/helm.ts";
import { applyPlainHttp, plural, renderCrds, renderOptionsFrom } from "../../src/charts/render.ts";
import type { ChartRelease } from "../../src/model/releases.ts";

const crd = (plural: string) =>
  `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${plural}.example.com\nspec:\n  group: example.com\n  names: {kind: W, plural: ${plural}}\n  scope: Namespaced\n  versions: [{name: v1, served: true, storage: true}]\n`;

/** A packaged chart (as `helm package` writes one: a gzipped tar of the chart folder) with two CRDs in crds/. */
function chartArchive(): string {
  const dir = mkdtempSync(join(tmpdir(), "kubestrap-render-unit-"));
  mkdirSync(join(dir, "w", "crds"), { recursive: true });
  writeFileSync(join(dir, "w", "Chart.yaml"), "apiVersion: v2\nname: w\nversion: 0.1.0\n");
  writeFileSync(join(dir, "w", "crds", "widgets.yaml"), `${crd("widgets")}---\n${crd("gadgets")}`);
  execFileSync("tar", ["-czf", join(dir, "w-0.1.0.tgz"), "-C", dir, "w"]);
  return join(dir, "w-0.1.0.tgz");
}

const release = (path: string, name = "w"): ChartRelease => ({
  id: `default/${name}`,
  name,
  namespace: "default",
  installedBy: "bootstrap",
  phase: "crds",
  chart: { type: "repo", repoUrl: `https://charts.example/${path}`, chart: "w", version: "0.1.0" },
  values: {},
  needs: [],
  hooks: [],
  helm: {},
  location: { file: "helmfile.yaml", line: 1 },
});

/**
 * A helm that never renders: pulling writes the archive as `helm pull` would (a chart repository reference is
 * pulled through helm), and reading crds/ needs only helm's identity, for the render key.
 */
const archive = chartArchive();
const helm = {
  identity: async () => "helm v3.18.0",
  async pull(chart: { repoUrl: string }, destination: string) {
    if (chart.repoUrl.endsWith("/gone")) throw new Error("chart not found");
    copyFileSync(archive, join(destination, "w-0.1.0.tgz"));
  },
} as unknown as Helm;

describe("CRDs read from a chart archive's crds/ folder", () => {
  it("are the chart's CRDs in order, cached under the chart's digest, with start and done reported", async () => {
    const cache = new ChartCache(mkdtempSync(join(tmpdir(), "kubestrap-render-cache-")));
    const events: string[] = [];
    const options = {
      helm,
      cache,
      crdsOnly: true,
      onProgress: (e: { release: ChartRelease; state: string; detail?: string }) =>
        events.push(`${e.release.name}:${e.state}:${e.detail ?? ""}`),
    };
    const first = await renderCrds([release("w")], options);
    expect(first.failures).toEqual([]);
    const [r] = first.rendered;
    expect([r?.cached, r?.crds.map((c) => [c.name, c.release]), r?.objects]).toEqual([
      false,
      [
        ["widgets.example.com", "default/w"],
        ["gadgets.example.com", "default/w"],
      ],
      [],
    ]);
    // As helm prints a crds/ file: its source first.
    const texts = [`# Source: w/crds/widgets.yaml\n${crd("widgets")}`, crd("gadgets")];
    expect(r?.crds.map((c) => c.text)).toEqual(texts);
    expect(r?.crds[0]?.object).toMatchObject({ metadata: { name: "widgets.example.com" } });
    expect(r?.chartDigest).toMatch(/^sha256:/);
    const again = await renderCrds([release("w")], options);
    expect([again.rendered[0]?.cached, again.rendered[0]?.crds.map((c) => c.text)]).toEqual([true, texts]);
    expect(events).toEqual(["w:start:", "w:done:2 CRDs", "w:start:", "w:done:2 CRDs"]);
  });

  it("a chart that cannot be fetched is a failure naming the release and chart; helm that cannot run fails all", async () => {
    const cache = new ChartCache(mkdtempSync(join(tmpdir(), "kubestrap-render-cache-")));
    const events: string[] = [];
    const result = await renderCrds([release("gone", "gone"), release("w")], {
      helm,
      cache,
      crdsOnly: true,
      concurrency: 1,
      onProgress: (e) => events.push(`${e.release.name}:${e.state}`),
    });
    expect(result.rendered.map((r) => r.release.name)).toEqual(["w"]);
    expect(result.failures.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^release default\/gone \(chart w 0\.1\.0 from https:\/\/charts\.example\/gone\): chart not found$/,
      ),
    ]);
    expect(events).toContain("gone:failed");
    const broken = { identity: async () => Promise.reject(new Error("helm not found")) } as unknown as Helm;
    await expect(renderCrds([release("w")], { helm: broken, cache, crdsOnly: true })).rejects.toThrow(
      "helm not found",
    );
  });
});

describe("render settings", () => {
  it("set only what the command gives", () => {
    const bare = renderOptionsFrom({});
    expect(Object.keys(bare).sort()).toEqual(["cache", "helm"]);
    const onProgress = () => {};
    const full = renderOptionsFrom({ kubeVersion: "1.33.0", offline: true, concurrency: 3, onProgress });
    expect([full.kubeVersion, full.offline, full.concurrency, full.onProgress]).toEqual([
      "1.33.0",
      true,
      3,
      onProgress,
    ]);
  });

  it("plain HTTP reaches every oci:// chart and nothing else", () => {
    const oci = { ...release("x"), chart: { type: "oci" as const, url: "oci://r/x" } };
    const path = { ...release("x"), chart: { type: "path" as const, path: "x" } };
    applyPlainHttp([oci, path], {});
    expect(oci.chart).toStrictEqual({ type: "oci", url: "oci://r/x" });
    applyPlainHttp([oci, path], { plainHttp: true });
    expect([oci.chart, path.chart]).toStrictEqual([
      { type: "oci", url: "oci://r/x", plainHttp: true },
      { type: "path", path: "x" },
    ]);
  });

  it("count nouns", () => {
    expect([plural(0, "CRD"), plural(1, "CRD"), plural(2, "CRD")]).toEqual(["0 CRDs", "1 CRD", "2 CRDs"]);
  });
});
