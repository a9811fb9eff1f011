/**
 * The dependsOn graph's queries, on a hand-made model: reach through chains (with the cache of an earlier query
 * merged), the ancestry of applied Kustomizations, and when one Kustomization starts only after another is
 * Ready, which needs every Kustomization on the way down to wait.
 */
import { describe, expect, it } from "vitest";
import { KustomizationGraph } from "../../src/analysis/graph.ts";
import type { FluxKustomization, FluxModel } from "../../src/model/flux.ts";

function model(specs: Record<string, { dependsOn?: string[]; parent?: string; wait?: boolean }>): FluxModel {
  const kustomizations = new Map<string, FluxKustomization>();
  for (const [name, spec] of Object.entries(specs)) {
    kustomizations.set(`ns/${name}`, {
      id: `ns/${name}`,
      name,
      namespace: "ns",
      dependsOn: (spec.dependsOn ?? []).map((d) => ({ name: d, namespace: "ns" })),
      parent: spec.parent ? `ns/${spec.parent}` : undefined,
      wait: spec.wait ?? false,
    } as unknown as FluxKustomization);
  }
  return { kustomizations } as unknown as FluxModel;
}

describe("KustomizationGraph", () => {
  it("reaches every dependency through a chain, also after an intermediate's reach was cached", () => {
    const g = new KustomizationGraph(
      model({
        a: { dependsOn: ["b", "missing"] },
        b: { dependsOn: ["c", "c"] },
        c: { dependsOn: ["d"] },
        d: {},
      }),
    );
    expect(g.edges.get("ns/a")).toEqual(["ns/b"]);
    expect(g.edges.get("ns/b")).toEqual(["ns/c"]);
    expect([...g.dependencies("ns/c")]).toEqual(["ns/d"]);
    expect([...g.dependencies("ns/a")].sort()).toEqual(["ns/b", "ns/c", "ns/d"]);
    expect(g.dependsOn("ns/a", "ns/d")).toBe(true);
    expect(g.dependsOn("ns/d", "ns/a")).toBe(false);
    expect(g.path("ns/a", "ns/d")).toEqual(["ns/a", "ns/b", "ns/c", "ns/d"]);
  });

  it("terminates on a cycle and reports it", () => {
    const g = new KustomizationGraph(model({ a: { dependsOn: ["b"] }, b: { dependsOn: ["a"] } }));
    expect([...g.dependencies("ns/a")].sort()).toEqual(["ns/a", "ns/b"]);
    expect(g.cycles().map((c) => [...c].sort())).toEqual([["ns/a", "ns/b"]]);
  });

  it("lists a Kustomization's ancestry, nearest first, and stops at a loop of parents", () => {
    const g = new KustomizationGraph(model({ root: {}, mid: { parent: "root" }, leaf: { parent: "mid" } }));
    expect(g.ancestry("ns/leaf")).toEqual(["ns/leaf", "ns/mid", "ns/root"]);
    expect(g.creates("ns/root", "ns/leaf")).toBe(true);
    expect(g.creates("ns/leaf", "ns/leaf")).toBe(false);
    expect(g.creates("ns/leaf", "ns/root")).toBe(false);
    const loop = new KustomizationGraph(model({ x: { parent: "y" }, y: { parent: "x" } }));
    expect(loop.ancestry("ns/x")).toEqual(["ns/x", "ns/y"]);
  });

  it("starts after a Kustomization when it, or what applies it, depends on it or on a waiting ancestor", () => {
    const g = new KustomizationGraph(
      model({
        infra: { wait: true },
        crds: { parent: "infra", wait: true },
        operator: { parent: "crds" },
        app: { dependsOn: ["infra"] },
        apps: { dependsOn: ["operator"] },
        child: { parent: "apps" },
        loose: {},
      }),
    );
    // infra waits, and crds (applied by infra) waits: infra is Ready only once crds is.
    expect(g.startsAfter("ns/app", "ns/crds")).toBe(true);
    // operator's appliers, crds and infra, both wait: infra is Ready only once operator is.
    expect(g.startsAfter("ns/app", "ns/operator")).toBe(true);
    expect(g.startsAfter("ns/child", "ns/operator")).toBe(true);
    expect(g.startsAfter("ns/loose", "ns/operator")).toBe(false);
    expect(g.startsAfter("ns/operator", "ns/crds")).toBe(false);
  });

  it("does not start after a Kustomization whose applier does not wait", () => {
    const g = new KustomizationGraph(
      model({ infra: {}, crds: { parent: "infra", wait: true }, app: { dependsOn: ["infra"] } }),
    );
    expect(g.startsAfter("ns/app", "ns/crds")).toBe(false);
    expect(g.startsAfter("ns/app", "ns/infra")).toBe(true);
  });
});
