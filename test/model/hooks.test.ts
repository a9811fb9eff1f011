import { describe, expect, test } from "vitest";
import { resolveTemplate } from "../../src/model/hooks.ts";

const scope = {
  release: { name: "cilium", namespace: "kube-system", chart: "cilium" },
  environment: "infra",
};

describe("hook templates", () => {
  test("resolve the release's name and namespace, with or without trimming and spaces", () => {
    expect(
      resolveTemplate(
        "--filename=../../kubernetes/apps/{{ .Release.Namespace }}/{{.Release.Name}}/app/x.yaml",
        scope,
      ),
    ).toBe("--filename=../../kubernetes/apps/kube-system/cilium/app/x.yaml");
    expect(resolveTemplate("{{- .Environment.Name -}}", scope)).toBe("infra");
    expect(resolveTemplate("plain text", scope)).toBe("plain text");
    expect(resolveTemplate("{{ .Release.Chart }}@{{ .Namespace }}", scope)).toBe("cilium@kube-system");
  });

  test("name the template they cannot evaluate", () => {
    expect(() => resolveTemplate("{{ .Values.cluster }}", scope)).toThrow(
      /template \{\{ \.Values\.cluster \}\} is not supported/,
    );
    expect(() => resolveTemplate('{{ requiredEnv "X" }}', scope)).toThrow(/not supported/);
  });
});
