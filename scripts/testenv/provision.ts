/**
 * The test environment's tools: the local control plane's (`src/cluster/local/provision.ts`), plus the
 * references of the differential tests (helmfile, kustomize, fluxcd/pkg/envsubst) and the benchmarks'
 * baselines (yq, kubeconform, flate), built the same way into the same cache.
 *
 * Run directly (`node scripts/testenv/provision.ts [tool...]`) it builds what is missing and prints one line per
 * tool.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  buildWithReplaces,
  ENVIRONMENT_RECIPES,
  goInstall,
  type ProvisionResult,
  provisionRecipes,
  type Recipe,
  type Runner,
  recipeFile,
  toolCache,
} from "../../src/cluster/local/provision.ts";
import { VERSIONS } from "../../src/cluster/local/versions.ts";

export { missingBinaries, type ToolPaths, toolPaths } from "../../src/cluster/local/provision.ts";

/** The Go wrapper around fluxcd/pkg/envsubst, kept with its tests. */
const ENVSUBST_WRAPPER = join(import.meta.dirname, "../../test/envsubst/main.go");

const TEST_RECIPES: Record<string, Recipe> = {
  helmfile: {
    dir: `helmfile-v${VERSIONS.helmfile}`,
    files: ["bin/helmfile"],
    build: (out, work, run) =>
      buildWithReplaces(
        "github.com/helmfile/helmfile",
        VERSIONS.helmfile,
        "github.com/helmfile/helmfile",
        out,
        work,
        run,
      ),
  },
  kustomize: {
    dir: `kustomize-v${VERSIONS.kustomize}`,
    files: ["bin/kustomize"],
    build: (out, work, run) =>
      goInstall(`sigs.k8s.io/kustomize/kustomize/v5@v${VERSIONS.kustomize}`, out, work, run),
  },
  yq: {
    dir: `yq-v${VERSIONS.yq}`,
    files: ["bin/yq"],
    bench: true,
    build: (out, work, run) => goInstall(`github.com/mikefarah/yq/v4@v${VERSIONS.yq}`, out, work, run),
  },
  kubeconform: {
    dir: `kubeconform-v${VERSIONS.kubeconform}`,
    files: ["bin/kubeconform"],
    bench: true,
    build: (out, work, run) =>
      goInstall(`github.com/yannh/kubeconform/cmd/kubeconform@v${VERSIONS.kubeconform}`, out, work, run),
  },
  flate: {
    dir: `flate-v${VERSIONS.flate}`,
    files: ["bin/flate"],
    bench: true,
    build: (out, work, run) =>
      goInstall(`github.com/home-operations/flate/cmd/flate@v${VERSIONS.flate}`, out, work, run, "-s -w", {
        // flate's go.mod needs Go 1.27: the go command fetches that toolchain from the module proxy.
        GOTOOLCHAIN: VERSIONS.flateGoToolchain,
      }),
  },
  envsubst: {
    // The wrapper is this repository's code: its hash is part of the key, so an edit builds it afresh.
    dir: `envsubst-v${VERSIONS.envsubst}-${envsubstWrapperHash()}`,
    files: ["bin/envsubst-eval"],
    build: buildEnvsubst,
  },
};

const RECIPES: Record<string, Recipe> = { ...ENVIRONMENT_RECIPES, ...TEST_RECIPES };

function binPath(tool: string, binary: string): string {
  const recipe = RECIPES[tool];
  if (!recipe) throw new Error(`unknown tool ${tool}`);
  return recipeFile(recipe, join("bin", binary));
}

/** helmfile (the reference of the differential tests, and a benchmark baseline) and yq, for the benchmarks. */
export function benchToolPaths(): { helmfile: string; yq: string; kubeconform: string; flate: string } {
  return {
    helmfile: helmfilePath(),
    yq: binPath("yq", "yq"),
    kubeconform: binPath("kubeconform", "kubeconform"),
    flate: binPath("flate", "flate"),
  };
}

export function helmfilePath(): string {
  return binPath("helmfile", "helmfile");
}

export function kustomizePath(): string {
  return binPath("kustomize", "kustomize");
}

/** test/envsubst/main.go built against fluxcd/pkg/envsubst: the reference of the substitution tests. */
export function envsubstPath(): string {
  return binPath("envsubst", "envsubst-eval");
}

/** What the integration tests need; the benchmarks add BENCH_TOOLS. */
export const TOOLS = Object.keys(RECIPES).filter((t) => !RECIPES[t]?.bench);
export const BENCH_TOOLS = Object.keys(RECIPES).filter((t) => RECIPES[t]?.bench);

/** Builds every tool (or the named ones) that is not cached yet. */
export function provision(
  log: (line: string) => void = () => {},
  only: string[] = TOOLS,
): Promise<ProvisionResult[]> {
  return provisionRecipes(RECIPES, only, log);
}

function envsubstWrapperHash(): string {
  return createHash("sha256").update(readFileSync(ENVSUBST_WRAPPER)).digest("hex").slice(0, 12);
}

async function buildEnvsubst(out: string, work: string, run: Runner) {
  writeFileSync(join(work, "main.go"), readFileSync(ENVSUBST_WRAPPER));
  await run(["go", "mod", "init", "local.test/envsubst-eval"], { cwd: work });
  await run(["go", "get", `github.com/fluxcd/pkg/envsubst@v${VERSIONS.envsubst}`], { cwd: work });
  await run(["go", "build", "-trimpath", "-ldflags=-s -w", "-o", join(out, "envsubst-eval"), "."], {
    cwd: work,
  });
}

if (import.meta.main) {
  const started = performance.now();
  try {
    const only = process.argv.slice(2);
    const results = await provision((line) => console.log(`testenv: ${line}`), only.length ? only : TOOLS);
    const built = results.filter((r) => !r.cached).length;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `testenv: ${built} built, ${results.length - built} cached, ${seconds} s (cache: ${toolCache()})`,
    );
  } catch (error) {
    console.error(`testenv: ${(error as Error).message}`);
    process.exit(1);
  }
}
