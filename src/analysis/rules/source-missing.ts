import { describeObject } from "../../model/objects.ts";
import type { Rule, RuleFinding } from "../context.ts";

export const sourceMissing: Rule = {
  id: "source-missing",
  severity: "error",
  description:
    "A HelmRelease whose chart source (OCIRepository, HelmRepository, GitRepository) is not defined anywhere Flux applies.",
  check: (ctx) => {
    const out: RuleFinding[] = [];
    for (const hr of ctx.model.helmReleases) {
      const ref = hr.chartRef;
      // The repository's own source exists by definition (the FluxInstance or `flux bootstrap` creates it).
      if (!ref || hr.chart?.source || ctx.model.rootSources.has(`${ref.kind}/${ref.name}`)) continue;
      out.push({
        message: `HelmRelease ${hr.id} takes its chart from ${ref.kind} ${ref.namespace}/${ref.name}, which no Kustomization applies`,
        fix: `define ${ref.kind} ${ref.name} in namespace ${ref.namespace} next to the HelmRelease`,
        location: {
          file: hr.object.source.file,
          line: ctx.lineOf(
            hr.object,
            hr.object.body.spec && (hr.object.body.spec as Record<string, unknown>).chartRef
              ? ["spec", "chartRef"]
              : ["spec", "chart"],
          ),
        },
        object: describeObject(hr.object),
      });
    }
    return out;
  },
};
