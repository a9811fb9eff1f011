/**
 * The handoff: Flux runs and reconciles the repository. The Flux instance is a FluxInstance (flux-operator), or
 * the GitRepository/OCIRepository and Kustomization `flux-system/flux-system` of a classic bootstrap; it must be
 * Ready. With `--wait-flux`, every Flux Kustomization and HelmRelease the repository defines must then become
 * Ready too, with a live count. Read-only: the handoff writes nothing.
 */
import type { ObjectRef } from "../../cluster/discovery.ts";
import { latestRelease, manifestObjects } from "../../cluster/helm-storage.ts";
import { KubeError } from "../../cluster/kube.ts";
import { fluxReadiness, type KubeObject } from "../../cluster/status.ts";
import { waitForObjects } from "../../cluster/wait.ts";
import type { PlanStep } from "../../plan/plan.ts";
import type { ExecuteContext, Session, StepResult } from "../context.ts";
import type { StepRun } from "../runner.ts";

const INSTANCE_KINDS: { apiVersion: string; kind: string }[] = [
  { apiVersion: "fluxcd.controlplane.io/v1", kind: "FluxInstance" },
];
const CLASSIC: ObjectRef[] = [
  {
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    kind: "Kustomization",
    name: "flux-system",
    namespace: "flux-system",
  },
];

/**
 * The Flux instance(s) to wait for: the FluxInstance objects the bootstrap releases installed (flux-instance's),
 * else the classic `flux-system/flux-system` Kustomization, else any FluxInstance in the cluster.
 */
export async function fluxInstances(
  session: Pick<Session, "client" | "discovery">,
  releases: { namespace: string; name: string }[] = [],
): Promise<ObjectRef[]> {
  const installed: ObjectRef[] = [];
  for (const r of releases) {
    const release = await latestRelease(session.client, r.namespace, r.name);
    for (const ref of manifestObjects(release?.manifest ?? "", r.namespace))
      if (INSTANCE_KINDS.some((k) => k.apiVersion === ref.apiVersion && k.kind === ref.kind))
        installed.push(ref);
  }
  if (installed.length > 0) return installed;
  // Flux bootstrapped without the operator (flux install, or manifests among the bootstrap resources).
  for (const ref of CLASSIC) {
    try {
      if (await session.client.get(await session.discovery.path(ref))) return CLASSIC;
    } catch (error) {
      if (!(error instanceof KubeError && error.status === 404)) throw error;
    }
  }
  for (const { apiVersion, kind } of INSTANCE_KINDS) {
    try {
      const list = await session.client.list<KubeObject>(
        await session.discovery.collection(apiVersion, kind),
      );
      if (list.items.length > 0)
        return list.items.map((i) => ({
          apiVersion,
          kind,
          name: i.metadata?.name ?? "",
          ...(i.metadata?.namespace ? { namespace: i.metadata.namespace } : {}),
        }));
    } catch (error) {
      if (!(error instanceof KubeError && error.status === 404)) throw error;
    }
  }
  return [];
}

export async function runHandoff(
  step: Extract<PlanStep, { kind: "handoff" }>,
  ctx: ExecuteContext,
  run: StepRun,
): Promise<StepResult> {
  const session = await ctx.session();
  const timeoutMs = step.timeoutSeconds * 1000;
  const instances = await fluxInstances(session, step.releases);
  if (instances.length === 0)
    throw new Error(
      "no Flux instance in the cluster: neither a FluxInstance nor the Kustomization flux-system/flux-system; the bootstrap releases did not install Flux",
    );
  const names = instances.map((i) => `${i.kind} ${i.namespace ? `${i.namespace}/` : ""}${i.name}`).join(", ");
  run.progress(`waiting for ${names}`);
  await waitForObjects(session.client, session.discovery, instances, {
    timeoutMs,
    readiness: fluxReadiness,
    signal: run.signal,
    onProgress: (states) => {
      const s = states.find((x) => x.status !== "Current");
      if (s) run.progress(`${s.ref.kind} ${s.ref.name}: ${s.message}`);
    },
  });
  if (!ctx.settings.waitFlux) return { detail: `${names} Ready: Flux reconciles the repository` };
  const counts = await waitForFlux(session, step.expect, timeoutMs, run);
  return { detail: `${names} Ready; ${counts}` };
}

const FLUX_KINDS = [
  {
    label: "Kustomizations",
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    kind: "Kustomization",
    key: "kustomizations",
  },
  {
    label: "HelmReleases",
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    key: "helmReleases",
  },
] as const;

/** Polls every Flux Kustomization and HelmRelease until the expected ones exist and all are Ready. */
async function waitForFlux(
  session: Session,
  expect: { kustomizations: string[]; helmReleases: string[] },
  timeoutMs: number,
  run: StepRun,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const parts: string[] = [];
    const waiting: string[] = [];
    let done = true;
    for (const k of FLUX_KINDS) {
      let items: KubeObject[] = [];
      try {
        items = (
          await session.client.list<KubeObject>(await session.discovery.collection(k.apiVersion, k.kind))
        ).items;
      } catch (error) {
        if (!(error instanceof KubeError && error.status === 404)) throw error;
      }
      const ready = new Set(
        items
          .filter((i) => fluxReadiness(i).status === "Current")
          .map((i) => `${i.metadata?.namespace}/${i.metadata?.name}`),
      );
      const ids = new Set([
        ...expect[k.key],
        ...items.map((i) => `${i.metadata?.namespace}/${i.metadata?.name}`),
      ]);
      const readyCount = [...ids].filter((id) => ready.has(id)).length;
      parts.push(`${readyCount}/${ids.size} ${k.label} Ready`);
      if (readyCount < ids.size) done = false;
      const present = new Set(items.map((i) => `${i.metadata?.namespace}/${i.metadata?.name}`));
      const missing = expect[k.key].filter((id) => !present.has(id));
      if (missing.length > 0)
        waiting.push(
          `${k.label} not created yet: ${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ", ..." : ""}`,
        );
    }
    const line = parts.join(", ");
    if (done) return line;
    if (waiting.length > 0) run.progress(`${line}; ${waiting.join("; ")}`);
    if (Date.now() > deadline) throw new Error(`Flux did not converge in ${timeoutMs / 1000} s: ${line}`);
    if (waiting.length === 0) run.progress(line);
    await new Promise((r) => setTimeout(r, 2_000));
    run.signal.throwIfAborted();
  }
}
