/** `kubestrap lint` as a library call. */
import { type FleetLintOptions, type FleetLintResult, lintFleet } from "../analysis/fleet.ts";
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
