import { globSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  baselineFile,
  folderOf,
  mergeReports,
  partName,
  score,
  selectParts,
  staleReason,
} from "../../scripts/mutation.ts";

describe("npm run test:mutation", () => {
  it("names a part after its glob", () => {
    expect(partName("src/analysis/**/*.ts")).toBe("analysis");
    expect(partName("src/charts/oci.ts")).toBe("charts-oci");
    expect(partName("src/model/*.ts")).toBe("model");
    expect(partName("src/model/helmfile/**/*.ts")).toBe("model-helmfile");
    expect(partName("src/model/{flux,entry}.ts")).toBe("model-flux-entry");
  });

  it("selects a part by its name, or every part whose name contains the word", () => {
    const parts = ["analysis", "model", "model-catalog", "model-helmfile", "charts-cache", "charts-oci"].map(
      (name) => ({ name }),
    );
    const names = (words: string[]) => selectParts(parts, words).map((p) => p.name);
    expect(names(["model"])).toEqual(["model"]);
    expect(names(["charts"])).toEqual(["charts-cache", "charts-oci"]);
    expect(names(["helmfile", "analysis"])).toEqual(["analysis", "model-helmfile"]);
    expect(names([])).toHaveLength(6);
    expect(names(["nothing"])).toEqual([]);
  });

  it("the parts of stryker.config.json mutate each file of the core once, src/model whole", () => {
    const config = JSON.parse(readFileSync("stryker.config.json", "utf8")) as { mutate: string[] };
    const files = config.mutate.flatMap((glob) => globSync(glob));
    expect(files.length).toBe(new Set(files).size);
    const model = globSync("src/model/**/*.ts");
    expect(model.filter((f) => !files.includes(f))).toEqual([]);
  });

  it("reports a file under its top folder in src", () => {
    expect(folderOf("src/model/helmfile/template/exec.ts")).toBe("src/model");
    expect(folderOf("src/analysis/rules/crd-race.ts")).toBe("src/analysis");
    expect(folderOf("src/findings.ts")).toBe("src");
  });

  it("scores detected over detected and undetected, leaving ignored and invalid mutants out", () => {
    expect(score({ detected: 85, undetected: 15, ignored: 40, invalid: 3 })).toBe(85);
    expect(score({ detected: 0, undetected: 0, ignored: 5, invalid: 0 })).toBe(100);
  });

  it("keeps each part's baseline, its Stryker incremental file, in the committed mutation/ folder", () => {
    expect(baselineFile({ name: "model-helmfile" })).toBe("mutation/parts/model-helmfile.json");
  });

  describe("a part whose baseline holds every result is not run", () => {
    const baseline = {
      files: { "src/a.ts": { source: "a1" }, "src/b.ts": { source: "b1" } },
      testFiles: { "test/a.test.ts": { source: "ta1" } },
    };
    const sources = new Map([
      ["src/a.ts", "a1"],
      ["src/b.ts", "b1"],
    ]);
    const tests = new Map([["test/a.test.ts", "ta1"]]);

    it("runs when there is no baseline", () => {
      expect(staleReason(undefined, sources, tests)).toBe("no baseline");
    });

    it("does not run when every file and test file is as recorded", () => {
      expect(staleReason(baseline, sources, tests)).toBeUndefined();
    });

    it("runs when a file changed, was added or is gone", () => {
      expect(staleReason(baseline, new Map([...sources, ["src/a.ts", "a2"]]), tests)).toBe(
        "changed: src/a.ts",
      );
      expect(staleReason(baseline, new Map([...sources, ["src/c.ts", "c"]]), tests)).toBe(
        "changed: src/c.ts",
      );
      expect(staleReason(baseline, new Map([["src/a.ts", "a1"]]), tests)).toBe("changed: src/b.ts");
      const many = new Map(["w", "x", "y", "z"].map((n) => [`src/${n}.ts`, n]));
      expect(staleReason(baseline, many, tests)).toBe("changed: src/a.ts, src/b.ts, src/w.ts, ...");
    });

    it("runs when a test file changed, was added or is gone", () => {
      expect(staleReason(baseline, sources, new Map([["test/a.test.ts", "ta2"]]))).toBe(
        "tests changed: test/a.test.ts",
      );
      expect(staleReason(baseline, sources, new Map([...tests, ["test/b.test.ts", "tb"]]))).toBe(
        "tests changed: test/b.test.ts",
      );
      expect(staleReason(baseline, sources, new Map())).toBe("tests changed: test/a.test.ts");
      expect(staleReason({ files: baseline.files }, sources, tests)).toBe("tests changed: test/a.test.ts");
    });
  });

  it("merges the parts' reports into one report of the whole scope, files sorted, tests left out", () => {
    const part = (files: Record<string, { status: "Killed" | "Survived" }[]>) => ({
      schemaVersion: "2",
      thresholds: { high: 80, low: 60 },
      files: Object.fromEntries(Object.entries(files).map(([f, mutants]) => [f, { source: f, mutants }])),
      testFiles: { "test/a.test.ts": { tests: [] } },
    });
    const merged = mergeReports([
      part({ "src/model/b.ts": [{ status: "Killed" }] }),
      part({ "src/analysis/a.ts": [{ status: "Survived" }] }),
    ]);
    expect(merged).toEqual({
      schemaVersion: "2",
      thresholds: { high: 80, low: 60 },
      files: {
        "src/analysis/a.ts": { source: "src/analysis/a.ts", mutants: [{ status: "Survived" }] },
        "src/model/b.ts": { source: "src/model/b.ts", mutants: [{ status: "Killed" }] },
      },
    });
    expect(mergeReports([])).toBeUndefined();
  });
});
