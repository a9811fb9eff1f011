/** Helpers for integration tests: the running environment, kubectl, helm, namespaces and charts. */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";

export const env = inject("testenv");

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(bin: string, args: string[], input?: string): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(
      bin,
      args,
      { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, HOME: helmHome() } },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Runs a command and returns stdout, or throws with its stderr. */
export async function runOk(bin: string, args: string[], input?: string): Promise<string> {
  const result = await run(bin, args, input);
  if (result.code !== 0) throw new Error(`${bin} ${args.join(" ")} exited ${result.code}:\n${result.stderr}`);
  return result.stdout;
}

export function kubectl(args: string[], input?: string): Promise<CommandResult> {
  return run(env.bin.kubectl, ["--kubeconfig", env.kubeconfig, ...args], input);
}

export async function kubectlOk(args: string[], input?: string): Promise<string> {
  return runOk(env.bin.kubectl, ["--kubeconfig", env.kubeconfig, ...args], input);
}

export async function kubectlJson<T = Record<string, unknown>>(args: string[]): Promise<T> {
  return JSON.parse(await kubectlOk([...args, "-o", "json"])) as T;
}

export type HelmMajor = 3 | 4;

export function helmBin(major: HelmMajor): string {
  return major === 3 ? env.bin.helm3 : env.bin.helm4;
}

/** helm with the environment's kubeconfig and its own config/cache directories (never the user's). */
export function helm(major: HelmMajor, args: string[]): Promise<CommandResult> {
  return run(helmBin(major), [...args, "--kubeconfig", env.kubeconfig]);
}

let home: string | undefined;
function helmHome(): string {
  home ??= mkdtempSync(join(tmpdir(), "kubestrap-it-home-"));
  return home;
}

/** A namespace of its own for one test: `<prefix>-<random>`. */
export async function freshNamespace(prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString("hex")}`;
  await kubectlOk(["create", "namespace", name]);
  return name;
}

export interface ChartSpec {
  name: string;
  version: string;
  /** File name under templates/ → content. */
  templates?: Record<string, string>;
  /** File name under crds/ → content. */
  crds?: Record<string, string>;
  values?: string;
}

/** Writes a chart directory in a temporary folder and returns its path. */
export function writeChart(spec: ChartSpec): string {
  const dir = join(mkdtempSync(join(tmpdir(), "kubestrap-chart-")), spec.name);
  mkdirSync(join(dir, "templates"), { recursive: true });
  writeFileSync(
    join(dir, "Chart.yaml"),
    `apiVersion: v2\nname: ${spec.name}\nversion: ${spec.version}\ntype: application\n`,
  );
  writeFileSync(join(dir, "values.yaml"), spec.values ?? "{}\n");
  for (const [file, content] of Object.entries(spec.templates ?? {}))
    writeFileSync(join(dir, "templates", file), content);
  if (spec.crds) {
    mkdirSync(join(dir, "crds"));
    for (const [file, content] of Object.entries(spec.crds)) writeFileSync(join(dir, "crds", file), content);
  }
  return dir;
}

/**
 * Packages a chart directory and pushes it to the environment's registry under `charts/`; returns the
 * `oci://` reference to install from (without the version).
 */
export async function pushChart(chartDir: string, major: HelmMajor = 3): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), "kubestrap-pkg-"));
  const packaged = await runOk(helmBin(major), ["package", chartDir, "--destination", out]);
  const tgz = /saved it to: (\S+)/.exec(packaged)?.[1];
  if (!tgz) throw new Error(`helm package gave no archive path:\n${packaged}`);
  await runOk(helmBin(major), ["push", tgz, `oci://${env.registry}/charts`, "--plain-http"]);
  const name = /name: (\S+)/.exec(await runOk(helmBin(major), ["show", "chart", chartDir]))?.[1];
  return `oci://${env.registry}/charts/${name}`;
}

interface Conditioned {
  status?: { conditions?: { type: string; status: string }[] };
}

/**
 * Polls an object until it has `condition=True`. `kubectl wait --for=condition` is not used because it fails
 * outright ("accessor error: <nil>") when it reads an object whose status has no conditions yet, which is
 * exactly the state of a CRD just after it is created.
 */
export async function waitForCondition(
  resource: string,
  condition: string,
  { namespace, timeoutMs = 60_000 }: { namespace?: string; timeoutMs?: number } = {},
): Promise<void> {
  const args = ["get", resource, ...(namespace ? ["-n", namespace] : [])];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const object = await kubectlJson<Conditioned>(args);
    if (object.status?.conditions?.some((c) => c.type === condition && c.status === "True")) return;
    if (Date.now() > deadline) throw new Error(`${resource} not ${condition} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
