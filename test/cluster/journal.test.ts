import { hostname } from "node:os";
import { describe, expect, test } from "vitest";
import {
  checkIdentity,
  IdentityMismatch,
  isStale,
  type JournalEntry,
  parseJournal,
  stepKey,
} from "../../src/cluster/journal.ts";

const entry = (id: string): JournalEntry => ({
  id,
  hash: "h1",
  state: "done",
  startedAt: "2026-01-01T00:00:00Z",
  run: "r1",
});

describe("the journal", () => {
  test("keeps one ConfigMap key per step, in the characters keys allow", () => {
    expect(stepKey("releases/kube-system/cilium")).toBe("step.releases_kube-system_cilium");
    expect(stepKey("before/talos apply")).toBe("step.before_talos_apply");
  });

  test("reads its steps, identity and lock back, and ignores entries it cannot read", () => {
    const data = parseJournal({
      metadata: { name: "kubestrap-journal", namespace: "kube-system", resourceVersion: "42" },
      data: {
        cluster: "infra",
        identity: "uid-1",
        lock: JSON.stringify({ run: "r", host: "h", pid: 1, since: "t", heartbeat: "t" }),
        [stepKey("releases/a/b")]: JSON.stringify(entry("releases/a/b")),
        [stepKey("releases/c/d")]: "{not json",
        // An entry under another step's key is not trusted.
        [stepKey("releases/e/f")]: JSON.stringify(entry("releases/x/y")),
      },
    });
    expect(data.cluster).toBe("infra");
    expect(data.identity).toBe("uid-1");
    expect(data.lock?.run).toBe("r");
    expect(data.resourceVersion).toBe("42");
    expect([...data.steps.keys()]).toEqual(["releases/a/b"]);
  });

  test("an empty journal belongs to no cluster yet", () => {
    const data = parseJournal(undefined);
    expect(data.steps.size).toBe(0);
    expect(() => checkIdentity(data, "apps", "uid-2")).not.toThrow();
  });

  test("refuses a cluster that the journal says is another one", () => {
    const data = parseJournal({
      metadata: { name: "j", namespace: "n" },
      data: { cluster: "infra", identity: "uid-1" },
    });
    expect(() => checkIdentity(data, "apps", "uid-1")).toThrow(IdentityMismatch);
    expect(() => checkIdentity(data, "apps", "uid-1")).toThrow(
      /this is cluster infra \(kube-system UID uid-1\), not apps/,
    );
    expect(() => checkIdentity(data, "infra", "uid-9")).toThrow(/rebuilt or copied/);
    expect(() => checkIdentity(data, "infra", "uid-1")).not.toThrow();
  });

  test("a lock is stale when its process on this host is gone, or its heartbeat is a minute old elsewhere", () => {
    const now = Date.parse("2026-01-01T00:10:00Z");
    const lock = { run: "r", since: "", heartbeat: "2026-01-01T00:09:30Z" };
    expect(isStale({ ...lock, host: hostname(), pid: 2 ** 22 + 7 }, now)).toBe(true);
    expect(isStale({ ...lock, host: hostname(), pid: process.ppid }, now)).toBe(false);
    expect(isStale({ ...lock, host: "elsewhere", pid: 1 }, now)).toBe(false);
    expect(isStale({ ...lock, host: "elsewhere", pid: 1, heartbeat: "2026-01-01T00:08:00Z" }, now)).toBe(
      true,
    );
  });
});
