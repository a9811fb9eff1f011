/**
 * helmfile hooks as `kubestrap up` runs them. helmfile renders a hook's command and args as Go templates with
 * the release in scope; repositories use `{{ .Release.Name }}` and `{{ .Release.Namespace }}` to point at the
 * release's own files. Those (and `.Environment.Name`, `.Release.Chart`) are resolved here; any other template
 * is reported with the helmfile's file and line instead of being run half-resolved.
 */
import type { HelmfileHook } from "./bootstrap.ts";

/** The events of `helmfile sync`, in the order they fire around one release. */
export const SYNC_EVENTS_BEFORE = ["prepare", "presync"] as const;
export const SYNC_EVENTS_AFTER = ["postsync", "cleanup"] as const;

export interface HookScope {
  release: { name: string; namespace: string; chart: string };
  environment: string;
}

const ACTION = /\{\{-?\s*(.*?)\s*-?\}\}/g;

const FIELDS: Record<string, (s: HookScope) => string> = {
  ".Release.Name": (s) => s.release.name,
  ".Release.Namespace": (s) => s.release.namespace,
  ".Release.Chart": (s) => s.release.chart,
  ".Environment.Name": (s) => s.environment,
  ".Namespace": (s) => s.release.namespace,
};

/** Resolves the templates of one string; throws with the template it cannot evaluate. */
export function resolveTemplate(text: string, scope: HookScope): string {
  return text.replace(ACTION, (whole, expression: string) => {
    const field = FIELDS[expression.trim()];
    if (!field)
      throw new Error(`template ${whole} is not supported (only ${Object.keys(FIELDS).join(", ")})`);
    return field(scope);
  });
}

export interface ResolvedHook {
  events: string[];
  command: string;
  args: string[];
  showlogs: boolean;
}

export function resolveHook(hook: HelmfileHook, scope: HookScope): ResolvedHook {
  return {
    events: hook.events,
    command: resolveTemplate(hook.command, scope),
    args: hook.args.map((a) => resolveTemplate(a, scope)),
    showlogs: hook.showlogs,
  };
}

/** Errors of every hook of a release, for the plan: a hook that cannot be resolved stops the plan. */
export function hookProblems(
  hooks: HelmfileHook[],
  scope: HookScope,
): { hook: HelmfileHook; message: string }[] {
  const problems: { hook: HelmfileHook; message: string }[] = [];
  for (const hook of hooks) {
    try {
      resolveHook(hook, scope);
    } catch (error) {
      problems.push({ hook, message: (error as Error).message });
    }
  }
  return problems;
}
