import { describe, expect, it } from "vitest";
import { compareWithBaseline, findingKey } from "../../src/analysis/baseline.ts";
import type { Finding } from "../../src/findings.ts";

const finding = (over: Partial<Finding> = {}): Finding => ({
  ruleId: "dependson-missing",
  severity: "error",
  message: "Kustomization flux-system/b depends on Kustomization flux-system/nope, which does not exist",
  object: "Kustomization flux-system/b",
  location: { file: "kubernetes/apps/b/ks.yaml", line: 12 },
  ...over,
});

describe("compareWithBaseline", () => {
  it("a finding that moved down the file is unchanged, as the change reports it", () => {
    const moved = finding({ location: { file: "kubernetes/apps/b/ks.yaml", line: 30 } });
    const r = compareWithBaseline([moved], [finding()]);
    expect(r).toEqual({ introduced: [], fixed: [], unchanged: [moved] });
  });

  it("line numbers inside the message do not make a finding new", () => {
    const at = (line: number) =>
      finding({
        ruleId: "entry-point",
        message: `FluxInstance sync path (clusters/main.yaml:${line}) and line ${line}`,
      });
    expect(compareWithBaseline([at(40)], [at(4)]).unchanged).toHaveLength(1);
    expect(findingKey(at(40))).toBe(findingKey(at(4)));
  });

  it("a finding of another file, object, cluster, rule, severity or message is a new one", () => {
    const base = finding();
    for (const other of [
      finding({ location: { file: "kubernetes/apps/c/ks.yaml", line: 12 } }),
      finding({ object: "Kustomization flux-system/c" }),
      finding({ cluster: "apps" }),
      finding({ ruleId: "source-missing" }),
      finding({ severity: "warning" }),
      finding({ message: "Kustomization flux-system/b depends on Kustomization flux-system/other" }),
    ]) {
      const r = compareWithBaseline([other], [base]);
      expect(r.introduced).toEqual([other]);
      expect(r.fixed).toEqual([base]);
      expect(r.unchanged).toEqual([]);
    }
  });

  it("equal findings are counted: a second copy of an old finding is new, one copy less is a fix", () => {
    const a = finding();
    const b = finding({ location: { file: "kubernetes/apps/b/ks.yaml", line: 14 } });
    expect(compareWithBaseline([a, b], [a])).toEqual({ introduced: [b], fixed: [], unchanged: [a] });
    expect(compareWithBaseline([a], [a, b])).toEqual({ introduced: [], fixed: [b], unchanged: [a] });
  });

  it("no baseline: every finding is introduced; no change: every finding of the baseline is fixed", () => {
    expect(compareWithBaseline([finding()], []).introduced).toHaveLength(1);
    expect(compareWithBaseline([], [finding()]).fixed).toHaveLength(1);
  });
});
