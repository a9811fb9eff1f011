import { describe, expect, it } from "vitest";
import { lint } from "../../src/analysis/lint.ts";
import { bundledKubeVersions } from "../../src/model/catalog/schemas.ts";
import { ks, makeRepo } from "../helpers.ts";

const repo = () =>
  makeRepo({
    "kubernetes/flux/cluster/ks.yaml": ks("app"),
    "apps/app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\n",
  });

describe("schema-version", () => {
  it("valid: a bundled version", () => {
    const version = bundledKubeVersions()[0] as string;
    expect(lint({ repo: repo(), kubeVersion: `v${version}.1` }).findings.map((f) => f.ruleId)).not.toContain(
      "schema-version",
    );
  });

  it("invalid: a version that is not bundled is replaced by the nearest, and said so", () => {
    const found = lint({ repo: repo(), kubeVersion: "1.20" }).findings.filter(
      (f) => f.ruleId === "schema-version",
    );
    expect(found.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^built-in kinds are validated against Kubernetes 1\.\d+, the bundled version nearest to --kube-version 1\.20$/,
      ),
    ]);
  });
});
