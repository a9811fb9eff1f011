import type { Rule } from "../context.ts";
import { crdName, ksRef, providerText, verdictFindings } from "./crd-common.ts";

export const crdRace: Rule = {
  id: "crd-race",
  severity: "warning",
  description:
    "A custom resource and the provider of its CRD that nothing orders (Kustomizations, or HelmReleases of one Kustomization): it works only through retries.",
  check: (ctx) =>
    verdictFindings(ctx, "race", (v, p) => {
      if (v.releases) {
        const [namespace, name] = v.releases.provider.split("/");
        return {
          message: `needs CRD ${crdName(v)} from ${providerText(p)}, in the same ${ksRef(v.ks.id)}, and HelmRelease ${v.releases.consumer} does not depend on it: both install at once, and this one works only through retries`,
          fix: `add dependsOn: [{name: ${name}, namespace: ${namespace}}] to HelmRelease ${v.releases.consumer}`,
        };
      }
      const pks = ctx.model.kustomizations.get(p.ks ?? "");
      const waits = pks?.wait ? "" : ` and spec.wait: true on ${ksRef(p.ks ?? "")}`;
      return {
        message: `needs CRD ${crdName(v)} from ${providerText(p)} in ${ksRef(p.ks ?? "")}, and nothing orders ${ksRef(v.ks.id)} after it: it works only through retries`,
        fix: `add dependsOn: [{name: ${pks?.name}, namespace: ${pks?.namespace}}] to ${ksRef(v.ks.id)}${p.kind === "chart" ? waits : ""}`,
      };
    }),
};
