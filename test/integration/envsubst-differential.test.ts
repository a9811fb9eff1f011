/**
 * kubestrap's postBuild substitution against fluxcd/pkg/envsubst, the library kustomize-controller substitutes
 * with (test/envsubst/main.go, built by the test environment): the same output or the same error for every text,
 * and strict mode fails exactly where kubestrap reports an undefined variable.
 */
import { expect, it } from "vitest";
import { envsubstPath } from "../../scripts/testenv/provision.ts";
import { type EnvsubstGolden, envsubstEval, kubestrapEval, TEXTS, VARS } from "../envsubst/cases.ts";
import { goldenText } from "../golden-file.ts";

it("substitutes every text as kustomize-controller does, leniently and in strict mode", async () => {
  const flux = envsubstEval(envsubstPath(), TEXTS, false);
  const strict = envsubstEval(envsubstPath(), TEXTS, true);
  const golden: EnvsubstGolden = {
    vars: VARS,
    cases: TEXTS.map((text, i) => ({ text, flux: flux[i] ?? {}, strict: strict[i] ?? {} })),
  };
  // The unit suite holds kubestrap to this file (test/model/envsubst-golden.test.ts).
  await expect(goldenText(golden)).toMatchFileSnapshot("../envsubst/golden.json");
  const disagreements = golden.cases.filter((c) => {
    const ours = kubestrapEval(c.text);
    return JSON.stringify(ours) !== JSON.stringify({ flux: c.flux, strict: c.strict });
  });
  expect(disagreements.map((c) => ({ ...c, kubestrap: kubestrapEval(c.text) }))).toEqual([]);
});
