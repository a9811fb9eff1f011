import type { Rule } from "../context.ts";
import { crdName, ksRef, pathText, providerText, verdictFindings } from "./crd-common.ts";

export const crdUnwaited: Rule = {
  id: "crd-unwaited",
  severity: "warning",
  description:
    "A custom resource ordered after its CRD's HelmRelease by dependsOn, but the providing Kustomization does not wait for the HelmRelease, so it is Ready before the CRD exists.",
  check: (ctx) =>
    verdictFindings(ctx, "unwaited", (v, p) => {
      const pks = p.ks ?? "";
      const hr = p.release;
      return {
        message: `needs CRD ${crdName(v)} from ${providerText(p)}; ${pathText(v.path)} orders it, but ${ksRef(pks)} does not wait for its HelmReleases and is Ready before the CRD exists`,
        fix: `set spec.wait: true on ${ksRef(pks)}${hr ? `, or add a healthCheck for HelmRelease ${hr.id}` : ""}`,
      };
    }),
};
