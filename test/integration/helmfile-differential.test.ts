/**
 * kubestrap's helmfile reader against the real helmfile (built from the Go module proxy into the test
 * environment's cache) on helmfiles written for the test, one per feature: releases, charts, versions, values,
 * needs, hooks, labels, installed and condition must be the same, and a helmfile one refuses the other refuses.
 */
import { describe, expect, it } from "vitest";
import { helmfilePath } from "../../scripts/testenv/provision.ts";
import { goldenText, slug } from "../golden-file.ts";
import { HELMFILE_CASES } from "../helmfile/cases.ts";
import { helmfileState, kubestrapState } from "../helmfile/differential.ts";
import { makeRepo } from "../helpers.ts";

describe("helmfile reader agrees with helmfile build", () => {
  it("has at least 25 cases", () => {
    expect(HELMFILE_CASES.filter((c) => !c.fails).length).toBeGreaterThanOrEqual(25);
  });

  for (const c of HELMFILE_CASES) {
    it(c.name, async () => {
      const root = makeRepo(c.files);
      const file = c.file ?? "helmfile.yaml";
      const reference = helmfileState(helmfilePath(), root, file, c.environment, c.env);
      const ours = kubestrapState(root, file, c.environment, c.env);
      if (c.fails) {
        expect(reference.error, "helmfile refuses it").toBeDefined();
        expect(ours.error, "kubestrap refuses it").toBeDefined();
        return;
      }
      expect(reference.error).toBeUndefined();
      expect(reference.releases?.length, "helmfile resolved releases").toBeGreaterThan(
        c.environment === "apps" ? -1 : 0,
      );
      // The unit suite holds kubestrap to this file (test/model/helmfile-golden.test.ts).
      await expect(goldenText(reference)).toMatchFileSnapshot(`../helmfile/golden/${slug(c.name)}.json`);
      expect(ours).toEqual(reference);
    });
  }
});
