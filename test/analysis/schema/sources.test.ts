import { describe, expect, it } from "vitest";
import { chooseKubeVersion, crdDefinitions, SchemaIndex } from "../../../src/analysis/schema/sources.ts";
import { validateObject } from "../../../src/analysis/schema/validate.ts";
import { bundledKubeVersions } from "../../../src/model/catalog/schemas.ts";
import type { KubeObject } from "../../../src/model/objects.ts";
import { UsageError } from "../../../src/model/project.ts";

const bundled = bundledKubeVersions()[0] as string;

const crd = (versions: { name: string; served?: boolean; schema?: unknown }[]) => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "certificates.cert-manager.io" },
  spec: {
    group: "cert-manager.io",
    names: { kind: "Certificate" },
    versions: versions.map((v) => ({
      served: true,
      ...v,
      schema: { openAPIV3Schema: v.schema ?? { type: "object" } },
    })),
  },
});

describe("chooseKubeVersion", () => {
  it("takes a bundled version in any spelling, and the newest without one", () => {
    expect(chooseKubeVersion()).toEqual({ minor: bundled });
    expect(chooseKubeVersion(`v${bundled}.7`)).toEqual({ minor: bundled });
    expect(chooseKubeVersion(bundled)).toEqual({ minor: bundled });
  });

  it("replaces a version that is not bundled by the nearest, and says so", () => {
    const choice = chooseKubeVersion("1.2");
    expect(choice.minor).toBe(bundled);
    expect(choice.substitute).toContain("--kube-version 1.2");
  });

  it("refuses what is not a version", () => {
    expect(() => chooseKubeVersion("latest")).toThrow(UsageError);
  });
});

describe("SchemaIndex", () => {
  it("a CRD of the repository wins over the catalog's; an unserved version provides nothing", () => {
    const index = new SchemaIndex(bundled, [
      { body: crd([{ name: "v1" }, { name: "v0", served: false }]), origin: "infra/crds.yaml:1" },
    ]);
    expect(index.lookup({ apiVersion: "cert-manager.io/v1", kind: "Certificate" })?.origin).toBe(
      "CRD certificates.cert-manager.io (infra/crds.yaml:1)",
    );
    expect(index.lookup({ apiVersion: "cert-manager.io/v0", kind: "Certificate" })).toBeUndefined();
    const catalog = new SchemaIndex(bundled, []);
    expect(catalog.lookup({ apiVersion: "cert-manager.io/v1", kind: "Certificate" })?.origin).toBe(
      "the catalog's cert-manager CRDs",
    );
  });

  it("built-in kinds come from the bundled Kubernetes version; unknown kinds have no schema", () => {
    const index = new SchemaIndex(bundled, []);
    const deployment = index.lookup({ apiVersion: "apps/v1", kind: "Deployment" });
    expect(deployment?.origin).toMatch(/^Kubernetes 1\.\d+\.\d+$/);
    expect(deployment?.options.builtin).toBe(true);
    expect(index.lookup({ apiVersion: "v1", kind: "ConfigMap" })?.options.builtin).toBe(true);
    expect(index.lookup({ apiVersion: "example.com/v1", kind: "Widget" })).toBeUndefined();
    expect(index.lookup({ apiVersion: "extensions/v1beta1", kind: "Ingress" })).toBeUndefined();
  });

  it("the catalog's Alert accepts event source kinds its installers add (flux-operator's FluxInstance)", () => {
    const index = new SchemaIndex(bundled, []);
    const schema = index.lookup({ apiVersion: "notification.toolkit.fluxcd.io/v1beta3", kind: "Alert" });
    if (!schema) throw new Error("no Alert schema in the catalog");
    const alert = {
      apiVersion: "notification.toolkit.fluxcd.io/v1beta3",
      kind: "Alert",
      metadata: { name: "a" },
      spec: { providerRef: { name: "p" }, eventSources: [{ kind: "FluxInstance", name: "flux" }] },
    };
    expect(validateObject(alert, schema.schema, schema.options)).toEqual([]);
  });
});

describe("crdDefinitions", () => {
  it("takes the CustomResourceDefinitions among objects, located at their document", () => {
    const o = (kind: string, apiVersion: string): KubeObject => ({
      apiVersion,
      kind,
      name: "x",
      namespace: undefined,
      body: { apiVersion, kind },
      source: { file: "a.yaml", line: 3, docIndex: 0 },
    });
    expect(
      crdDefinitions([
        o("CustomResourceDefinition", "apiextensions.k8s.io/v1"),
        o("ConfigMap", "v1"),
        o("CustomResourceDefinition", "example.com/v1"),
      ]).map((d) => d.origin),
    ).toEqual(["a.yaml:3"]);
  });
});
