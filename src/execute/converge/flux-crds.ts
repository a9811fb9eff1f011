/**
 * The Flux CRDs, when the bootstrap did not install them. flux-operator installs Flux's CRDs when it reconciles
 * the FluxInstance, not from its chart; a rehearsal runs no operator (and its chart may not have been fetchable),
 * so kubestrap, doing the Flux controllers' work, installs them from the bundled catalog: every Flux kind with
 * its catalog schema, with the status subresource the controllers write.
 *
 * An Alert's `eventSources` and a Receiver's `resources` also accept flux-operator's own kinds (FluxInstance,
 * ResourceSet, ResourceSetInputProvider), as on a cluster flux-operator runs: repositories name FluxInstance as an
 * Alert event source with no CRD patch of their own, which the upstream enum alone refuses.
 */
import { applyStaged } from "../../cluster/apply.ts";
import type { Discovery } from "../../cluster/discovery.ts";
import type { KubeClient } from "../../cluster/kube.ts";
import type { KubeObject } from "../../cluster/status.ts";
import { catalogProjectCrds } from "../../model/catalog/charts.ts";
import { catalogSchema } from "../../model/catalog/schemas.ts";

const FIELD_MANAGER = "kubestrap-rehearsal";

const OPERATOR_KINDS = ["FluxInstance", "ResourceSet", "ResourceSetInputProvider"];
/** Where an object-reference kind enum sits, by CRD kind. */
const KIND_ENUMS: Record<string, string[]> = {
  Alert: ["spec", "eventSources", "kind"],
  Receiver: ["spec", "resources", "kind"],
};

type Schema = { properties?: Record<string, Schema>; items?: Schema; enum?: unknown[] };

/** The schema with flux-operator's kinds added to its object-reference kind enum, if it has one. */
function withOperatorKinds(kind: string, schema: unknown): unknown {
  const path = KIND_ENUMS[kind];
  if (!path) return schema;
  const copy = structuredClone(schema) as Schema;
  const [spec, list, field] = path as [string, string, string];
  const target = copy.properties?.[spec]?.properties?.[list]?.items?.properties?.[field];
  if (target?.enum)
    target.enum = [...target.enum, ...OPERATOR_KINDS.filter((k) => !target.enum?.includes(k))];
  return copy;
}

/** The catalog's Flux CRDs the cluster does not serve yet, as CustomResourceDefinition objects. */
export function missingFluxCrds(discovery: Pick<Discovery, "has">): KubeObject[] {
  const out: KubeObject[] = [];
  for (const crd of catalogProjectCrds("flux")) {
    const versions = crd.versions.flatMap((v) => {
      const found = catalogSchema(`${crd.group}/${v}/${crd.kind}`);
      return found ? [{ name: v, schema: withOperatorKinds(crd.kind, found.schema) }] : [];
    });
    if (versions.length === 0) continue;
    if (versions.some((v) => discovery.has(`${crd.group}/${v.name}`, crd.kind))) continue;
    const storage = versions.some((v) => v.name === crd.storage) ? crd.storage : versions[0]?.name;
    out.push({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: crd.name },
      spec: {
        group: crd.group,
        names: {
          kind: crd.kind,
          plural: crd.plural,
          singular: crd.kind.toLowerCase(),
          listKind: `${crd.kind}List`,
        },
        scope: crd.scope,
        versions: versions.map((v) => ({
          name: v.name,
          served: true,
          storage: v.name === storage,
          schema: { openAPIV3Schema: v.schema },
          subresources: { status: {} },
        })),
      },
    });
  }
  return out;
}

/** Installs the Flux CRDs the cluster lacks, until Established; returns the kinds installed. */
export async function installFluxCrds(
  client: KubeClient,
  discovery: Discovery,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<string[]> {
  await discovery.refresh();
  const crds = missingFluxCrds(discovery);
  if (crds.length === 0) return [];
  await applyStaged(client, discovery, crds, {
    fieldManager: FIELD_MANAGER,
    force: true,
    timeoutMs: options.timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  await discovery.refresh();
  return crds.map((c) => (c.spec as { names: { kind: string } }).names.kind);
}
