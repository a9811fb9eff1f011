import { cycles, shortestPath } from "../graph/dag.ts";
import type { FluxKustomization, FluxModel } from "../model/flux.ts";

/** The dependsOn graph of Flux Kustomizations, with reachability queries. */
export class KustomizationGraph {
  /** ks id → ids it depends on (only targets that exist). */
  readonly edges = new Map<string, string[]>();
  private readonly reach = new Map<string, Set<string>>();
  private readonly model: FluxModel;

  constructor(model: FluxModel) {
    this.model = model;
    for (const ks of model.kustomizations.values()) {
      const targets = ks.dependsOn
        .map((d) => `${d.namespace}/${d.name}`)
        .filter((id) => model.kustomizations.has(id));
      this.edges.set(ks.id, [...new Set(targets)]);
    }
  }

  kustomization(id: string): FluxKustomization | undefined {
    return this.model.kustomizations.get(id);
  }

  /** Every Kustomization that `from` depends on, directly or transitively. */
  dependencies(from: string): Set<string> {
    let set = this.reach.get(from);
    if (set) return set;
    set = new Set<string>();
    const stack = [...(this.edges.get(from) ?? [])];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (set.has(id)) continue;
      set.add(id);
      const cached = this.reach.get(id);
      if (cached) {
        for (const x of cached) set.add(x);
        continue;
      }
      stack.push(...(this.edges.get(id) ?? []));
    }
    this.reach.set(from, set);
    return set;
  }

  dependsOn(from: string, to: string): boolean {
    return this.dependencies(from).has(to);
  }

  /** A shortest dependsOn path from → … → to, or undefined. */
  path(from: string, to: string): string[] | undefined {
    return shortestPath(this.edges, from, to);
  }

  /** Strongly connected components with more than one member, or a self-dependency. */
  cycles(): string[][] {
    return cycles(this.edges);
  }
}
