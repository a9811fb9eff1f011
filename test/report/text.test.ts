import { describe, expect, it } from "vitest";
import type { LintResult } from "../../src/analysis/lint.ts";
import type { Finding } from "../../src/findings.ts";
import { formatJson } from "../../src/report/json.ts";
import { formatText } from "../../src/report/text.ts";

const race = (kind: string, file: string, ks: string): Finding => ({
  ruleId: "crd-race",
  severity: "warning",
  message: `needs CRD ${kind}.kopiur.example from HelmRelease storage/kopiur, and nothing orders Kustomization ${ks} after it`,
  object: `${kind} app`,
  location: { file, line: 3 },
  fix: `add dependsOn: [{name: kopiur, namespace: storage}] to Kustomization ${ks}`,
});

function result(findings: Finding[]): LintResult {
  return {
    findings,
    inventory: {
      files: 1,
      kustomizations: { total: 0, reachable: 0 },
      helmReleases: { total: 0, reachable: 0 },
      crds: { total: 0, reachable: 0 },
      customResources: { total: 0, reachable: 0 },
      bootstrap: { helmfiles: 0, unread: 0, crdReleases: 0, releases: 0 },
    },
  } as unknown as LintResult;
}

describe("text output groups findings with one cause", () => {
  const findings = [
    race("Restore", "components/backup/restore.yaml", "downloads/autobrr"),
    race("SnapshotPolicy", "components/backup/snapshotpolicy.yaml", "downloads/autobrr"),
    race("SnapshotSchedule", "components/backup/snapshotschedule.yaml", "downloads/autobrr"),
    race("Schedule", "components/backup/schedule.yaml", "downloads/autobrr"),
    race("Restore", "components/backup/restore.yaml", "downloads/bazarr"),
  ];

  it("prints one finding per rule and fix, with a count and the other locations", () => {
    const text = formatText(result(findings), { color: false });
    expect(text.match(/crd-race/g)).toHaveLength(2);
    expect(text).toContain(
      "4 findings with this cause, also: SnapshotPolicy app components/backup/snapshotpolicy.yaml:3, SnapshotSchedule app components/backup/snapshotschedule.yaml:3, Schedule app components/backup/schedule.yaml:3",
    );
    expect(text).not.toContain("… and");
    expect(text).toContain("⚠ 0 errors, 5 warnings, 0 info (2 causes)");
  });

  it("names how many more there are beyond the first three", () => {
    const many = Array.from({ length: 6 }, (_, i) => race("Restore", `f${i}.yaml`, "a/b"));
    expect(formatText(result(many), { color: false })).toContain(", … and 2 more");
  });

  it("the same fix about different objects is not one cause", () => {
    const duplicate = (file: string, other: string): Finding => ({
      ruleId: "duplicate-object",
      severity: "error",
      message: "applied by two Kustomizations",
      location: { file, line: 1 },
      fix: "keep the object in one of the two Kustomizations",
      related: [{ file: other, line: 1, message: "also defined here" }],
    });
    const text = formatText(result([duplicate("a.yaml", "b.yaml"), duplicate("c.yaml", "d.yaml")]), {
      color: false,
    });
    expect(text).not.toContain("with this cause");
    expect(text).toContain("2 errors, 0 warnings, 0 info\n");
  });

  it("json keeps one result per location", () => {
    expect(JSON.parse(formatJson(result(findings))).findings).toHaveLength(5);
  });
});
