import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, test } from "vitest";
import { ChartCache } from "../../src/charts/cache.ts";
import type { Helm } from "../../src/charts/helm.ts";

describe("the render cache", () => {
  test("a render is found by its key, and only by its key", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kubestrap-cache-unit-"));
    const cache = new ChartCache(dir);
    const key = cache.renderKey({ chart: "sha256:aa", values: { b: 1, a: 2 }, name: "x" });
    // Key order in the parts does not matter.
    expect(cache.renderKey({ name: "x", values: { a: 2, b: 1 }, chart: "sha256:aa" })).toBe(key);
    expect(await cache.readRender(key)).toBeUndefined();

    await cache.writeRender(key, { crds: [{ name: "a", start: 0, end: 3 }] }, Buffer.from("abc"));
    const hit = await cache.readRender<{ crds: unknown[] }>(key);
    expect(hit?.bytes.toString()).toBe("abc");
    expect(hit?.index.crds).toEqual([{ name: "a", start: 0, end: 3 }]);
    const other = cache.renderKey({ chart: "sha256:aa", values: { a: 2, b: 1 }, name: "y" });
    expect(await cache.readRender(other)).toBeUndefined();

    // Two files, named by a hash of the key; the index holds the whole key, so an entry under the same name
    // for another key (a hash collision) is a miss, not a wrong answer.
    const files = readdirSync(join(dir, "renders")).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^[0-9a-f]{28}\.json$/);
    const indexFile = join(dir, "renders", files[0] as string);
    const stored = JSON.parse(readFileSync(indexFile, "utf8"));
    expect(stored.key).toBe(key);
    writeFileSync(indexFile, JSON.stringify({ ...stored, key: other }));
    expect(await cache.readRender(key)).toBeUndefined();
  });
});

describe("pulling charts", () => {
  test("fetches of one reference at the same time share one pull; a later fetch of a range pulls again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kubestrap-cache-unit-"));
    const cache = new ChartCache(dir);
    let pulls = 0;
    // Only `pull` is reached for a chart repository reference; it writes an archive as `helm pull` would.
    const helm = {
      async pull(_chart: unknown, destination: string) {
        pulls++;
        await new Promise((resolve) => setTimeout(resolve, 20));
        writeFileSync(join(destination, "app-1.2.3.tgz"), "archive bytes");
      },
    } as unknown as Helm;
    const chart = { type: "repo", repoUrl: "https://charts.example", chart: "app", version: ">=1" } as const;

    const [a, b] = await Promise.all([cache.fetch(helm, chart), cache.fetch(helm, chart)]);
    expect(pulls).toBe(1);
    expect(a.path).toBe(b.path);
    expect(a.digest).toBe(b.digest);
    expect(readFileSync(a.path, "utf8")).toBe("archive bytes");

    // A range may resolve to a newer chart: once the first pull has ended, the next fetch asks again.
    await cache.fetch(helm, chart);
    expect(pulls).toBe(2);
  });
});

describe("the chart cache", () => {
  const sha256 = (s: string) => `sha256:${createHash("sha256").update(s).digest("hex")}`;
  /** A helm that only pulls: each pull writes the next archive of `archives` (or nothing, or fails). */
  const pulling = (archives: (string | Error | undefined)[]) => {
    const state = { pulls: 0 };
    const helm = {
      async pull(_chart: unknown, destination: string) {
        const next = archives[state.pulls++];
        if (next instanceof Error) throw next;
        if (next !== undefined) writeFileSync(join(destination, "app-1.0.0.tgz"), next);
        writeFileSync(join(destination, "index.yaml"), "not an archive");
      },
    } as unknown as Helm;
    return { helm, state };
  };
  const repoChart = (version: string) =>
    ({ type: "repo", repoUrl: "https://charts.example", chart: "app", version }) as const;

  test("an exact version is pulled once and then served from the cache, stored under its digest", async () => {
    const cache = new ChartCache(mkdtempSync(join(tmpdir(), "kubestrap-cache-unit-")));
    const { helm, state } = pulling(["v1 bytes"]);
    const first = await cache.fetch(helm, repoChart("1.0.0"));
    expect([first.from, first.digest, readFileSync(first.path, "utf8")]).toEqual([
      "registry",
      sha256("v1 bytes"),
      "v1 bytes",
    ]);
    expect(first.path).toMatch(/\/charts\/blobs\/sha256-[0-9a-f]{64}\.tgz$/);
    const second = await cache.fetch(helm, repoChart("1.0.0"));
    expect([second.from, second.path, second.digest, state.pulls]).toEqual([
      "cache",
      first.path,
      first.digest,
      1,
    ]);
    // Another version is another reference.
    await expect(cache.fetch(helm, repoChart("2.0.0"))).rejects.toThrow("helm pull wrote no chart archive");
  });

  test("offline, a range is served from the cache and an uncached chart is an error; a failed pull falls back", async () => {
    const cache = new ChartCache(mkdtempSync(join(tmpdir(), "kubestrap-cache-unit-")));
    const { helm, state } = pulling(["range bytes", new Error("registry down")]);
    const range = repoChart(">=1");
    await cache.fetch(helm, range);
    expect((await cache.fetch(helm, range, { offline: true })).from).toBe("cache");
    expect(state.pulls).toBe(1);
    const fallback = await cache.fetch(helm, range);
    expect([fallback.from, readFileSync(fallback.path, "utf8"), state.pulls]).toEqual([
      "cache",
      "range bytes",
      2,
    ]);
    await expect(cache.fetch(helm, repoChart(">=2"), { offline: true })).rejects.toThrow(
      "not in the chart cache, and --offline forbids pulling it",
    );
    await expect(cache.fetch(helm, repoChart(">=3"))).rejects.toThrow("helm pull wrote no chart archive");
  });

  test("a chart folder is read in place, its digest of every file's name and content", async () => {
    const cache = new ChartCache(mkdtempSync(join(tmpdir(), "kubestrap-cache-unit-")));
    const folder = (files: Record<string, string>) => {
      const dir = mkdtempSync(join(tmpdir(), "kubestrap-chart-"));
      for (const [name, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), text);
      }
      return dir;
    };
    const digest = async (files: Record<string, string>) => {
      const dir = folder(files);
      const fetched = await cache.fetch({} as Helm, { type: "path", path: dir });
      expect([fetched.path, fetched.from]).toEqual([dir, "directory"]);
      return fetched.digest;
    };
    const base = { "Chart.yaml": "name: a", "templates/x.yaml": "x" };
    const same = await digest(base);
    expect(same).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await digest({ "templates/x.yaml": "x", "Chart.yaml": "name: a" })).toBe(same);
    expect(await digest({ ...base, "templates/x.yaml": "y" })).not.toBe(same);
    expect(await digest({ "Chart.yaml": "name: a", "templates/z.yaml": "x" })).not.toBe(same);
    expect(await digest({ "Chart.yaml": "name: a", "crds/x.yaml": "x" })).not.toBe(same);
    expect(await digest({ "Chart.yaml": "name: ax", "templates/x.yaml": "" })).not.toBe(same);
  });
});
