/**
 * The real helm binary (3.x or 4.x), for pulling and rendering charts. Registry and repository credentials
 * are helm's own: its registry config and the docker config it reads, untouched.
 */
import { execFile } from "node:child_process";
import type { ChartLocation } from "./releases.ts";

export class HelmError extends Error {
  readonly stderr: string;
  constructor(message: string, stderr: string) {
    super(message);
    this.stderr = stderr;
  }
}

export interface TemplateOptions {
  releaseName: string;
  namespace: string;
  valuesFile: string;
  /** Target Kubernetes version for `.Capabilities.KubeVersion`; helm's own default when absent. */
  kubeVersion?: string;
}

export class Helm {
  readonly bin: string;
  private versionText: Promise<string> | undefined;

  /** `bin`, else `$KUBESTRAP_HELM`, else `helm` on PATH. */
  constructor(bin?: string) {
    this.bin = bin || process.env.KUBESTRAP_HELM || "helm";
  }

  /** The semver helm reports, e.g. `v3.22.0`; fails with a clear message when helm cannot run. */
  version(): Promise<string> {
    this.versionText ??= this.run(["version", "--short"]).then(
      (out) => out.trim().split("+")[0] ?? out.trim(),
      (error: Error) => {
        throw new HelmError(
          `cannot run helm (${this.bin}): ${error.message}; install helm 3.14+ or 4.x, or pass --helm`,
          "",
        );
      },
    );
    return this.versionText;
  }

  /** Pulls a remote chart archive into `destination` (a fresh directory). */
  async pull(chart: Exclude<ChartLocation, { type: "path" }>, destination: string): Promise<void> {
    const args = ["pull"];
    if (chart.type === "oci") {
      const ref = chart.digest ? `${chart.url}@${chart.digest}` : chart.url;
      args.push(ref);
      const version = chart.tag ?? chart.semver;
      if (version && !chart.digest) args.push("--version", version);
      if (chart.plainHttp) args.push("--plain-http");
    } else {
      args.push(chart.chart, "--repo", chart.repoUrl);
      if (chart.version) args.push("--version", chart.version);
    }
    args.push("--destination", destination);
    await this.run(args);
  }

  template(chartPath: string, options: TemplateOptions): Promise<string> {
    const args = [
      "template",
      options.releaseName,
      chartPath,
      "--namespace",
      options.namespace,
      "--include-crds",
      "--values",
      options.valuesFile,
    ];
    if (options.kubeVersion) args.push("--kube-version", options.kubeVersion);
    return this.run(args);
  }

  private run(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(this.bin, args, { maxBuffer: 512 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        // helm's own "Error: " prefix and its "Use --debug flag" hint add nothing here.
        const detail =
          stderr
            .split("\n")
            .filter((line) => line.trim() && !line.startsWith("Use --debug flag"))
            .map((line) => line.replace(/^Error: /, ""))
            .join("; ") || error.message;
        reject(new HelmError(`helm ${args[0]} failed: ${detail}`, stderr));
      });
    });
  }
}
