/**
 * The CRDs of a chart stored in the repository, read without helm: its `crds/` and the plain-YAML CRD
 * templates, in nested folders too, and those of its local subcharts (three levels deep); a CRD whose group or
 * kind is a template expression is left to helm.
 */
import { describe, expect, it } from "vitest";
import { Repository } from "../../src/load/repository.ts";
import { LocalChartResolver } from "../../src/model/charts.ts";
import { crd, makeRepo } from "../helpers.ts";

const chartYaml = (name: string) => `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`;

function resolve(files: Record<string, string>, localPath: string | undefined) {
  const resolver = new LocalChartResolver(Repository.load(makeRepo(files)));
  return resolver.resolve(
    localPath === undefined ? { name: "x", values: {} } : { name: "x", values: {}, localPath },
  );
}

describe("a chart stored in the repository", () => {
  it("its crds/ and CRD templates, nested folders and subcharts to three levels", () => {
    const sub = (path: string) => `charts/app/${path}`;
    const r = resolve(
      {
        [sub("Chart.yaml")]: chartYaml("app"),
        [sub("crds/widgets.yaml")]: crd("example.com", "Widget"),
        [sub("crds/more/gadgets.yml")]: crd("example.com", "Gadget"),
        [sub("crds/README.md")]: crd("example.com", "NotYaml"),
        [sub("templates/cluster-crd.yaml")]: crd("example.com", "Sprocket").replace(
          "scope: Namespaced",
          "scope: Cluster",
        ),
        [sub("templates/templated.yaml")]: crd("example.com", "Templated").replace(
          "group: example.com",
          "group: '{{ .Values.group }}'",
        ),
        [sub("templates/templated-kind.yaml")]: crd("example.com", "Kind").replace(
          "kind: Kind",
          "kind: '{{ .Values.kind }}'",
        ),
        [sub("crds/old.yaml.bak")]: crd("example.com", "Backup"),
        [sub("crds/kindless.yaml")]: crd("example.com", "Kindless").replace("    kind: Kindless\n", ""),
        [sub("crds/groupless.yaml")]: crd("example.com", "Groupless").replace("  group: example.com\n", ""),
        [sub("templates/deployment.yaml")]:
          "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec: {}\n",
        [sub("charts/one/Chart.yaml")]: chartYaml("one"),
        [sub("charts/one/crds/one.yaml")]: crd("one.example.com", "One"),
        [sub("charts/one/charts/two/charts/three/crds/three.yaml")]: crd("three.example.com", "Three"),
        [sub("charts/one/charts/two/charts/three/charts/four/crds/four.yaml")]: crd(
          "four.example.com",
          "Four",
        ),
        [sub("charts/notes.txt")]: "not a chart",
      },
      "charts/app",
    );
    expect(r?.status).toBe("resolved");
    if (r?.status !== "resolved") return;
    expect(r.via).toBe("chart directory charts/app");
    expect(r.crds.map((c) => [c.group, c.kind, c.scope, c.name]).sort()).toEqual(
      [
        ["example.com", "Gadget", "Namespaced", "gadgets.example.com"],
        ["example.com", "Sprocket", "Cluster", "sprockets.example.com"],
        ["example.com", "Widget", "Namespaced", "widgets.example.com"],
        ["one.example.com", "One", "Namespaced", "ones.one.example.com"],
        ["three.example.com", "Three", "Namespaced", "threes.three.example.com"],
      ].sort(),
    );
  });

  it("a folder without Chart.yaml is unresolved, and a chart that is not local is left to other resolvers", () => {
    expect(resolve({ "charts/app/crds/w.yaml": crd("example.com", "Widget") }, "charts/app")).toEqual({
      status: "unresolved",
      reason: "charts/app has no Chart.yaml",
    });
    expect(resolve({}, undefined)).toBeUndefined();
  });
});
