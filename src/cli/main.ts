import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import { type LintOptions, lint, type SeveritySetting, UsageError } from "../analysis/lint.ts";
import { RULES } from "../analysis/rules/index.ts";
import { RepositoryError } from "../load/repository.ts";
import { formatGithub } from "../report/github.ts";
import { buildDag, formatDot, formatMermaid } from "../report/graph.ts";
import { formatJson } from "../report/json.ts";
import { formatSarif } from "../report/sarif.ts";
import { formatText } from "../report/text.ts";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

/** Exit codes scripts can trust. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

interface CommonFlags {
  repo: string;
  cluster?: string;
  entry?: string;
  rule?: Record<string, SeveritySetting>;
}

function parseRule(
  value: string,
  previous: Record<string, SeveritySetting> = {},
): Record<string, SeveritySetting> {
  const m = value.match(/^([a-z0-9-]+)=(error|warning|info|off)$/);
  if (!m) throw new InvalidArgumentError("expected RULE=error|warning|info|off");
  if (!RULES.some((r) => r.id === m[1])) throw new InvalidArgumentError(`unknown rule ${m[1]}`);
  return { ...previous, [m[1] as string]: m[2] as SeveritySetting };
}

function lintOptions(flags: CommonFlags): LintOptions {
  const options: LintOptions = { repo: flags.repo };
  if (flags.cluster) options.cluster = flags.cluster;
  if (flags.entry) options.entry = flags.entry;
  if (flags.rule) options.rules = flags.rule;
  return options;
}

function addCommon(cmd: Command): Command {
  return cmd
    .option("--repo <dir>", "repository directory", ".")
    .option("--cluster <name>", "cluster to analyse, for repositories with several (clusters/<name>)")
    .option("--entry <dir>", "Flux entry point directory, relative to the repository (default: detected)");
}

export function createProgram(out: (s: string) => void, err: (s: string) => void, isTTY: boolean): Command {
  const program = new Command()
    .name("kubestrap")
    .description("Bootstrap a Flux-managed Kubernetes cluster, and prove its CRD ordering without a cluster.")
    .version(pkg.version)
    .configureOutput({ writeOut: out, writeErr: err })
    .exitOverride();

  addCommon(
    program
      .command("lint")
      .description(
        "Load the repository, build the Flux and CRD graphs, run the rules and print the findings.\n" +
          "Exit status: 0 no error-level finding, 1 at least one, 2 bad usage or unreadable repository.",
      ),
  )
    .addOption(
      new Option("-o, --output <format>", "output format")
        .choices(["text", "json", "sarif", "github"])
        .default("text"),
    )
    .option(
      "--rule <rule=severity>",
      "override a rule's severity (error, warning, info, off); repeatable",
      parseRule,
    )
    .option("--no-color", "never colour text output")
    .addHelpText(
      "after",
      `\nRules:\n${RULES.map((r) => `  ${r.id.padEnd(24)} ${r.severity.padEnd(8)}`).join("\n")}\n\nEach rule is documented in docs/rules/<rule>.md.`,
    )
    .action((flags: CommonFlags & { output: string; color: boolean }) => {
      const result = lint(lintOptions(flags));
      switch (flags.output) {
        case "json":
          out(formatJson(result));
          break;
        case "sarif":
          out(formatSarif(result, pkg.version));
          break;
        case "github":
          out(formatGithub(result));
          break;
        default:
          out(formatText(result, { color: flags.color && isTTY && !process.env.NO_COLOR }));
      }
      process.exitCode = result.findings.some((f) => f.severity === "error") ? EXIT.findings : EXIT.ok;
    });

  addCommon(
    program
      .command("graph")
      .description(
        "Print the Flux Kustomization DAG: dependsOn edges, and CRD provider → consumer edges (dashed).\n" +
          "Kustomizations and edges with CRD ordering problems are highlighted in red.",
      ),
  )
    .addOption(
      new Option("-o, --output <format>", "output format")
        .choices(["mermaid", "dot", "json"])
        .default("mermaid"),
    )
    .action((flags: CommonFlags & { output: string }) => {
      const result = lint(lintOptions(flags));
      const dag = buildDag(result);
      if (flags.output === "dot") out(formatDot(dag));
      else if (flags.output === "json") out(`${JSON.stringify(dag, null, 2)}\n`);
      else out(formatMermaid(dag));
    });

  return program;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = createProgram(
    (s) => process.stdout.write(s),
    (s) => process.stderr.write(s),
    Boolean(process.stdout.isTTY),
  );
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help")
      return EXIT.ok;
    if (code?.startsWith("commander.")) return EXIT.usage;
    if (e instanceof UsageError || e instanceof RepositoryError) {
      process.stderr.write(`kubestrap: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}
