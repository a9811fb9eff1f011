/** `kubestrap lint` as a library call. */
import { type LintResult, lint } from "../analysis/lint.ts";
import type { RenderLintOptions } from "./lint-render.ts";

export interface LintRunOptions extends RenderLintOptions {
  /** Render every chart with helm (`lint --render`) instead of answering from the bundled catalog. */
  render?: boolean;
}

/**
 * The analysis alone, or with every chart rendered. The rendering modules (helm, the chart cache, the OCI
 * client) are loaded only for `render`: a CLI pays for every module it imports on every start.
 */
export async function lintRepository(options: LintRunOptions): Promise<LintResult> {
  if (!options.render) return lint(options);
  const { lintWithCharts } = await import("./lint-render.ts");
  return lintWithCharts(options);
}
