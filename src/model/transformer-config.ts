/**
 * kustomize `configurations`: transformer configuration files that add field specs to the built-in transformers
 * (the namespace of a CRD's `spec/targetNamespace`, labels into `spec/selector/matchLabels`, a name prefix into a
 * field that names another object). kubestrap applies the field specs of the transformers it runs itself:
 * namespace, commonLabels, commonAnnotations, namePrefix and nameSuffix.
 */
import {
  asArray,
  asRecord,
  asString,
  groupOf,
  isRecord,
  type Json,
  type KubeObject,
  versionOf,
  withBody,
} from "./objects.ts";

export interface FieldSpec {
  group?: string;
  version?: string;
  kind?: string;
  path: string[];
  create: boolean;
}

/** The field specs kubestrap applies, by transformer; `ignored` names the sections it does not run. */
export interface TransformerConfig {
  namespace: FieldSpec[];
  commonLabels: FieldSpec[];
  commonAnnotations: FieldSpec[];
  namePrefix: FieldSpec[];
  nameSuffix: FieldSpec[];
  ignored: string[];
}

const APPLIED = ["namespace", "commonLabels", "commonAnnotations", "namePrefix", "nameSuffix"] as const;

/** A field spec for `group/Kind`, `Kind` (any group) or `v1/Kind` (the core group), and a slash-separated path. */
function fieldSpecAt(target: string, path: string, create: boolean): FieldSpec {
  const [group, kind] = target.includes("/") ? target.split("/") : [undefined, target];
  const fieldSpec: FieldSpec = { path: path.split("/"), create };
  if (kind) fieldSpec.kind = kind;
  if (group !== undefined) {
    // kustomize writes the core group's specs with `version: v1` and no group.
    if (group === "v1") fieldSpec.version = "v1";
    else fieldSpec.group = group;
  }
  return fieldSpec;
}

const POD_TEMPLATES: [string, string][] = [
  ["v1/ReplicationController", "spec/template"],
  ["Deployment", "spec/template"],
  ["ReplicaSet", "spec/template"],
  ["DaemonSet", "spec/template"],
  ["apps/StatefulSet", "spec/template"],
  ["batch/Job", "spec/template"],
  ["batch/CronJob", "spec/jobTemplate"],
  ["batch/CronJob", "spec/jobTemplate/spec/template"],
];

const AFFINITY_SELECTORS = [
  "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
  "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
  "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
  "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
  "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
];

/**
 * kustomize's built-in field specs (api/internal/konfig/builtinpluginconsts, kustomize 5.8): where a label or
 * annotation goes besides the object's own metadata. The differential test holds kubestrap to them.
 */
export const BUILTIN_FIELD_SPECS = {
  /** `labels` entries without includeSelectors or includeTemplates: the object's own labels only. */
  metadataLabels: [fieldSpecAt("", "metadata/labels", true)],
  /** `labels` entries with includeTemplates: also the pod templates' labels. */
  templateLabels: [
    fieldSpecAt("", "metadata/labels", true),
    ...POD_TEMPLATES.map(([target, path]) => fieldSpecAt(target, `${path}/metadata/labels`, true)),
  ],
  /** commonLabels, and `labels` entries with includeSelectors: templates, selectors and claim templates too. */
  commonLabels: [
    fieldSpecAt("v1/Service", "spec/selector", true),
    fieldSpecAt("v1/ReplicationController", "spec/selector", true),
    fieldSpecAt("Deployment", "spec/selector/matchLabels", true),
    ...AFFINITY_SELECTORS.map((path) => fieldSpecAt("apps/Deployment", path, false)),
    fieldSpecAt("ReplicaSet", "spec/selector/matchLabels", true),
    fieldSpecAt("DaemonSet", "spec/selector/matchLabels", true),
    fieldSpecAt("apps/StatefulSet", "spec/selector/matchLabels", true),
    ...AFFINITY_SELECTORS.map((path) => fieldSpecAt("apps/StatefulSet", path, false)),
    fieldSpecAt("batch/Job", "spec/selector/matchLabels", false),
    fieldSpecAt("batch/CronJob", "spec/jobTemplate/spec/selector/matchLabels", false),
    fieldSpecAt("policy/PodDisruptionBudget", "spec/selector/matchLabels", false),
    fieldSpecAt("networking.k8s.io/NetworkPolicy", "spec/podSelector/matchLabels", false),
    fieldSpecAt("networking.k8s.io/NetworkPolicy", "spec/ingress/from/podSelector/matchLabels", false),
    fieldSpecAt("networking.k8s.io/NetworkPolicy", "spec/egress/to/podSelector/matchLabels", false),
    fieldSpecAt("", "metadata/labels", true),
    ...POD_TEMPLATES.map(([target, path]) => fieldSpecAt(target, `${path}/metadata/labels`, true)),
    fieldSpecAt("apps/StatefulSet", "spec/volumeClaimTemplates/metadata/labels", true),
  ],
  commonAnnotations: [
    fieldSpecAt("", "metadata/annotations", true),
    ...POD_TEMPLATES.map(([target, path]) => fieldSpecAt(target, `${path}/metadata/annotations`, true)),
  ],
} satisfies Record<string, FieldSpec[]>;

export function emptyTransformerConfig(): TransformerConfig {
  return {
    namespace: [],
    commonLabels: [],
    commonAnnotations: [],
    namePrefix: [],
    nameSuffix: [],
    ignored: [],
  };
}

/** Adds one configurations file's sections to `into`. */
export function readTransformerConfig(doc: unknown, into: TransformerConfig): void {
  for (const [section, specs] of Object.entries(asRecord(doc))) {
    if (!(APPLIED as readonly string[]).includes(section)) {
      if (!into.ignored.includes(section)) into.ignored.push(section);
      continue;
    }
    for (const s of asArray(specs)) {
      const spec = asRecord(s);
      const path = asString(spec.path);
      if (!path) continue;
      // `[]` marks a list, whose items setAt visits anyway.
      const fieldSpec: FieldSpec = {
        path: path.replaceAll("[]", "").split("/").filter(Boolean),
        create: spec.create === true,
      };
      for (const key of ["group", "version", "kind"] as const) {
        const v = asString(spec[key]);
        if (v !== undefined) fieldSpec[key] = v;
      }
      into[section as (typeof APPLIED)[number]].push(fieldSpec);
    }
  }
}

function matches(o: KubeObject, spec: FieldSpec): boolean {
  if (spec.kind !== undefined && spec.kind !== o.kind) return false;
  if (spec.group !== undefined && spec.group !== groupOf(o.apiVersion)) return false;
  if (spec.version !== undefined && spec.version !== versionOf(o.apiVersion)) return false;
  return true;
}

/**
 * Applies `change` to the field each matching spec points at: an existing field, or a new one where the spec
 * says `create` (a missing parent is created too).
 */
export function applyFieldSpecs(
  objects: KubeObject[],
  specs: FieldSpec[],
  change: (current: unknown) => unknown,
): KubeObject[] {
  if (specs.length === 0) return objects;
  return objects.map((o) => {
    let body = o.body;
    for (const spec of specs)
      if (matches(o, spec)) body = setAt(body, spec.path, spec.create, change) as Json;
    return body === o.body ? o : withBody(o, body);
  });
}

function setAt(
  node: unknown,
  path: string[],
  create: boolean,
  change: (current: unknown) => unknown,
): unknown {
  const [key, ...rest] = path;
  if (key === undefined) return change(node);
  if (Array.isArray(node)) return node.map((item) => setAt(item, path, create, change));
  if (!isRecord(node)) return node;
  if (!(key in node) && !create) return node;
  const child = node[key] ?? (rest.length > 0 ? {} : undefined);
  return { ...node, [key]: setAt(child, rest, create, change) };
}
