import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
