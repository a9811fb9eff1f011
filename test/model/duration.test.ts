import { describe, expect, test } from "vitest";
import { durationSeconds } from "../../src/model/duration.ts";

describe("Go durations", () => {
  test("units and their sums, as time.ParseDuration reads them", () => {
    expect(durationSeconds("30s")).toBe(30);
    expect(durationSeconds("1m30s")).toBe(90);
    expect(durationSeconds("2h")).toBe(7200);
    expect(durationSeconds("1.5h")).toBe(5400);
    expect(durationSeconds("500ms")).toBe(0.5);
    expect(durationSeconds("1h2m3s")).toBe(3723);
    expect(durationSeconds(".5s")).toBe(0.5);
    expect(durationSeconds(".25s")).toBe(0.25);
    expect(durationSeconds("1.25s")).toBe(1.25);
    expect(durationSeconds("2.s")).toBe(2);
    expect(durationSeconds("-5s")).toBe(-5);
    expect(durationSeconds("+5s")).toBe(5);
    expect(durationSeconds("0")).toBe(0);
    expect(durationSeconds(" 10s ")).toBe(10);
  });

  test("what Go refuses is undefined", () => {
    for (const bad of ["", "10", "s", "1d", "10 s", "1m30", "abc", "1.2.3s", "-"])
      expect(durationSeconds(bad), bad).toBeUndefined();
  });
});
