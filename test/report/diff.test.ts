import { describe, expect, it } from "vitest";
import type { UnitChange } from "../../src/analysis/changes.ts";
import type { RepositoryDiff } from "../../src/app/diff.ts";
import { formatDiffMarkdown, formatDiffText, summaryLine } from "../../src/report/diff.ts";

function configMapChange(name: string, value: string): UnitChange {
  return {
    unit: "Kustomization",
    id: `flux-system/${name}`,
    change: "changed",
    location: { file: "ks.yaml", line: 1 },
    objects: [
      {
        change: "changed",
        apiVersion: "v1",
        kind: "ConfigMap",
        name,
        namespace: "default",
        location: { file: `${name}.yaml`, line: 1 },
        before: { data: { v: "old" } },
        after: { data: { v: value } },
      },
    ],
  };
}

function diff(changes: UnitChange[], extra: Partial<RepositoryDiff> = {}): RepositoryDiff {
  return {
    baseline: "main",
    commit: "0123456789abcdef",
    several: false,
    clusters: [{ name: "c", changes }],
    ...extra,
  };
}

describe("diff report", () => {
  it("Markdown fences a diff that holds backticks with a longer fence", () => {
    const md = formatDiffMarkdown(diff([configMapChange("a", "```js\nx\n```")]));
    expect(md).toContain("\n````diff\n");
    expect(md).toContain("\n````\n\n</details>");
  });

  it("Markdown past the limit keeps every section's summary and drops the diffs that do not fit", () => {
    const big = "x".repeat(400);
    const changes = Array.from({ length: 10 }, (_, i) => configMapChange(`cm${i}`, big));
    const md = formatDiffMarkdown(diff(changes), 2_000);
    expect(md.match(/<details>/g)).toHaveLength(10);
    const kept = md.match(/```diff/g)?.length ?? 0;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(10);
    expect(md.match(/\(diff left out\)/g)).toHaveLength(10 - kept);
    expect(md.trimEnd().split("\n").at(-1)).toBe(
      "_Some diffs were left out to fit a comment: run `kubestrap diff` to see them all._",
    );
    expect(formatDiffMarkdown(diff(changes))).not.toContain("left out");
  });

  it("Markdown escapes HTML in a section's summary", () => {
    const change = configMapChange("a", "1");
    change.id = "flux-system/<script>";
    expect(formatDiffMarkdown(diff([change]))).toContain("<b>Kustomization flux-system/&lt;script&gt;</b>");
  });

  it("names the cluster of each section when the repository has several, and an unreadable baseline", () => {
    const d = diff([configMapChange("a", "1")], { several: true });
    d.clusters[0] = {
      name: "infra",
      changes: d.clusters[0]?.changes ?? [],
      unreadable: "cluster infra not found",
    };
    const text = formatDiffText(d, { color: false });
    expect(text.split("\n").slice(0, 2)).toEqual([
      "infra: baseline main could not be read (cluster infra not found): everything counts as added",
      "infra: Kustomization flux-system/a: 1 changed",
    ]);
  });

  it("colours added and removed lines only when asked", () => {
    const d = diff([configMapChange("a", "new")]);
    expect(formatDiffText(d, { color: false })).not.toContain("\u001b[");
    const coloured = formatDiffText(d, { color: true });
    expect(coloured).toContain("\u001b[32m+  v: new\u001b[39m");
    expect(coloured).toContain("\u001b[31m-  v: old\u001b[39m");
  });

  it("the summary line counts units and objects, or says there is no change", () => {
    expect(summaryLine(diff([]))).toBe("no change to the cluster against main (0123456789ab)");
    const { commit: _c, ...folder } = diff([configMapChange("a", "1")]);
    expect(summaryLine(folder)).toBe(
      "against main: 1 Kustomization and 0 HelmReleases changed; objects 0 added, 1 changed, 0 removed",
    );
  });

  it("a HelmRelease's rendered objects follow its chart and values; a chart not rendered is said", () => {
    const [rendered] = configMapChange("web", "new").objects;
    const release = (values: number, objects = rendered ? [rendered] : []): UnitChange => ({
      unit: "HelmRelease",
      id: "default/web",
      change: "changed",
      location: { file: "release.yaml", line: 2 },
      objects,
      before: { chart: "web 1.0.0", values: { replicas: 1 }, hiddenValues: [] },
      after: { chart: "web 1.0.0", values: { replicas: values }, hiddenValues: [] },
    });
    const text = formatDiffText(
      diff([release(3)], {
        clusters: [
          {
            name: "c",
            changes: [release(3), release(1)],
            renderFailures: ["HelmRelease default/db (baseline): pull failed"],
          },
        ],
      }),
      { color: false },
    );
    const lines = text.split("\n");
    expect(lines[0]).toBe(
      "not rendered, its objects not compared: HelmRelease default/db (baseline): pull failed",
    );
    expect(lines).toContain("HelmRelease default/web: values changed; rendered objects 1 changed");
    expect(lines).toContain("HelmRelease default/web: rendered objects 1 changed");
    expect(text.indexOf("+  replicas: 3")).toBeLessThan(
      text.indexOf("--- a/web.yaml\tConfigMap default/web"),
    );
    expect(formatDiffMarkdown(diff([release(1, [])]))).toContain("</b>: nothing shown changed</summary>");
    const md = formatDiffMarkdown(
      diff([], { clusters: [{ name: "c", changes: [], renderFailures: ["HelmRelease default/db: <x>"] }] }),
    );
    expect(md).toContain("> not rendered, its objects not compared: HelmRelease default/db: &lt;x&gt;");
  });
});
