import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Repository, RepositoryError } from "../src/load/repository.ts";
import { parseYaml } from "../src/load/yaml.ts";
import { makeRepo } from "./helpers.ts";

describe("YAML loading", () => {
  it("gives each document its file and first line", () => {
    const r = parseYaml("# comment\n---\na: 1\n---\n\nb: 2\n", "f.yaml");
    expect(r.documents.map((d) => [d.index, d.line, d.value])).toEqual([
      [0, 3, { a: 1 }],
      [1, 6, { b: 2 }],
    ]);
  });

  it("accepts the quirks of real repositories", () => {
    const text = [
      "a: &x 1",
      "b: &x 2", // duplicate anchor: the last one wins
      "c: *x",
      "d: =", // YAML 1.1 value scalar
      "e: !env_var FOO", // custom tag
      'f: "{{ .Values.image.tag }}"', // Go template in a value
      "g: ${VAR:=x}",
      "h: ${VAR/a/b}",
      "k: 1",
      "k: 2", // duplicate key
      "base: &base {x: 1}",
      "merged:",
      "  <<: *base",
      "  y: 2",
    ].join("\n");
    const r = parseYaml(text, "f.yaml");
    expect(r.findings).toEqual([]);
    expect(r.documents[0]?.value).toEqual({
      a: 1,
      b: 2,
      c: 2,
      d: "=",
      e: "FOO",
      f: "{{ .Values.image.tag }}",
      g: "${VAR:=x}",
      h: "${VAR/a/b}",
      k: 2,
      base: { x: 1 },
      merged: { x: 1, y: 2 },
    });
  });

  it("reads integers as Go's YAML parsers do: a leading 0 is octal, in the fast and the full parser", () => {
    const text = 'a: 0600\nb: 0o440\nc: 08\nd: 600\ne: "0600"\nf: -010\ng: 0x1F\n';
    const expected = { a: 384, b: 288, c: 8, d: 600, e: "0600", f: -8, g: 31 };
    expect(parseYaml(text, "f.yaml").documents[0]?.value).toEqual(expected);
    // A directive sends the text to the position-keeping parser.
    expect(parseYaml(`%YAML 1.2\n---\n${text}`, "f.yaml").documents[0]?.value).toEqual(expected);
  });

  it("reports a syntax error with its line and keeps the other documents", () => {
    const r = parseYaml("a: 1\n---\nb: [1, 2\nc: 3\n---\nd: 4\n", "bad.yaml");
    expect(r.documents.map((d) => d.value)).toEqual([{ a: 1 }, { d: 4 }]);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]?.ruleId).toBe("yaml-syntax");
    expect(r.findings[0]?.location?.file).toBe("bad.yaml");
    expect(r.findings[0]?.location?.line).toBeGreaterThanOrEqual(3);
  });

  it("reports an alias to an anchor of another document", () => {
    const r = parseYaml("a: &x 1\n---\nb: *x\n", "f.yaml");
    expect(r.findings.map((f) => f.ruleId)).toEqual(["yaml-syntax"]);
  });

  it("reads every YAML file, skips templates with an info finding", () => {
    const root = makeRepo({
      "a.yaml": "a: 1",
      "b/c.yml": "c: 1",
      "d.yaml.j2": "{% if x %}",
      "e.gotmpl": "{{ x }}",
      ".git/x.yaml": "x: 1",
    });
    const repo = Repository.load(root);
    expect(repo.yamlFiles()).toEqual(["a.yaml", "b/c.yml"]);
    expect(repo.findings.map((f) => [f.ruleId, f.severity, f.location?.file])).toEqual([
      ["file-skipped", "info", "d.yaml.j2"],
    ]);
  });

  it("refuses a repository that does not exist", () => {
    expect(() => Repository.load("/nonexistent/kubestrap")).toThrow(RepositoryError);
  });
});

describe("fast and full YAML paths agree", () => {
  it.each([
    ["plain multi-document", "---\na: 1\n---\n# c\n\nb: [1, 2]\n---\n"],
    ["implicit first document", "# header\na: 1\n---\nb: 2\n"],
    ["empty documents keep their index", "---\n---\na: 1\n"],
    ["duplicate anchors", "a: &x 1\nb: &x 2\nc: *x\n"],
    ["merge keys", "base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n"],
    ["content on the separator line", "--- {a: 1}\n---\nb: 2\n"],
    ["dates stay strings", "d: 2024-01-01\n"],
  ])("%s", (_name, text) => {
    // A trailing `...` forces the full parser without changing documents.
    const full = parseYaml(`${text.endsWith("\n") ? text : `${text}\n`}...\n`, "f.yaml");
    const fast = parseYaml(text, "f.yaml");
    expect(fast.findings).toEqual([]);
    expect(fast.documents).toEqual(full.documents);
  });
});

describe("reading stays inside the repository, as kustomize-controller does", () => {
  it("does not follow a symlink loop: each file is read once", () => {
    const root = makeRepo({ "apps/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n" });
    symlinkSync("..", join(root, "apps/loop"));
    const repo = Repository.load(root);
    expect(repo.yamlFiles()).toEqual(["apps/a.yaml"]);
  });

  it("skips a symlink to a folder or file outside the root, and says so", () => {
    const outside = makeRepo({ "secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n" });
    const root = makeRepo({ "apps/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n" });
    symlinkSync(outside, join(root, "apps/outside"));
    symlinkSync(join(outside, "secret.yaml"), join(root, "apps/secret.yaml"));
    const repo = Repository.load(root);
    expect(repo.yamlFiles()).toEqual(["apps/a.yaml"]);
    expect(repo.findings.map((f) => [f.ruleId, f.location?.file])).toEqual([
      ["file-skipped", "apps/outside"],
      ["file-skipped", "apps/secret.yaml"],
    ]);
  });

  it("follows a symlink to another folder of the repository", () => {
    const root = makeRepo({ "base/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n" });
    symlinkSync("base", join(root, "apps"));
    expect(Repository.load(root).yamlFiles()).toEqual(["apps/a.yaml", "base/a.yaml"]);
  });
});

describe("YAML that Flux's Go parser accepts", () => {
  it("reads an alias used as a mapping key without a space before the colon (*app:)", () => {
    const r = parseYaml("name: &app podinfo\nlabels:\n  *app: enabled\n", "f.yaml");
    expect(r.findings).toEqual([]);
    expect(r.documents[0]?.value).toEqual({ name: "podinfo", labels: { podinfo: "enabled" } });
  });

  it("still reports YAML that does not parse either way", () => {
    expect(parseYaml("a: [1,\n", "f.yaml").findings.map((f) => f.ruleId)).toEqual(["yaml-syntax"]);
  });
});
