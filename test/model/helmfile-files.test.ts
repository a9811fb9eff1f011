/**
 * Where helmfile finds a target's helmfiles (helmfilesOf), the repositories a state lists, and what templates read
 * of the repository (readFile, readDir, isFile, isDir), relative to the helmfile.
 */
import { describe, expect, it } from "vitest";
import { Repository } from "../../src/load/repository.ts";
import { helmfilesOf, readHelmfiles } from "../../src/model/helmfile/state.ts";
import { makeRepo } from "../helpers.ts";

const load = (files: Record<string, string>) => Repository.load(makeRepo(files));
const release = "releases:\n  - name: a\n    chart: oci://r/a\n";

describe("the helmfiles of a target", () => {
  it("a file, then helmfile.yaml, helmfile.yaml.gotmpl, helmfile.d/, then the folder's YAML", () => {
    const repo = load({
      "one/helmfile.yaml": release,
      "one/helmfile.d/x.yaml": release,
      "two/helmfile.yaml.gotmpl": release,
      "three/helmfile.d/b.yml": release,
      "three/helmfile.d/a.yaml.gotmpl": release,
      "three/helmfile.d/notes.txt": "x",
      "four/z.yaml": release,
      "four/a.yml": release,
      "four/readme.md": "x",
      "four/old.yaml.bak": release,
      "helmfile.d/root.yaml": release,
    });
    expect(helmfilesOf(repo, "one/helmfile.d/x.yaml")).toEqual(["one/helmfile.d/x.yaml"]);
    expect(helmfilesOf(repo, "one")).toEqual(["one/helmfile.yaml"]);
    expect(helmfilesOf(repo, "two")).toEqual(["two/helmfile.yaml.gotmpl"]);
    expect(helmfilesOf(repo, "three")).toEqual(["three/helmfile.d/a.yaml.gotmpl", "three/helmfile.d/b.yml"]);
    expect(helmfilesOf(repo, "four")).toEqual(["four/a.yml", "four/z.yaml"]);
    expect(helmfilesOf(repo, "")).toEqual(["helmfile.d/root.yaml"]);
    expect(helmfilesOf(repo, "five")).toEqual([]);
  });
});

describe("what a helmfile's state holds and its templates read", () => {
  it("repositories need a name and a url; oci is read as written", () => {
    const repo = load({
      "helmfile.yaml": `repositories:\n  - {name: a, url: https://a.example}\n  - {name: b, url: b.example, oci: true}\n  - {name: c}\n  - {url: https://d.example}\n${release}`,
    });
    expect(readHelmfiles(repo, ["helmfile.yaml"]).states[0]?.repositories).toStrictEqual([
      { name: "a", url: "https://a.example", oci: false },
      { name: "b", url: "b.example", oci: true },
    ]);
  });

  it("templates read files and folders relative to the helmfile, and what a chart field read is recorded", () => {
    const repo = load({
      "bootstrap/helmfile.yaml.gotmpl": [
        "releases:",
        "  - name: a",
        "    chart: oci://r/a",
        '    namespace: {{ readFile "data/ns.txt" | trim }}',
        "    labels:",
        "      files: '{{ range readDirEntries \"data\" }}{{ .Name }}{{ if .IsDir }}/{{ end }},{{ end }}'",
        '      isFile: \'{{ isFile "data/ns.txt" }}-{{ isFile "data" }}\'',
        '      isDir: \'{{ isDir "data/sub" }}-{{ isDir "data/ns.txt" }}\'',
        "",
      ].join("\n"),
      "bootstrap/data/ns.txt": "apps\n",
      "bootstrap/data/sub/x.txt": "x",
    });
    const read = readHelmfiles(repo, ["bootstrap/helmfile.yaml.gotmpl"]);
    expect(read.findings).toEqual([]);
    const [a] = read.states[0]?.releases ?? [];
    expect([a?.namespace, a?.labels.files, a?.labels.isFile, a?.labels.isDir]).toEqual([
      "apps",
      "ns.txt,sub/,",
      "true-false",
      "true-false",
    ]);
    const missing = readHelmfiles(
      load({ "helmfile.yaml.gotmpl": '{{ readFile "nope.txt" }}\nreleases: []\n' }),
      ["helmfile.yaml.gotmpl"],
    );
    expect(missing.findings.map((f) => f.message)).toEqual([
      "helmfile.yaml.gotmpl:1: error calling readFile: open nope.txt: no such file or directory",
    ]);
  });
});

describe("release templates", () => {
  it("see the release's name, namespace, chart and kube context, and record what chart and version read", () => {
    const repo = load({
      "flux/oci.yaml":
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: a}\nspec:\n  ref: {tag: 1.2.3}\n",
      "flux/label.txt": "l",
      "bootstrap/helmfile.yaml": [
        "releases:",
        "  - name: a",
        "    namespace: ns",
        "    chart: oci://r/a",
        "    kubeContext: home",
        "    version: '{{ (readFile \"../flux/oci.yaml\" | fromYaml).spec.ref.tag }}'",
        "    labels:",
        "      who: '{{ .Release.Name }}/{{ .Release.Namespace }}/{{ .Release.Chart }}/{{ .Release.KubeContext }}'",
        "      file: '{{ readFile \"../flux/label.txt\" }}'",
        "",
      ].join("\n"),
    });
    const read = readHelmfiles(repo, ["bootstrap/helmfile.yaml"]);
    expect(read.findings).toEqual([]);
    const [a] = read.states[0]?.releases ?? [];
    expect([a?.version, a?.labels.who, a?.labels.file, a?.chartReads]).toEqual([
      "1.2.3",
      "a/ns/oci://r/a/home",
      "l",
      ["flux/oci.yaml"],
    ]);
  });
});

describe("a state across its parts", () => {
  it("merges helmDefaults part over part, and the later defaultInherit wins for releases without inherit", () => {
    const repo = load({
      "helmfile.yaml.gotmpl": [
        "helmDefaults: {timeout: 300, wait: true}",
        "templates:",
        "  one: {namespace: first}",
        "  two: {namespace: second, labels: {from: two}}",
        "defaultInherit: one",
        "---",
        "helmDefaults: {timeout: 600}",
        "defaultInherit: two",
        "---",
        "releases:",
        "  - {name: a, chart: oci://r/a}",
        "  - {name: b, chart: oci://r/b, inherit: [{template: two, except: [labels]}]}",
        "  - {name: c, chart: oci://r/c, inherit: [{template: one}]}",
        "",
      ].join("\n"),
    });
    const read = readHelmfiles(repo, ["helmfile.yaml.gotmpl"]);
    expect(read.findings).toEqual([]);
    const state = read.states[0];
    expect(state?.helmDefaults).toEqual({ timeout: 600, wait: true });
    expect(state?.releases.map((r) => [r.name, r.namespace, r.labels.from])).toEqual([
      ["a", "second", "two"],
      ["b", "second", undefined],
      ["c", "first", undefined],
    ]);
  });
});

describe("where a release is written", () => {
  it("at its name's line in its own part: names with dots, quotes and comments; a templated name at the part", () => {
    const repo = load({
      "helmfile.yaml.gotmpl": [
        "releases:",
        "  - name: a",
        "    chart: oci://r/a",
        "  - name: axb",
        "    chart: oci://r/axb",
        "  - chart: oci://r/dots",
        '    name: "a.b"  # the dotted one',
        "---",
        "releases:",
        "  - name: 'a'",
        "    namespace: second",
        "    chart: oci://r/a",
        '  - name: {{ "tmpl" }}',
        "    chart: oci://r/t",
        "",
      ].join("\n"),
    });
    const read = readHelmfiles(repo, ["helmfile.yaml.gotmpl"]);
    expect(read.findings).toEqual([]);
    expect(read.states[0]?.releases.map((r) => [r.namespace || "-", r.name, r.location.line])).toEqual([
      ["-", "a", 2],
      ["-", "axb", 4],
      ["-", "a.b", 7],
      ["second", "a", 10],
      ["-", "tmpl", 9],
    ]);
  });
});
