import type { CatalogCrd } from "./charts.ts";
import generated from "./crds.generated.json" with { type: "json" };

/**
 * Release manifests of CRDs that kustomizations name by URL (`resources: [https://.../standard-install.yaml]`).
 * kubestrap does not fetch them; a URL it recognises provides the CRDs of the bundled catalog's project.
 */
const REMOTE_CRD_MANIFESTS: { pattern: RegExp; project: string }[] = [
  {
    pattern:
      /^https:\/\/github\.com\/kubernetes-sigs\/gateway-api\/releases\/download\/[^/]+\/(standard|experimental)-install\.yaml$/,
    project: "gateway-api",
  },
  {
    pattern:
      /^https:\/\/github\.com\/prometheus-operator\/prometheus-operator\/releases\/download\/[^/]+\/stripped-down-crds\.yaml$/,
    project: "prometheus-operator",
  },
  {
    pattern:
      /^https:\/\/github\.com\/cert-manager\/cert-manager\/releases\/download\/[^/]+\/cert-manager\.crds\.yaml$/,
    project: "cert-manager",
  },
  {
    pattern: /^https:\/\/github\.com\/kedacore\/keda\/releases\/download\/[^/]+\/keda-[^/]+-crds\.yaml$/,
    project: "keda",
  },
  {
    pattern:
      /^https:\/\/raw\.githubusercontent\.com\/external-secrets\/external-secrets\/[^/]+\/deploy\/crds\/bundle\.yaml$/,
    project: "external-secrets",
  },
];

/** The CRDs a recognised remote manifest defines, or undefined. */
export function remoteManifestCrds(url: string): CatalogCrd[] | undefined {
  const match = REMOTE_CRD_MANIFESTS.find((m) => m.pattern.test(url));
  if (!match) return undefined;
  return (generated.projects as Record<string, CatalogCrd[]>)[match.project];
}
