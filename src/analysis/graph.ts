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

  /** Strongly connected components with more than one member, or a self-dependency (Tarjan). */
  cycles(): string[][] {
    let index = 0;
    const indices = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const out: string[][] = [];
    const strong = (v: string): void => {
      indices.set(v, index);
      low.set(v, index);
      index++;
      stack.push(v);
      onStack.add(v);
      for (const w of this.edges.get(v) ?? []) {
        if (!indices.has(w)) {
          strong(w);
          low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, indices.get(w) as number));
      }
      if (low.get(v) === indices.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop() as string;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1 || (this.edges.get(v) ?? []).includes(v)) out.push(component.reverse());
      }
    };
    for (const v of this.edges.keys()) if (!indices.has(v)) strong(v);
    return out;
  }
}

/** A shortest path from → … → to along `edges` (id → ids), both ends included, or undefined. */
export function shortestPath(
  edges: ReadonlyMap<string, string[]>,
  from: string,
  to: string,
): string[] | undefined {
  const prev = new Map<string, string>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length > 0) {
    const id = queue.shift() as string;
    for (const next of edges.get(id) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      prev.set(next, id);
      if (next === to) {
        const out = [to];
        let cur = to;
        while (prev.has(cur)) {
          cur = prev.get(cur) as string;
          out.unshift(cur);
        }
        return out;
      }
      queue.push(next);
    }
  }
  return undefined;
}
