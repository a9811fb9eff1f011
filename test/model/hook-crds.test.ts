/**
 * The CRDs a bootstrap release's helmfile hooks apply with kubectl: each -f/--filename/-k/--kustomize target (a
 * file, or a folder's YAML files) relative to the helmfile's folder, with the hook's templates resolved.
 */
import { describe, expect, it } from "vitest";
import { Repository } from "../../src/load/repository.ts";
import { hookCrds } from "../../src/model/hook-crds.ts";
import { crd, makeRepo } from "../helpers.ts";

const scope = { release: { name: "widgets", namespace: "widgets", chart: "widgets" }, environment: "infra" };
const location = { file: "bootstrap/helmfile.yaml", line: 9 };
const repo = () =>
  Repository.load(
    makeRepo({
      "crds/widgets/a.yaml": crd("example.com", "Widget"),
      "crds/widgets/b.yml": crd("example.com", "Gadget") + crd("example.com", "Gizmo"),
      "crds/widgets/notes.txt": crd("example.com", "NotYaml"),
      "crds/widgets/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n",
      "crds/widgets/nameless.yaml": crd("example.com", "Nameless").replace("    kind: Nameless\n", ""),
      "crds/single.yaml": crd("single.example.com", "Single"),
      "crds/infra.yaml": crd("infra.example.com", "Infra"),
    }),
  );
const kinds = (args: string[], command = "kubectl") =>
  hookCrds(repo(), "bootstrap", [{ command, args, location }], scope).map((c) => `${c.kind} ${c.from}`);

describe("CRDs a bootstrap hook applies", () => {
  it("every CRD of a folder's YAML files, with where each is written", () => {
    expect(kinds(["apply", "-f", "../crds/{{ .Release.Name }}"])).toEqual([
      "Widget crds/widgets/a.yaml",
      "Gadget crds/widgets/b.yml",
      "Gizmo crds/widgets/b.yml",
    ]);
    const [first] = hookCrds(
      repo(),
      "bootstrap",
      [{ command: "kubectl", args: ["apply", "-f", "../crds/single.yaml"], location }],
      scope,
    );
    expect(first).toEqual({
      group: "single.example.com",
      kind: "Single",
      from: "crds/single.yaml",
      location: { file: "crds/single.yaml", line: 2 },
    });
  });

  it("each way of naming the target, and several targets", () => {
    for (const args of [
      ["apply", "--filename=../crds/single.yaml"],
      ["apply", "-f../crds/single.yaml"],
      ["apply", "--filename", "../crds/single.yaml"],
      ["apply", "-k", "../crds/single.yaml"],
      ["apply", "--kustomize=../crds/single.yaml"],
    ])
      expect(kinds(args), args.join(" ")).toEqual(["Single crds/single.yaml"]);
    expect(
      kinds([
        "apply",
        "--server-side",
        "-f",
        "../crds/single.yaml",
        "-f",
        "../crds/{{ .Environment.Name }}.yaml",
      ]),
    ).toEqual(["Single crds/single.yaml", "Infra crds/infra.yaml"]);
  });

  it("nothing from another command, a kubectl that does not apply, a template it cannot resolve, or a path outside", () => {
    expect(kinds(["apply", "-f", "../crds/single.yaml"], "helm")).toEqual([]);
    expect(kinds(["apply", "-f", "../crds/single.yaml"], "/usr/local/bin/kubectl")).toEqual([
      "Single crds/single.yaml",
    ]);
    expect(kinds(["delete", "-f", "../crds/single.yaml"])).toEqual([]);
    expect(kinds(["apply", "-f", "../crds/{{ .Values.x }}.yaml"])).toEqual([]);
    expect(kinds(["apply", "-f", "../../outside.yaml"])).toEqual([]);
    expect(kinds(["apply", "-f"])).toEqual([]);
  });
});
