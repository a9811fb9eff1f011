import { describe, expect, it } from "vitest";
import { findingsOf, fleetRepo, lintRepo, replace } from "../../fleet-repo.ts";

const COREDNS_SOURCE = "kubernetes/apps/base/kube-system/coredns/app/ocirepository.yaml";

/** coredns's version substituted per cluster, apps behind infra. */
const skewed = {
  [COREDNS_SOURCE]: replace("tag: 1.44.3", "tag: ${COREDNS_VERSION:=1.44.3}"),
  "kubernetes/clusters/apps/cluster-settings.yaml": replace(
    "  LB_POOL:",
    "  COREDNS_VERSION: 1.43.0\n  LB_POOL:",
  ),
};

describe("cluster-version-skew", () => {
  it("valid: both clusters run the charts of the shared tree", async () => {
    expect(findingsOf(await lintRepo(fleetRepo()), "cluster-version-skew")).toEqual([]);
  });

  it("invalid: apps runs an older coredns than infra", async () => {
    const found = findingsOf(await lintRepo(fleetRepo(skewed)), "cluster-version-skew");
    expect(found.map((f) => [f.cluster, f.severity, f.object, f.message])).toEqual([
      [
        "apps",
        "warning",
        "HelmRelease kube-system/coredns",
        "chart coredns is 1.43.0 on cluster apps and 1.44.3 on cluster infra: its CRDs differ between the clusters",
      ],
    ]);
    expect(found[0]?.related?.[0]).toMatchObject({ cluster: "infra" });
  });

  it("the newest version is the reference, compared as numbers (1.10 after 1.9)", async () => {
    const result = await lintRepo(
      fleetRepo({
        [COREDNS_SOURCE]: replace("tag: 1.44.3", "tag: ${COREDNS_VERSION:=1.9.0}"),
        "kubernetes/clusters/apps/cluster-settings.yaml": replace(
          "  LB_POOL:",
          "  COREDNS_VERSION: 1.10.0\n  LB_POOL:",
        ),
      }),
    );
    expect(
      findingsOf(result, "cluster-version-skew").map((f) => [f.cluster, f.message.split(":")[0]]),
    ).toEqual([["infra", "chart coredns is 1.9.0 on cluster infra and 1.10.0 on cluster apps"]]);
  });

  it("valid: kubestrap.yaml fleet.allowSkew lets coredns differ", async () => {
    const result = await lintRepo(
      fleetRepo({ ...skewed, "kubestrap.yaml": replace("fleet:\n", "fleet:\n  allowSkew: [coredns]\n") }),
    );
    expect(findingsOf(result, "cluster-version-skew")).toEqual([]);
  });

  const withAppsVersion = (version: string) =>
    fleetRepo({
      [COREDNS_SOURCE]: replace("tag: 1.44.3", "tag: ${COREDNS_VERSION:=1.44.3}"),
      "kubernetes/clusters/apps/cluster-settings.yaml": replace(
        "  LB_POOL:",
        `  COREDNS_VERSION: "${version}"\n  LB_POOL:`,
      ),
    });

  it("valid: the same version with and without a leading v", async () => {
    expect(findingsOf(await lintRepo(withAppsVersion("v1.44.3")), "cluster-version-skew")).toEqual([]);
  });

  it("invalid: a v elsewhere in the version is part of it", async () => {
    expect(findingsOf(await lintRepo(withAppsVersion("1.44.3-dev")), "cluster-version-skew")).toHaveLength(1);
  });

  it("valid: a version that is not exact (a range) is not compared", async () => {
    expect(findingsOf(await lintRepo(withAppsVersion("1.x")), "cluster-version-skew")).toEqual([]);
  });

  it("invalid: the fix and the related location of the newest version", async () => {
    const found = findingsOf(await lintRepo(fleetRepo(skewed)), "cluster-version-skew");
    expect(found[0]?.fix).toBe(
      "run the same version on every cluster, or allow coredns to differ in kubestrap.yaml (fleet.allowSkew)",
    );
    expect(found[0]?.related).toEqual([
      {
        file: "kubernetes/apps/base/kube-system/coredns/app/helmrelease.yaml",
        line: 2,
        cluster: "infra",
        message: "1.44.3 on infra",
      },
    ]);
    expect(found[0]?.location).toEqual({
      file: "kubernetes/apps/base/kube-system/coredns/app/helmrelease.yaml",
      line: 2,
    });
  });

  it("compares a v-prefixed version by its number (v1.9.0 behind 1.10.0)", async () => {
    const result = await lintRepo(
      fleetRepo({
        [COREDNS_SOURCE]: replace("tag: 1.44.3", "tag: ${COREDNS_VERSION:=1.10.0}"),
        "kubernetes/clusters/apps/cluster-settings.yaml": replace(
          "  LB_POOL:",
          "  COREDNS_VERSION: v1.9.0\n  LB_POOL:",
        ),
      }),
    );
    expect(
      findingsOf(result, "cluster-version-skew").map((f) => [f.cluster, f.message.split(":")[0]]),
    ).toEqual([["apps", "chart coredns is v1.9.0 on cluster apps and 1.10.0 on cluster infra"]]);
  });

  it("invalid: different digests of the same chart", async () => {
    const digest = (c: string) => `sha256:${c.repeat(64)}`;
    const result = await lintRepo(
      fleetRepo({
        [COREDNS_SOURCE]: replace("tag: 1.44.3", `digest: \${COREDNS_DIGEST:=${digest("b")}}`),
        "kubernetes/clusters/apps/cluster-settings.yaml": replace(
          "  LB_POOL:",
          `  COREDNS_DIGEST: ${digest("a")}\n  LB_POOL:`,
        ),
      }),
    );
    expect(findingsOf(result, "cluster-version-skew").map((f) => f.cluster)).toHaveLength(1);
  });

  it("valid: a bootstrap release at another version, which Flux's HelmRelease replaces", async () => {
    const result = await lintRepo(
      fleetRepo({
        "bootstrap/helmfile.yaml.gotmpl": replace(
          "version: 1.44.3",
          'version: {{ .Values | get "corednsVersion" "1.44.3" }}',
        ),
        "bootstrap/environments/apps.yaml": (text) => `${text}corednsVersion: 1.40.0\n`,
      }),
    );
    expect(findingsOf(result, "cluster-version-skew")).toEqual([]);
  });
});
