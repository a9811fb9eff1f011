/**
 * The bundled chart catalog: the CRDs each entry provides, from the generated project lists (with their CRD
 * names) and the curated group/kind lists (namespaced unless the entry says otherwise).
 */
import { describe, expect, it } from "vitest";
import {
  catalogEntry,
  catalogEntryKinds,
  catalogProjectCrds,
  catalogScopes,
} from "../../src/model/catalog/charts.ts";

describe("the chart catalog", () => {
  it("gives a curated entry's kinds as namespaced unless it says Cluster", () => {
    const snapshots = catalogEntryKinds(catalogEntry("snapshot-controller") ?? { charts: [] });
    expect(snapshots.find((k) => k.kind === "VolumeSnapshot")).toStrictEqual({
      group: "snapshot.storage.k8s.io",
      kind: "VolumeSnapshot",
      scope: "Namespaced",
    });
    expect(snapshots.find((k) => k.kind === "VolumeSnapshotClass")?.scope).toBe("Cluster");
  });

  it("gives a project's CRDs with their names, then the entry's curated kinds", () => {
    const kinds = catalogEntryKinds(catalogEntry("envoy-gateway") ?? { charts: [] });
    expect(kinds[0]).toMatchObject({
      group: "gateway.networking.k8s.io",
      name: expect.stringMatching(/\.gateway\.networking\.k8s\.io$/),
    });
    expect(kinds.at(-1)).toStrictEqual({
      group: "gateway.envoyproxy.io",
      kind: "HTTPRouteFilter",
      scope: "Namespaced",
    });
    expect(kinds.length).toBe(catalogProjectCrds("gateway-api").length + 8);
  });

  it("knows no CRDs of an unknown project or chart", () => {
    expect(catalogProjectCrds("no-such-project")).toEqual([]);
    expect(catalogEntry("no-such-chart")).toBeUndefined();
    expect(catalogEntryKinds({ charts: ["x"] })).toEqual([]);
  });

  it("keys every scope by group/kind", () => {
    const scopes = catalogScopes();
    expect(scopes.get("snapshot.storage.k8s.io/VolumeSnapshotContent")).toBe("Cluster");
    expect(scopes.get("gateway.envoyproxy.io/EnvoyProxy")).toBe("Namespaced");
    expect(scopes.get("gateway.networking.k8s.io/GatewayClass")).toBe("Cluster");
  });
});
