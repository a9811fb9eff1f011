import { gzipSync } from "node:zlib";
import { describe, expect, test } from "vitest";
import { decodeRelease, encodeRelease, isPending, manifestObjects } from "../../src/cluster/helm-storage.ts";

describe("helm's release records", () => {
  test("decode helm's own encoding: the API's base64 of helm's base64 of gzipped JSON", () => {
    const release = { name: "cilium", version: 3, info: { status: "deployed" }, manifest: "---\n" };
    const helmText = gzipSync(Buffer.from(JSON.stringify(release))).toString("base64");
    expect(decodeRelease(Buffer.from(helmText).toString("base64"))).toEqual(release);
  });

  test("encode what they decode", () => {
    const release = {
      name: "x",
      info: { status: "failed", description: "kubestrap: recovered" },
      config: { a: 1 },
    };
    expect(decodeRelease(encodeRelease(release))).toEqual(release);
  });

  test("know which states an interrupted operation leaves", () => {
    expect(
      ["pending-install", "pending-upgrade", "pending-rollback"].every((s) => isPending(s as never)),
    ).toBe(true);
    expect(isPending("deployed")).toBe(false);
    expect(isPending("failed")).toBe(false);
  });

  test("list a manifest's objects in the release namespace unless they name one", () => {
    const manifest = `---
# Source: app/templates/sa.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
---
# Source: app/templates/role.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: app
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: elsewhere
`;
    expect(manifestObjects(manifest, "apps")).toEqual([
      { apiVersion: "v1", kind: "ServiceAccount", name: "app", namespace: "apps" },
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", name: "app", namespace: "apps" },
      { apiVersion: "apps/v1", kind: "Deployment", name: "app", namespace: "elsewhere" },
    ]);
  });
});
