/**
 * `kubestrap lint --render`: the static analysis, with every chart rendered by helm instead of guessed.
 * Chart-rendered CRDs become providers (bootstrap releases and HelmReleases), and the custom resources a
 * HelmRelease's chart renders (a ServiceMonitor switched on by a value, an HTTPRoute) become consumers of their
 * CRDs when the release installs, in the Kustomization that applies the HelmRelease. Everything those charts
 * render is validated against its schema, as the repository's own objects are.
 */
import type { RenderedManifests } from "../analysis/context.ts";
import { type LintOptions, type LintResult, lint } from "../analysis/lint.ts";
import type { RenderedObject } from "../charts/documents.ts";
import {
  applyPlainHttp,
  type RenderedRelease,
  type RenderSettings,
  renderCrds,
  renderedBodies,
  renderOptionsFrom,
} from "../charts/render.ts";
import type { Finding } from "../findings.ts";
import { isBuiltinKind } from "../model/builtin-api.ts";
import { type ChartCrdResolver, type ChartCrds, type ChartRef, installedBy } from "../model/charts.ts";
import type { HelmReleaseModel } from "../model/flux.ts";
import { getPath, groupOf } from "../model/objects.ts";
import { loadProject } from "../model/project.ts";
import { crdReleases, fluxChartReleases } from "../model/releases.ts";
import { renderedObjects } from "../model/rendered.ts";

export interface RenderLintOptions extends LintOptions, Omit<RenderSettings, "onProgress"> {}

/** Answers for the charts that were rendered, by who installs them; the catalog answers for the rest. */
class RenderedChartResolver implements ChartCrdResolver {
  private readonly byRelease: Map<string, RenderedRelease>;
  constructor(byRelease: Map<string, RenderedRelease>) {
    this.byRelease = byRelease;
  }

  resolve(chart: ChartRef): ChartCrds | undefined {
    const rendered = chart.release ? this.byRelease.get(chart.release) : undefined;
    if (!rendered) return undefined;
    const crds = rendered.crds.map((c) => {
      const spec = (c.object.spec ?? {}) as { group?: string; scope?: string; names?: { kind?: string } };
      return {
        group: spec.group ?? "",
        kind: spec.names?.kind ?? "",
        scope: spec.scope ?? "Namespaced",
        name: c.name,
      };
    });
    return { status: "resolved", crds, via: `helm template of ${rendered.release.id}` };
  }
}

export async function lintWithCharts(options: RenderLintOptions): Promise<LintResult> {
  const first = loadProject(options);
  const bootstrap = crdReleases(first.bootstrap, first.model, options.repo);
  const flux = fluxChartReleases(first.model, options.repo);
  const all = [...bootstrap.releases, ...flux.releases];
  const fromBootstrap = new Set(bootstrap.releases);
  applyPlainHttp(all, options);
  const render = await renderCrds(all, renderOptionsFrom(options));
  const byRelease = new Map<string, RenderedRelease>();
  const chartObjects = new Map<string, RenderedObject[]>();
  const renderedManifests: RenderedManifests[] = [];
  const helmReleases = new Map(first.model.helmReleases.map((hr) => [hr.id, hr]));
  for (const r of render.rendered) {
    const phase = fromBootstrap.has(r.release) ? "bootstrap" : "flux";
    byRelease.set(installedBy(phase, r.release.id), r);
    if (phase !== "flux") continue;
    chartObjects.set(r.release.id, r.objects.filter(isCustomResource));
    const hr = helmReleases.get(r.release.id);
    if (hr && validatable(hr))
      renderedManifests.push({ ks: hr.ks, objects: renderedObjects(renderedBodies(r), r.release) });
  }
  const diagnostics: Finding[] = render.failures.map((f) => ({
    ruleId: "chart-render-failed",
    severity: "error",
    message: f.message,
    location: f.release.location,
  }));
  // The CRDs as the charts render them are the schemas their custom resources meet, ahead of the catalog's.
  const renderedCrds = render.rendered.flatMap((r) =>
    r.crds.map((c) => ({ body: c.object, origin: `helm template of ${r.release.id}` })),
  );
  return lint({
    ...options,
    resolvers: [new RenderedChartResolver(byRelease), ...(options.resolvers ?? [])],
    renderedCrds: [...(options.renderedCrds ?? []), ...renderedCrds],
    chartObjects,
    renderedManifests: [...(options.renderedManifests ?? []), ...renderedManifests],
    diagnostics: [...(options.diagnostics ?? []), ...diagnostics],
  });
}

function isCustomResource(o: RenderedObject): boolean {
  const group = groupOf(o.apiVersion);
  return !isBuiltinKind(`${group}/${o.kind}`) && !group.endsWith(".toolkit.fluxcd.io");
}

/**
 * Whether what kubestrap renders is what helm-controller applies: post-renderers (kustomize patches helm-controller
 * runs on the output) are not run by kubestrap, so a release with them is not validated.
 */
function validatable(hr: HelmReleaseModel): boolean {
  const postRenderers = getPath(hr.object.body, ["spec", "postRenderers"]);
  return !(Array.isArray(postRenderers) && postRenderers.length > 0);
}
