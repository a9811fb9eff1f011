import { describe, expect, test } from "vitest";
import type { RunEvent } from "../../src/execute/events.ts";
import { type RunNode, runGraph } from "../../src/execute/runner.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A node that takes `ms`, records when it ran, and fails when asked. */
function node(
  id: string,
  needs: string[],
  ms: number,
  log: string[],
  { fail = false, skip = false }: { fail?: boolean; skip?: boolean } = {},
): RunNode {
  return {
    id,
    needs,
    execute: async (run) => {
      log.push(`start ${id}`);
      await Promise.race([sleep(ms), new Promise((r) => run.signal.addEventListener("abort", r))]);
      if (run.signal.aborted) throw new Error("aborted");
      log.push(`end ${id}`);
      if (fail) throw new Error(`${id} broke`);
      return { outcome: skip ? "skipped" : "done", detail: `${id} ok` };
    },
  };
}

describe("runGraph", () => {
  test("starts each step as soon as its own needs are done, not level by level", async () => {
    const log: string[] = [];
    // a(60) → b(30); c(10) → d(40): by levels {a,c} then {b,d}, d would wait for a; by the DAG it does not.
    const result = await runGraph(
      [node("a", [], 60, log), node("b", ["a"], 30, log), node("c", [], 10, log), node("d", ["c"], 40, log)],
      { concurrency: 8, emit: () => {} },
    );
    expect(result.outcome).toBe("ok");
    // d started while a was still running: c's end, not a's, released it.
    expect(log.indexOf("start d")).toBeLessThan(log.indexOf("end a"));
    expect(result.criticalPath).toEqual(["a", "b"]);
  });

  test("never runs more than `concurrency` steps at once", async () => {
    let running = 0;
    let most = 0;
    const nodes: RunNode[] = Array.from({ length: 6 }, (_, i) => ({
      id: `n${i}`,
      needs: [],
      execute: async () => {
        running++;
        most = Math.max(most, running);
        await sleep(15);
        running--;
        return { outcome: "done" as const, detail: "" };
      },
    }));
    await runGraph(nodes, { concurrency: 2, emit: () => {} });
    expect(most).toBe(2);
  });

  test("a failure blocks what depends on it; independent branches still run", async () => {
    const log: string[] = [];
    const events: RunEvent[] = [];
    const result = await runGraph(
      [
        node("a", [], 5, log, { fail: true }),
        node("b", ["a"], 5, log),
        node("c", ["b"], 5, log),
        node("x", [], 20, log),
        node("y", ["x"], 5, log),
      ],
      { concurrency: 8, emit: (e) => events.push(e) },
    );
    expect(result.outcome).toBe("failed");
    expect(Object.fromEntries(result.steps.map((s) => [s.id, s.outcome]))).toEqual({
      a: "failed",
      b: "blocked",
      c: "blocked",
      x: "done",
      y: "done",
    });
    expect(result.steps.find((s) => s.id === "a")?.detail).toBe("a broke");
    expect(result.steps.find((s) => s.id === "c")?.detail).toBe("not run: b was blocked");
    expect(log).not.toContain("start b");
  });

  test("a failure blocks its dependents whatever order the steps are listed in", async () => {
    const log: string[] = [];
    // The dependents come first: the block must still reach c through b, in one run that ends.
    const result = await runGraph(
      [node("c", ["b"], 5, log), node("b", ["a"], 5, log), node("a", [], 5, log, { fail: true })],
      { concurrency: 8, emit: () => {} },
    );
    expect(Object.fromEntries(result.steps.map((s) => [s.id, s.outcome]))).toEqual({
      c: "blocked",
      b: "blocked",
      a: "failed",
    });
  });

  test("a skipped step counts as done for its dependents", async () => {
    const log: string[] = [];
    const result = await runGraph([node("a", [], 1, log, { skip: true }), node("b", ["a"], 1, log)], {
      concurrency: 8,
      emit: () => {},
    });
    expect(result.outcome).toBe("ok");
    expect(result.steps.map((s) => s.outcome)).toEqual(["skipped", "done"]);
  });

  test("a graceful stop lets running steps end and starts nothing new", async () => {
    const log: string[] = [];
    const stop = new AbortController();
    const run = runGraph([node("a", [], 40, log), node("b", ["a"], 5, log)], {
      concurrency: 8,
      emit: () => {},
      stop: stop.signal,
    });
    await sleep(10);
    stop.abort();
    const result = await run;
    expect(result.steps.map((s) => s.outcome)).toEqual(["done", "not-started"]);
    expect(result.outcome).toBe("interrupted");
  });

  test("an abort interrupts running steps", async () => {
    const log: string[] = [];
    const abort = new AbortController();
    const run = runGraph([node("a", [], 5_000, log), node("b", ["a"], 5, log)], {
      concurrency: 8,
      emit: () => {},
      abort: abort.signal,
    });
    await sleep(10);
    abort.abort();
    const result = await run;
    expect(result.steps.map((s) => s.outcome)).toEqual(["interrupted", "not-started"]);
    expect(result.outcome).toBe("interrupted");
  });

  test("every message it emits goes through the redactor", async () => {
    const events: RunEvent[] = [];
    await runGraph(
      [
        {
          id: "s",
          needs: [],
          execute: async (run) => {
            run.progress("token is hunter2hunter2");
            run.log("and again hunter2hunter2");
            throw new Error("failed with hunter2hunter2");
          },
        },
      ],
      { concurrency: 1, emit: (e) => events.push(e), redact: (t) => t.replaceAll("hunter2hunter2", "***") },
    );
    expect(JSON.stringify(events)).not.toContain("hunter2");
    expect(JSON.stringify(events)).toContain("failed with ***");
  });
});
