/** A preflight check as a step: read-only, run on every `up`, never journaled. */
import { apiReady } from "../../cluster/preflight/api-ready.ts";
import { helmVersion } from "../../cluster/preflight/helm.ts";
import { clusterIdentity } from "../../cluster/preflight/identity.ts";
import { nodesRegistered } from "../../cluster/preflight/nodes.ts";
import { commandsPresent } from "../../cluster/preflight/tools.ts";
import type { PlanStep } from "../../plan/plan.ts";
import type { ExecuteContext, StepResult } from "../context.ts";
import type { StepRun } from "../runner.ts";

export async function runPreflight(
  step: Extract<PlanStep, { kind: "preflight" }>,
  ctx: ExecuteContext,
  run: StepRun,
  injectors: string[],
): Promise<StepResult> {
  const options = { signal: run.signal, progress: run.progress, timeoutMs: ctx.settings.apiTimeoutMs };
  switch (step.check) {
    case "api-ready": {
      const { client } = await ctx.session();
      return { detail: (await apiReady(client, options)).message };
    }
    case "nodes": {
      const { client } = await ctx.session();
      return { detail: (await nodesRegistered(client, step.nodes ?? 1, options)).message };
    }
    case "helm":
      return { detail: (await helmVersion(ctx.helm)).message };
    case "sops":
      return { detail: commandsPresent(["sops"], "bootstrap resources are SOPS-encrypted").message };
    case "injectors":
      return {
        detail: commandsPresent(injectors, "it resolves the secret references of the bootstrap resources")
          .message,
      };
    case "identity": {
      const session = await ctx.session();
      const result = await clusterIdentity(session.client, session.journal, ctx.cluster, step.identity);
      session.identity = result.identity;
      session.data = result.journal;
      return { detail: result.message };
    }
  }
}
