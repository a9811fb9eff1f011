/**
 * Converging a repository the way Flux would, on a cluster kubestrap has just bootstrapped: each Flux
 * Kustomization, once its parent has applied it and what it `dependsOn` is Ready, applied server-side as
 * kustomize-controller applies it (field manager `kustomize-controller`, staged: CRDs and Namespaces first);
 * each HelmRelease, once its Kustomization applied it and its `dependsOn` are Ready, installed with helm from
 * its chart as helm-controller would; then `wait` and `healthChecks` honoured with the readiness function.
 *
 * Each Kustomization is two steps of the run graph, `apply/…` and `ready/…`, so that a parent that waits for
 * the children it applied does not hold a slot while they converge. When a step has done a Flux object's work,
 * the object gets the status its controller would write (flux-status.ts).
 */

import { ApplyError, applyStaged, type ChangeSetEntry, summarizeChanges } from "../../cluster/apply.ts";
import type { ObjectRef } from "../../cluster/discovery.ts";
import { computeStatus, fluxReadiness, type KubeObject as LiveObject } from "../../cluster/status.ts";
import { pause, waitForObjects } from "../../cluster/wait.ts";
import type { SourceLocation } from "../../findings.ts";
import { cycles } from "../../graph/dag.ts";
import { CatalogResolver } from "../../model/charts.ts";
import {
  type FluxKustomization,
  type FluxModel,
  HELM_GROUP,
  type HelmReleaseModel,
  KUSTOMIZE_GROUP,
  SOURCE_GROUP,
} from "../../model/flux.ts";
import { asRecord, asString, describeObject, groupOf, type KubeObject } from "../../model/objects.ts";
import { type ChartRelease, chartName, fluxChartReleases, mirroredChart } from "../../model/releases.ts";
import type { PlanStep } from "../../plan/plan.ts";
import type { NotRehearsed } from "../../plan/rehearsal.ts";
import type { ExecuteContext } from "../context.ts";
import type { RunNode } from "../runner.ts";
import { runRelease, waitProgress } from "../steps/release.ts";
import { markReady } from "./flux-status.ts";

export const FIELD_MANAGER = "kustomize-controller";

/** One Flux object the rehearsal converges, for the report. */
export interface ConvergeTarget {
  /** The run-graph step that says whether it converged (`ready/…` for a Kustomization). */
  step: string;
  kind: "Kustomization" | "HelmRelease";
  id: string;
  location: SourceLocation;
}

export type { NotRehearsed } from "../../plan/rehearsal.ts";

export interface Convergence {
  nodes: RunNode[];
  targets: ConvergeTarget[];
  /** Known before the run (an unresolvable chart, a SOPS-encrypted object); the run adds charts it cannot fetch. */
  notRehearsed: NotRehearsed[];
  /** By step id: where the object the step failed on was written (the API server refused it). */
  failedAt: Map<string, SourceLocation>;
  /** By Kustomization id: how it converged, when that is worth saying (only through retries). */
  notes: Map<string, string>;
  /** By `namespace/name` of a helm release: the step that installs it (and waits for all it installs). */
  releaseSteps: Map<string, string>;
  /** By `Kind/namespace/name` of an object a Kustomization waits for (`wait`, `healthChecks`): the ready step. */
  waitedBy: Map<string, string>;
}

export interface ConvergeSettings {
  timeoutMs: number;
  /** Bootstrap releases that were not rehearsed (their chart could not be fetched): their CRDs are missing. */
  bootstrapNotRehearsed?: ChartRelease[];
}

export const applyStep = (id: string) => `apply/${id}`;
export const readyStep = (id: string) => `ready/${id}`;
export const releaseStep = (id: string) => `helmrelease/${id}`;

const SYNTHETIC_ROOT = -1;

export function convergence(
  model: FluxModel,
  repoDir: string,
  ctx: ExecuteContext,
  settings: ConvergeSettings,
): Convergence {
  const notRehearsed: NotRehearsed[] = [];
  const charts = fluxChartReleases(model, repoDir);
  const chartOf = new Map(charts.releases.map((r) => [r.id, r]));
  for (const u of charts.unresolved)
    notRehearsed.push({ kind: "HelmRelease", id: u.id, reason: u.reason, location: u.location });
  const unresolved = new Set(charts.unresolved.map((u) => u.id));
  const kustomizations = [...model.kustomizations.values()].filter((ks) => ks.local);
  const known = new Set(kustomizations.map((ks) => ks.id));
  // A Kustomization of another repository (its own GitRepository or OCIRepository) cannot be built here.
  const external = new Map(
    [...model.kustomizations.values()].filter((ks) => !ks.local).map((ks) => [ks.id, ks] as const),
  );
  for (const ks of external.values())
    notRehearsed.push({
      kind: "Kustomization",
      id: ks.id,
      reason: `it reads ${ks.sourceRef.kind} ${ks.sourceRef.namespace}/${ks.sourceRef.name}, another repository, which a rehearsal does not fetch`,
      location: { file: ks.object.source.file, line: ks.object.source.line },
    });
  const releasesByKs = new Map<string, HelmReleaseModel[]>();
  for (const hr of model.helmReleases) releasesByKs.set(hr.ks, [...(releasesByKs.get(hr.ks) ?? []), hr]);
  const releaseIds = new Set(model.helmReleases.map((hr) => hr.id));
  const locations = new Map<string, SourceLocation>();
  const keyOf = (r: { kind: string; name: string; namespace?: string | undefined }) =>
    `${r.kind}/${r.namespace ?? ""}/${r.name}`;
  for (const ks of kustomizations)
    for (const o of ks.objects) locations.set(keyOf(o), { file: o.source.file, line: o.source.line });

  const nodes: RunNode[] = [];
  const targets: ConvergeTarget[] = [];
  const notFetched = new Set<string>();
  /** Kustomizations applied without the kinds (`group/Kind`) whose CRDs come from charts that were not rehearsed. */
  const partial = new Map<string, Set<string>>();
  /** Kustomizations that were not rehearsed, or only in part: what waits for them does not. */
  const unrehearsable = new Set<string>();
  const catalog = new CatalogResolver();
  /** The not-rehearsed HelmRelease whose chart (by the bundled catalog) installs the CRD of `group/kind`. */
  const provides = (chart: string, values: ChartRelease["values"], groupKind: string) => {
    const crds = catalog.resolve({ name: chart, values });
    return crds?.status === "resolved" && crds.crds.some((c) => `${c.group}/${c.kind}` === groupKind);
  };
  const providerNotRehearsed = (groupKind: string): string | undefined =>
    model.helmReleases.find(
      (hr) =>
        (unresolved.has(hr.id) || notFetched.has(hr.id)) &&
        hr.chart !== undefined &&
        provides(hr.chart.name, hr.values, groupKind),
    )?.id ??
    (settings.bootstrapNotRehearsed ?? [])
      .filter((r) => provides(chartName(r.chart), r.values, groupKind))
      .map((r) => `${r.id} (bootstrap)`)[0];
  /** What was not rehearsed and may install CRDs kubestrap cannot know (charts the catalog lacks, other repositories). */
  const unknownNotRehearsed = (): { id: string; chart: string }[] =>
    [
      ...model.helmReleases
        .filter((hr) => (unresolved.has(hr.id) || notFetched.has(hr.id)) && hr.chart !== undefined)
        .map((hr) => ({ id: `HelmRelease ${hr.id}`, chart: hr.chart?.name ?? "" })),
      ...(settings.bootstrapNotRehearsed ?? []).map((r) => ({
        id: `HelmRelease ${r.id} (bootstrap)`,
        chart: chartName(r.chart),
      })),
      // Another repository may install CRDs too (a Kustomization of a project's CRDs from its own repository).
      ...[...external.values()].map((ks) => ({
        id: `Kustomization ${ks.id} (another repository)`,
        chart: ks.name,
      })),
    ].filter((r) => catalog.resolve({ name: r.chart, values: {} }) === undefined);
  /** One of those whose name the API group starts with (`kopiur` for kopiur.home-operations.com). */
  const namedProvider = (group: string): string | undefined => {
    const label = group.split(".")[0] ?? "";
    return unknownNotRehearsed().find(
      (r) => label.length >= 4 && (r.chart.includes(label) || label.includes(r.chart)),
    )?.id;
  };
  /**
   * Why a kind the cluster does not serve is left out rather than waited for: its CRD comes from a chart that was
   * not rehearsed (by the catalog, or by its name), or, once `timedOut`, may come from one whose CRDs are unknown.
   */
  const leftOutReason = (kind: string, group: string, timedOut: boolean): string | undefined => {
    const provider = providerNotRehearsed(`${group}/${kind}`);
    if (provider) return `${kind} (${group}), whose CRD HelmRelease ${provider} installs, was not rehearsed`;
    const named = namedProvider(group);
    if (named)
      return `${kind} (${group}), whose CRD most likely comes from ${named} (by its name), was not rehearsed`;
    if (!timedOut) return undefined;
    const unknown = unknownNotRehearsed();
    if (unknown.length === 0) return undefined;
    const some = unknown.slice(0, 3).map((u) => u.id);
    return `${kind} (${group}) was never served; its CRD may come from one of the ${unknown.length} charts or repositories that were not rehearsed and whose CRDs kubestrap does not know (${some.join(", ")}${unknown.length > 3 ? ", ..." : ""})`;
  };
  const failedAt = new Map<string, SourceLocation>();
  const notes = new Map<string, string>();
  const releaseSteps = new Map<string, string>();
  const waitedBy = new Map<string, string>();

  for (const ks of kustomizations) {
    const location = { file: ks.object.source.file, line: ks.object.source.line };
    const { apply, skipped } = applicableObjects(ks);
    for (const o of skipped)
      notRehearsed.push({
        kind: o.kind,
        id: `${o.namespace ?? ks.namespace}/${o.name}`,
        reason:
          "SOPS-encrypted: kustomize-controller decrypts it with the cluster's key, which a rehearsal has not",
        location: { file: o.source.file, line: o.source.line },
      });
    const applyNeeds = [
      ...(ks.parent && known.has(ks.parent) ? [applyStep(ks.parent)] : []),
      ...ks.dependsOn.map((d) => readyStep(`${d.namespace}/${d.name}`)),
    ];
    nodes.push({
      id: applyStep(ks.id),
      needs: applyNeeds,
      execute: async (run) => {
        const missing = ks.dependsOn
          .map((d) => `${d.namespace}/${d.name}`)
          .filter((id) => !known.has(id) && !external.has(id));
        if (missing.length > 0)
          throw new Error(
            `dependsOn ${missing.join(", ")}, which the repository does not define: Flux waits for it forever`,
          );
        const { client, discovery } = await ctx.session();
        const broken = loadErrors(ks, model);
        if (broken) throw new Error(broken);
        run.progress(`applying ${apply.length} objects`);
        const deadline = Date.now() + settings.timeoutMs;
        const started = Date.now();
        let delay = 1_000;
        let changes: ChangeSetEntry[];
        // Kinds whose CRD comes from a chart that was not rehearsed: the rest is applied without them, so what
        // the API server has to say about the rest is still heard.
        const omitted = new Map<string, string>();
        let objects = apply;
        for (;;) {
          try {
            changes = await applyStaged(
              client,
              discovery,
              objects.map((o) => o.body as LiveObject),
              { fieldManager: FIELD_MANAGER, force: true, timeoutMs: settings.timeoutMs, signal: run.signal },
            );
            break;
          } catch (error) {
            const at = error instanceof ApplyError ? locations.get(keyOf(error.ref)) : undefined;
            if (at) failedAt.set(applyStep(ks.id), at);
            if (!(error instanceof ApplyError && isUnservedKind(error))) throw error;
            const group = groupOf(error.ref.apiVersion);
            const groupKind = `${group}/${error.ref.kind}`;
            const reason = leftOutReason(error.ref.kind, group, Date.now() + delay > deadline);
            if (reason) {
              omitted.set(groupKind, reason);
              objects = objects.filter((o) => `${groupOf(o.apiVersion)}/${o.kind}` !== groupKind);
              failedAt.delete(applyStep(ks.id));
              continue;
            }
            // kustomize-controller fails and tries again at its retry interval: the CRD may be on its way.
            if (Date.now() + delay > deadline) throw error;
            run.progress(`${error.ref.kind} is not served yet; again in ${delay / 1000} s, as Flux retries`);
            await pause(delay, run.signal);
            delay = Math.min(delay * 2, 10_000);
            failedAt.delete(applyStep(ks.id));
            notes.set(
              ks.id,
              `converged only through retries: ${error.ref.kind} was not served when it was first applied (${Math.round((Date.now() - started) / 1000)} s of retries)`,
            );
          }
        }
        // source-controller's part: the sources are this repository and the chart cache, which kubestrap reads.
        for (const o of objects)
          if (groupOf(o.apiVersion) === SOURCE_GROUP)
            await markReady(client, discovery, refOf(o, ks.namespace), "rehearsal: read by kubestrap");
        if (omitted.size > 0) {
          partial.set(ks.id, new Set(omitted.keys()));
          unrehearsable.add(ks.id);
          notRehearsed.push({
            kind: "Kustomization",
            id: ks.id,
            reason: `${apply.length - objects.length} of its ${apply.length} objects were left out: ${[...omitted.values()].join("; ")}`,
            location,
          });
        }
        return { outcome: "done", detail: summarizeChanges(changes) };
      },
    });

    const children = kustomizations.filter((c) => c.parent === ks.id);
    const releases = (releasesByKs.get(ks.id) ?? []).filter((hr) => !unresolved.has(hr.id));
    const readyNeeds = [applyStep(ks.id)];
    if (ks.wait) {
      readyNeeds.push(...children.map((c) => readyStep(c.id)), ...releases.map((hr) => releaseStep(hr.id)));
    } else {
      for (const h of ks.healthChecks) {
        const id = `${h.namespace ?? ks.namespace}/${h.name}`;
        if (h.kind === "Kustomization" && known.has(id)) readyNeeds.push(readyStep(id));
        if (h.kind === "HelmRelease" && releaseIds.has(id) && !unresolved.has(id))
          readyNeeds.push(releaseStep(id));
      }
    }
    const waits = waitedFor(ks, apply);
    for (const r of waits) waitedBy.set(`${r.kind}/${r.namespace}/${r.name}`, readyStep(ks.id));
    nodes.push({
      id: readyStep(ks.id),
      needs: readyNeeds,
      execute: async (run) => {
        const { client, discovery } = await ctx.session();
        const leftOutKinds = partial.get(ks.id);
        const skip = (r: ObjectRef) => {
          const id = `${r.namespace ?? ks.namespace}/${r.name}`;
          if (r.kind === "HelmRelease" && (r.apiVersion === "" || groupOf(r.apiVersion) === HELM_GROUP))
            return unresolved.has(id) || notFetched.has(id);
          if (
            r.kind === "Kustomization" &&
            (r.apiVersion === "" || groupOf(r.apiVersion) === KUSTOMIZE_GROUP)
          )
            return unrehearsable.has(id);
          return false;
        };
        const waited = waits.filter((r) => !leftOutKinds?.has(`${groupOf(r.apiVersion)}/${r.kind}`));
        const refs = waited.filter((r) => !skip(r));
        const leftOut = waited.filter(skip).map((r) => `${r.kind} ${r.namespace}/${r.name}`);
        if (refs.length > 0) {
          run.progress(`waiting for ${refs.length} objects`);
          try {
            await waitForObjects(client, discovery, refs.map(withVersion), {
              timeoutMs: settings.timeoutMs,
              readiness: readinessOf,
              signal: run.signal,
              onProgress: waitProgress(run),
            });
          } catch (error) {
            // What it waits for may be made by a release that was not rehearsed (a CRD, an operator's object).
            if (leftOut.length === 0 || run.signal.aborted) throw error;
            unrehearsable.add(ks.id);
            notRehearsed.push({
              kind: "Kustomization",
              id: ks.id,
              reason: `${(error as Error).message.split("\n")[0]}; it also waits for ${leftOut.join(", ")}, not rehearsed, which may be what makes it ready`,
              location,
            });
            return { outcome: "skipped", detail: "not rehearsed: it waits for what was not rehearsed" };
          }
        }
        if (leftOutKinds)
          return {
            outcome: "skipped",
            detail: `not rehearsed in full: ${refs.length} objects ready, kinds left out: ${[...leftOutKinds].join(", ")}`,
          };
        if (ks.object.source.docIndex !== SYNTHETIC_ROOT)
          await markReady(
            client,
            discovery,
            refOf(ks.object, ks.namespace),
            "rehearsal: applied by kubestrap",
          );
        return {
          outcome: "done",
          detail: refs.length > 0 ? `${refs.length} objects ready` : "applied (nothing to wait for)",
        };
      },
    });
    targets.push({ step: readyStep(ks.id), kind: "Kustomization", id: ks.id, location });

    for (const hr of releasesByKs.get(ks.id) ?? []) {
      const chart = chartOf.get(hr.id);
      if (!chart) continue;
      const release = asInstalled(chart, hr);
      releaseSteps.set(`${release.namespace}/${release.name}`, releaseStep(hr.id));
      nodes.push({
        id: releaseStep(hr.id),
        needs: [applyStep(ks.id), ...hr.dependsOn.map((d) => releaseStep(`${d.namespace}/${d.name}`))],
        execute: async (run) => {
          try {
            run.progress("fetching the chart");
            await ctx.cache.fetch(ctx.helm, mirroredChart(release.chart, ctx.settings.mirrors), {
              offline: ctx.settings.render.offline ?? false,
            });
          } catch (error) {
            notFetched.add(hr.id);
            notRehearsed.push({
              kind: "HelmRelease",
              id: hr.id,
              reason: `its chart cannot be fetched: ${(error as Error).message.split("\n")[0]}`,
              location: release.location,
            });
            return { outcome: "skipped", detail: "not rehearsed: the chart cannot be fetched" };
          }
          const step: Extract<PlanStep, { kind: "release" }> = {
            kind: "release",
            id: releaseStep(hr.id),
            phase: "releases",
            title: `helm-controller: ${hr.id}`,
            why: "a HelmRelease of the repository",
            needs: [],
            hash: "",
            release,
          };
          const result = await runRelease(step, ctx, run, { recover: false });
          const { client, discovery } = await ctx.session();
          await markReady(
            client,
            discovery,
            refOf(hr.object, hr.namespace),
            "rehearsal: installed by kubestrap",
          );
          return { outcome: "done", detail: result.detail };
        },
      });
      targets.push({ step: releaseStep(hr.id), kind: "HelmRelease", id: hr.id, location: release.location });
    }
  }
  // A dependency on something the rehearsal has no step for (a Kustomization the repository does not define, a
  // HelmRelease that is not rehearsed) is left to the step itself, which says so.
  const ids = new Set(nodes.map((n) => n.id));
  for (const node of nodes) node.needs = node.needs.filter((n) => ids.has(n));
  // A dependsOn cycle waits forever under Flux: its members fail at once, and what needs them is blocked.
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const cycle of cycles(new Map(nodes.map((n) => [n.id, n.needs])))) {
    const names = [...new Set(cycle.map((id) => id.slice(id.indexOf("/") + 1)))];
    for (const id of cycle) {
      const node = byId.get(id) as RunNode;
      node.needs = node.needs.filter((n) => !cycle.includes(n));
      node.execute = async () => {
        throw new Error(`dependsOn cycle ${names.join(" -> ")}: Flux waits for it forever`);
      };
    }
  }
  return { nodes, targets, notRehearsed, failedAt, notes, releaseSteps, waitedBy };
}

/** What a Kustomization waits for: every object it applies with `wait: true`, else its `healthChecks`. */
function waitedFor(ks: FluxKustomization, apply: KubeObject[]): ObjectRef[] {
  if (ks.wait) return apply.map((o) => refOf(o, ks.namespace));
  return ks.healthChecks.map((h) => ({
    apiVersion: h.apiVersion ?? "",
    kind: h.kind,
    name: h.name,
    namespace: h.namespace ?? ks.namespace,
  }));
}

function isUnservedKind(error: ApplyError): boolean {
  return error.status === 404 && error.message.includes("the cluster serves no");
}

/** Why kustomize-controller cannot build the Kustomization at all (its path is missing, kustomize fails), if so. */
function loadErrors(ks: FluxKustomization, model: FluxModel): string | undefined {
  const self = describeObject(ks.object);
  const inside = (file: string | undefined) =>
    ks.path !== undefined && file?.startsWith(`${ks.path}/`) === true;
  const found = model.findings.find(
    (f) =>
      f.severity === "error" &&
      ((f.ruleId === "path-missing" && f.object === self) ||
        (f.ruleId.startsWith("kustomize-") && inside(f.location?.file))),
  );
  return found ? `kustomize build fails: ${found.message}` : undefined;
}

/** What kustomize-controller applies, and what a rehearsal cannot (SOPS-encrypted documents). */
function applicableObjects(ks: FluxKustomization): { apply: KubeObject[]; skipped: KubeObject[] } {
  const apply: KubeObject[] = [];
  const skipped: KubeObject[] = [];
  for (const o of ks.objects) (o.body.sops !== undefined ? skipped : apply).push(o);
  return { apply, skipped };
}

/** The release as helm-controller installs it: `releaseName`, else `<targetNamespace>-<name>` or the name. */
function asInstalled(chart: ChartRelease, hr: HelmReleaseModel): ChartRelease {
  const spec = asRecord(hr.object.body.spec);
  const targetNamespace = asString(spec.targetNamespace);
  const name = asString(spec.releaseName) ?? (targetNamespace ? `${targetNamespace}-${hr.name}` : hr.name);
  return {
    ...chart,
    name,
    namespace: targetNamespace ?? hr.namespace,
    id: `${targetNamespace ?? hr.namespace}/${name}`,
  };
}

function refOf(o: KubeObject, defaultNamespace: string): ObjectRef {
  const ref: ObjectRef = { apiVersion: o.apiVersion, kind: o.kind, name: o.name };
  const ns = o.namespace ?? defaultNamespace;
  if (ns) ref.namespace = ns;
  return ref;
}

/** A health check may leave out the apiVersion of a Flux kind (its current version) or a core kind. */
function withVersion(ref: ObjectRef): ObjectRef {
  if (ref.apiVersion) return ref;
  const apiVersion =
    ref.kind === "Kustomization"
      ? `${KUSTOMIZE_GROUP}/v1`
      : ref.kind === "HelmRelease"
        ? `${HELM_GROUP}/v2`
        : "v1";
  return { ...ref, apiVersion };
}

/** Flux objects are Ready only with a Ready condition of their generation; everything else by kstatus. */
function readinessOf(object: LiveObject) {
  return groupOf(object.apiVersion ?? "").endsWith(".toolkit.fluxcd.io")
    ? fluxReadiness(object)
    : computeStatus(object);
}
