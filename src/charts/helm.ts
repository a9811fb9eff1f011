/**
 * The real helm binary (3.x or 4.x), for pulling and rendering charts. Registry and repository credentials
 * are helm's own: its registry config and the docker config it reads, untouched.
 */
import { execFile } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import type { ChartLocation } from "../model/releases.ts";

export class HelmError extends Error {
  override readonly name = "HelmError";
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
  private identityText: Promise<string> | undefined;

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

  /**
   * What identifies this helm for render caches: its resolved path, size and modification time, or, when it
   * cannot be found on disk, the version it reports. No process is started for an installed binary.
   */
  identity(): Promise<string> {
    this.identityText ??= (async () => {
      const path = this.resolvedPath();
      if (!path) return `helm ${await this.version()}`;
      const st = statSync(path);
      return `${path}:${st.size}:${st.mtimeMs}`;
    })();
    return this.identityText;
  }

  private resolvedPath(): string | undefined {
    const candidates = this.bin.includes("/")
      ? [resolve(this.bin)]
      : (process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, this.bin));
    return candidates.find((p) => existsSync(p));
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
