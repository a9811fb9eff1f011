/** What `lint --baseline` and `diff --baseline` share about reading a repository's past. */

const UNREADABLE = new Set(["UsageError", "RepositoryError", "HelmfileError"]);

/**
 * An error that says a baseline is not a repository kubestrap can read (its kubestrap.yaml was broken, it lacks
 * the cluster), rather than a bug: the command reports it and counts everything of the change as new.
 */
export function isUnreadableRepository(error: unknown): error is Error {
  return error instanceof Error && UNREADABLE.has(error.name);
}
