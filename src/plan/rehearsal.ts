/**
 * The bootstrap plan as a rehearsal runs it, on a throwaway control plane: without the `before` commands (they
 * create the real cluster: talosctl, a cloud CLI) and without a pinned cluster identity (the rehearsal's cluster
 * is a new one by definition). Everything else runs as `up` runs it.
 */
import type { Plan, PlanStep } from "./plan.ts";

export function rehearsalPlan(plan: Plan): Plan {
  const dropped = new Set(plan.steps.filter((s) => s.phase === "before").map((s) => s.id));
  const steps = plan.steps
    .filter((s) => !dropped.has(s.id))
    .map((s): PlanStep => {
      const needs = s.needs.filter((n) => !dropped.has(n));
      if (s.kind === "preflight" && s.check === "identity") {
        const { identity: _pinned, ...rest } = s;
        return { ...rest, needs };
      }
      return { ...s, needs };
    });
  return { ...plan, steps };
}
