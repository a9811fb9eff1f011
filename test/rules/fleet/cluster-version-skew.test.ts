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
});
