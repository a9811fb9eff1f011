/**
 * Findings of a change against those of its baseline (`lint --baseline REV`): which the change introduces, which
 * it fixes, which were there before. A finding is matched by what it says, not where: its cluster, rule, object,
 * file, severity and message, with line numbers taken out of the message, so that lines added above a finding do not make
 * it new. Equal findings are counted, like ESLint's suppressions: a second copy of an old problem is new.
 */
import type { Finding } from "../findings.ts";

export interface FindingsChange {
  /** In the change, not in the baseline. */
  introduced: Finding[];
  /** In the baseline, not in the change (located in the baseline's files). */
  fixed: Finding[];
  /** In both (as the change reports them). */
  unchanged: Finding[];
}

/** What identifies a finding across two revisions of a repository. */
export function findingKey(f: Finding): string {
  return JSON.stringify([
    f.cluster ?? "",
    f.severity,
    f.ruleId,
    f.object ?? "",
    f.location?.file ?? "",
    f.message.replace(/(:|\bline )\d+/g, "$1#"),
  ]);
}

export function compareWithBaseline(change: Finding[], baseline: Finding[]): FindingsChange {
  const left = new Map<string, Finding[]>();
  for (const f of baseline) {
    const key = findingKey(f);
    const list = left.get(key);
    if (list) list.push(f);
    else left.set(key, [f]);
  }
  const introduced: Finding[] = [];
  const unchanged: Finding[] = [];
  for (const f of change) {
    const match = left.get(findingKey(f));
    if (match && match.length > 0) {
      match.shift();
      unchanged.push(f);
    } else introduced.push(f);
  }
  const fixed = baseline.filter((f) => left.get(findingKey(f))?.includes(f));
  return { introduced, fixed, unchanged };
}
