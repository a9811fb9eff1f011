import { globSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { folderOf, partName, score, selectParts } from "../../scripts/mutation.ts";

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
});
