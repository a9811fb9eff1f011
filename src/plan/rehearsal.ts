/**
 * The bootstrap plan as a rehearsal runs it, on a throwaway control plane. Left out, each said so by name:
 *
 * - the `before` commands: they create the real cluster (talosctl, a cloud CLI);
 * - the pinned cluster identity: the rehearsal's cluster is a new one by definition;
 * - bootstrap resources that need a secret (SOPS, the injector, `op://` references): a rehearsal holds none of
 *   the user's secrets, and the sops and injector preflight checks go with them;
 * - releases whose chart cannot be fetched (offline, no mirror), and their part of the CRD phase;
 * - the handoff, when a release was left out: the Flux instance may be among what was not installed, and the
 *   rehearsal does the Flux controllers' work itself.
 *
 * What needed a step that was left out no longer waits for it. Everything else runs as `up` runs it.
 */
import type { SourceLocation } from "../findings.ts";
import { needsSecrets } from "../model/prerequisites.ts";
import type { Plan, PlanStep } from "./plan.ts";

/** Something the rehearsal could not do, by name: it is never reported as converged. */
export interface NotRehearsed {
  kind: string;
  id: string;
  reason: string;
  location?: SourceLocation;
}

export interface RehearsalPlan {
  plan: Plan;
  notRehearsed: NotRehearsed[];
}

/** `unfetchable`: release id (`kube-system/cilium`) → why its chart cannot be fetched. */
export function rehearsalPlan(
  plan: Plan,
  unfetchable: ReadonlyMap<string, string> = new Map(),
): RehearsalPlan {
  const notRehearsed: NotRehearsed[] = [];
  const dropped = new Set<string>();
  for (const s of plan.steps) {
    if (s.phase === "before") dropped.add(s.id);
    if (s.kind === "resources" && needsSecrets(s.resources)) {
      dropped.add(s.id);
      notRehearsed.push({
        kind: "bootstrap resources",
        id: s.resources.path,
        reason: `needs a secret (${s.resources.sops ? "SOPS" : s.resources.inject ? `injected by ${s.resources.inject.command}` : "op:// references or templates"}), and a rehearsal holds none of yours`,
        location: s.resources.location,
      });
    }
    if (s.kind === "release" && unfetchable.has(s.release.id)) {
      dropped.add(s.id);
      notRehearsed.push({
        kind: "bootstrap release",
        id: s.release.id,
        reason: `its chart cannot be fetched: ${unfetchable.get(s.release.id)}`,
        location: s.release.location,
      });
    }
  }
  const secretsLeft = plan.steps.some(
    (s) => s.kind === "resources" && !dropped.has(s.id) && needsSecrets(s.resources),
  );
  for (const s of plan.steps) {
    if (s.kind === "preflight" && (s.check === "sops" || s.check === "injectors") && !secretsLeft)
      dropped.add(s.id);
    if (s.kind !== "crds") continue;
    if (s.releases.every((r) => unfetchable.has(r.id))) dropped.add(s.id);
    // A release only of the CRD phase (a chart of CRDs alone) has no release step to say it.
    for (const r of s.releases)
      if (unfetchable.has(r.id) && !notRehearsed.some((n) => n.kind === "bootstrap release" && n.id === r.id))
        notRehearsed.push({
          kind: "bootstrap release",
          id: r.id,
          reason: `its chart cannot be fetched, so its CRDs are not installed: ${unfetchable.get(r.id)}`,
          location: r.location,
        });
  }
  const handoff = plan.steps.find((s) => s.kind === "handoff");
  if (handoff && unfetchable.size > 0 && plan.steps.some((s) => s.kind === "release" && dropped.has(s.id))) {
    dropped.add(handoff.id);
    notRehearsed.push({
      kind: "handoff",
      id: handoff.id,
      reason:
        "bootstrap releases were not rehearsed, and the Flux instance may be among them; the rehearsal does the Flux controllers' work instead",
    });
  }
  const droppedIds = new Set(dropped);
  const steps = plan.steps
    .filter((s) => !droppedIds.has(s.id))
    .map((s): PlanStep => {
      const needs = s.needs.filter((n) => !droppedIds.has(n));
      if (s.kind === "preflight" && s.check === "identity") {
        const { identity: _pinned, ...rest } = s;
        return { ...rest, needs };
      }
      if (s.kind === "crds")
        return { ...s, needs, releases: s.releases.filter((r) => !unfetchable.has(r.id)) };
      return { ...s, needs };
    });
  // The findings of what was left out do not stop the rehearsal (a secret reference nothing resolves).
  const leftOut = plan.steps.filter((s) => s.kind === "resources" && droppedIds.has(s.id));
  const findings = plan.findings.filter(
    (f) =>
      !(
        f.ruleId === "secret-unresolved" &&
        leftOut.some((s) => s.source?.file === f.location?.file && s.source?.line === f.location?.line)
      ),
  );
  return { plan: { ...plan, steps, findings }, notRehearsed };
}
