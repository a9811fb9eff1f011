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
            rules: ALL_RULES.map((r) => ({
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
            text: [
              `${f.cluster ? `[${f.cluster}] ` : ""}${f.object ? `${f.object}: ` : ""}${f.message}`,
              f.fix ? `Fix: ${f.fix}` : "",
            ]
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
          ...(baselineState ? { baselineState: baselineState(f) } : {}),
          ...(f.cluster ? { properties: { cluster: f.cluster } } : {}),
          relatedLocations: (f.related ?? []).map((r, i) => ({
            id: i,
            message: { text: `${r.cluster ? `[${r.cluster}] ` : ""}${r.message}` },
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
