/**
 * The OpenAPI v3 schema subset Kubernetes validates with: CRD structural schemas (`openAPIV3Schema`) and the
 * API server's `/openapi/v3` documents for built-in kinds (which add `$ref` between components).
 */
export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  fieldPath?: string;
  reason?: string;
  optionalOldSelf?: boolean;
}

export interface Schema {
  $ref?: string;
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  format?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  nullable?: boolean;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  not?: Schema;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-validations"?: ValidationRule[];
}

/** Resolves a `$ref` (`#/components/schemas/...`) of a built-in document; CRD schemas have none. */
export type RefResolver = (ref: string) => Schema | undefined;

export type ViolationKind = "invalid" | "unsupported";

/** One thing the API server would reject (`invalid`), or a rule kubestrap could not check (`unsupported`). */
export interface Violation {
  kind: ViolationKind;
  /** The field, as the API server names it: `spec.containers[0].image`, `metadata.labels[app]`. */
  path: string;
  /** The same field as keys, for finding its line. */
  keys: (string | number)[];
  message: string;
}
