/** The Kustomization DAG that `kubestrap graph` prints: dependsOn edges and CRD provider → consumer edges. */
import type { LintResult } from "./lint.ts";

export interface GraphNode {
  id: string;
  kind: "Kustomization" | "bootstrap";
  wait?: boolean;
  path?: string;
  problems: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** dependsOn: from waits for to. crd: to applies custom resources whose CRD from provides. */
  type: "dependsOn" | "crd";
  /** The CRD verdict of a crd edge; anything but "ok" is a problem. */
  verdict?: string;
  kinds?: string[];
}

export interface KustomizationDag {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const BOOTSTRAP = "bootstrap";

/** The Kustomization DAG with dependsOn edges and CRD provider → consumer edges. */
export function buildDag(result: LintResult): KustomizationDag {
  const problemsByKs = new Map<string, number>();
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const crdEdges = new Map<string, GraphEdge>();
  for (const v of result.crds.verdicts) {
    const p = v.provider;
    if (!p) continue;
    const from = p.ks ?? (p.kind === "bootstrap" ? BOOTSTRAP : undefined);
    if (!from || from === v.ks.id) {
      if (v.verdict !== "ok") problemsByKs.set(v.ks.id, (problemsByKs.get(v.ks.id) ?? 0) + 1);
      continue;
    }
    const key = `${from}|${v.ks.id}`;
    const edge = crdEdges.get(key) ?? { from, to: v.ks.id, type: "crd" as const, verdict: "ok", kinds: [] };
    if (!edge.kinds?.includes(v.consumer.kind)) edge.kinds?.push(v.consumer.kind);
    if (v.verdict !== "ok") {
      edge.verdict = v.verdict;
      problemsByKs.set(v.ks.id, (problemsByKs.get(v.ks.id) ?? 0) + 1);
    }
    crdEdges.set(key, edge);
  }
  if ([...crdEdges.values()].some((e) => e.from === BOOTSTRAP))
    nodes.push({ id: BOOTSTRAP, kind: "bootstrap", problems: 0 });
  for (const ks of result.model.kustomizations.values()) {
    const node: GraphNode = {
      id: ks.id,
      kind: "Kustomization",
      wait: ks.wait,
      problems: problemsByKs.get(ks.id) ?? 0,
    };
    if (ks.path !== undefined) node.path = ks.path;
    nodes.push(node);
    for (const d of result.graph.edges.get(ks.id) ?? [])
      edges.push({ from: ks.id, to: d, type: "dependsOn" });
  }
  edges.push(...crdEdges.values());
  return { nodes, edges };
}
