import { describe, expect, it } from "vitest";
import { describeObject } from "../../src/model/objects.ts";
import { ks, lintFlux, ruleIds } from "../helpers.ts";

// Flux postBuild substitution: where variables come from, and which value wins.
const consumer = (value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: out, namespace: default}\ndata: {value: "${value}"}\n`;
const source = (kind: "ConfigMap" | "Secret", data: Record<string, string>) =>
  `---\napiVersion: v1\nkind: ${kind}\nmetadata: {name: vars, namespace: flux-system}\ndata:\n${Object.entries(
    data,
  )
    .map(([k, v]) => `  ${k}: "${v}"`)
    .join("\n")}\n`;

function substitutedData(r: ReturnType<typeof lintFlux>): unknown {
  const app = r.model.kustomizations.get("flux-system/app");
  return app?.objects.find((o) => describeObject(o) === "ConfigMap default/out")?.body.data;
}

describe("postBuild variables", () => {
  it("substitute wins over substituteFrom for the same variable, as kustomize-controller merges them", () => {
    const r = lintFlux(
      [
        ks("vars", { path: "./vars" }),
        ks("app", {
          path: "./app",
          substitute: { COLOR: "from-substitute" },
          substituteFrom: [{ kind: "ConfigMap", name: "vars" }],
        }),
      ],
      {
        "vars/cm.yaml": source("ConfigMap", { COLOR: "from-configmap" }),
        "app/out.yaml": consumer("${COLOR}"),
      },
    );
    expect(substitutedData(r)).toEqual({ value: "from-substitute" });
  });

  it("Secret data is base64-decoded before it is substituted", () => {
    const r = lintFlux(
      [
        ks("vars", { path: "./vars" }),
        ks("app", { path: "./app", substituteFrom: [{ kind: "Secret", name: "vars" }] }),
      ],
      {
        "vars/secret.yaml": source("Secret", { TOKEN: Buffer.from("s3cret").toString("base64") }),
        "app/out.yaml": consumer("${TOKEN}"),
      },
    );
    expect(substitutedData(r)).toEqual({ value: "s3cret" });
  });

  it("an optional source that does not exist leaves the other variables known: an undefined one is reported", () => {
    const r = lintFlux(
      [
        ks("app", {
          path: "./app",
          substitute: { OTHER: "x" },
          substituteFrom: [{ kind: "ConfigMap", name: "absent", optional: true }],
        }),
      ],
      { "app/out.yaml": consumer("${NOWHERE}") },
    );
    expect(ruleIds(r)).toEqual(["substitution-undefined"]);
  });

  it("with no variable at all (only an optional source that does not exist) nothing is substituted", () => {
    const r = lintFlux(
      [ks("app", { path: "./app", substituteFrom: [{ kind: "ConfigMap", name: "absent", optional: true }] })],
      { "app/out.yaml": consumer("${NOWHERE}") },
    );
    expect(ruleIds(r)).toEqual([]);
    expect(substitutedData(r)).toEqual({ value: "${NOWHERE}" });
  });

  it("a required source that is not in the repository makes its variables unknown: nothing is reported", () => {
    const r = lintFlux(
      [ks("app", { path: "./app", substituteFrom: [{ kind: "Secret", name: "bootstrap" }] })],
      {
        "app/out.yaml": consumer("${FROM_BOOTSTRAP}"),
      },
    );
    expect(ruleIds(r)).toEqual([]);
  });

  it("Secret stringData is substituted as written", () => {
    const secret =
      "apiVersion: v1\nkind: Secret\nmetadata: {name: vars, namespace: flux-system}\nstringData:\n  TOKEN: plain\n";
    const r = lintFlux(
      [
        ks("vars", { path: "./vars" }),
        ks("app", { path: "./app", substituteFrom: [{ kind: "Secret", name: "vars" }] }),
      ],
      { "vars/secret.yaml": secret, "app/out.yaml": consumer("${TOKEN}") },
    );
    expect(substitutedData(r)).toEqual({ value: "plain" });
  });

  it("a SOPS-encrypted Secret's variables are known to exist, their values opaque", () => {
    const secret =
      "apiVersion: v1\nkind: Secret\nmetadata: {name: vars, namespace: flux-system}\nstringData:\n  TOKEN: ENC[AES256_GCM,data:x]\nsops:\n  mac: ENC[x]\n";
    const r = lintFlux(
      [
        ks("vars", { path: "./vars" }),
        ks("app", { path: "./app", substituteFrom: [{ kind: "Secret", name: "vars" }] }),
      ],
      { "vars/secret.yaml": secret, "app/out.yaml": consumer("${TOKEN}-${OTHER:=x}") },
    );
    expect(substitutedData(r)).toEqual({ value: "${TOKEN}-x" });
    expect(ruleIds(r)).toEqual([]);
  });

  // Lenient on purpose: where a namespace-less object lands depends on the applying Kustomization's targetNamespace
  // and the cluster, so it is taken for the one the Kustomization names rather than reported as undefined.
  it("a source written without a namespace is taken for the one the Kustomization names", () => {
    const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: vars}\ndata:\n  COLOR: blue\n";
    const r = lintFlux(
      [
        ks("vars", { path: "./vars" }),
        ks("app", { path: "./app", substituteFrom: [{ kind: "ConfigMap", name: "vars" }] }),
      ],
      { "vars/cm.yaml": cm, "app/out.yaml": consumer("${COLOR}") },
    );
    expect(substitutedData(r)).toEqual({ value: "blue" });
  });

  it("a Kustomization path that still has a variable after substitution is a missing path", () => {
    const r = lintFlux([ks("app", { path: "./apps/${CLUSTER}" })], {});
    expect(r.findings.map((f) => [f.ruleId, f.message])).toEqual([
      [
        "path-missing",
        "Kustomization flux-system/app path ./apps/${CLUSTER} still contains a variable after substitution",
      ],
    ]);
  });

  it("inline values lose their line breaks, as kustomize-controller reads them", () => {
    const r = lintFlux([ks("app", { path: "./app", substitute: { NOTE: "two\\nlines" } })], {
      "app/out.yaml": consumer("${NOTE}"),
    });
    expect(substitutedData(r)).toEqual({ value: "twolines" });
  });
});
