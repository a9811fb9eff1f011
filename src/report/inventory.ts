import type { Inventory } from "../analysis/lint.ts";

/** The inventory that ends `lint` output: what was read of the Flux tree, then what was found of the bootstrap. */
export function inventoryLine(inv: Inventory): string {
  const c = (n: { total: number; reachable: number }, noun: string): string =>
    `${n.total} ${noun} (${n.reachable} reachable)`;
  const flux =
    [
      `${inv.files} YAML files`,
      c(inv.kustomizations, "Flux Kustomizations"),
      c(inv.helmReleases, "HelmReleases"),
      c(inv.crds, "CRDs"),
      c(inv.customResources, "custom resources"),
    ].join(", ") + (inv.entry ? `; entry point ${inv.entry}` : "; no entry point");
  return `${flux}\n${bootstrapLine(inv.bootstrap)}`;
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

function bootstrapLine(b: Inventory["bootstrap"]): string {
  if (b.helmfiles === 0)
    return "bootstrap: no helmfiles found (kubestrap.yaml `bootstrap.helmfiles` names them)";
  const env = b.environment && b.environment !== "default" ? `, environment ${b.environment}` : "";
  const unread = b.unread > 0 ? ` (${b.unread} could not be read)` : "";
  return `bootstrap: ${count(b.helmfiles, "helmfile")} in ${b.dir}${env}${unread}: ${count(b.crdReleases, "CRD release")}, ${count(b.releases, "release")}`;
}
