/** `kubestrap lint` as a library call. */
import { compareWithBaseline, type FindingsChange } from "../analysis/baseline.ts";
import { type FleetLintOptions, type FleetLintResult, lintFleet } from "../analysis/fleet.ts";
import { withBaseline } from "../load/git.ts";
import { isUnreadableRepository } from "./baseline.ts";
import type { RenderLintOptions } from "./lint-render.ts";

export interface LintRunOptions extends RenderLintOptions, FleetLintOptions {
  /** Render every chart with helm (`lint --render`) instead of answering from the bundled catalog. */
  render?: boolean;
}

/**
 * Every chosen cluster analysed, alone or with every chart rendered, then the fleet rules. The rendering modules
 * (helm, the chart cache, the OCI client) are loaded only for `render`: a CLI pays for every module it imports on
 * every start.
 */
export async function lintRepository(options: LintRunOptions): Promise<FleetLintResult> {
  if (!options.render) return lintFleet(options);
  const { lintWithCharts } = await import("./lint-render.ts");
  // Each cluster's options carry the render settings along (they are spread from these).
  return lintFleet(options, (one) => lintWithCharts(one as RenderLintOptions));
}

export interface BaselineComparison extends FindingsChange {
  /** The baseline as given: a git revision or a folder. */
  baseline: string;
  /** The commit the revision names; absent for a folder. */
  commit?: string;
  /** Why the baseline could not be linted, when it could not (every finding then counts as introduced). */
  unreadable?: string;
}

export interface BaselineLintResult extends FleetLintResult {
  comparison: BaselineComparison;
}

/**
 * `lint --baseline REV`: the repository linted as it is and as it was at REV (a git revision of the repository
 * that holds `repo`, or a folder), and the findings compared. A folder is taken when one exists at that path.
 * A baseline that cannot be linted (the cluster did not exist yet, its kubestrap.yaml was broken) is reported,
 * and every finding of the change counts as introduced.
 */
export async function lintAgainstBaseline(
  options: LintRunOptions,
  baseline: string,
): Promise<BaselineLintResult> {
  const result = await lintRepository(options);
  const { repository: _r, config: _c, ...rest } = options;
  const comparison = await withBaseline(
    options.repo,
    baseline,
    async (dir, commit): Promise<BaselineComparison> => {
      const base: Pick<BaselineComparison, "baseline" | "commit"> = {
        baseline,
        ...(commit ? { commit } : {}),
      };
      try {
        const past = await lintRepository({ ...rest, repo: dir });
        return { ...base, ...compareWithBaseline(result.findings, past.findings) };
      } catch (error) {
        if (!isUnreadableRepository(error)) throw error;
        return { ...base, ...compareWithBaseline(result.findings, []), unreadable: error.message };
      }
    },
  );
  return { ...result, comparison };
}
