/**
 * Builds the local control plane's binaries (and any other Go tool a recipe names) from the Go module proxy
 * into a cache directory outside the repository, one directory per tool and version. A present directory is
 * reused as is; a build goes to a temporary directory that is renamed into place only when every binary
 * exists, so an interrupted build never leaves a half-filled cache entry behind. `kubestrap rehearse` and the
 * test environment share the cache.
 */
import { execFileSync, spawn } from "node:child_process";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { defaultCacheDir } from "../../charts/cache.ts";
import { MIN_GO, VERSIONS } from "./versions.ts";

export interface ToolPaths {
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  kubectl: string;
  kwok: string;
  /** kwok's node and pod stages (node-initialize, heartbeat with lease, pod ready/complete/delete). */
  kwokStages: string;
  helm3: string;
  helm4: string;
  registry: string;
  sops: string;
  ageKeygen: string;
}

export interface Recipe {
  /** Cache directory name; it carries the version so that a bump builds afresh. */
  dir: string;
  /** What a complete entry holds, relative to its directory (binaries are under bin/). */
  files: string[];
  /** Needed by the benchmarks only; `npm test` does not build it. */
  bench?: boolean;
  build(out: string, work: string, run: Runner): Promise<void>;
}

export type Runner = (
  args: string[],
  opts?: { cwd?: string; env?: Record<string, string> },
) => Promise<string>;

/** `$KUBESTRAP_CACHE_DIR/testenv`: the versioned tool entries. */
export function toolCache(): string {
  return join(defaultCacheDir(), "testenv");
}

/** The local control plane (etcd, Kubernetes, kwok), helm, and what the bootstrap may run (sops, age, a registry). */
export const ENVIRONMENT_RECIPES: Record<string, Recipe> = {
  kubernetes: {
    dir: `kubernetes-v${VERSIONS.kubernetes}`,
    files: ["bin/kube-apiserver", "bin/kube-controller-manager", "bin/kube-scheduler", "bin/kubectl"],
    build: buildKubernetes,
  },
  etcd: {
    dir: `etcd-v${VERSIONS.etcd}`,
    files: ["bin/etcd", "bin/etcdctl"],
    build: buildEtcd,
  },
  kwok: {
    dir: `kwok-v${VERSIONS.kwok}`,
    files: ["bin/kwok", "stages.yaml"],
    build: buildKwok,
  },
  helm3: {
    dir: `helm-v${VERSIONS.helm3}`,
    files: ["bin/helm"],
    build: (out, work, run) => buildHelm("v3", VERSIONS.helm3, out, work, run),
  },
  helm4: {
    dir: `helm-v${VERSIONS.helm4}`,
    files: ["bin/helm"],
    build: (out, work, run) => buildHelm("v4", VERSIONS.helm4, out, work, run),
  },
  sops: {
    dir: `sops-v${VERSIONS.sops}`,
    files: ["bin/sops"],
    build: (out, work, run) =>
      goInstall(`github.com/getsops/sops/v3/cmd/sops@v${VERSIONS.sops}`, out, work, run),
  },
  age: {
    dir: `age-v${VERSIONS.age}`,
    files: ["bin/age-keygen"],
    build: (out, work, run) => goInstall(`filippo.io/age/cmd/age-keygen@v${VERSIONS.age}`, out, work, run),
  },
  registry: {
    dir: `distribution-registry-v${VERSIONS.registry}`,
    files: ["bin/registry"],
    build: (out, work, run) =>
      goInstall(`github.com/distribution/distribution/v3/cmd/registry@v${VERSIONS.registry}`, out, work, run),
  },
};

/** Where a recipe's file lives once built (whether or not it exists yet). */
export function recipeFile(recipe: Recipe, file: string): string {
  return join(toolCache(), recipe.dir, file);
}

function cachedFile(tool: string, file: string): string {
  const recipe = ENVIRONMENT_RECIPES[tool];
  if (!recipe) throw new Error(`unknown tool ${tool}`);
  return recipeFile(recipe, file);
}

function binPath(tool: string, binary: string): string {
  return cachedFile(tool, join("bin", binary));
}

/** Where each binary lives once provisioned (whether or not it exists yet). */
export function toolPaths(): ToolPaths {
  return {
    etcd: binPath("etcd", "etcd"),
    kubeApiserver: binPath("kubernetes", "kube-apiserver"),
    kubeControllerManager: binPath("kubernetes", "kube-controller-manager"),
    kubeScheduler: binPath("kubernetes", "kube-scheduler"),
    kubectl: binPath("kubernetes", "kubectl"),
    kwok: binPath("kwok", "kwok"),
    kwokStages: cachedFile("kwok", "stages.yaml"),
    helm3: binPath("helm3", "helm"),
    helm4: binPath("helm4", "helm"),
    registry: binPath("registry", "registry"),
    sops: binPath("sops", "sops"),
    ageKeygen: binPath("age", "age-keygen"),
  };
}

/** Binaries that are not in the cache, as absolute paths. */
export function missingBinaries(): string[] {
  return Object.values(toolPaths()).filter((path) => !existsSync(path));
}

export interface ProvisionResult {
  tool: string;
  dir: string;
  cached: boolean;
  seconds: number;
}

/**
 * Builds every tool (or the named ones) that is not cached yet, one after another: each Go build already
 * uses every core.
 */
export async function provisionRecipes(
  recipes: Record<string, Recipe>,
  only: string[],
  log: (line: string) => void = () => {},
): Promise<ProvisionResult[]> {
  const known = Object.keys(recipes);
  const unknown = only.filter((t) => !known.includes(t));
  if (unknown.length > 0) throw new Error(`unknown tool ${unknown.join(", ")}; known: ${known.join(", ")}`);
  const results: ProvisionResult[] = [];
  let goChecked = false;
  for (const [tool, recipe] of Object.entries(recipes)) {
    if (!only.includes(tool)) continue;
    const dir = join(toolCache(), recipe.dir);
    if (recipe.files.every((f) => existsSync(join(dir, f)))) {
      results.push({ tool, dir, cached: true, seconds: 0 });
      log(`${tool}: cached in ${dir}`);
      continue;
    }
    if (!goChecked) {
      checkGo();
      goChecked = true;
    }
    log(`${tool}: building ${recipe.dir} (log: ${dir}.build.log) ...`);
    const started = performance.now();
    await buildInto(recipe, dir);
    const seconds = (performance.now() - started) / 1000;
    results.push({ tool, dir, cached: false, seconds });
    log(`${tool}: built in ${seconds.toFixed(0)} s`);
  }
  return results;
}

async function buildInto(recipe: Recipe, dir: string): Promise<void> {
  const partial = `${dir}.partial-${process.pid}`;
  const work = join(partial, "work");
  const out = join(partial, "bin");
  const entry = partial;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  mkdirSync(out, { recursive: true });
  const logFile = `${dir}.build.log`;
  const logStream = createWriteStream(logFile);
  const run = goRunner(logStream, logFile);
  try {
    await recipe.build(out, work, run);
    const absent = recipe.files.filter((f) => !existsSync(join(entry, f)));
    if (absent.length > 0) throw new Error(`build of ${recipe.dir} produced no ${absent.join(", ")}`);
    rmSync(work, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  } finally {
    logStream.end();
  }
}

function goRunner(logStream: NodeJS.WritableStream, logFile: string): Runner {
  return (args, opts = {}) =>
    new Promise((resolve, reject) => {
      logStream.write(`$ ${args.join(" ")}\n`);
      const child = spawn(args[0] as string, args.slice(1), {
        cwd: opts.cwd,
        env: { ...process.env, ...GO_ENV, ...opts.env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let tail = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        logStream.write(chunk);
      });
      child.stderr.on("data", (chunk: Buffer) => {
        tail = (tail + chunk.toString()).slice(-4000);
        logStream.write(chunk);
      });
      child.on("error", (error) => reject(new Error(`cannot run ${args[0]}: ${error.message}`)));
      child.on("close", (code) => {
        if (code === 0) resolve(stdout);
        else
          reject(
            new Error(
              `\`${args.join(" ")}\` exited with ${code}; last output:\n${tail.trim()}\n(full log: ${logFile})`,
            ),
          );
      });
    });
}

/**
 * Static binaries, the toolchain on the machine (never a downloaded one), modules resolved as go.mod says.
 * Go's usual install directory is added to PATH for machines whose login PATH lacks it.
 */
const GO_ENV = {
  GOTOOLCHAIN: "local",
  CGO_ENABLED: "0",
  GOFLAGS: "-mod=mod",
  PATH: `${process.env.PATH ?? ""}:/usr/local/go/bin`,
};

function checkGo(): void {
  let version: string;
  try {
    version = execFileSync("go", ["env", "GOVERSION"], {
      env: { ...process.env, ...GO_ENV },
      encoding: "utf8",
    }).trim();
  } catch {
    throw new Error(
      `the local control plane is built from Go modules, but \`go\` is not on PATH; install Go ${MIN_GO} or newer`,
    );
  }
  const have = version.replace(/^go/, "");
  if (compareVersions(have, MIN_GO) < 0) {
    throw new Error(`Go ${MIN_GO} or newer is needed to build the local control plane; found ${version}`);
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * kwok 0.8 refuses to start without stages; the "fast" node and pod stages and the lease heartbeat that
 * kwokctl uses ship in the module's kustomize/stage folder, which the build has just downloaded.
 */
async function buildKwok(out: string, work: string, run: Runner) {
  const module = `sigs.k8s.io/kwok@v${VERSIONS.kwok}`;
  await goInstall(`sigs.k8s.io/kwok/cmd/kwok@v${VERSIONS.kwok}`, out, work, run);
  const info = JSON.parse(await run(["go", "mod", "download", "-json", module], { cwd: work })) as {
    Dir?: string;
  };
  if (!info.Dir) throw new Error(`go mod download gave no directory for ${module}`);
  const stages = [
    "node/fast/node-initialize.yaml",
    "node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
    "pod/fast/pod-ready.yaml",
    "pod/fast/pod-complete.yaml",
    "pod/fast/pod-delete.yaml",
  ].map((file) => readFileSync(join(info.Dir as string, "kustomize/stage", file), "utf8").trim());
  writeFileSync(join(out, "..", "stages.yaml"), `${stages.join("\n---\n")}\n`);
}

export async function goInstall(
  pkgAtVersion: string,
  out: string,
  work: string,
  run: Runner,
  ldflags = "-s -w",
  env: Record<string, string> = {},
) {
  await run(["go", "install", "-trimpath", `-ldflags=${ldflags}`, pkgAtVersion], {
    cwd: work,
    env: { GOBIN: out, ...env },
  });
}

/**
 * helm's Makefile stamps the full version, and helm 3 also the Kubernetes version that `helm template` assumes
 * by default (otherwise v1.20). `go install` alone would report "v3.22" and render for Kubernetes 1.20.
 */
async function buildHelm(major: "v3" | "v4", version: string, out: string, work: string, run: Runner) {
  const module = `helm.sh/helm/${major}`;
  let ldflags = `-s -w -X ${module}/internal/version.version=v${version} -X ${module}/internal/version.gitTreeState=clean`;
  if (major === "v3") {
    const gomod = await downloadedGoMod(`${module}@v${version}`, work, run);
    const clientGo = /k8s\.io\/client-go v0\.(\d+)\./.exec(gomod);
    if (!clientGo) throw new Error(`cannot find the client-go version in ${module}@v${version}'s go.mod`);
    for (const pkg of ["pkg/chartutil", "pkg/lint/rules"]) {
      ldflags += ` -X ${module}/${pkg}.k8sVersionMajor=1 -X ${module}/${pkg}.k8sVersionMinor=${clientGo[1]}`;
    }
  }
  await goInstall(`${module}/cmd/helm@v${version}`, out, work, run, ldflags);
}

export async function downloadedGoMod(moduleAtVersion: string, work: string, run: Runner): Promise<string> {
  const info = JSON.parse(await run(["go", "mod", "download", "-json", moduleAtVersion], { cwd: work })) as {
    GoMod?: string;
  };
  if (!info.GoMod) throw new Error(`go mod download gave no go.mod for ${moduleAtVersion}`);
  return readFileSync(info.GoMod, "utf8");
}

/**
 * A module whose go.mod pins some dependencies with `replace old => new version` (helmfile pins k8s.io
 * libraries this way) cannot be `go install`ed; a wrapper module repeats those replaces and builds it.
 */
export async function buildWithReplaces(
  module: string,
  version: string,
  pkg: string,
  out: string,
  work: string,
  run: Runner,
) {
  await run(["go", "mod", "init", "local.test/wrapper"], { cwd: work });
  const gomod = await downloadedGoMod(`${module}@v${version}`, work, run);
  const replaces = [...gomod.matchAll(/^\s*(?:replace\s+)?(\S+)\s+=>\s+(\S+)\s+(v\S+)\s*$/gm)].map(
    (m) => `-replace=${m[1]}=${m[2]}@${m[3]}`,
  );
  const goLine = /^go (\S+)/m.exec(gomod)?.[1];
  await run(["go", "mod", "edit", ...(goLine ? [`-go=${goLine}`] : []), ...replaces], { cwd: work });
  await run(["go", "get", `${module}@v${version}`], { cwd: work });
  await run(
    ["go", "build", "-trimpath", "-ldflags=-s -w", "-o", join(out, pkg.slice(pkg.lastIndexOf("/") + 1)), pkg],
    {
      cwd: work,
    },
  );
}

/**
 * k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with ./staging paths, which
 * `go install` refuses and a dependent module ignores. A wrapper module replaces each staging module with
 * its published v0.<minor>.<patch> tag instead; the list is read from the release's own go.mod.
 */
async function buildKubernetes(out: string, work: string, run: Runner) {
  const version = VERSIONS.kubernetes;
  const [major, minor] = version.split(".");
  const staging = `v0.${version.split(".").slice(1).join(".")}`;
  await run(["go", "mod", "init", "local.test/kubernetes-binaries"], { cwd: work });
  const gomod = await downloadedGoMod(`k8s.io/kubernetes@v${version}`, work, run);
  const goLine = /^go (\S+)/m.exec(gomod)?.[1];
  const godebug = /^godebug (\S+)/m.exec(gomod)?.[1];
  const edits = [goLine ? `-go=${goLine}` : "", godebug ? `-godebug=${godebug}` : ""].filter(Boolean);
  const stagingModules = [...gomod.matchAll(/^\s*k8s\.io\/(\S+) => \.\/staging\//gm)].map((m) => m[1]);
  if (stagingModules.length === 0)
    throw new Error(`no staging replaces found in k8s.io/kubernetes@v${version}`);
  for (const name of stagingModules) edits.push(`-replace=k8s.io/${name}=k8s.io/${name}@${staging}`);
  await run(["go", "mod", "edit", ...edits], { cwd: work });
  const commands = ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl"].map(
    (c) => `k8s.io/kubernetes/cmd/${c}`,
  );
  await run(["go", "get", ...commands.map((c) => `${c}@v${version}`)], { cwd: work });
  // What hack/lib/version.sh stamps, so /version, kubectl and helm's kubeVersion checks see the real release.
  const stamp = ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"].flatMap((pkg) => [
    `-X ${pkg}.gitVersion=v${version}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
    `-X ${pkg}.buildDate=1970-01-01T00:00:00Z`,
  ]);
  await run(
    [
      "go",
      "build",
      "-trimpath",
      "-tags",
      "selinux,notest",
      `-ldflags=-s -w ${stamp.join(" ")}`,
      "-o",
      `${out}/`,
    ].concat(commands),
    { cwd: work },
  );
}

/** etcd's server module replaces its siblings with ../ paths, but requires real versions: a wrapper needs no replaces. */
async function buildEtcd(out: string, work: string, run: Runner) {
  const v = `v${VERSIONS.etcd}`;
  await run(["go", "mod", "init", "local.test/etcd-binaries"], { cwd: work });
  await run(["go", "get", `go.etcd.io/etcd/server/v3@${v}`, `go.etcd.io/etcd/etcdctl/v3@${v}`], {
    cwd: work,
  });
  await run(
    ["go", "build", "-trimpath", "-ldflags=-s -w", "-o", join(out, "etcd"), "go.etcd.io/etcd/server/v3"],
    {
      cwd: work,
    },
  );
  await run(
    ["go", "build", "-trimpath", "-ldflags=-s -w", "-o", join(out, "etcdctl"), "go.etcd.io/etcd/etcdctl/v3"],
    { cwd: work },
  );
}
