/**
 * The prerequisites: the bootstrap's namespaces, then each bootstrap resource tree (secrets decrypted and
 * injected on the way), server-side applied as change sets and waited for.
 */
import { applyAll, applyStaged, isDefinition, refOf, summarizeChanges } from "../../cluster/apply.ts";
import { waitForObjects } from "../../cluster/wait.ts";
import type { PlanStep } from "../../plan/plan.ts";
import type { ExecuteContext, StepResult } from "../context.ts";
import type { StepRun } from "../runner.ts";
import { prepareResources } from "../secrets.ts";

export async function runNamespaces(
  step: Extract<PlanStep, { kind: "namespaces" }>,
  ctx: ExecuteContext,
  run: StepRun,
): Promise<StepResult> {
  const { client, discovery } = await ctx.session();
  const objects = step.namespaces.map((n) => n.object);
  const changes = await applyAll(client, discovery, objects, {
    fieldManager: ctx.fieldManager,
    force: ctx.settings.forceConflicts,
    signal: run.signal,
  });
  const refs = changes.map((c) => c.ref);
  await waitForObjects(client, discovery, refs, {
    timeoutMs: ctx.settings.waitTimeoutMs,
    signal: run.signal,
  });
  return { detail: summarizeChanges(changes), objects: refs };
}

export async function runResources(
  step: Extract<PlanStep, { kind: "resources" }>,
  ctx: ExecuteContext,
  run: StepRun,
): Promise<StepResult> {
  const { client, discovery } = await ctx.session();
  if (step.resources.sops || step.resources.inject)
    run.progress(
      `resolving secrets${step.resources.sops ? " (sops)" : ""}${step.resources.inject ? ` (${step.resources.inject.command})` : ""}`,
    );
  const prepared = await prepareResources(step.resources, {
    repoDir: ctx.repoDir,
    redactor: ctx.redactor,
    signal: run.signal,
  });
  // Namespaces were applied by the namespaces step, from the same manifests.
  const objects = prepared.filter((o) => !(o.kind === "Namespace" && o.apiVersion === "v1"));
  run.progress(`applying ${objects.length} objects`);
  const options = {
    fieldManager: ctx.fieldManager,
    force: ctx.settings.forceConflicts,
    signal: run.signal,
    timeoutMs: ctx.settings.waitTimeoutMs,
    ...(step.resources.namespace ? { defaultNamespace: step.resources.namespace } : {}),
  };
  const changes = objects.some(isDefinition)
    ? await applyStaged(client, discovery, objects, options)
    : await applyAll(client, discovery, objects, options);
  const refs = changes.map((c) => c.ref);
  await waitForObjects(client, discovery, refs, {
    timeoutMs: ctx.settings.waitTimeoutMs,
    signal: run.signal,
  });
  return {
    detail: `${objects.length} objects: ${summarizeChanges(changes)}`,
    objects: refs.length > 0 ? refs : objects.map((o) => refOf(o)),
  };
}
