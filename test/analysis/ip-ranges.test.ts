import { describe, expect, it } from "vitest";
import { between, contains, type IpRange, overlaps, parseRange } from "../../src/analysis/ip-ranges.ts";

const r = (text: string) => parseRange(text) as IpRange;
const span = (text: string) => {
  const range = parseRange(text);
  return range && [range.family, range.first.toString(), range.last.toString()];
};

describe("address ranges", () => {
  it("parses a CIDR to its first and last address, whatever host bits are written", () => {
    expect(span("10.42.0.0/16")).toEqual([4, "170524672", "170590207"]);
    expect(span("10.42.7.9/16")).toEqual([4, "170524672", "170590207"]);
    expect(span("10.0.0.1/32")).toEqual([4, "167772161", "167772161"]);
    expect(span("fd00::/127")).toEqual([
      6,
      "336294682933583715844663186250927177728",
      "336294682933583715844663186250927177729",
    ]);
  });

  it("parses a dash range and one address, trimming spaces", () => {
    expect(span(" 10.0.0.1 - 10.0.0.9 ")).toEqual([4, "167772161", "167772169"]);
    expect(span("10.0.0.1-10.0.0.1")).toEqual([4, "167772161", "167772161"]);
    expect(span(" 10.0.0.5 ")).toEqual([4, "167772165", "167772165"]);
    expect(span("::1")).toEqual([6, "1", "1"]);
    expect(r(" 10.0.0.0/8 ").text).toBe("10.0.0.0/8");
  });

  it("refuses what is not an address range", () => {
    for (const text of [
      "",
      "nope",
      "10.0.0.300",
      "10.0.0.0/33",
      "10.0.0.0/x",
      "-10.0.0.1",
      "10.0.0.9-10.0.0.1",
      "10.0.0.1-::1",
      "10.0.0.1-nope",
      "${POOL}",
    ])
      expect(parseRange(text), text).toBeUndefined();
    expect(between("10.0.0.2", "10.0.0.1")).toBeUndefined();
    expect(between("0.0.0.1", "::2")).toBeUndefined();
    expect(between("x", "10.0.0.1")).toBeUndefined();
    expect(between("10.0.0.1", "10.0.0.2")?.text).toBe("10.0.0.1-10.0.0.2");
  });

  it("overlap includes touching ends, and never crosses families", () => {
    expect(overlaps(r("10.0.0.0-10.0.0.10"), r("10.0.0.10-10.0.0.20"))).toBe(true);
    expect(overlaps(r("10.0.0.10-10.0.0.20"), r("10.0.0.0-10.0.0.10"))).toBe(true);
    expect(overlaps(r("10.0.0.0-10.0.0.9"), r("10.0.0.10-10.0.0.20"))).toBe(false);
    expect(overlaps(r("10.0.0.11-10.0.0.20"), r("10.0.0.0-10.0.0.10"))).toBe(false);
    expect(overlaps(r("10.0.0.0/8"), r("10.42.0.0/16"))).toBe(true);
    // 0.0.0.1 and ::1 are both the number 1: still apart.
    expect(overlaps(r("0.0.0.1"), r("::1"))).toBe(false);
  });

  it("containment includes both ends, and never crosses families", () => {
    const pool = r("192.168.10.64/27");
    expect(contains(pool, r("192.168.10.64"))).toBe(true);
    expect(contains(pool, r("192.168.10.95"))).toBe(true);
    expect(contains(pool, r("192.168.10.63"))).toBe(false);
    expect(contains(pool, r("192.168.10.96"))).toBe(false);
    expect(contains(pool, r("192.168.10.64/27"))).toBe(true);
    expect(contains(r("0.0.0.0-0.0.0.9"), r("::1"))).toBe(false);
  });
});
