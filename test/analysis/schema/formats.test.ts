import { describe, expect, it } from "vitest";
import { formatAccepts } from "../../../src/analysis/schema/formats.ts";

describe("formatAccepts: the formats the API server checks", () => {
  it.each([
    ["date-time", "2024-01-02T03:04:05Z", true],
    ["date-time", "2024-01-02T03:04:05.123+02:00", true],
    ["date-time", "2024-01-02 03:04:05Z", true],
    ["date-time", "2024-01-02", false],
    ["date-time", "2024-13-02T03:04:05Z", false],
    ["datetime", "2024-01-02T03:04:05Z", true],
    ["date", "2024-02-29", true],
    ["date", "2024-02-30x", false],
    ["date", "02/03/2024", false],
    ["byte", "aGVsbG8=", true],
    ["byte", "aGVsbG8", false],
    ["byte", "", true],
    ["ipv4", "192.168.0.1", true],
    ["ipv4", "192.168.0", false],
    ["ipv4", "fd00::1", false],
    ["ipv6", "fd00::1", true],
    ["ipv6", "192.168.0.1", false],
    ["cidr", "10.0.0.0/8", true],
    ["cidr", "fd00::/64", true],
    ["cidr", "10.0.0.0", false],
    ["uuid", "123e4567-e89b-12d3-a456-426614174000", true],
    ["uuid", "123e4567", false],
    ["hostname", "a.example.com", true],
    ["hostname", "-a.example.com", false],
    ["hostname", `${"a".repeat(64)}.com`, false],
    ["mac", "00:1a:2b:3c:4d:5e", true],
    ["mac", "00:1a:2b:3c:4d", false],
    ["int32", "anything", true],
    ["idn-hostname", "anything", true],
  ])("%s %j: %s", (format, value, expected) => {
    expect(formatAccepts(format, value)).toBe(expected);
  });
});
