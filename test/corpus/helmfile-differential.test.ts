/**
 * Every helmfile of the corpus repositories, read by kubestrap and by the real helmfile: the same releases,
 * charts, versions, values, needs and hooks. joryirving's templates require `CLUSTER`; each of its clusters is
 * compared.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { helmfilePath, provision } from "../../scripts/testenv/provision.ts";
import { helmfileState, kubestrapState } from "../helmfile/differential.ts";

const CORPUS = join(import.meta.dirname, "../../../shared/corpus");

const CASES: { repo: string; file: string; env?: Record<string, string> }[] = [
  ...["crds.yaml", "apps.yaml"].flatMap((f) => [
    { repo: "onedr0p__home-ops", file: `bootstrap/helmfile/${f}` },
    { repo: "bjw-s-labs__home-ops", file: `kubernetes/bootstrap/helmfile/${f}` },
    ...["main", "utility", "test"].map((cluster) => ({
      repo: "joryirving__home-ops",
      file: `bootstrap/helmfile/${f}`,
      env: { CLUSTER: cluster },
    })),
  ]),
];

describe("corpus helmfiles: kubestrap's reader agrees with helmfile build", () => {
  beforeAll(async () => {
    await provision(() => {}, ["helmfile"]);
  }, 1_800_000);

  for (const c of CASES) {
    it(`${c.repo} ${c.file}${c.env ? ` CLUSTER=${c.env.CLUSTER}` : ""}`, () => {
      const root = join(CORPUS, c.repo);
      const reference = helmfileState(helmfilePath(), root, c.file, undefined, c.env);
      expect(reference.error).toBeUndefined();
      expect(reference.releases?.length).toBeGreaterThan(0);
      expect(kubestrapState(root, c.file, undefined, c.env)).toEqual(reference);
    });
  }
});
