import type { Severity } from "../findings.ts";
import { inventoryLine } from "./inventory.ts";
import type { LintReport } from "./text.ts";

const COMMAND: Record<Severity, string> = { error: "error", warning: "warning", info: "notice" };

/** GitHub Actions workflow commands: one annotation line per finding. */
export function formatGithub(result: LintReport, repoPrefix = ""): string {
  const lines = result.findings.map((f) => {
    const props = [`title=${escapeProperty(`kubestrap ${f.ruleId}`)}`];
    if (f.location) {
      props.unshift(`line=${f.location.line}`);
      props.unshift(`file=${escapeProperty(repoPrefix + f.location.file)}`);
    }
    const text = [
      `${f.cluster ? `[${f.cluster}] ` : ""}${f.object ? `${f.object}: ` : ""}${f.message}`,
      f.fix ? `Fix: ${f.fix}` : "",
    ]
      .filter(Boolean)
      .join("\n");
    return `::${COMMAND[f.severity]} ${props.join(",")}::${escapeData(text)}`;
  });
  lines.push(inventoryLine(result.inventory));
  return `${lines.join("\n")}\n`;
}

function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
