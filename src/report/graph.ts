import type { LintResult } from "../analysis/lint.ts";

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

function nodeId(id: string): string {
  return `n_${id.replace(/[^a-zA-Z0-9_]/g, "_")}`;
}

export function formatMermaid(dag: KustomizationDag): string {
  const lines = ["flowchart LR"];
  for (const n of dag.nodes) {
    const label = n.kind === "bootstrap" ? "bootstrap phases" : `${n.id}${n.wait ? " ⏳" : ""}`;
    lines.push(`  ${nodeId(n.id)}["${label.replace(/"/g, "'")}"]`);
    if (n.problems > 0) lines.push(`  class ${nodeId(n.id)} problem`);
  }
  const problemLinks: number[] = [];
  dag.edges.forEach((e, i) => {
    if (e.type === "dependsOn") lines.push(`  ${nodeId(e.from)} -->|dependsOn| ${nodeId(e.to)}`);
    else {
      lines.push(
        `  ${nodeId(e.from)} -.->|"CRD ${(e.kinds ?? []).slice(0, 3).join(", ")}${e.verdict !== "ok" ? ` (${e.verdict})` : ""}"| ${nodeId(e.to)}`,
      );
      if (e.verdict !== "ok") problemLinks.push(i);
    }
  });
  lines.push("  classDef problem fill:#fdd,stroke:#c00,stroke-width:2px");
  if (problemLinks.length > 0)
    lines.push(`  linkStyle ${problemLinks.join(",")} stroke:#c00,stroke-width:2px`);
  return `${lines.join("\n")}\n`;
}

export function formatDot(dag: KustomizationDag): string {
  const lines = ["digraph kubestrap {", "  rankdir=LR;", '  node [shape=box, fontname="sans-serif"];'];
  for (const n of dag.nodes) {
    const attrs = [
      `label="${n.kind === "bootstrap" ? "bootstrap phases" : n.id}${n.wait ? "\\n(wait)" : ""}"`,
    ];
    if (n.problems > 0) attrs.push('color="red"', "penwidth=2");
    if (n.kind === "bootstrap") attrs.push("shape=cylinder");
    lines.push(`  "${n.id}" [${attrs.join(", ")}];`);
  }
  for (const e of dag.edges) {
    if (e.type === "dependsOn") lines.push(`  "${e.from}" -> "${e.to}" [label="dependsOn"];`);
    else {
      const attrs = ["style=dashed", `label="CRD ${(e.kinds ?? []).slice(0, 3).join(", ")}"`];
      if (e.verdict !== "ok") attrs.push('color="red"', `xlabel="${e.verdict}"`);
      lines.push(`  "${e.from}" -> "${e.to}" [${attrs.join(", ")}];`);
    }
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
