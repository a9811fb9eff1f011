/**
 * Golden files of the reporters: the whole SARIF and JSON output of the broken example, and the JSON of a broken
 * copy of the multi-cluster example, byte for byte. A change to what kubestrap reports shows up as a diff of
 * these files in review; `vitest run -u` rewrites them after a deliberate change.
 */
import { describe, expect, it } from "vitest";
import { lintFleet } from "../../src/analysis/fleet.ts";
import { lint } from "../../src/analysis/lint.ts";
import { formatJson } from "../../src/report/json.ts";
import { formatSarif } from "../../src/report/sarif.ts";
import { fleetRepo } from "../fleet-repo.ts";

const broken = new URL("../../examples/homelab-broken", import.meta.url).pathname;

describe("golden reports", () => {
  it("SARIF of examples/homelab-broken", async () => {
    await expect(formatSarif(lint({ repo: broken }), "0.0.0-test")).toMatchFileSnapshot(
      "./golden/homelab-broken.sarif.json",
    );
  });

  it("JSON of examples/homelab-broken", async () => {
    await expect(formatJson(lint({ repo: broken }))).toMatchFileSnapshot("./golden/homelab-broken.json");
  });

  it("JSON and SARIF of examples/fleet with apps reusing infra's Cilium id and pool", async () => {
    const repo = fleetRepo({
      "kubernetes/clusters/apps/cluster-settings.yaml": (t) =>
        t
          .replace('CLUSTER_ID: "2"', 'CLUSTER_ID: "1"')
          .replace("LB_POOL: 192.168.10.96/27", "LB_POOL: 192.168.10.64/26"),
    });
    const result = await lintFleet({ repo });
    await expect(formatJson(result)).toMatchFileSnapshot("./golden/fleet-broken.json");
    await expect(formatSarif(result, "0.0.0-test")).toMatchFileSnapshot("./golden/fleet-broken.sarif.json");
  });
});
