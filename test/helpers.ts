import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { load } from "js-yaml";
import { expect } from "vitest";
import { type LintResult, lint } from "../src/analysis/lint.ts";
import { documentHeader } from "../src/charts/documents.ts";

/** Writes a repository from a map of path → content into a fresh temporary directory. */
export function makeRepo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "kubestrap-test-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** Like makeRepo, for configuration files: content that is not a string is written as JSON. */
export function makeFiles(files: Record<string, unknown>): string {
  return makeRepo(
    Object.fromEntries(
      Object.entries(files).map(([path, c]) => [path, typeof c === "string" ? c : JSON.stringify(c)]),
    ),
  );
}

export interface KsSpec {
  path?: string;
  dependsOn?: string[];
  wait?: boolean;
  healthChecks?: { kind: string; name: string; namespace?: string }[];
  substitute?: Record<string, string>;
  substituteFrom?: { kind: string; name: string; optional?: boolean }[];
  extra?: string;
}

/** A Flux Kustomization in flux-system whose path defaults to ./apps/<name>. */
export function ks(name: string, spec: KsSpec = {}): string {
  const lines = [
    "---",
    "apiVersion: kustomize.toolkit.fluxcd.io/v1",
    "kind: Kustomization",
    "metadata:",
    `  name: ${name}`,
    "  namespace: flux-system",
    "spec:",
    `  path: ${spec.path ?? `./apps/${name}`}`,
    "  sourceRef:",
    "    kind: GitRepository",
    "    name: flux-system",
  ];
  if (spec.dependsOn?.length) {
    lines.push("  dependsOn:");
    for (const d of spec.dependsOn) lines.push(`    - name: ${d}`);
  }
  if (spec.wait !== undefined) lines.push(`  wait: ${spec.wait}`);
  if (spec.healthChecks?.length) {
    lines.push("  healthChecks:");
    for (const h of spec.healthChecks)
      lines.push(
        `    - apiVersion: helm.toolkit.fluxcd.io/v2`,
        `      kind: ${h.kind}`,
        `      name: ${h.name}`,
        `      namespace: ${h.namespace ?? "default"}`,
      );
  }
  if (spec.substitute || spec.substituteFrom) {
    lines.push("  postBuild:");
    if (spec.substitute && Object.keys(spec.substitute).length === 0) lines.push("    substitute: {}");
    else if (spec.substitute) {
      lines.push("    substitute:");
      for (const [k, v] of Object.entries(spec.substitute)) lines.push(`      ${k}: "${v}"`);
    }
    if (spec.substituteFrom) {
      lines.push("    substituteFrom:");
      for (const f of spec.substituteFrom)
        lines.push(
          `      - kind: ${f.kind}`,
          `        name: ${f.name}`,
          ...(f.optional ? ["        optional: true"] : []),
        );
    }
  }
  if (spec.extra) lines.push(spec.extra);
  // Last, so that the lines of everything above stay where tests expect them; required by the Kustomization CRD.
  if (!spec.extra?.includes("interval:")) lines.push("  interval: 10m");
  if (!spec.extra?.includes("prune:")) lines.push("  prune: true");
  return `${lines.join("\n")}\n`;
}

/**
 * An OCIRepository (tag 1.0.0) and the HelmRelease that installs it; `insecure` makes Flux (and kubestrap)
 * pull over plain HTTP, for the local registry.
 */
export function helmRelease(
  name: string,
  chartUrl: string,
  values = "",
  {
    namespace = "default",
    insecure = false,
    dependsOn = [],
  }: { namespace?: string; insecure?: boolean; dependsOn?: string[] } = {},
): string {
  return `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  url: ${chartUrl}
${insecure ? "  insecure: true\n" : ""}  ref: {tag: 1.0.0}
  interval: 1h
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  chartRef:
    kind: OCIRepository
    name: ${name}
${dependsOn.length ? `  dependsOn:\n${dependsOn.map((d) => `    - name: ${d}\n`).join("")}` : ""}${values ? `  values:\n${values.replace(/^/gm, "    ")}\n` : ""}  interval: 1h
`;
}

/** A namespaced custom resource; `spec` is a YAML flow mapping that its CRD's schema accepts. */
export function customResource(
  apiVersion: string,
  kind: string,
  name: string,
  namespace = "default",
  spec = "{}",
): string {
  return `---
apiVersion: ${apiVersion}
kind: ${kind}
metadata:
  name: ${name}
  namespace: ${namespace}
spec: ${spec}
`;
}

/** A Deployment's `spec:` line that the API server accepts. */
export const DEPLOYMENT_SPEC =
  "spec: {selector: {matchLabels: {app: x}}, template: {metadata: {labels: {app: x}}, spec: {containers: [{name: x, image: x}]}}}\n";

/** A KEDA ScaledObject's spec that the real CRD accepts. */
export const SCALED_OBJECT_SPEC =
  "{scaleTargetRef: {name: app}, triggers: [{type: cpu, metadata: {value: '50'}}]}";

/** A CRD manifest with the given group and kind. */
/** A CRD of one version, v1; `schema` is its openAPIV3Schema as YAML (default: anything is kept). */
export function crd(
  group: string,
  kind: string,
  plural = `${kind.toLowerCase()}s`,
  schema = "type: object\nx-kubernetes-preserve-unknown-fields: true",
): string {
  return `---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.${group}
spec:
  group: ${group}
  names:
    kind: ${kind}
    plural: ${plural}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
${schema.replace(/^/gm, "          ")}
`;
}

/** Lints a repository whose entry point `kubernetes/flux/cluster/ks.yaml` holds the given Kustomizations. */
export function lintFlux(kustomizations: string[], files: Record<string, string>): LintResult {
  return lint({ repo: makeRepo({ "kubernetes/flux/cluster/ks.yaml": kustomizations.join(""), ...files }) });
}

export function ruleIds(result: LintResult): string[] {
  return result.findings.map((f) => f.ruleId);
}

/**
 * Checks that the line reader of document headers agrees with the YAML parser on every named document under
 * `root`; returns how many documents it checked.
 */
export function checkDocumentHeaders(root: string): number {
  let checked = 0;
  const header = (o: Record<string, unknown>) => {
    const metadata = (o.metadata ?? {}) as { name?: string; namespace?: string };
    return {
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: metadata.name,
      ...(metadata.namespace ? { namespace: metadata.namespace } : {}),
    };
  };
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name)) {
        for (const chunk of readFileSync(path, "utf8").split(/^---[ \t]*$/m)) {
          let parsed: unknown;
          try {
            parsed = load(chunk);
          } catch {
            continue;
          }
          if (!parsed || typeof parsed !== "object" || !(parsed as { kind?: unknown }).kind) continue;
          const object = parsed as Record<string, unknown>;
          if (typeof (object.metadata as { name?: unknown } | undefined)?.name !== "string") continue;
          expect(documentHeader(chunk), path).toEqual(header(object));
          checked++;
        }
      }
    }
  };
  walk(root);
  return checked;
}
