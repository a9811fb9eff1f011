import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import type { RuleInfo } from "../analysis/context.ts";
import type { LintOptions, SeveritySetting } from "../analysis/lint.ts";
import type { CrdsOptions } from "../app/crds.ts";
import type { DiffOptions } from "../app/diff.ts";
import type { LintRunOptions } from "../app/lint.ts";
import type { RenderSettings } from "../charts/render.ts";
import type { KubeTarget } from "../cluster/kube.ts";
import { parseFeatureGates } from "../cluster/local/feature-gates.ts";
import { PACKAGE_ROOT } from "../package-root.ts";

// Each command loads what it uses when it runs (reporters, charts, the cluster client): a CLI pays for every
// module it imports on every start.

const pkg = JSON.parse(readFileSync(new URL("package.json", PACKAGE_ROOT), "utf8")) as {
  version: string;
};

/** Exit codes scripts can trust. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

interface CommonFlags {
  repo: string;
  cluster?: string[];
  allClusters?: boolean;
  environment?: string;
  entry?: string;
  rule?: Record<string, SeveritySetting>;
}

function ruleParser(rules: RuleInfo[]) {
  return (value: string, previous: Record<string, SeveritySetting> = {}): Record<string, SeveritySetting> => {
    const m = value.match(/^([a-z0-9-]+)=(error|warning|info|off)$/);
    if (!m) throw new InvalidArgumentError("expected RULE=error|warning|info|off");
    if (!rules.some((r) => r.id === m[1])) throw new InvalidArgumentError(`unknown rule ${m[1]}`);
    return { ...previous, [m[1] as string]: m[2] as SeveritySetting };
  };
}

/** Bad usage found while reading the flags: exit status 2, like the library's UsageError. */
class CliUsageError extends Error {
  override readonly name = "UsageError";
}

/** The one cluster of a command that shows one at a time (graph, crds; each run of plan, status, up). */
function oneCluster(flags: CommonFlags, command: string): string | undefined {
  if (flags.allClusters || (flags.cluster?.length ?? 0) > 1)
    throw new CliUsageError(
      `${command} shows one cluster at a time: name it with --cluster, and run ${command} once per cluster`,
    );
  return flags.cluster?.[0];
}

function graphOptions(flags: CommonFlags): LintOptions {
  const options: LintOptions = { repo: flags.repo };
  const cluster = oneCluster(flags, "graph");
  if (cluster) options.cluster = cluster;
  if (flags.environment) options.environment = flags.environment;
  if (flags.entry) options.entry = flags.entry;
  if (flags.rule) options.rules = flags.rule;
  return options;
}

async function reporters() {
  const [github, json, sarif, text] = await Promise.all([
    import("../report/github.ts"),
    import("../report/json.ts"),
    import("../report/sarif.ts"),
    import("../report/text.ts"),
  ]);
  return {
    formatGithub: github.formatGithub,
    formatJson: json.formatJson,
    formatSarif: sarif.formatSarif,
    formatText: text.formatText,
  };
}

interface LintFlags extends RenderFlags {
  output: string;
  color: boolean;
  render?: boolean;
  baseline?: string;
}

/** The rendering flags `lint --render` and `crds` share. */
interface RenderFlags {
  helm?: string;
  kubeVersion?: string;
  offline?: boolean;
  plainHttp?: boolean;
  concurrency?: number;
}

function renderSettings(flags: RenderFlags): RenderSettings {
  const settings: RenderSettings = {};
  if (flags.helm) settings.helm = flags.helm;
  if (flags.kubeVersion) settings.kubeVersion = flags.kubeVersion;
  if (flags.offline) settings.offline = true;
  if (flags.plainHttp) settings.plainHttp = true;
  if (flags.concurrency) settings.concurrency = flags.concurrency;
  return settings;
}

function lintRunOptions(flags: CommonFlags & LintFlags): LintRunOptions {
  const options: LintRunOptions = {
    repo: flags.repo,
    ...renderSettings(flags),
    render: flags.render ?? false,
  };
  Object.assign(options, fleetOptions(flags));
  if (flags.rule) options.rules = flags.rule;
  return options;
}

/** The clusters of lint and diff: every one unless some are named (--all-clusters says the default out loud). */
function fleetOptions(flags: CommonFlags): Omit<DiffOptions, "repo"> {
  if (flags.allClusters && flags.cluster)
    throw new CliUsageError("--cluster and --all-clusters exclude each other");
  const options: Omit<DiffOptions, "repo"> = {};
  if (flags.cluster) options.clusters = flags.cluster;
  if (flags.environment) options.environment = flags.environment;
  if (flags.entry) options.entry = flags.entry;
  return options;
}

function addCommon(cmd: Command): Command {
  return cmd
    .option("--repo <dir>", "repository directory", ".")
    .option(
      "--cluster <name>",
      "a cluster of the repository (kubestrap.yaml clusters, clusters/<name>, a helmfile environment); lint, plan, status and up take several (repeat it)",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      "--all-clusters",
      "every cluster of the repository (lint's default; with several clusters, plan, status and up need it or --cluster)",
    )
    .option(
      "--environment <name>",
      "helmfile environment of the bootstrap helmfiles (helmfile -e; default: the one named like --cluster, else default)",
    )
    .option("--entry <dir>", "Flux entry point directory, relative to the repository (default: detected)");
}

/** `rules` feeds `lint --rule` and `lint --help`; commands that run no rule do without them. */
export function createProgram(
  out: (s: string | Uint8Array) => void,
  err: (s: string) => void,
  isTTY: boolean,
  rules: RuleInfo[] = [],
): Command {
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
          "Exit status: 0 no error-level finding, 1 at least one (with --baseline: at least one the change introduces), 2 bad usage, unreadable repository or unknown baseline revision.",
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
      ruleParser(rules),
    )
    .option("--no-color", "never colour text output")
    .option(
      "--render",
      "render every chart with helm (bootstrap releases and HelmReleases) instead of the bundled catalog: chart CRDs become providers, custom resources a chart renders become consumers, and every object a HelmRelease's chart renders is schema-validated",
    )
    .option("--helm <path>", "helm binary for --render (default: $KUBESTRAP_HELM, helm on PATH)")
    .option(
      "--kube-version <version>",
      "Kubernetes version built-in kinds are validated for (bundled: data/openapi; default: the newest bundled), and charts render for with --render (default: helm's)",
    )
    .option("--offline", "with --render, use only charts already in the cache")
    .option("--plain-http", "with --render, pull oci:// charts over plain HTTP")
    .addHelpText(
      "after",
      `\nRules:\n${rules.map((r) => `  ${r.id.padEnd(24)} ${r.severity.padEnd(8)}`).join("\n")}\n\nEach rule is documented in docs/rules/<rule>.md.`,
    )
    .option(
      "--baseline <rev>",
      "report only what the change does: lint the repository as it was at a git revision (or a folder of that name) too, print the findings the change introduces and those it fixes, and exit 1 only on new errors",
    )
    .action(async (flags: CommonFlags & LintFlags) => {
      const options = lintRunOptions(flags);
      const color = flags.color && isTTY && !process.env.NO_COLOR;
      if (flags.baseline !== undefined) {
        process.exitCode = await runLintBaseline(options, flags.baseline, flags.output, color, out);
        return;
      }
      const { lintRepository } = await import("../app/lint.ts");
      const result = await lintRepository(options);
      const { formatGithub, formatJson, formatSarif, formatText } = await reporters();
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
          out(formatText(result, { color }));
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
    .action(async (flags: CommonFlags & { output: string }) => {
      const { kustomizationGraph } = await import("../app/graph.ts");
      const dag = kustomizationGraph(graphOptions(flags));
      const { formatDot, formatMermaid } = await import("../report/graph.ts");
      if (flags.output === "dot") out(formatDot(dag));
      else if (flags.output === "json") out(`${JSON.stringify(dag, null, 2)}\n`);
      else out(formatMermaid(dag));
    });

  addCommon(
    program
      .command("diff")
      .description(
        "Print what a change does to each cluster, offline: the repository read as it is and as it was at --baseline, and per Flux Kustomization the objects added, removed and changed, per HelmRelease its chart, version and values (as helm-controller merges them), and with --render the objects its chart renders. Secret data is never printed. Details: docs/pull-requests.md.\n\n" +
          "Exit status: 0 done (with or without changes), 1 with --render, a chart could not be rendered (the rest of the diff is printed), 2 bad usage, unreadable repository or unknown baseline revision.",
      ),
  )
    .requiredOption("--baseline <rev>", "the git revision (or a folder of that name) to compare with")
    .addOption(
      new Option("-o, --output <format>", "unified diff, Markdown for a pull-request comment, or JSON")
        .choices(["text", "markdown", "json"])
        .default("text"),
    )
    .option("--no-color", "never colour text output")
    .option(
      "--render",
      "render every HelmRelease's chart with helm, now and at --baseline, and diff the objects they render (a chart version or a value shows as the Deployment it changes)",
    )
    .option("--helm <path>", "helm binary for --render (default: $KUBESTRAP_HELM, helm on PATH)")
    .option(
      "--kube-version <version>",
      "the Kubernetes version charts render for with --render (default: helm's)",
    )
    .option("--offline", "with --render, use only charts already in the cache")
    .option("--plain-http", "with --render, pull oci:// charts over plain HTTP")
    .action(
      async (
        flags: CommonFlags &
          RenderFlags & { baseline: string; output: string; color: boolean; render?: boolean },
      ) => {
        const options: DiffOptions = { repo: flags.repo, ...fleetOptions(flags) };
        if (flags.render) options.render = renderSettings(flags);
        const { diffAgainstBaseline } = await import("../app/diff.ts");
        const result = await diffAgainstBaseline(options, flags.baseline);
        const report = await import("../report/diff.ts");
        if (flags.output === "json") out(report.formatDiffJson(result));
        else if (flags.output === "markdown") out(report.formatDiffMarkdown(result));
        else out(report.formatDiffText(result, { color: flags.color && isTTY && !process.env.NO_COLOR }));
        // A diff with a chart left out is not the whole answer: a pipeline must not take it as one.
        if (result.clusters.some((c) => (c.renderFailures?.length ?? 0) > 0)) process.exitCode = 1;
      },
    );

  addCommon(
    program
      .command("crds")
      .description(
        "Render the CRD set of the bootstrap: every bootstrap helmfile release's chart, with the values Flux would use and its CRD switches on (cert-manager crds.enabled, ...), rendered by helm template --include-crds in parallel and cached. oci:// charts are pulled without helm, with the credentials helm uses (its registry config, then the docker config and its credential helpers). Print it, or --apply it (server-side) and wait until every CRD is Established. Details: docs/crds.md.\n\n" +
          "Exit status: 0 done, 1 a chart failed to resolve or render, a CRD apply was refused or failed, 2 bad usage or unreadable repository.",
      ),
  )
    .addOption(
      new Option("-o, --output <format>", "what to print").choices(["yaml", "json", "names"]).default("yaml"),
    )
    .option("--apply", "server-side apply the CRDs to the cluster and wait until they are Established")
    .option("--kubeconfig <file>", "kubeconfig for --apply (default: $KUBECONFIG, ~/.kube/config)")
    .option("--context <name>", "kubeconfig context for --apply")
    .option("--force-conflicts", "take over fields another field manager owns (server-side apply force)")
    .option(
      "--allow-stored-version-removal",
      "apply even when a CRD drops a version still listed in its status.storedVersions",
    )
    .option("--timeout <seconds>", "how long to wait for the CRDs to be Established", parsePositive, 120)
    .option("--helm <path>", "helm binary, 3.14+ or 4.x (default: $KUBESTRAP_HELM, helm on PATH)")
    .option(
      "--kube-version <version>",
      "Kubernetes version charts render for (default: the cluster's with --apply, else helm's)",
    )
    .option("--offline", "use only charts already in the cache")
    .option("--plain-http", "pull oci:// charts over plain HTTP (a local registry without TLS)")
    .option("--concurrency <n>", "helm template processes at once (default: 2 × cores)", parsePositive)
    .action(async (flags: CommonFlags & CrdsFlags) => {
      process.exitCode = await runCrds(flags, out, err, isTTY);
    });

  program
    .command("init")
    .description(
      "Write kubestrap.yaml from what kubestrap detects: the clusters and their Flux entry points, the bootstrap helmfiles, their environments and the variables they require, the bootstrap resources. Check it and correct what is wrong; declare there what is installed before Flux when no helmfile says it (bootstrap.releases).\n\n" +
        "Exit status: 0 written (or printed), 2 bad usage, an unreadable repository, or a kubestrap.yaml that exists already (without --force).",
    )
    .option("--repo <dir>", "repository directory", ".")
    .option("--stdout", "print the file instead of writing it")
    .option("--force", "replace an existing kubestrap.yaml")
    .action(async (flags: { repo: string; stdout?: boolean; force?: boolean }) => {
      const { initConfig } = await import("../app/init.ts");
      const result = initConfig({
        repo: flags.repo,
        dryRun: flags.stdout ?? false,
        force: flags.force ?? false,
      });
      if (result.written) err(`wrote ${result.written}\n`);
      else out(result.text);
    });

  addBootstrapCommands(program, out, err, isTTY);
  addRehearseCommand(program, out, err, isTTY);
  return program;
}

interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
}

interface PlanFlags extends CommonFlags, ClusterFlags {
  output: "text" | "json";
  live?: boolean;
  plainHttp?: boolean;
  color: boolean;
}

interface UpFlags extends CommonFlags, ClusterFlags, RenderFlags {
  output: "text" | "json";
  timeout: number;
  apiTimeout: number;
  waitFlux?: boolean;
  forceConflicts?: boolean;
  rerun?: string[];
  registryMirror?: Record<string, string>;
  color: boolean;
}

const EXIT_INTERRUPTED = 130;

function addClusterFlags(cmd: Command): Command {
  return cmd
    .option("--kubeconfig <file>", "kubeconfig (default: kubestrap.yaml's, $KUBECONFIG, ~/.kube/config)")
    .option("--context <name>", "kubeconfig context (default: kubestrap.yaml's, the current one)");
}

/**
 * The clusters of `plan`, `status` and `up` run over several (`--cluster` repeated, or `--all-clusters`). One
 * `--context` cannot reach several clusters: kubestrap.yaml gives each its own.
 */
async function severalClusters(flags: CommonFlags & ClusterFlags): Promise<string[]> {
  if (flags.context)
    throw new CliUsageError(
      "--context names the context of one cluster: with several, kubestrap.yaml gives each its own (clusters[].context)",
    );
  if (flags.allClusters && flags.cluster)
    throw new CliUsageError("--cluster and --all-clusters exclude each other");
  if (!flags.allClusters) return [...new Set(flags.cluster)];
  const { repositoryClusters } = await import("../app/plan.ts");
  return repositoryClusters(flags.repo).map((c) => c.name);
}

/** Exit statuses from best to worst: the worst of several clusters' is the command's. */
function worstExit(codes: number[]): number {
  const order: number[] = [EXIT.ok, EXIT.findings, EXIT.usage, EXIT_INTERRUPTED];
  return codes.reduce((a, b) => (order.indexOf(b) > order.indexOf(a) ? b : a), EXIT.ok as number);
}

/**
 * `plan` and `status` of one cluster, or of several one after the other (`--cluster` repeated, `--all-clusters`):
 * text sections in cluster order; with `-o json`, `{"clusters": [...]}` holding each cluster's document. With
 * several, a cluster that cannot be read or reached is reported and the others still are.
 */
async function perCluster(
  flags: PlanFlags,
  command: string,
  out: (s: string) => void,
  err: (s: string) => void,
  run: (
    options: import("../app/plan.ts").PlanOptions,
  ) => Promise<{ json: string; text: string; code: number }>,
): Promise<number> {
  if (!flags.allClusters && (flags.cluster?.length ?? 0) <= 1) {
    const result = await run(planOptions(flags, command));
    out(flags.output === "json" ? result.json : result.text);
    return result.code;
  }
  const names = await severalClusters(flags);
  const { cluster: _one, allClusters: _all, ...common } = flags;
  const codes: number[] = [];
  const documents: unknown[] = [];
  for (const [i, name] of names.entries()) {
    try {
      const result = await run({ ...planOptions(common, command), cluster: name });
      if (flags.output === "json") documents.push({ cluster: name, ...(JSON.parse(result.json) as object) });
      else out(`${i > 0 ? "\n" : ""}${result.text}`);
      codes.push(result.code);
    } catch (error) {
      if (!(error instanceof Error) || !EXPECTED_ERRORS.includes(error.name)) throw error;
      err(`[${name}] kubestrap: ${error.message}\n`);
      codes.push(error.name === "UsageError" ? EXIT.usage : EXIT.findings);
    }
  }
  if (flags.output === "json") out(`${JSON.stringify({ clusters: documents }, null, 2)}\n`);
  return worstExit(codes);
}

/** Errors that are the user's situation, not kubestrap's bug: printed as one line, never with a stack. */
const EXPECTED_ERRORS = [
  "UsageError",
  "RepositoryError",
  "HelmError",
  "KubeError",
  "IdentityMismatch",
  "LockHeld",
  "UnknownKindError",
  "ControlPlaneError",
];

function planOptions(flags: CommonFlags & ClusterFlags & { plainHttp?: boolean }, command: string) {
  // plan, status and up take several clusters: the error for none names how.
  const options: import("../app/plan.ts").PlanOptions = { repo: flags.repo, several: command };
  const cluster = oneCluster(flags, command);
  if (cluster) options.cluster = cluster;
  if (flags.environment) options.environment = flags.environment;
  if (flags.entry) options.entry = flags.entry;
  if (flags.kubeconfig) options.kubeconfig = flags.kubeconfig;
  if (flags.context) options.context = flags.context;
  if (flags.plainHttp) options.plainHttp = true;
  return options;
}

function addBootstrapCommands(
  program: Command,
  out: (s: string | Uint8Array) => void,
  err: (s: string) => void,
  isTTY: boolean,
): void {
  addClusterFlags(
    addCommon(
      program
        .command("plan")
        .description(
          "Print the phases and steps `kubestrap up` would run, in order, each with what it does and why it is there (the helmfiles, the Flux files, kubestrap.yaml). Offline; with --live, each step is marked done, changed, drifted or to do against the cluster (read-only).\n\n" +
            "Exit status: 0 the plan can run, 1 the plan has errors (an unresolvable chart, a hook kubestrap cannot evaluate), 2 bad usage or unreadable repository.",
        ),
    ),
  )
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--live", "inspect every step against the cluster")
    .option("--plain-http", "pull oci:// charts over plain HTTP (a local registry without TLS)")
    .option("--no-color", "never colour text output")
    .action(async (flags: PlanFlags) => {
      const { plan } = await import("../app/plan.ts");
      const { formatPlanJson, formatPlanText } = await import("../report/plan.ts");
      process.exitCode = await perCluster(flags, "plan", out, err, async (options) => {
        const result = await plan({ ...options, live: flags.live ?? false });
        return {
          json: formatPlanJson(result),
          text: formatPlanText(result, { color: flags.color && isTTY && !process.env.NO_COLOR }),
          code: result.plan.findings.some((f) => f.severity === "error") ? EXIT.findings : EXIT.ok,
        };
      });
    });

  addClusterFlags(
    addCommon(
      program
        .command("up")
        .description(
          "Bootstrap the cluster: run the plan's phases (before, preflight, prerequisites, crds, releases, handoff) as one DAG, in parallel where the graph allows, each step gated on the readiness of what it applied. Resumable: a step whose inputs are unchanged and whose objects are healthy is skipped, so a second run on a healthy cluster writes nothing. The journal (ConfigMap kubestrap-journal) records each step; Ctrl-C stops starting steps and lets running ones end, a second Ctrl-C interrupts them. Details: docs/up.md.\n\n" +
            "Exit status: 0 every step done, 1 a step failed (or the cluster is not the one named), 2 bad usage or a plan with errors, 130 interrupted.",
        ),
    ),
  )
    .addOption(
      new Option(
        "-o, --output <format>",
        "text (a task list on a terminal, lines in a CI log) or json (one event per line)",
      )
        .choices(["text", "json"])
        .default("text"),
    )
    .option("--helm <path>", "helm binary, 3.14+ or 4.x (default: $KUBESTRAP_HELM, helm on PATH)")
    .option("--kube-version <version>", "Kubernetes version charts render for (default: the cluster's)")
    .option("--offline", "use only charts already in the cache")
    .option("--plain-http", "pull oci:// charts over plain HTTP (a local registry without TLS)")
    .option("--concurrency <n>", "steps at once", parsePositive, 8)
    .option(
      "--timeout <seconds>",
      "how long a step waits for what it applied or installed to be ready",
      parsePositive,
      600,
    )
    .option(
      "--api-timeout <seconds>",
      "how long preflight waits for the API server and the nodes",
      parsePositive,
      300,
    )
    .option("--wait-flux", "after the handoff, wait until every Flux Kustomization and HelmRelease is Ready")
    .option("--force-conflicts", "take over fields another field manager owns (server-side apply force)")
    .option(
      "--rerun <step...>",
      "run these steps (ids or prefixes such as releases/) even when they are done",
    )
    .option(
      "--registry-mirror <host=mirror>",
      "pull charts of a registry from a mirror (ghcr.io=registry.internal/ghcr; http://... without TLS); repeatable",
      parseMirror,
    )
    .option("--no-color", "never colour text output")
    .action(async (flags: UpFlags) => {
      process.exitCode = await runUp(flags, out, err, isTTY);
    });

  addClusterFlags(
    addCommon(
      program
        .command("status")
        .description(
          "Show each phase and step of the bootstrap as the journal and the cluster see it (done, changed, drifted, pending, failed, interrupted), and Flux's readiness after the handoff. Read-only.\n\n" +
            "Exit status: 0 every step done, 1 a step is not, 2 bad usage or unreadable repository.",
        ),
    ),
  )
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--no-color", "never colour text output")
    .action(async (flags: PlanFlags) => {
      const { status } = await import("../app/status.ts");
      const { formatStatusJson, formatStatusText } = await import("../report/plan.ts");
      process.exitCode = await perCluster(flags, "status", out, err, async (options) => {
        const result = await status(options);
        const notDone = result.steps.some(
          (s) => s.step.kind !== "preflight" && s.step.kind !== "handoff" && s.inspection.state !== "done",
        );
        return {
          json: formatStatusJson(result),
          text: formatStatusText(result, { color: flags.color && isTTY && !process.env.NO_COLOR }),
          code: notDone ? EXIT.findings : EXIT.ok,
        };
      });
    });
}

interface RehearseFlags extends CommonFlags, RenderFlags {
  output: "text" | "json" | "sarif";
  timeout: number;
  nodes?: number;
  keep?: boolean;
  registryMirror?: Record<string, string>;
  featureGates?: Record<string, boolean>;
  color: boolean;
}

/** `--feature-gates A=true,B=false`, repeatable. */
function parseGates(value: string, previous: Record<string, boolean> = {}): Record<string, boolean> {
  try {
    return parseFeatureGates(value, previous);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** `--registry-mirror HOST=MIRROR`, repeatable. */
function parseMirror(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const m = /^([^=\s]+)=(\S+)$/.exec(value);
  if (!m) throw new InvalidArgumentError("expected HOST=MIRROR");
  return { ...previous, [m[1] as string]: m[2] as string };
}

function addRehearseCommand(
  program: Command,
  out: (s: string | Uint8Array) => void,
  err: (s: string) => void,
  isTTY: boolean,
): void {
  addCommon(
    program
      .command("rehearse")
      .description(
        "Prove that the repository converges from zero before it touches the real cluster: start a throwaway control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok fake nodes) on loopback in a temporary folder, run the bootstrap on it (without kubestrap.yaml's before commands), then converge every Flux Kustomization in dependsOn order as kustomize-controller would (server-side apply, CRDs and Namespaces first, wait and healthChecks) and install every HelmRelease with helm from its chart. Reports each Kustomization and HelmRelease as converged (with the time it was Ready) or not, in the API server's own words with file and line; a chart that cannot be fetched is listed as not rehearsed, never as converged. When it converges, the report predicts the time-to-ready on a real cluster: the measured run with each workload's readiness delay (kubestrap.yaml rehearse.readiness, or 30 s per Deployment, StatefulSet Pod and DaemonSet, 60 s per Job) on the steps that wait for it. The control plane is removed at the end, on Ctrl-C, and if kubestrap is killed. The binaries are built once from the Go module proxy into the cache (Go 1.26+ needed the first time). Details: docs/rehearse.md.\n\n" +
          "Exit status: 0 everything rehearsed converged, 1 something did not (or the bootstrap failed), 2 bad usage or a plan with errors, 130 interrupted.",
      ),
  )
    .addOption(
      new Option("-o, --output <format>", "output format (SARIF for code scanning)")
        .choices(["text", "json", "sarif"])
        .default("text"),
    )
    .option("--helm <path>", "helm binary, 3.14+ or 4.x (default: the helm 3 the rehearsal builds)")
    .option("--kube-version <version>", "Kubernetes version charts render for (default: the control plane's)")
    .option("--offline", "use only charts already in the cache")
    .option("--plain-http", "pull oci:// charts over plain HTTP (a local registry without TLS)")
    .option("--concurrency <n>", "steps at once", parsePositive, 8)
    .option(
      "--nodes <n>",
      "fake nodes (default: kubestrap.yaml's nodes for the cluster, at least 3)",
      parsePositive,
    )
    .option(
      "--timeout <seconds>",
      "how long a step waits for what it applied or installed to be ready",
      parsePositive,
      300,
    )
    .option(
      "--registry-mirror <host=mirror>",
      "pull charts of a registry from a mirror (ghcr.io=registry.internal/ghcr; http://... without TLS); repeatable",
      parseMirror,
    )
    .option(
      "--feature-gates <gates>",
      "Kubernetes feature gates of the rehearsal's control plane, over kubestrap.yaml rehearse.featureGates (HPAScaleToZero=true,...); repeatable",
      parseGates,
    )
    .option("--keep", "leave the control plane running at the end and print its kubeconfig")
    .option("--no-color", "never colour text output")
    .action(async (flags: RehearseFlags) => {
      process.exitCode = await runRehearse(flags, out, err, isTTY);
    });
}

async function runRehearse(
  flags: RehearseFlags,
  out: (s: string | Uint8Array) => void,
  err: (s: string) => void,
  isTTY: boolean,
): Promise<number> {
  const { rehearse } = await import("../app/rehearse.ts");
  const { formatRehearsalJson, formatRehearsalSarif, formatRehearsalText } = await import(
    "../report/rehearsal.ts"
  );
  const { plainLines } = await import("../report/run.ts");
  const signals = interruptions(err);
  const progress = plainLines((s) => err(s));
  try {
    const result = await rehearse({
      ...planOptions(flags, "rehearse"),
      ...renderSettings(flags),
      concurrency: flags.concurrency ?? 8,
      waitTimeoutSeconds: flags.timeout,
      ...(flags.nodes ? { nodes: flags.nodes } : {}),
      ...(flags.keep ? { keep: true } : {}),
      ...(flags.registryMirror ? { mirrors: flags.registryMirror } : {}),
      ...(flags.featureGates ? { featureGates: flags.featureGates } : {}),
      stop: signals.stop,
      abort: signals.abort,
      log: (line) => err(`kubestrap rehearse: ${line}\n`),
      emit: progress,
    });
    if (result.planErrors && printPlanErrors(result.planErrors, err)) return EXIT.usage;
    out(
      flags.output === "json"
        ? formatRehearsalJson(result)
        : flags.output === "sarif"
          ? formatRehearsalSarif(result, pkg.version)
          : formatRehearsalText(result, { color: flags.color && isTTY && !process.env.NO_COLOR }),
    );
    if (result.outcome === "ok") return EXIT.ok;
    return result.outcome === "interrupted" ? EXIT_INTERRUPTED : EXIT.findings;
  } finally {
    signals.dispose();
  }
}

/** Ctrl-C once stops starting steps; twice (or SIGTERM) interrupts the running ones. */
function interruptions(err: (s: string) => void) {
  const stop = new AbortController();
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (signal === "SIGINT" && !stop.signal.aborted) {
      stop.abort();
      err("\nkubestrap: stopping after the running steps; Ctrl-C again interrupts them\n");
      return;
    }
    stop.abort();
    abort.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    stop: stop.signal,
    abort: abort.signal,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

/** What every cluster's run takes from the flags, whichever cluster it is. */
function runSettings(flags: UpFlags, signals: { stop: AbortSignal; abort: AbortSignal }) {
  const options = {
    ...renderSettings(flags),
    concurrency: flags.concurrency ?? 8,
    waitTimeoutSeconds: flags.timeout,
    apiTimeoutSeconds: flags.apiTimeout,
    waitFlux: flags.waitFlux ?? false,
    forceConflicts: flags.forceConflicts ?? false,
    stop: signals.stop,
    abort: signals.abort,
  } satisfies Partial<import("../app/up.ts").UpOptions>;
  return {
    ...options,
    ...(flags.rerun ? { rerun: flags.rerun } : {}),
    ...(flags.registryMirror ? { mirrors: flags.registryMirror } : {}),
  };
}

function printPlanErrors(
  findings: import("../findings.ts").Finding[],
  err: (s: string) => void,
  prefix = "",
): boolean {
  const errors = findings.filter((f) => f.severity === "error");
  for (const f of errors) {
    const where = f.location ? `${f.location.file}:${f.location.line}: ` : "";
    err(`${prefix}${where}error ${f.ruleId}: ${f.message}\n`);
  }
  if (errors.length > 0) err(`${prefix}kubestrap: the plan has errors; nothing was run\n`);
  return errors.length > 0;
}

async function runUp(
  flags: UpFlags,
  out: (s: string | Uint8Array) => void,
  err: (s: string) => void,
  isTTY: boolean,
): Promise<number> {
  if (flags.allClusters || (flags.cluster?.length ?? 0) > 1) return runFleetUp(flags, out, err);
  const { up } = await import("../app/up.ts");
  const { formatRunSummary, jsonLines, plainLines } = await import("../report/run.ts");
  const color = flags.color && isTTY && !process.env.NO_COLOR;
  const signals = interruptions(err);
  let taskList: import("../report/tasks.ts").TaskList | undefined;
  let render: (e: import("../execute/events.ts").RunEvent) => void;
  if (flags.output === "json") render = jsonLines((s) => out(s));
  else if (isTTY) {
    const { TaskList } = await import("../report/tasks.ts");
    const list = new TaskList({ color });
    taskList = list;
    render = (e) => list.handle(e);
  } else render = plainLines((s) => out(s));
  let end: Extract<import("../execute/events.ts").RunEvent, { type: "run-end" }> | undefined;
  let steps: import("../execute/events.ts").StepInfo[] = [];
  try {
    const result = await up({
      ...planOptions(flags, "up"),
      ...runSettings(flags, signals),
      emit: (e) => {
        if (e.type === "run-start") steps = e.steps;
        if (e.type === "run-end") end = e;
        render(e);
      },
    });
    await taskList?.finish();
    if (printPlanErrors(result.loaded.plan.findings, err)) return EXIT.usage;
    if (end && flags.output !== "json")
      out(
        formatRunSummary(end, result.loaded.plan.cluster, steps, {
          color,
          width: process.stdout.columns || 100,
        }),
      );
    if (result.run?.outcome === "ok") return EXIT.ok;
    return result.run?.outcome === "interrupted" ? EXIT_INTERRUPTED : EXIT.findings;
  } finally {
    signals.dispose();
  }
}

/**
 * `up` of several clusters at once. Their events interleave, each line prefixed with its cluster (`-o json`: a
 * `cluster` field); each cluster's summary follows when all have ended. Exit status: 130 if any was interrupted,
 * else 2 if a plan had errors, else 1 if any failed.
 */
async function runFleetUp(
  flags: UpFlags,
  out: (s: string | Uint8Array) => void,
  err: (s: string) => void,
): Promise<number> {
  const names = await severalClusters(flags);
  const { upFleet } = await import("../app/up.ts");
  const { formatRunSummary, plainLines } = await import("../report/run.ts");
  type RunEvent = import("../execute/events.ts").RunEvent;
  const width = Math.max(...names.map((n) => n.length));
  const renderers = new Map<string, (e: RunEvent) => void>();
  const ends = new Map<string, Extract<RunEvent, { type: "run-end" }>>();
  const steps = new Map<string, import("../execute/events.ts").StepInfo[]>();
  const signals = interruptions(err);
  const { cluster: _one, allClusters: _all, ...common } = flags;
  try {
    const results = await upFleet({
      ...planOptions(common, "up"),
      ...runSettings(flags, signals),
      clusters: names,
      emit: (cluster, e) => {
        if (e.type === "run-start") steps.set(cluster, e.steps);
        if (e.type === "run-end") ends.set(cluster, e);
        let render = renderers.get(cluster);
        if (!render) {
          const prefix = `[${cluster.padEnd(width)}] `;
          render =
            flags.output === "json"
              ? (event) => out(`${JSON.stringify({ ...event, cluster })}\n`)
              : plainLines((text) => out(text.replace(/^(?=.)/gm, prefix)));
          renderers.set(cluster, render);
        }
        render(e);
      },
    });
    const codes: number[] = [];
    const worst = (c: number) => codes.push(c);
    for (const { cluster, result, error } of results) {
      const prefix = `[${cluster.padEnd(width)}] `;
      if (error) {
        err(`${prefix}kubestrap: ${error.message}\n`);
        worst(error.name === "UsageError" ? EXIT.usage : EXIT.findings);
        continue;
      }
      if (!result) continue;
      if (printPlanErrors(result.loaded.plan.findings, err, prefix)) {
        worst(EXIT.usage);
        continue;
      }
      const end = ends.get(cluster);
      if (end && flags.output !== "json")
        out(
          formatRunSummary(end, cluster, steps.get(cluster) ?? [], {
            color: false,
            width: process.stdout.columns || 100,
          }),
        );
      const outcome = result.run?.outcome;
      worst(outcome === "ok" ? EXIT.ok : outcome === "interrupted" ? EXIT_INTERRUPTED : EXIT.findings);
    }
    if (flags.output !== "json") {
      const line = results.map(
        ({ cluster, result, error }) =>
          `${cluster} ${error ? "not started" : (result?.run?.outcome ?? "not run")}`,
      );
      out(`clusters: ${line.join(", ")}\n`);
    }
    return worstExit(codes);
  } finally {
    signals.dispose();
  }
}

interface CrdsFlags extends RenderFlags {
  output: "yaml" | "json" | "names";
  apply?: boolean;
  kubeconfig?: string;
  context?: string;
  forceConflicts?: boolean;
  allowStoredVersionRemoval?: boolean;
  timeout: number;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a positive number");
  return n;
}

async function runCrds(
  flags: CommonFlags & CrdsFlags,
  out: (s: string | Uint8Array) => void,
  err: (s: string) => void,
  isTTY: boolean,
): Promise<number> {
  const progress = (line: string) => {
    if (isTTY || flags.apply) err(`${line}\n`);
  };
  const { plural } = await import("../charts/render.ts");
  const options: CrdsOptions = {
    repo: flags.repo,
    ...renderSettings(flags),
    onProgress: (e) => {
      if (e.state !== "start")
        progress(`${e.state === "done" ? "rendered" : "failed  "} ${e.release.id}: ${e.detail ?? ""}`);
    },
    onApplyStart: ({ server, phase }) => {
      const cached = phase.render.rendered.filter((r) => r.cached).length;
      progress(
        `${plural(phase.set.crds.length, "CRD")} from ${plural(phase.render.rendered.length, "release")} (${cached} cached); applying to ${server}`,
      );
    },
  };
  const cluster = oneCluster(flags, "crds");
  if (cluster) options.cluster = cluster;
  if (flags.environment) options.environment = flags.environment;
  if (flags.entry) options.entry = flags.entry;
  if (flags.apply) {
    options.apply = {
      target: kubeTarget(flags),
      force: flags.forceConflicts ?? false,
      allowStoredVersionRemoval: flags.allowStoredVersionRemoval ?? false,
      timeoutMs: flags.timeout * 1000,
    };
  }
  const { crds } = await import("../app/crds.ts");
  try {
    const { phase, applied } = await crds(options);
    for (const f of phase.findings) {
      const where = f.location ? `${f.location.file}:${f.location.line}: ` : "";
      err(`${where}${f.severity} ${f.ruleId}: ${f.message}\n`);
    }
    if (phase.findings.some((f) => f.severity === "error")) return EXIT.findings;
    if (!applied) {
      const { formatCrdSet } = await import("../charts/crd-set.ts");
      const formatted = formatCrdSet(phase.set, flags.output);
      if (typeof formatted === "string") out(formatted);
      else for (const chunk of formatted) out(chunk);
      return EXIT.ok;
    }
    for (const r of applied) {
      out(`${r.action.padEnd(10)} ${r.name}  Established in ${r.seconds.toFixed(2)} s\n`);
      for (const change of r.changes) out(`             ${change}\n`);
    }
    const count = (a: string) => applied.filter((r) => r.action === a).length;
    out(
      `${plural(applied.length, "CRD")} Established: ${count("created")} created, ${count("configured")} configured, ${count("unchanged")} unchanged\n`,
    );
    return EXIT.ok;
  } catch (error) {
    if (error instanceof Error && ["StoredVersionRefusal", "CrdWaitTimeout"].includes(error.name)) {
      err(`kubestrap: ${error.message}\n`);
      return EXIT.findings;
    }
    throw error;
  }
}

/** `lint --baseline`: the exit status counts only the errors the change introduces. */
async function runLintBaseline(
  options: LintRunOptions,
  baseline: string,
  output: string,
  color: boolean,
  out: (s: string) => void,
): Promise<number> {
  const { lintAgainstBaseline } = await import("../app/lint.ts");
  const result = await lintAgainstBaseline(options, baseline);
  const report = await import("../report/baseline.ts");
  const introduced = new Set(result.comparison.introduced);
  if (output === "json") out(report.formatBaselineJson(result));
  else if (output === "github") out(report.formatBaselineGithub(result));
  else if (output === "sarif") {
    const { formatSarif } = await import("../report/sarif.ts");
    out(formatSarif(result, pkg.version, (f) => (introduced.has(f) ? "new" : "unchanged")));
  } else out(report.formatBaselineText(result, { color }));
  return result.comparison.introduced.some((f) => f.severity === "error") ? EXIT.findings : EXIT.ok;
}

function kubeTarget(flags: { kubeconfig?: string; context?: string }): KubeTarget {
  const target: KubeTarget = {};
  if (flags.kubeconfig) target.kubeconfig = flags.kubeconfig;
  if (flags.context) target.context = flags.context;
  return target;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  // The rule modules are loaded for the commands that list or run rules, not for `crds`.
  const rules = ["crds", "plan", "up", "status"].includes(argv[0] ?? "")
    ? []
    : (await import("../analysis/rules/index.ts")).ALL_RULES;
  const program = createProgram(
    (s) => process.stdout.write(s),
    (s) => process.stderr.write(s),
    Boolean(process.stdout.isTTY),
    rules,
  );
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help")
      return EXIT.ok;
    if (code?.startsWith("commander.")) return EXIT.usage;
    if (e instanceof Error && (e.name === "UsageError" || e.name === "RepositoryError")) {
      process.stderr.write(`kubestrap: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof Error && EXPECTED_ERRORS.includes(e.name)) {
      process.stderr.write(`kubestrap: ${e.message}\n`);
      return EXIT.findings;
    }
    throw e;
  }
}
