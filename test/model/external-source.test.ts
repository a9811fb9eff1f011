import { describe, expect, it } from "vitest";
import { customResource, ks, lintFlux, ruleIds } from "../helpers.ts";

/** A Kustomization of another Git repository (no path: its root), and a consumer of CRDs it installs. */
const external = (sourceKind = "GitRepository") => `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: ${sourceKind}
metadata: {name: vendor, namespace: flux-system}
spec:
  url: ${sourceKind === "OCIRepository" ? "oci://ghcr.io/example/vendor" : "https://github.com/example/vendor"}
  interval: 1h
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: vendor-crds, namespace: flux-system}
spec:
  interval: 1h
  prune: true
  sourceRef: {kind: ${sourceKind}, name: vendor}
`;

describe("a Kustomization of another source is an external unit", () => {
  it.each(["GitRepository", "OCIRepository"])(
    "its path (%s, absent: ./) is not built from this repository",
    (kind) => {
      const r = lintFlux([ks("apps", { path: "./apps" })], {
        "apps/vendor.yaml": external(kind),
        "elsewhere/kustomization.yaml": "resources: [missing.yaml]\n",
      });
      expect(r.model.kustomizations.get("flux-system/vendor-crds")?.local).toBe(false);
      expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([["source-external", "info"]]);
    },
  );

  it("a consumer that depends on it is not reported: the CRDs it provides cannot be seen offline", () => {
    const r = lintFlux(
      [ks("apps", { path: "./apps" }), ks("games", { path: "./games", dependsOn: ["vendor-crds"] })],
      {
        "apps/vendor.yaml": external(),
        "games/app.yaml": customResource("games.example.com/v1", "App", "firefox"),
      },
    );
    expect(ruleIds(r)).toEqual(["source-external"]);
  });

  it("a consumer that does not depend on it still misses its CRD", () => {
    const r = lintFlux([ks("apps", { path: "./apps" }), ks("games", { path: "./games" })], {
      "apps/vendor.yaml": external(),
      "games/app.yaml": customResource("games.example.com/v1", "App", "firefox"),
    });
    expect(ruleIds(r).sort()).toEqual(["crd-missing", "source-external"]);
  });

  it("the repository's own source is found by use, whatever its name", () => {
    const own = (name: string, path: string) =>
      ks(name, { path }).replace("    name: flux-system\n", "    name: home-kubernetes\n");
    const r = lintFlux([own("apps", "./apps")], {
      "apps/one.yaml": own("one", "./one"),
      "one/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: default}\n",
    });
    expect(r.findings).toEqual([]);
    expect(r.model.kustomizations.get("flux-system/one")?.objects).toHaveLength(1);
  });
});

describe("a repository Flux consumes as an OCI artifact of itself", () => {
  it("reads its Kustomizations on OCIRepository flux-system as this repository", () => {
    const own = (name: string, path: string) =>
      ks(name, { path }).replace("    kind: GitRepository\n", "    kind: OCIRepository\n");
    const r = lintFlux([own("apps", "./apps")], {
      "apps/one.yaml": own("one", "./one"),
      "one/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: default}\n",
    });
    expect(r.findings).toEqual([]);
    expect(r.model.kustomizations.get("flux-system/one")?.local).toBe(true);
  });
});
