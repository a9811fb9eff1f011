import { describeObject, type KubeObject, objectKey } from "../../model/objects.ts";
import type { Rule, RuleFinding } from "../context.ts";

export const duplicateObject: Rule = {
  id: "duplicate-object",
  severity: "error",
  description:
    "The same object (group, kind, namespace, name) applied twice: by two Kustomizations, which fight over it, or twice in one build, which kustomize rejects.",
  check: (ctx) => {
    const seen = new Map<string, { o: KubeObject; ks: string }>();
    const out: RuleFinding[] = [];
    for (const ks of ctx.model.kustomizations.values()) {
      for (const o of ks.objects) {
        const key = objectKey(o);
        const prior = seen.get(key);
        if (!prior) {
          seen.set(key, { o, ks: ks.id });
          continue;
        }
        const same = prior.ks === ks.id;
        out.push({
          message: same
            ? `appears twice in the build of Kustomization ${ks.id}: kustomize fails with "may not add resource with an already registered id"`
            : `applied by Kustomization ${ks.id} and by Kustomization ${prior.ks}: they overwrite each other and pruning one deletes the other's object`,
          fix: same
            ? "remove one of the two definitions"
            : `keep the object in one of the two Kustomizations`,
          location: { file: o.source.file, line: o.source.line },
          object: describeObject(o),
          related: [
            {
              file: prior.o.source.file,
              line: prior.o.source.line,
              message: `also defined here (Kustomization ${prior.ks})`,
            },
          ],
        });
      }
    }
    return out;
  },
};
