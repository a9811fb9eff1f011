import type { Inventory } from "../analysis/lint.ts";

/** The one-line inventory that ends `lint` output. */
export function inventoryLine(inv: Inventory): string {
  const c = (n: { total: number; reachable: number }, noun: string): string =>
    `${n.total} ${noun} (${n.reachable} reachable)`;
  return (
    [
      `${inv.files} YAML files`,
      c(inv.kustomizations, "Flux Kustomizations"),
      c(inv.helmReleases, "HelmReleases"),
      c(inv.crds, "CRDs"),
      c(inv.customResources, "custom resources"),
    ].join(", ") + (inv.entry ? `; entry point ${inv.entry}` : "; no entry point")
  );
}
