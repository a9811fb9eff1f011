import type { Rule } from "../context.ts";
import { crdName, ksRef, pathText, providerText, verdictFindings } from "./crd-common.ts";

export const crdDeadlock: Rule = {
  id: "crd-deadlock",
  severity: "error",
  description:
    "A custom resource whose CRD comes from a Kustomization that depends on the consumer's Kustomization, or that the consumer's Kustomization applies: neither can become Ready.",
  check: (ctx) =>
    verdictFindings(ctx, "deadlock", (v, p) =>
      v.createdBy
        ? {
            message: `needs CRD ${crdName(v)} from ${providerText(p)} in ${ksRef(p.ks ?? "")}, which ${ksRef(v.ks.id)} itself applies (${pathText(v.path, " ← ")}): its dry run rejects the custom resource before that Kustomization exists`,
            fix: `move the custom resource into a Kustomization that depends on ${ksRef(p.ks ?? "")}, or install the CRD in the bootstrap CRD phase`,
          }
        : {
            message: `needs CRD ${crdName(v)} from ${providerText(p)} in ${ksRef(p.ks ?? "")}, which depends on ${ksRef(v.ks.id)} (${pathText(v.path)}): neither Kustomization can become Ready`,
            fix: `install the CRD in the bootstrap CRD phase, or break the dependsOn path ${pathText(v.path)} and make ${ksRef(v.ks.id)} depend on ${ksRef(p.ks ?? "")} instead`,
          },
    ),
};
