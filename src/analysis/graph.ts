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

  /** The Kustomization and those that applied it, nearest first: a child exists only once its parent applied. */
  ancestry(id: string): string[] {
    const out: string[] = [];
    let cur: string | undefined = id;
    while (cur !== undefined && !out.includes(cur)) {
      out.push(cur);
      cur = this.kustomization(cur)?.parent;
    }
    return out;
  }

  /** Whether `descendant` is applied by `ancestor`, directly or through other Kustomizations. */
  creates(ancestor: string, descendant: string): boolean {
    return descendant !== ancestor && this.ancestry(descendant).includes(ancestor);
  }

  /**
   * Whether `from` starts only after `to` is Ready, through the tree as Flux orders it: `from` (or a Kustomization
   * that applies it) depends on `to`, or on an ancestor of `to` that is Ready only once `to` is (every Kustomization
   * on the way down waits: `wait: true` makes a Kustomization Ready only when the Kustomizations it applied are).
   */
  startsAfter(from: string, to: string): boolean {
    const targets = this.ancestry(to);
    const waiting: string[] = [to];
    for (const a of targets.slice(1)) {
      if (!this.kustomization(a)?.wait) break;
      waiting.push(a);
    }
    // Being (or being applied by) one of them is no order: a parent applies its children and their objects at once.
    return this.ancestry(from).some((f) => waiting.some((t) => this.dependsOn(f, t)));
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
