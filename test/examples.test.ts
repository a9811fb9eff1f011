import { describe, expect, it } from "vitest";
import { lint } from "../src/analysis/lint.ts";

const example = (name: string) => new URL(`../examples/${name}`, import.meta.url).pathname;

describe("bundled examples", () => {
  it("homelab lints clean", () => {
    const r = lint({ repo: example("homelab") });
    expect(r.findings).toEqual([]);
    expect(r.inventory.kustomizations.reachable).toBe(14);
    expect(r.crds.verdicts.every((v) => v.verdict === "ok")).toBe(true);
  });

  it("homelab-broken shows every error", () => {
    const r = lint({ repo: example("homelab-broken") });
    expect(r.findings.map((f) => f.ruleId).sort()).toEqual([
      "crd-deadlock",
      "crd-missing",
      "crd-race",
      "crd-same-unit",
      "crd-unwaited",
      "dependson-cycle",
      "dependson-missing",
      "duplicate-object",
      "path-missing",
      "substitution-undefined",
    ]);
  });
});
