import { describe, expect, it } from "vitest";
import { ks, lintFlux } from "../helpers.ts";

const configMap = (value: string, annotations = "") =>
  `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: default\n${annotations}data:\n  a: "${value}"\n`;
const invalid = (r: ReturnType<typeof lintFlux>) =>
  r.findings.filter((f) => f.ruleId === "substitution-invalid");

describe("substitution-invalid", () => {
  const withVars = [ks("a", { substitute: { APP: "web" } })];

  it("valid: expressions envsubst parses, an escaped one, and an object that opts out", () => {
    const r = lintFlux(withVars, { "apps/a/x.yaml": configMap("${APP}-$${{ github.sha }}-${APP:=x}") });
    expect(invalid(r)).toEqual([]);
    const optOut = configMap(
      "${{ github.sha }}",
      "  annotations:\n    kustomize.toolkit.fluxcd.io/substitute: disabled\n",
    );
    expect(invalid(lintFlux(withVars, { "apps/a/x.yaml": optOut }))).toEqual([]);
  });

  it("valid: a Kustomization without postBuild, or without any variable, substitutes nothing", () => {
    expect(invalid(lintFlux([ks("a")], { "apps/a/x.yaml": configMap("${{ github.sha }}") }))).toEqual([]);
    const r = lintFlux([ks("a", { substitute: {} })], { "apps/a/x.yaml": configMap("${{ github.sha }} $$") });
    expect(invalid(r)).toEqual([]);
    expect(r.model.kustomizations.get("flux-system/a")?.objects[0]?.body.data).toEqual({
      a: "${{ github.sha }} $$",
    });
  });

  it("invalid: an expression envsubst cannot parse fails the Kustomization's build", () => {
    const r = lintFlux(withVars, { "apps/a/x.yaml": configMap("echo ${{ github.sha }}") });
    expect(invalid(r).map((f) => [f.severity, f.location, f.object, f.message])).toEqual([
      [
        "error",
        { file: "apps/a/x.yaml", line: 2 },
        "ConfigMap default/x",
        "postBuild substitution of Kustomization flux-system/a fails on echo ${{ github.sha }}: unable to parse variable name: kustomize-controller does not apply it",
      ],
    ]);
    // The object is analysed as written.
    const object = r.model.kustomizations.get("flux-system/a")?.objects[0];
    expect(object?.body.data).toEqual({ a: "echo ${{ github.sha }}" });
  });

  it("invalid: a default without its colon, and a replacement without its second slash", () => {
    for (const [text, error] of [
      ["${APP-x}", "missing closing brace"],
      ["${APP/x}", "bad substitution"],
    ]) {
      const r = lintFlux(withVars, { "apps/a/x.yaml": configMap(text as string) });
      expect(invalid(r).map((f) => f.message)).toEqual([
        `postBuild substitution of Kustomization flux-system/a fails on ${text}: ${error}: kustomize-controller does not apply it`,
      ]);
    }
  });

  it("invalid: a long script is quoted by its first line, clipped", () => {
    const script = `echo ${"x".repeat(70)}\\necho \${{ github.sha }}`;
    const r = lintFlux(withVars, { "apps/a/x.yaml": configMap(script) });
    expect(invalid(r).map((f) => f.message)).toEqual([
      `postBuild substitution of Kustomization flux-system/a fails on echo ${"x".repeat(55)}…: unable to parse variable name: kustomize-controller does not apply it`,
    ]);
  });
});
