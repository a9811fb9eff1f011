import { describe, expect, test } from "vitest";
import { missingFluxCrds } from "../../../src/execute/converge/flux-crds.ts";

/** The value at `keys` inside a schema. */
function dig(value: unknown, ...keys: string[]): unknown {
  return keys.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], value);
}

type Crd = {
  metadata: { name: string };
  spec: {
    group: string;
    names: { kind: string; plural: string };
    versions: {
      name: string;
      storage: boolean;
      subresources: unknown;
      schema: { openAPIV3Schema: unknown };
    }[];
  };
};

const none = { has: () => false };
const EVENT_KINDS = [
  "properties",
  "spec",
  "properties",
  "eventSources",
  "items",
  "properties",
  "kind",
  "enum",
];
const RESOURCE_KINDS = [
  "properties",
  "spec",
  "properties",
  "resources",
  "items",
  "properties",
  "kind",
  "enum",
];

describe("missingFluxCrds", () => {
  test("every Flux kind of the catalog, with its schema, one storage version and the status subresource", () => {
    const crds = missingFluxCrds(none) as unknown as Crd[];
    const kinds = crds.map((c) => c.spec.names.kind).sort();
    expect(kinds).toEqual(
      expect.arrayContaining([
        "GitRepository",
        "HelmRelease",
        "Kustomization",
        "OCIRepository",
        "Alert",
        "Provider",
      ]),
    );
    const ks = crds.find((c) => c.spec.names.kind === "Kustomization") as Crd;
    expect(ks.metadata.name).toBe("kustomizations.kustomize.toolkit.fluxcd.io");
    expect(ks.spec.names.plural).toBe("kustomizations");
    for (const crd of crds) {
      expect(crd.spec.versions.filter((v) => v.storage)).toHaveLength(1);
      expect(crd.spec.versions.every((v) => v.subresources !== undefined)).toBe(true);
    }
    expect(dig(ks.spec.versions[0]?.schema.openAPIV3Schema, "properties", "spec", "required")).toContain(
      "sourceRef",
    );
  });

  test("Alerts and Receivers accept flux-operator's kinds, as where flux-operator runs; the catalog is untouched", () => {
    const alert = (missingFluxCrds(none) as unknown as Crd[]).find(
      (c) => c.spec.names.kind === "Alert",
    ) as Crd;
    const kinds = dig(alert.spec.versions[0]?.schema.openAPIV3Schema, ...EVENT_KINDS) as string[];
    expect(kinds).toEqual(expect.arrayContaining(["Kustomization", "FluxInstance", "ResourceSet"]));
    const receiver = (missingFluxCrds(none) as unknown as Crd[]).find(
      (c) => c.spec.names.kind === "Receiver",
    ) as Crd;
    expect(dig(receiver.spec.versions[0]?.schema.openAPIV3Schema, ...RESOURCE_KINDS)).toContain(
      "FluxInstance",
    );
    // A second call starts from the catalog's own schema again: the kinds are not added twice.
    const again = (missingFluxCrds(none) as unknown as Crd[]).find(
      (c) => c.spec.names.kind === "Alert",
    ) as Crd;
    const second = dig(again.spec.versions[0]?.schema.openAPIV3Schema, ...EVENT_KINDS) as string[];
    expect(second.filter((k) => k === "FluxInstance")).toHaveLength(1);
  });

  test("a kind the cluster already serves is left alone", () => {
    const served = {
      has: (apiVersion: string, kind: string) =>
        apiVersion.startsWith("kustomize.") && kind === "Kustomization",
    };
    const kinds = (missingFluxCrds(served) as unknown as Crd[]).map((c) => c.spec.names.kind);
    expect(kinds).not.toContain("Kustomization");
    expect(kinds).toContain("HelmRelease");
  });
});
