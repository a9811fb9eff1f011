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

describe("text output of a fleet, line by line", () => {
  const inventory = result([]).inventory;
  const related = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      file: `r${i}.yaml`,
      line: i + 1,
      message: "defined here",
      cluster: i === 0 ? "infra" : undefined,
    }));
  const report = {
    findings: [
      { ruleId: "path-missing", severity: "error", message: "shared problem" },
      {
        ruleId: "crd-race",
        severity: "warning",
        message: "infra's own",
        object: "Widget w",
        location: { file: "infra/w.yaml", line: 7 },
        fix: "order it",
        related: related(5),
        cluster: "infra",
      },
      {
        ruleId: "x",
        severity: "info",
        message: "apps' own",
        location: { file: "apps/a.yaml", line: 12 },
        cluster: "apps",
      },
      {
        ruleId: "x",
        severity: "info",
        message: "unknown cluster",
        location: { file: "z.yaml", line: 1 },
        cluster: "zed",
      },
    ] as Finding[],
    inventory,
    clusters: [
      { name: "infra", from: "environment infra", result: { inventory } },
      { name: "apps", from: "environment apps", result: { inventory } },
    ],
  };

  it("prints shared findings first, then each cluster's, then each cluster's counts", () => {
    const inv = formatText({ findings: [], inventory }, { color: false }).trimEnd().split("\n").slice(1);
    expect(formatText(report, { color: false }).split("\n")).toEqual([
      `── every cluster ${"─".repeat(40)}`,
      "",
      "(repository)",
      "       error   shared problem  path-missing",
      "",
      `── cluster infra ${"─".repeat(41)}`,
      "",
      "infra/w.yaml",
      "    7  warning Widget w: infra's own  crd-race",
      "               fix: order it",
      "               [infra] r0.yaml:1 defined here",
      "               r1.yaml:2 defined here",
      "               r2.yaml:3 defined here",
      "               … and 2 more",
      "",
      `── cluster apps ${"─".repeat(42)}`,
      "",
      "apps/a.yaml",
      "   12  info    apps' own  x",
      "",
      `── cluster zed ${"─".repeat(43)}`,
      "",
      "z.yaml",
      "    1  info    unknown cluster  x",
      "",
      "✖ 1 error, 1 warning, 2 info",
      "cluster infra (environment infra): 0 errors, 1 warning, 0 info of its own",
      ...inv.map((l) => `  ${l}`),
      "cluster apps (environment apps): 0 errors, 0 warnings, 1 info of its own",
      ...inv.map((l) => `  ${l}`),
      "",
    ]);
  });

  it("a finding of one cluster alone is a fleet's, and the summary says warning or clean", () => {
    const one = { findings: [{ ...report.findings[2], severity: "warning" }] as Finding[], inventory };
    const lines = formatText(one, { color: false }).split("\n");
    expect(lines[0]).toBe(`── cluster apps ${"─".repeat(42)}`);
    expect(lines).toContain("⚠ 0 errors, 1 warning, 0 info");
    expect(formatText({ findings: [], inventory }, { color: false }).split("\n")[0]).toBe(
      "✔ 0 errors, 0 warnings, 0 info",
    );
  });

  it("gathers same-cause findings without a location or object, and keeps fixless ones apart", () => {
    const cause: Finding = {
      ruleId: "r",
      severity: "warning",
      message: "m",
      fix: "f",
      related: [{ file: "p.yaml", line: 1, message: "x" }],
    };
    const lines = formatText(
      result([
        cause,
        { ...cause, object: "ConfigMap c", location: { file: "a.yaml", line: 2 } },
        { ...cause, fix: undefined },
        { ...cause, fix: undefined },
      ]),
      { color: false },
    ).split("\n");
    expect(lines.slice(0, 6)).toEqual([
      "(repository)",
      "       warning m  r",
      "               2 findings with this cause, also: ConfigMap c a.yaml:2",
      "               fix: f",
      "               p.yaml:1 x",
      "       warning m  r",
    ]);
    expect(lines).toContain("⚠ 0 errors, 4 warnings, 0 info (3 causes)");
  });
});
