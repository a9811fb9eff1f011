import type { Rule } from "../context.ts";
import { crdName, ksRef, providerText, verdictFindings } from "./crd-common.ts";

export const crdRace: Rule = {
  id: "crd-race",
  severity: "warning",
  description:
    "A custom resource and the provider of its CRD in Kustomizations that nothing orders: it works only through retries.",
  check: (ctx) =>
    verdictFindings(ctx, "race", (v, p) => {
      const pks = ctx.model.kustomizations.get(p.ks ?? "");
      const waits = pks?.wait ? "" : ` and spec.wait: true on ${ksRef(p.ks ?? "")}`;
      return {
        message: `needs CRD ${crdName(v)} from ${providerText(p)} in ${ksRef(p.ks ?? "")}, and nothing orders ${ksRef(v.ks.id)} after it: it works only through retries`,
        fix: `add dependsOn: [{name: ${pks?.name}, namespace: ${pks?.namespace}}] to ${ksRef(v.ks.id)}${p.kind === "chart" ? waits : ""}`,
      };
    }),
};
