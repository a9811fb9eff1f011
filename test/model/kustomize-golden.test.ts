/**
 * kubestrap's kustomize builder against what the real kustomize built for each differential case, recorded in
 * test/kustomize/golden by the integration test: the same objects, field for field, without kustomize at hand.
 */
import { describe, expect, it } from "vitest";
import { readGolden, slug } from "../golden-file.ts";
import { makeRepo } from "../helpers.ts";
import { KUSTOMIZE_CASES } from "../kustomize/cases.ts";
import { kubestrapBuild } from "../kustomize/differential.ts";

describe("kustomize builder builds what kustomize built", () => {
  it("gives every case its own golden file", () => {
    const names = KUSTOMIZE_CASES.map((c) => slug(c.name));
    expect(new Set(names).size).toBe(names.length);
  });

  for (const c of KUSTOMIZE_CASES) {
    it(c.name, () => {
      const ours = kubestrapBuild(makeRepo(c.files), c.dir ?? "app", c.components);
      if (c.fails) {
        expect(ours.findings.some((f) => f.startsWith("kustomize-invalid"))).toBe(true);
        return;
      }
      expect(ours.findings).toEqual([]);
      expect(ours.built).toEqual(
        readGolden(new URL(`../kustomize/golden/${slug(c.name)}.json`, import.meta.url)),
      );
    });
  }
});
