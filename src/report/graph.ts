import type { KustomizationDag } from "../analysis/dag.ts";

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
