import { describeObject } from "../../model/objects.ts";
import type { AnalysisContext, RuleFinding } from "../context.ts";
import type { ConsumerVerdict, CrdProvider, Verdict } from "../crds.ts";

export function crdName(v: ConsumerVerdict): string {
  const slash = v.groupKind.lastIndexOf("/");
  return `${v.groupKind.slice(slash + 1)}.${v.groupKind.slice(0, slash)}`;
}

export function providerText(p: CrdProvider): string {
  let s = p.label;
  if (p.inferred) s += ` (inferred: ${p.inferred})`;
  if (p.runtime) s += " (its workload registers the CRDs once it runs)";
  return s;
}

export function ksRef(id: string): string {
  return `Kustomization ${id}`;
}

export function pathText(path: string[] | undefined, separator = " → "): string {
  return path ? path.join(separator) : "";
}

export function verdictFindings(
  ctx: AnalysisContext,
  verdict: Verdict,
  build: (v: ConsumerVerdict, provider: CrdProvider) => { message: string; fix: string },
): RuleFinding[] {
  return ctx.crds.verdicts
    .filter((v) => v.verdict === verdict)
    .map((v) => {
      const { message, fix } = build(v, v.provider ?? { kind: "builtin", label: "(none)" });
      const finding: RuleFinding = {
        message,
        fix,
        location: { file: v.consumer.source.file, line: v.consumer.source.line },
        object: v.consumer.source.renderedBy
          ? `${describeObject(v.consumer)}, rendered by the chart of HelmRelease ${v.consumer.source.renderedBy}`
          : describeObject(v.consumer),
      };
      if (v.provider?.location) {
        finding.related = [{ ...v.provider.location, message: `provider: ${v.provider.label}` }];
      }
      return finding;
    });
}
