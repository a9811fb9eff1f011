/**
 * Directed-graph helpers shared by the analysis (Kustomization and HelmRelease dependsOn chains) and the
 * bootstrap plan (steps and their needs). A graph is a map from a node to the nodes it points at; for
 * dependency graphs an edge `a → b` means "a depends on b".
 */

export type Edges = ReadonlyMap<string, readonly string[]>;

/** A shortest path from → … → to along `edges`, both ends included, or undefined. */
export function shortestPath(edges: Edges, from: string, to: string): string[] | undefined {
  const prev = new Map<string, string>();
  const queue = [from];
  const seen = new Set([from]);
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head] as string;
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

/**
 * The cycles of a graph: strongly connected components with more than one member, and nodes that point at
 * themselves (Tarjan's algorithm). Members are listed in discovery order.
 */
export function cycles(edges: Edges): string[][] {
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
    for (const w of edges.get(v) ?? []) {
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
      if (component.length > 1 || (edges.get(v) ?? []).includes(v)) out.push(component.reverse());
    }
  };
  for (const v of edges.keys()) if (!indices.has(v)) strong(v);
  return out;
}

/**
 * The nodes of a dependency graph (`a → b`: a depends on b) in an order where every node comes after what it
 * depends on; among nodes that are ready at the same time, the input order is kept. Throws on a cycle.
 */
export function dependencyOrder(edges: Edges): string[] {
  const remaining = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const [node, deps] of edges) {
    remaining.set(node, 0);
    for (const dep of new Set(deps)) {
      if (!edges.has(dep)) continue;
      remaining.set(node, (remaining.get(node) ?? 0) + 1);
      dependents.set(dep, [...(dependents.get(dep) ?? []), node]);
    }
  }
  const position = new Map([...edges.keys()].map((k, i) => [k, i]));
  const ready = [...remaining].filter(([, n]) => n === 0).map(([k]) => k);
  const out: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));
    const node = ready.shift() as string;
    out.push(node);
    for (const d of dependents.get(node) ?? []) {
      const left = (remaining.get(d) ?? 0) - 1;
      remaining.set(d, left);
      if (left === 0) ready.push(d);
    }
  }
  if (out.length < edges.size) {
    const cycle = cycles(edges)[0] ?? [];
    throw new Error(`dependency cycle: ${[...cycle, cycle[0]].join(" → ")}`);
  }
  return out;
}

/** Every node `from` reaches, directly or transitively (not `from` itself unless on a cycle). */
export function reachable(edges: Edges, from: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(edges.get(from) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(edges.get(id) ?? []));
  }
  return seen;
}

export interface TimedNode {
  id: string;
  /** Milliseconds since an origin shared by every node. */
  start: number;
  end: number;
}

/**
 * The critical path of a finished run: from the node that ended last, back through the dependency that ended
 * last each time, to a node that depended on nothing that ran. Returned first to last.
 */
export function criticalPath(edges: Edges, timings: ReadonlyMap<string, TimedNode>): TimedNode[] {
  let current = [...timings.values()].reduce<TimedNode | undefined>(
    (last, t) => (!last || t.end > last.end ? t : last),
    undefined,
  );
  const path: TimedNode[] = [];
  while (current) {
    path.unshift(current);
    const deps = (edges.get(current.id) ?? [])
      .map((d) => timings.get(d))
      .filter((t): t is TimedNode => t !== undefined);
    current = deps.reduce<TimedNode | undefined>(
      (last, t) => (!last || t.end > last.end ? t : last),
      undefined,
    );
  }
  return path;
}
