import { ALL_RULES } from "../analysis/rules/index.ts";
import type { Finding, Severity } from "../findings.ts";
import type { LintReport } from "./text.ts";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  error: "error",
  warning: "warning",
  info: "note",
};

/**
 * SARIF 2.1.0, for GitHub code scanning and other SARIF consumers. Paths are repository-relative; a finding of
 * one cluster says which in its message (`[infra] ...`) and in `properties.cluster`. With a baseline
 * (`lint --baseline`), each result says whether the change introduced it (`baselineState`).
 */
export function formatSarif(
  result: LintReport,
  version: string,
  baselineState?: (f: Finding) => "new" | "unchanged",
): string {
  return sarifLog(
    {
      name: "kubestrap",
      version,
      informationUri: "https://github.com/kubestrap/kubestrap",
      rules: ALL_RULES.map((r) => ({
        id: r.id,
        shortDescription: { text: r.description },
        helpUri: `https://github.com/kubestrap/kubestrap/blob/main/docs/rules/${r.id}.md`,
        defaultConfiguration: { level: LEVEL[r.severity] },
      })),
    },
    result.findings.map((f) => ({
      ruleId: f.ruleId,
      level: LEVEL[f.severity],
      message: {
        text: [
          `${f.cluster ? `[${f.cluster}] ` : ""}${f.object ? `${f.object}: ` : ""}${f.message}`,
          f.fix ? `Fix: ${f.fix}` : "",
        ]
          .filter(Boolean)
          .join("\n"),
      },
      locations: f.location ? [sarifLocation(f.location)] : [],
      ...(baselineState ? { baselineState: baselineState(f) } : {}),
      ...(f.cluster ? { properties: { cluster: f.cluster } } : {}),
      relatedLocations: (f.related ?? []).map((r, i) => ({
        id: i,
        message: { text: `${r.cluster ? `[${r.cluster}] ` : ""}${r.message}` },
        ...sarifLocation(r),
      })),
    })),
  );
}

/** A repository-relative file and line as a SARIF location. */
export function sarifLocation(location: { file: string; line: number }) {
  return {
    physicalLocation: {
      artifactLocation: { uri: location.file, uriBaseId: "REPOROOT" },
      region: { startLine: Math.max(1, location.line) },
    },
  };
}

/** A SARIF 2.1.0 log of one run: the tool's driver and its results, paths relative to the repository root. */
export function sarifLog(driver: object, results: object[]): string {
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver },
        originalUriBaseIds: { REPOROOT: { description: { text: "The repository root" } } },
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
