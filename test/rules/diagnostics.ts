/** Small repositories for the findings kubestrap makes while loading, each linted through lint(). */
import { lint } from "../../src/analysis/lint.ts";
import type { Finding } from "../../src/findings.ts";
import { ks, makeRepo } from "../helpers.ts";

export const kustomization = (body: string) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;

export const configMap = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  a: "1"\n`;

/** Lints a repository with one Flux Kustomization (`app`, path ./apps/app) and the given files. */
export function lintApp(files: Record<string, string>, options: { withEntry?: boolean } = {}) {
  const entry: Record<string, string> =
    options.withEntry === false ? {} : { "kubernetes/flux/cluster/ks.yaml": ks("app") };
  return lint({ repo: makeRepo({ ...entry, ...files }) });
}

/** The findings of one id, as [severity, file]. */
export function ofRule(findings: Finding[], id: string): [string, string | undefined][] {
  return findings.filter((f) => f.ruleId === id).map((f) => [f.severity, f.location?.file]);
}
