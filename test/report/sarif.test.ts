import { beforeEach, describe, expect, it } from "vitest";
import { lint } from "../../src/analysis/lint.ts";
import { ALL_RULES } from "../../src/analysis/rules/index.ts";
import { formatSarif } from "../../src/report/sarif.ts";

const example = new URL("../../examples/homelab-broken", import.meta.url).pathname;

describe("SARIF of the broken example", () => {
  // Built before each test, not while collecting: a mutation run credits a test only with what runs in it.
  let result: ReturnType<typeof lint>;
  // biome-ignore lint/suspicious/noExplicitAny: SARIF is read as parsed JSON.
  let run: any;
  beforeEach(() => {
    result = lint({ repo: example });
    run = JSON.parse(formatSarif(result, "0.0.0-test")).runs[0];
  });

  it("keeps one result per finding, with SARIF's level for each severity", () => {
    expect(run.results).toHaveLength(result.findings.length);
    const levels = run.results.map((r: { level: string }) => r.level);
    const expected = result.findings.map(
      (f) => ({ error: "error", warning: "warning", info: "note" })[f.severity],
    );
    expect(levels).toEqual(expected);
    expect(levels).toContain("warning");
    expect(levels).toContain("error");
  });

  it("lists every rule with its documentation and default level", () => {
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(ALL_RULES.map((r) => r.id));
    const race = run.tool.driver.rules.find((r: { id: string }) => r.id === "crd-race");
    expect(race).toMatchObject({
      defaultConfiguration: { level: "warning" },
      helpUri: expect.stringMatching(/docs\/rules\/crd-race\.md$/),
    });
  });

  it("carries the fix in the message and the related locations of each finding", () => {
    const withFix = result.findings.findIndex((f) => f.fix && (f.related?.length ?? 0) > 0);
    expect(withFix).toBeGreaterThanOrEqual(0);
    const finding = result.findings[withFix];
    const sarifResult = run.results[withFix];
    expect(sarifResult.message.text).toContain(`Fix: ${finding?.fix}`);
    expect(sarifResult.relatedLocations).toHaveLength(finding?.related?.length ?? 0);
    expect(sarifResult.relatedLocations[0].physicalLocation.artifactLocation).toEqual({
      uri: finding?.related?.[0]?.file,
      uriBaseId: "REPOROOT",
    });
  });
});
