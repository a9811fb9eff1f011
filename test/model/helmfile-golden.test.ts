/**
 * kubestrap's helmfile reader against what the real helmfile resolved for each differential case, recorded in
 * test/helmfile/golden by the integration test: releases, charts, versions, values, needs, hooks, labels,
 * installed and condition, without helmfile at hand.
 */
import { describe, expect, it } from "vitest";
import { readGolden, slug } from "../golden-file.ts";
import { HELMFILE_CASES } from "../helmfile/cases.ts";
import { kubestrapState } from "../helmfile/differential.ts";
import { makeRepo } from "../helpers.ts";

describe("helmfile reader resolves what helmfile resolved", () => {
  it("gives every case its own golden file", () => {
    const names = HELMFILE_CASES.map((c) => slug(c.name));
    expect(new Set(names).size).toBe(names.length);
  });

  for (const c of HELMFILE_CASES) {
    it(c.name, () => {
      const ours = kubestrapState(makeRepo(c.files), c.file ?? "helmfile.yaml", c.environment, c.env);
      if (c.fails) {
        expect(ours.error).toBeDefined();
        return;
      }
      expect(ours).toEqual(readGolden(new URL(`../helmfile/golden/${slug(c.name)}.json`, import.meta.url)));
    });
  }
});
