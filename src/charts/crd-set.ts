/**
 * The bootstrap's CRD set: every CRD its releases render, once by name. When two releases ship different
 * specs for one CRD, one is chosen and the difference becomes a `crd-version-conflict` finding that says
 * which one wins and why.
 */
import type { Finding } from "../findings.ts";
import { stableJson } from "./cache.ts";
import type { RenderedCrd, RenderedRelease } from "./render.ts";

export interface CrdSet {
  /** Sorted by name. */
  crds: RenderedCrd[];
  findings: Finding[];
}

interface Candidate {
  crd: RenderedCrd;
  from: RenderedRelease;
  order: number;
}

export function buildCrdSet(rendered: RenderedRelease[]): CrdSet {
  const byName = new Map<string, Candidate[]>();
  rendered.forEach((from, order) => {
    for (const crd of from.crds) {
      const list = byName.get(crd.name) ?? [];
      list.push({ crd, from, order });
      byName.set(crd.name, list);
    }
  });
  const crds: RenderedCrd[] = [];
  const findings: Finding[] = [];
  for (const [name, candidates] of [...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const ranked = [...candidates].sort(compareCandidates);
    const winner = ranked[0] as Candidate;
    crds.push(winner.crd);
    const specOf = (c: Candidate) => stableJson(c.crd.object.spec);
    const differing = ranked.slice(1).filter((c) => specOf(c) !== specOf(winner));
    if (differing.length === 0) continue;
    const loser = differing[0] as Candidate;
    findings.push({
      ruleId: "crd-version-conflict",
      severity: "warning",
      message: `CRD ${name} is shipped with different content by ${describe(winner)} and ${differing.map(describe).join(", ")}; kubestrap applies the one from ${winner.from.release.id}: ${whyWins(winner, loser)}`,
      location: winner.from.release.location,
      object: `CustomResourceDefinition ${name}`,
      related: differing.map((c) => ({
        ...c.from.release.location,
        message: `${c.from.release.id} ships another ${name}`,
      })),
      fix: "ship each CRD from one release only (turn the other chart's CRDs off), or align the chart versions",
    });
  }
  return { crds, findings };
}

function describe(c: Candidate): string {
  const versions = servedVersions(c.crd).join(",");
  return `${c.from.release.id} (versions ${versions || "none"})`;
}

/** The CRD phase first (it is the dedicated provider), then the CRD serving more versions, then file order. */
function compareCandidates(a: Candidate, b: Candidate): number {
  const phase = (c: Candidate) => (c.from.release.phase === "crds" ? 0 : 1);
  if (phase(a) !== phase(b)) return phase(a) - phase(b);
  const served = servedVersions(b.crd).length - servedVersions(a.crd).length;
  if (served !== 0) return served;
  return a.order - b.order;
}

function whyWins(winner: Candidate, loser: Candidate): string {
  if (winner.from.release.phase !== loser.from.release.phase) return "it comes from the bootstrap CRD phase";
  if (servedVersions(winner.crd).length !== servedVersions(loser.crd).length)
    return "it serves more versions";
  return "it comes first in the helmfiles";
}

function servedVersions(crd: RenderedCrd): string[] {
  const versions = (crd.object.spec as { versions?: { name?: string; served?: boolean }[] } | undefined)
    ?.versions;
  return (versions ?? []).filter((v) => v.served !== false && v.name).map((v) => v.name as string);
}

/**
 * The CRD set as YAML (the charts' own documents, as byte chunks to write in order), a JSON List, or one
 * name per line.
 */
export function formatCrdSet(set: CrdSet, output: "yaml" | "json" | "names"): string | Buffer[] {
  if (output === "names") return set.crds.map((c) => `${c.name}\n`).join("");
  if (output === "json") {
    return `${JSON.stringify({ apiVersion: "v1", kind: "List", items: set.crds.map((c) => c.object) }, null, 2)}\n`;
  }
  const separator = Buffer.from("---\n");
  return set.crds.flatMap((c) => [separator, c.bytes]);
}
