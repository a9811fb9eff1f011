import { describe, expect, test } from "vitest";
import { longestPath } from "../../src/graph/dag.ts";

describe("longestPath", () => {
  // d depends on b and c, which both depend on a.
  const edges = new Map([
    ["b", ["a"]],
    ["c", ["a"]],
    ["d", ["b", "c"]],
  ]);
  const nodes = ["a", "b", "c", "d"];

  test("the heaviest chain, first to last, and its total", () => {
    const weights: Record<string, number> = { a: 1, b: 2, c: 5, d: 1 };
    expect(longestPath(nodes, edges, (id) => weights[id] ?? 0)).toEqual({ path: ["a", "c", "d"], total: 7 });
  });

  test("a heavier branch changes which chain decides", () => {
    const weights: Record<string, number> = { a: 1, b: 9, c: 5, d: 1 };
    expect(longestPath(nodes, edges, (id) => weights[id] ?? 0)).toEqual({ path: ["a", "b", "d"], total: 11 });
  });

  test("a lone node heavier than any chain is the path on its own", () => {
    const weights: Record<string, number> = { a: 1, b: 1, c: 1, d: 1, e: 10 };
    expect(longestPath([...nodes, "e"], edges, (id) => weights[id] ?? 0)).toEqual({ path: ["e"], total: 10 });
  });

  test("edges to nodes outside the set are ignored; no nodes is an empty path", () => {
    expect(longestPath(["b"], edges, () => 2)).toEqual({ path: ["b"], total: 2 });
    expect(longestPath([], edges, () => 2)).toEqual({ path: [], total: 0 });
  });

  test("a cycle is an error, not a loop", () => {
    expect(() =>
      longestPath(
        ["x", "y"],
        new Map([
          ["x", ["y"]],
          ["y", ["x"]],
        ]),
        () => 1,
      ),
    ).toThrow(/cycle/);
  });
});
