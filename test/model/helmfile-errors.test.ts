/**
 * What a user reads when kubestrap cannot read a bootstrap helmfile: one helmfile-invalid error with the file
 * and line, and the helmfile listed as unread (its releases unknown).
 */
import { describe, expect, it } from "vitest";
import { Repository } from "../../src/load/repository.ts";
import { loadBootstrap } from "../../src/model/bootstrap.ts";
import { HelmfileError, helmfileFinding } from "../../src/model/helmfile/state.ts";
import { makeRepo } from "../helpers.ts";

function refusal(files: Record<string, string>) {
  const b = loadBootstrap(Repository.load(makeRepo(files)));
  expect(b.releases).toEqual([]);
  expect(b.findings.map((f) => [f.ruleId, f.severity])).toEqual([["helmfile-invalid", "error"]]);
  return { message: b.findings[0]?.message, location: b.findings[0]?.location, unread: b.unread };
}

const release = "releases:\n  - name: a\n    chart: oci://r/a\n";

describe("helmfiles kubestrap refuses, and why", () => {
  it.each([
    [
      "bases that form a cycle",
      {
        "bootstrap/helmfile.yaml": "bases: [b.yaml]\nreleases: []\n",
        "bootstrap/b.yaml": "bases: [helmfile.yaml]\n",
      },
      "bootstrap/helmfile.yaml: bases form a cycle",
      1,
    ],
    [
      "a base that does not exist",
      { "bootstrap/helmfile.yaml": "bases: [nope.yaml]\nreleases: []\n" },
      "bootstrap/helmfile.yaml: base nope.yaml does not exist",
      1,
    ],
    [
      "a values file outside the repository",
      { "bootstrap/helmfile.yaml": `${release}    values: [../../../x.yaml]\n` },
      "bootstrap/helmfile.yaml: values file ../../../x.yaml is outside the repository",
      1,
    ],
    [
      "a values file that does not exist",
      { "bootstrap/helmfile.yaml": `${release}    values: [gone.yaml]\n` },
      "bootstrap/helmfile.yaml: values file gone.yaml does not exist",
      1,
    ],
    [
      "a release inheriting a template nobody defines",
      { "bootstrap/helmfile.yaml": `${release}    inherit: [{template: nope}]\n` },
      'bootstrap/helmfile.yaml: release a inherits template "nope", which is not defined',
      2,
    ],
    [
      "environments and releases in one part",
      { "bootstrap/helmfile.yaml.gotmpl": `environments:\n  default: {}\n${release}` },
      "bootstrap/helmfile.yaml.gotmpl: environments and releases cannot be defined within the same YAML part. Use --- to extract the environments into a dedicated part",
      1,
    ],
    [
      "a template that reads outside the repository",
      { "bootstrap/helmfile.yaml.gotmpl": `---\n${release}    namespace: {{ readFile "../../x" }}\n` },
      "bootstrap/helmfile.yaml.gotmpl:5: error calling readFile: ../../x is outside the repository",
      5,
    ],
    [
      "YAML that does not parse after rendering",
      { "bootstrap/helmfile.yaml.gotmpl": "releases:\n  - name: a\n    chart: [unclosed\n" },
      "bootstrap/helmfile.yaml.gotmpl:4: unexpected end of the stream within a flow collection",
      4,
    ],
    [
      "a release field whose template fails",
      { "bootstrap/helmfile.yaml": "releases:\n  - name: a\n    chart: '{{ nope }}'\n" },
      'release a: function "nope" not defined',
      2,
    ],
  ])("%s", (_what, files, message, line) => {
    const r = refusal(files);
    const file = Object.keys(files)[0];
    expect([r.message, r.location, r.unread]).toEqual([message, { file, line }, [file]]);
  });

  it("a values template that fails is located in the values file", () => {
    const r = refusal({
      "bootstrap/helmfile.yaml": `${release}    values: [v.yaml.gotmpl]\n`,
      "bootstrap/v.yaml.gotmpl": "x: {{ .Values.missing.deeper }}\n",
    });
    expect([r.message, r.location, r.unread]).toEqual([
      'bootstrap/v.yaml.gotmpl:1: map has no entry for key "missing"',
      { file: "bootstrap/v.yaml.gotmpl", line: 1 },
      ["bootstrap/helmfile.yaml"],
    ]);
  });
});

describe("the finding for a helmfile that fails", () => {
  it("an unexpected error is helmfile-invalid at the file's first line, with the file named", () => {
    expect([helmfileFinding(new Error("boom"), "h.yaml"), helmfileFinding("odd", "h.yaml")]).toStrictEqual([
      {
        ruleId: "helmfile-invalid",
        severity: "error",
        message: "h.yaml: boom",
        location: { file: "h.yaml", line: 1 },
      },
      {
        ruleId: "helmfile-invalid",
        severity: "error",
        message: "h.yaml: odd",
        location: { file: "h.yaml", line: 1 },
      },
    ]);
  });

  it("a refusal keeps its own location; an unknown value is a bootstrap-unresolved warning with the fix", () => {
    const at = { file: "h.yaml", line: 4 };
    expect(helmfileFinding(new HelmfileError("h.yaml:4: bad", at), "h.yaml")).toStrictEqual({
      ruleId: "helmfile-invalid",
      severity: "error",
      message: "h.yaml:4: bad",
      location: at,
    });
    const unresolved = helmfileFinding(new HelmfileError("CLUSTER is not set", at, true), "h.yaml");
    expect([unresolved.ruleId, unresolved.severity, unresolved.message, unresolved.location]).toEqual([
      "bootstrap-unresolved",
      "warning",
      "CLUSTER is not set: its releases are unknown",
      at,
    ]);
    expect(unresolved.fix).toMatch(/^run kubestrap where helmfile runs/);
  });
});
