/**
 * Where the schema of an object's exact API version comes from: a CRD in the repository (or rendered from a
 * chart with `--render`), else the bundled catalog's CRD, and for built-in kinds the bundled `/openapi/v3` of
 * the Kubernetes version chosen. Each schema is compiled (its CEL rules parsed) once, on first use.
 */
import { builtinSchemas, bundledKubeVersions, catalogSchema } from "../../model/catalog/schemas.ts";
import { asArray, asRecord, asString, groupOf, type KubeObject, versionOf } from "../../model/objects.ts";
import { UsageError } from "../../model/project.ts";
import type { Schema } from "./types.ts";
import type { ValidateOptions } from "./validate.ts";

export interface ObjectSchema {
  schema: Schema;
  options: ValidateOptions;
  /** Where the schema comes from: `CRD certificates.cert-manager.io (infra/crds.yaml)`, `Kubernetes 1.36`. */
  origin: string;
}

/** A CRD that provides schemas: an object of the repository or one rendered from a chart. */
export interface CrdDefinition {
  body: Record<string, unknown>;
  /** `infra/crds.yaml`, `helm template of flux-system/cert-manager`. */
  origin: string;
}

export interface KubeVersionChoice {
  /** The bundled minor version used: `1.36`. */
  minor: string;
  /** Set when the version asked for is not bundled and the nearest one is used instead. */
  substitute?: string;
}

/**
 * The bundled minor version for `--kube-version` (`1.36`, `v1.36.2`): that one when bundled, else the nearest
 * bundled one (said in `substitute`); the newest bundled without a request.
 */
export function chooseKubeVersion(requested?: string): KubeVersionChoice {
  const bundled = bundledKubeVersions();
  const newest = bundled[0];
  if (!newest)
    throw new Error("no Kubernetes OpenAPI schemas are bundled (data/openapi): the package is incomplete");
  if (!requested) return { minor: newest };
  const minor = /^v?(\d+\.\d+)(?:\.\d+)?/.exec(requested)?.[1];
  if (!minor) throw new UsageError(`--kube-version ${requested}: not a Kubernetes version (1.36, v1.36.2)`);
  if (bundled.includes(minor)) return { minor };
  const distance = (v: string) => Math.abs(Number(v.split(".")[1]) - Number(minor.split(".")[1]));
  const nearest = [...bundled].sort((a, b) => distance(a) - distance(b))[0] ?? newest;
  return {
    minor: nearest,
    substitute: `built-in kinds are validated against Kubernetes ${nearest}, the bundled version nearest to --kube-version ${requested}`,
  };
}

export class SchemaIndex {
  readonly kubeVersion: string;
  private readonly crds = new Map<string, ObjectSchema>();
  private readonly builtin: ObjectSchema["options"] | undefined;
  private readonly builtinKinds: Record<string, string>;
  private readonly builtinComponent: (name: string) => unknown;
  private readonly builtinVersion: string;
  private readonly cache = new Map<string, ObjectSchema | undefined>();

  constructor(kubeVersion: string, definitions: CrdDefinition[]) {
    this.kubeVersion = kubeVersion;
    const builtin = builtinSchemas(kubeVersion);
    this.builtinKinds = builtin?.kinds ?? {};
    const component = (name: string) => builtin?.schema(name);
    this.builtinComponent = component;
    this.builtinVersion = builtin?.version ?? kubeVersion;
    const resolve = (ref: string) =>
      component(ref.replace("#/components/schemas/", "")) as Schema | undefined;
    this.builtin = builtin ? { builtin: true, resolve } : undefined;
    for (const d of definitions) this.addCrd(d);
  }

  private addCrd(d: CrdDefinition): void {
    const spec = asRecord(d.body.spec);
    const group = asString(spec.group) ?? "";
    const kind = asString(asRecord(spec.names).kind);
    if (!kind) return;
    const name = asString(asRecord(d.body.metadata).name) ?? `${kind}.${group}`;
    for (const v of asArray(spec.versions)) {
      const version = asRecord(v);
      const schema = asRecord(version.schema).openAPIV3Schema;
      const versionName = asString(version.name);
      if (!versionName || version.served === false || typeof schema !== "object" || schema === null) continue;
      const key = `${group}/${versionName}/${kind}`;
      if (this.crds.has(key)) continue;
      this.crds.set(key, { schema: schema as Schema, options: {}, origin: `CRD ${name} (${d.origin})` });
    }
  }

  /** The schema an object meets on the API server, or undefined when kubestrap has none for it. */
  lookup(o: Pick<KubeObject, "apiVersion" | "kind">): ObjectSchema | undefined {
    const key = `${groupOf(o.apiVersion)}/${versionOf(o.apiVersion)}/${o.kind}`;
    if (this.cache.has(key)) return this.cache.get(key);
    const found = this.find(key);
    this.cache.set(key, found);
    return found;
  }

  private find(key: string): ObjectSchema | undefined {
    const crd = this.crds.get(key);
    if (crd) return crd;
    const component = this.builtinKinds[key];
    if (component && this.builtin) {
      return {
        schema: this.builtinComponent(component) as Schema,
        options: this.builtin,
        origin: `Kubernetes ${this.builtinVersion}`,
      };
    }
    const fromCatalog = catalogSchema(key);
    if (fromCatalog) {
      return {
        schema: withInstallerPatches(key, fromCatalog.schema as Schema),
        options: {},
        origin: `the catalog's ${fromCatalog.project} CRDs`,
      };
    }
    return undefined;
  }
}

/**
 * Fields of catalog CRDs whose installed schema commonly differs from upstream's, by design: Flux documents
 * patching the `kind` enum of Alert event sources and Receiver resources for third-party controllers, and
 * flux-operator installs them with its own kinds (FluxInstance, ResourceSet) added. The enum is not checked.
 */
const PATCHED_ENUMS: Record<string, string[][]> = {
  "notification.toolkit.fluxcd.io/Alert": [["spec", "eventSources", "kind"]],
  "notification.toolkit.fluxcd.io/Receiver": [["spec", "resources", "kind"]],
};

function withInstallerPatches(key: string, schema: Schema): Schema {
  const [group, , kind] = key.split("/");
  const paths = PATCHED_ENUMS[`${group}/${kind}`];
  if (!paths) return schema;
  const patched = structuredClone(schema);
  for (const path of paths) {
    let node: Schema | undefined = patched;
    for (const field of path) {
      node = node?.properties?.[field];
      if (node?.type === "array") node = node.items;
    }
    if (node) delete node.enum;
  }
  return patched;
}

/** The CRDs among a set of objects, as schema definitions. */
export function crdDefinitions(objects: Iterable<KubeObject>): CrdDefinition[] {
  const out: CrdDefinition[] = [];
  for (const o of objects) {
    if (o.kind === "CustomResourceDefinition" && groupOf(o.apiVersion) === "apiextensions.k8s.io") {
      out.push({ body: o.body, origin: `${o.source.file}:${o.source.line}` });
    }
  }
  return out;
}
