import type { LintResult } from "../analysis/lint.ts";
import { RULES } from "../analysis/rules/index.ts";
import type { Severity } from "../findings.ts";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  error: "error",
  warning: "warning",
  info: "note",
};

/** SARIF 2.1.0, for GitHub code scanning and other SARIF consumers. Paths are repository-relative. */
export function formatSarif(result: LintResult, version: string): string {
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "kubestrap",
            version,
            informationUri: "https://github.com/kubestrap/kubestrap",
            rules: RULES.map((r) => ({
              id: r.id,
              shortDescription: { text: r.description },
              helpUri: `https://github.com/kubestrap/kubestrap/blob/main/docs/rules/${r.id}.md`,
              defaultConfiguration: { level: LEVEL[r.severity] },
            })),
          },
        },
        originalUriBaseIds: { REPOROOT: { description: { text: "The repository root" } } },
        results: result.findings.map((f) => ({
          ruleId: f.ruleId,
          level: LEVEL[f.severity],
          message: {
            text: [f.object ? `${f.object}: ${f.message}` : f.message, f.fix ? `Fix: ${f.fix}` : ""]
              .filter(Boolean)
              .join("\n"),
          },
          locations: f.location
            ? [
                {
                  physicalLocation: {
                    artifactLocation: { uri: f.location.file, uriBaseId: "REPOROOT" },
                    region: { startLine: Math.max(1, f.location.line) },
                  },
                },
              ]
            : [],
          relatedLocations: (f.related ?? []).map((r, i) => ({
            id: i,
            message: { text: r.message },
            physicalLocation: {
              artifactLocation: { uri: r.file, uriBaseId: "REPOROOT" },
              region: { startLine: Math.max(1, r.line) },
            },
          })),
        })),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
