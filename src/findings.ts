/** Findings are values: every problem kubestrap reports carries its rule, severity and location. */

export type Severity = "error" | "warning" | "info";

export interface SourceLocation {
  /** Path relative to the repository root, with forward slashes. */
  file: string;
  /** 1-based line. */
  line: number;
}

export interface RelatedLocation extends SourceLocation {
  message: string;
  /** The cluster the related place belongs to, when another one (cross-cluster findings). */
  cluster?: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  location?: SourceLocation;
  /** The object the finding is about, as `Kind namespace/name`. */
  object?: string;
  /** A concrete change that makes the finding go away. */
  fix?: string;
  related?: RelatedLocation[];
  /** The cluster it belongs to, in a repository with several; absent when it holds for every one. */
  cluster?: string;
}

export function compareFindings(a: Finding, b: Finding): number {
  const fa = a.location?.file ?? "";
  const fb = b.location?.file ?? "";
  if (fa !== fb) return fa < fb ? -1 : 1;
  const la = a.location?.line ?? 0;
  const lb = b.location?.line ?? 0;
  if (la !== lb) return la - lb;
  if (a.ruleId !== b.ruleId) return a.ruleId < b.ruleId ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}
