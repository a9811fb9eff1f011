import { describeObject } from "../../model/objects.ts";
import type { Rule, RuleFinding } from "../context.ts";

export const dependsOnMissing: Rule = {
  id: "dependson-missing",
  severity: "error",
  description:
    "A Kustomization or HelmRelease depends on an object of its kind that does not exist: it never becomes Ready.",
  check: (ctx) => {
    const out: RuleFinding[] = [];
    for (const ks of ctx.model.kustomizations.values()) {
      ks.dependsOn.forEach((d, i) => {
        if (ctx.model.kustomizations.has(`${d.namespace}/${d.name}`)) return;
        const elsewhere = [...ctx.model.kustomizations.values()].filter((k) => k.name === d.name);
        out.push({
          message: `Kustomization ${ks.id} depends on Kustomization ${d.namespace}/${d.name}, which no Kustomization reachable from the entry point defines`,
          fix:
            elsewhere.length > 0
              ? `set namespace: ${elsewhere[0]?.namespace} in this dependsOn entry`
              : `remove the dependsOn entry or define Kustomization ${d.namespace}/${d.name}`,
          location: { file: ks.object.source.file, line: ctx.lineOf(ks.object, ["spec", "dependsOn", i]) },
          object: describeObject(ks.object),
        });
      });
    }
    const releases = new Set(ctx.model.helmReleases.map((h) => h.id));
    for (const hr of ctx.model.helmReleases) {
      hr.dependsOn.forEach((d, i) => {
        if (releases.has(`${d.namespace}/${d.name}`)) return;
        out.push({
          message: `HelmRelease ${hr.id} depends on HelmRelease ${d.namespace}/${d.name}, which does not exist`,
          fix: `remove the dependsOn entry or define HelmRelease ${d.namespace}/${d.name}`,
          location: { file: hr.object.source.file, line: ctx.lineOf(hr.object, ["spec", "dependsOn", i]) },
          object: describeObject(hr.object),
        });
      });
    }
    return out;
  },
};
