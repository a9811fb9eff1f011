/**
 * A HelmRelease's values as helm-controller merges them: each valuesFrom source in order (a ConfigMap's or a
 * Secret's key, `values.yaml` unless valuesKey says otherwise), maps merged and everything else replaced, then
 * spec.values on top. Sources kubestrap cannot read, and targetPath entries (which it does not model), are
 * left out rather than guessed.
 */
import { describe, expect, it } from "vitest";
import { loadProject } from "../../src/model/project.ts";
import { ks, makeRepo } from "../helpers.ts";

const b64 = (s: string) => Buffer.from(s).toString("base64");

const files = {
  "kubernetes/flux/cluster/ks.yaml": ks("app"),
  "apps/app/sources.yaml": [
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: base-values, namespace: web}\ndata:\n",
    '  values.yaml: "a: 1\\nnested: {x: 1, y: 1}\\nlist: [1, 2]\\n"\n',
    '  broken.yaml: "a: [unclosed\\n"\n',
    "---\napiVersion: v1\nkind: Secret\nmetadata: {name: secret-values, namespace: web}\ndata:\n",
    `  custom.yaml: ${b64("nested: {y: 2}\nsecret: s\n")}\n`,
    "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: string-values, namespace: web}\n",
    'data: {values.yaml: "late: 1\\na: 2\\n"}\n',
    "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: targeted, namespace: web}\n",
    'data: {values.yaml: "targeted: 1\\n", twice.yaml: "twice: 1\\ntwice: 2\\n"}\n',
  ].join(""),
  "apps/app/release.yaml": [
    "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: web, namespace: web}\nspec:\n",
    "  chartRef: {kind: OCIRepository, name: web}\n",
    "  valuesFrom:\n",
    "    - {kind: ConfigMap, name: base-values}\n",
    "    - {kind: Secret, name: secret-values, valuesKey: custom.yaml}\n",
    "    - {kind: ConfigMap, name: not-in-the-repository}\n",
    "    - {kind: ConfigMap, name: base-values, valuesKey: no-such-key}\n",
    "    - {kind: ConfigMap, name: base-values, valuesKey: broken.yaml}\n",
    "    - {kind: ConfigMap, name: targeted, targetPath: deep.value}\n",
    "    - {kind: ConfigMap, name: targeted, valuesKey: twice.yaml}\n",
    "    - {name: string-values}\n",
    "  values:\n    list: [9]\n    nested: {z: 3}\n",
  ].join(""),
};

describe("HelmRelease values", () => {
  it("merges valuesFrom in order, then spec.values, as helm-controller does", () => {
    const repo = makeRepo(files);
    const release = loadProject({ repo }).model.helmReleases.find((r) => r.id === "web/web");
    expect(release?.values).toEqual({
      a: 2,
      late: 1,
      nested: { x: 1, y: 2, z: 3 },
      list: [9],
      secret: "s",
      twice: 2,
    });
  });
});
