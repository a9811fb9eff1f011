/**
 * kubestrap's postBuild substitution against what fluxcd/pkg/envsubst gave for each text of the differential test,
 * recorded in test/envsubst/golden.json by the integration test: the same output or error, leniently as
 * kustomize-controller substitutes, and in strict mode.
 */
import { describe, expect, it } from "vitest";
import { type EnvsubstGolden, kubestrapEval, TEXTS, VARS } from "../envsubst/cases.ts";
import { readGolden } from "../golden-file.ts";

const golden = () => readGolden(new URL("../envsubst/golden.json", import.meta.url)) as EnvsubstGolden;

describe("postBuild substitution substitutes as fluxcd/pkg/envsubst", () => {
  it("the golden file holds every text, with the same variables", () => {
    const g = golden();
    expect(g.cases.map((c) => c.text)).toEqual(TEXTS);
    expect(g.vars).toEqual(VARS);
  });

  for (const [i, text] of TEXTS.entries()) {
    it(JSON.stringify(text), () => {
      const reference = golden().cases[i];
      expect(kubestrapEval(text)).toEqual({ flux: reference?.flux, strict: reference?.strict });
    });
  }
});
