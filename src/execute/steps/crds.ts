/**
 * The CRD phase: every bootstrap chart rendered (in parallel, cached by chart digest and values), its CRDs
 * de-duplicated, server-side applied and waited for until Established. A CRD that a chart of the release phase
 * renders from its templates (cert-manager with `crds.enabled`) is applied with that release's ownership
 * metadata, so that its `helm upgrade --install` adopts it instead of refusing an object it did not create.
 */
import { buildCrdSet } from "../../charts/crd-set.ts";
import {
  type RenderedCrd,
  type RenderedRelease,
  renderCrds,
  renderOptionsFrom,
} from "../../charts/render.ts";
import { applyCrds } from "../../cluster/crds.ts";
import { isBuiltinKind } from "../../model/builtin-api.ts";
import { groupOf } from "../../model/objects.ts";
import { type ChartRelease, mirroredChart } from "../../model/releases.ts";
import type { PlanStep } from "../../plan/plan.ts";
import type { ExecuteContext, StepResult } from "../context.ts";
import type { GateVerdict } from "../gate.ts";
import type { StepRun } from "../runner.ts";

export async function runCrds(
  step: Extract<PlanStep, { kind: "crds" }>,
  ctx: ExecuteContext,
  run: StepRun,
): Promise<StepResult> {
  const { client } = await ctx.session();
  const kubeVersion = ctx.settings.kubeVersion ?? ((await client.serverVersion()) || undefined);
  const installed = new Set(step.releases.filter((r) => r.phase === "releases").map((r) => r.id));
  const options = {
    ...renderOptionsFrom({ ...ctx.settings.render, cacheDir: undefined }),
    // helm renders the charts of installed releases (not only their crds/), so that their objects are known.
    needsObjects: (r: ChartRelease) => installed.has(r.id),
    // Each release learns whether it must wait for the CRDs as soon as its own chart is rendered.
    onProgress: (e: { release: ChartRelease; state: string; rendered?: RenderedRelease }) => {
      if (e.state !== "start" && installed.has(e.release.id))
        ctx.crdGate.decide(e.release.id, gateVerdict(e.release, e.rendered));
    },
    helm: ctx.helm,
    cache: ctx.cache,
    crdsOnly: true,
    ...(kubeVersion ? { kubeVersion } : {}),
  };
  run.progress(`rendering ${step.releases.length} charts`);
  const releases = step.releases.map((r) => ({ ...r, chart: mirroredChart(r.chart, ctx.settings.mirrors) }));
  const render = await renderCrds(releases, options);
  if (render.failures.length > 0) throw new Error(render.failures.map((f) => f.message).join("; "));
  const set = buildCrdSet(render.rendered);
  const installedByHelm = new Map(step.releases.filter((r) => r.phase === "releases").map((r) => [r.id, r]));
  const crds = set.crds.map((crd) => {
    const release = installedByHelm.get(crd.release);
    return release && fromTemplates(crd) ? withHelmOwnership(crd, release.name, release.namespace) : crd;
  });
  run.progress(`applying ${crds.length} CRDs`);
  let established = 0;
  const results = await applyCrds(client, crds, {
    fieldManager: ctx.fieldManager,
    force: ctx.settings.forceConflicts,
    timeoutMs: ctx.settings.waitTimeoutMs,
    onEvent: (e) => {
      if (e.state === "established") run.progress(`${++established}/${crds.length} CRDs Established`);
    },
  });
  ctx.crdGate.applied();
  const count = (a: string) => results.filter((r) => r.action === a).length;
  const cached = render.rendered.filter((r) => r.cached).length;
  return {
    detail: `${results.length} CRDs Established (${count("created")} created, ${count("configured")} configured, ${count("unchanged")} unchanged; ${cached}/${render.rendered.length} renders cached)`,
    objects: results.map((r) => ({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      name: r.name,
    })),
  };
}

/**
 * Whether a release must wait for the CRDs: its chart ships some (helm must not race kubestrap to create them),
 * renders objects of kinds that are not built in (their CRDs may be among these), or it has hooks (which may apply
 * custom resources).
 */
export function gateVerdict(release: ChartRelease, rendered: RenderedRelease | undefined): GateVerdict {
  if (!rendered) return { wait: true, why: "its chart did not render" };
  if (rendered.crds.length > 0)
    return {
      wait: true,
      why: `its chart ships ${rendered.crds.length} CRD${rendered.crds.length === 1 ? "" : "s"}`,
    };
  const custom = rendered.objects.find((o) => !isBuiltinKind(`${groupOf(o.apiVersion)}/${o.kind}`));
  if (custom) return { wait: true, why: `its chart renders a ${custom.kind}` };
  if (release.hooks.length > 0) return { wait: true, why: "its hooks may apply custom resources" };
  return { wait: false, why: "" };
}

/** helm prints `# Source: <chart>/templates/...` before a document that came from the chart's templates. */
function fromTemplates(crd: RenderedCrd): boolean {
  return /^# Source: [^/\n]+\/templates\//m.test(crd.text.slice(0, 400));
}

function withHelmOwnership(crd: RenderedCrd, name: string, namespace: string): RenderedCrd {
  const object = structuredClone(crd.object) as { metadata?: Record<string, unknown> };
  object.metadata ??= {};
  const metadata = object.metadata;
  metadata.annotations = {
    ...(metadata.annotations as Record<string, string> | undefined),
    "meta.helm.sh/release-name": name,
    "meta.helm.sh/release-namespace": namespace,
  };
  metadata.labels = {
    ...(metadata.labels as Record<string, string> | undefined),
    "app.kubernetes.io/managed-by": "Helm",
  };
  return { name: crd.name, text: crd.text, bytes: crd.bytes, release: crd.release, object };
}
