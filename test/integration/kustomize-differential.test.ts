/**
 * kubestrap's kustomize builder against the real kustomize on folders written for the test: the same objects,
 * field for field. (kustomize-controller builds with kustomize's library; its additions, spec.components, are
 * given to kustomize the way Flux gives them.)
 */
import { describe, expect, it } from "vitest";
import { kustomizePath } from "../../scripts/testenv/provision.ts";
import { goldenText, slug } from "../golden-file.ts";
import { makeRepo } from "../helpers.ts";
import { KUSTOMIZE_CASES } from "../kustomize/cases.ts";
import { kubestrapBuild, kustomizeBuild } from "../kustomize/differential.ts";

describe("kustomize builder agrees with kustomize build", () => {
  for (const c of KUSTOMIZE_CASES) {
    it(c.name, async () => {
      const dir = c.dir ?? "app";
      const ours = kubestrapBuild(makeRepo(c.files), dir, c.components);
      if (c.fails) {
        expect(() => kustomizeBuild(kustomizePath(), makeRepo(c.files), dir, c.components)).toThrow();
        expect(ours.findings.some((f) => f.startsWith("kustomize-invalid"))).toBe(true);
        return;
      }
      expect(ours.findings).toEqual([]);
      const reference = kustomizeBuild(kustomizePath(), makeRepo(c.files), dir, c.components);
      // The unit suite holds kubestrap to this file (test/model/kustomize-golden.test.ts).
      await expect(goldenText(reference)).toMatchFileSnapshot(`../kustomize/golden/${slug(c.name)}.json`);
      expect(ours.built).toEqual(reference);
    });
  }
});
