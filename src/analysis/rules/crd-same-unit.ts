import type { Rule } from "../context.ts";
import { crdName, ksRef, providerText, verdictFindings } from "./crd-common.ts";

export const crdSameUnit: Rule = {
  id: "crd-same-unit",
  severity: "error",
  description:
    "A custom resource next to the HelmRelease that installs its CRD: Flux's dry-run of the whole Kustomization fails, so the HelmRelease is never applied.",
  check: (ctx) =>
    verdictFindings(ctx, "same-unit", (v, p) => ({
      message: `needs CRD ${crdName(v)} that ${providerText(p)} installs in the same ${ksRef(v.ks.id)}: the Kustomization's dry-run fails before the HelmRelease is applied`,
      fix: `move ${v.consumer.kind} ${v.consumer.name} to a Kustomization that depends on ${ksRef(v.ks.id)} (and set wait: true on ${ksRef(v.ks.id)}), or install the CRD in the bootstrap CRD phase`,
    })),
};
