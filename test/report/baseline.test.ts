import { describe, expect, it } from "vitest";
import type { Inventory } from "../../src/analysis/lint.ts";
import type { Finding } from "../../src/findings.ts";
import {
  type BaselineReport,
  comparisonLine,
  formatBaselineGithub,
  formatBaselineJson,
  formatBaselineText,
} from "../../src/report/baseline.ts";

const inventory: Inventory = {
  files: 3,
  kustomizations: { total: 2, reachable: 2 },
  helmReleases: { total: 0, reachable: 0 },
  crds: { total: 0, reachable: 0 },
  customResources: { total: 0, reachable: 0 },
  bootstrap: { helmfiles: 0, unread: 0, crdReleases: 0, releases: 0 },
} as Inventory;

const finding = (
  name: string,
  severity: Finding["severity"] = "error",
  over: Partial<Finding> = {},
): Finding => ({
  ruleId: "dependson-missing",
  severity,
  message: `depends on Kustomization flux-system/${name}-dep, which does not exist`,
  object: `Kustomization flux-system/${name}`,
  location: { file: "ks.yaml", line: 4 },
  ...over,
});

function report(comparison: Partial<BaselineReport["comparison"]> = {}): BaselineReport {
  const introduced = [finding("new")];
  return {
    findings: introduced,
    inventory,
    comparison: {
      baseline: "origin/main",
      commit: "3f2a9c1e8b7d0011223344556677889900aabbcc",
      introduced,
      fixed: [finding("old"), finding("w", "warning")],
      unchanged: [finding("kept", "info")],
      ...comparison,
    },
  };
}

describe("lint --baseline report", () => {
  it("the comparison line counts each group by severity, and names the commit", () => {
    expect(comparisonLine(report().comparison)).toBe(
      "against origin/main (3f2a9c1e8b7d): 1 new (1 error), 2 fixed (1 error, 1 warning), 1 unchanged",
    );
    const none = report({
      introduced: [],
      fixed: [],
      unchanged: [finding("a", "warning"), finding("b", "warning")],
    });
    const { commit: _c, ...folder } = none.comparison;
    expect(comparisonLine(folder)).toBe("against origin/main: 0 new, 0 fixed, 2 unchanged");
  });

  it("text: the new findings, then the fixed ones with where they were, then the comparison", () => {
    const fixedElsewhere = finding("moved", "error", {
      cluster: "infra",
      location: { file: "a.yaml", line: 9 },
    });
    const noLocation: Finding = { ruleId: "config", severity: "warning", message: "kubestrap.yaml is odd" };
    const text = formatBaselineText(report({ fixed: [fixedElsewhere, noLocation] }), { color: false });
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("New findings against origin/main (3f2a9c1e8b7d):");
    expect(text).toContain("flux-system/new-dep");
    expect(text).toContain(
      [
        "Fixed by this change (2):",
        "  ✔ [infra] a.yaml:9  Kustomization flux-system/moved: depends on Kustomization flux-system/moved-dep, which does not exist  dependson-missing",
        "  ✔ (repository)  kubestrap.yaml is odd  config",
      ].join("\n"),
    );
    expect(lines.at(-2)).toBe("");
    expect(lines.at(-1)).toMatch(/^against origin\/main \(3f2a9c1e8b7d\): 1 new \(1 error\), 2 fixed/);
    expect(text).not.toContain("\u001b[");
  });

  it("text without fixes has no fixed section; an unreadable baseline is said first", () => {
    const text = formatBaselineText(report({ fixed: [], unreadable: "no kubestrap.yaml" }), { color: false });
    expect(text).not.toContain("Fixed by this change");
    expect(text.split("\n").slice(0, 3)).toEqual([
      "baseline origin/main could not be linted (no kubestrap.yaml): every finding is new",
      "",
      "New findings against origin/main (3f2a9c1e8b7d):",
    ]);
  });

  it("json: new findings, fixed and unchanged beside, counts by severity, and the inventory", () => {
    const out = JSON.parse(formatBaselineJson(report({ unreadable: "why" })));
    expect(out.baseline).toEqual({
      revision: "origin/main",
      commit: "3f2a9c1e8b7d0011223344556677889900aabbcc",
      unreadable: "why",
    });
    expect(out.findings.map((f: Finding) => f.object)).toEqual(["Kustomization flux-system/new"]);
    expect(out.fixed).toHaveLength(2);
    expect(out.unchanged).toHaveLength(1);
    expect(out.summary).toEqual({
      new: { error: 1, warning: 0, info: 0 },
      fixed: { error: 1, warning: 1, info: 0 },
      unchanged: { error: 0, warning: 0, info: 1 },
    });
    expect(out.inventory).toEqual(inventory);
    const { commit: _c, ...folder } = report().comparison;
    expect(JSON.parse(formatBaselineJson({ ...report(), comparison: folder })).baseline).toEqual({
      revision: "origin/main",
    });
  });

  it("github: an annotation per new finding only, then the comparison as a notice", () => {
    const lines = formatBaselineGithub(report()).trimEnd().split("\n");
    const commands = lines.filter((l) => l.startsWith("::"));
    expect(commands).toHaveLength(2);
    expect(commands[0]).toMatch(/^::error file=ks\.yaml,line=4,.*flux-system\/new/);
    expect(lines.at(-1)).toBe(
      "::notice title=kubestrap::against origin/main (3f2a9c1e8b7d): 1 new (1 error), 2 fixed (1 error, 1 warning), 1 unchanged",
    );
  });
});
