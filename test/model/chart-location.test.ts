/** How a chart's location is named in plans and messages, and the chart name taken from it. */
import { describe, expect, it } from "vitest";
import { chartName, describeChart } from "../../src/model/releases.ts";

describe("a chart location", () => {
  const oci = { type: "oci" as const, url: "oci://ghcr.io/org/charts/podinfo" };

  it("an OCI chart by digest, tag, exact version, range, or nothing", () => {
    expect(describeChart({ ...oci, digest: "sha256:abc", tag: "1.0.0" })).toBe(
      "oci://ghcr.io/org/charts/podinfo@sha256:abc",
    );
    expect(describeChart({ ...oci, tag: "1.0.0", semver: "2.0.0" })).toBe(
      "oci://ghcr.io/org/charts/podinfo:1.0.0",
    );
    expect(describeChart({ ...oci, semver: "6.5.0" })).toBe("oci://ghcr.io/org/charts/podinfo:6.5.0");
    expect(describeChart({ ...oci, semver: ">=6.0.0 <7" })).toBe(
      "oci://ghcr.io/org/charts/podinfo (>=6.0.0 <7)",
    );
    expect(describeChart(oci)).toBe("oci://ghcr.io/org/charts/podinfo");
  });

  it("a repository's chart with or without its version, and a folder", () => {
    const repo = { type: "repo" as const, repoUrl: "https://charts.example.com", chart: "podinfo" };
    expect(describeChart({ ...repo, version: "6.x" })).toBe("podinfo 6.x from https://charts.example.com");
    expect(describeChart(repo)).toBe("podinfo from https://charts.example.com");
    expect(describeChart({ type: "path", path: "/repo/charts/local" })).toBe("/repo/charts/local");
  });

  it("the chart's name is the last segment of where it is, trailing slashes aside", () => {
    expect(chartName(oci)).toBe("podinfo");
    expect(chartName({ type: "repo", repoUrl: "https://charts.example.com/", chart: "podinfo" })).toBe(
      "podinfo",
    );
    expect(chartName({ type: "path", path: "/repo/charts/local//" })).toBe("local");
    expect(chartName({ type: "path", path: "local" })).toBe("local");
  });
});
