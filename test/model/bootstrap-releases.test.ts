/**
 * The chart each bootstrap release installs: the one its helmfile names, or the one its HelmRelease names when
 * the helmfile reads it from the Flux files; what cannot be fetched is unresolved, with why.
 */
import { describe, expect, it } from "vitest";
import { loadProject } from "../../src/model/project.ts";
import { bootstrapReleases, unresolvedFindings } from "../../src/model/releases.ts";
import { bootstrapFiles } from "../bootstrap-repo.ts";
import { makeRepo } from "../helpers.ts";

function releasesOf(files: Record<string, string>) {
  const project = loadProject({ repo: makeRepo(files) });
  return bootstrapReleases(project.bootstrap, project.model, "/repo");
}

const helmfile = (releases: string) => ({ "bootstrap/helmfile.yaml": releases });

describe("bootstrap releases' charts", () => {
  it("an OCI chart with its version as a constraint, a repository's chart, a local folder", () => {
    const out = releasesOf({
      ...helmfile(
        [
          "repositories:",
          "  - {name: example, url: https://charts.example.com}",
          "releases:",
          "  - {name: a, namespace: x, chart: oci://r.example/charts/a, version: '>=1.0.0'}",
          "  - {name: b, namespace: x, chart: example/b, version: 2.0.0}",
          "  - {name: c, namespace: x, chart: example/c}",
          "  - {name: d, namespace: x, chart: ../charts/d, needs: [a, x/b, a]}",
          "",
        ].join("\n"),
      ),
      "charts/d/Chart.yaml": "apiVersion: v2\nname: d\nversion: 0.1.0\n",
    });
    expect(out.unresolved).toEqual([]);
    expect(out.releases.map((r) => [r.id, r.chart, r.needs, r.installedBy, r.chartFrom])).toEqual([
      [
        "x/a",
        { type: "oci", url: "oci://r.example/charts/a", semver: ">=1.0.0" },
        [],
        "bootstrap",
        undefined,
      ],
      [
        "x/b",
        { type: "repo", repoUrl: "https://charts.example.com", chart: "b", version: "2.0.0" },
        [],
        "bootstrap",
        undefined,
      ],
      [
        "x/c",
        { type: "repo", repoUrl: "https://charts.example.com", chart: "c" },
        [],
        "bootstrap",
        undefined,
      ],
      ["x/d", { type: "path", path: "/repo/charts/d" }, ["x/a", "x/b"], "bootstrap", undefined],
    ]);
  });

  it("the HelmRelease's dependsOn among bootstrap releases joins the helmfile's needs", () => {
    const files = bootstrapFiles({
      releases: [
        { name: "a", namespace: "x", chart: "oci://r.example/charts/a" },
        { name: "b", namespace: "x", chart: "oci://r.example/charts/b", needs: ["a"] },
      ],
    });
    files["kubernetes/apps/x/b/app/helmrelease.yaml"] =
      `${files["kubernetes/apps/x/b/app/helmrelease.yaml"]}  dependsOn:\n    - name: a\n    - name: elsewhere\n      namespace: other\n`;
    const out = releasesOf(files);
    expect(out.releases.map((r) => [r.id, r.needs])).toEqual([
      ["x/a", []],
      ["x/b", ["x/a"]],
    ]);
  });

  it("what cannot be fetched is unresolved, at the release, with why", () => {
    const out = releasesOf(
      helmfile(
        "releases:\n  - {name: bare, namespace: x, chart: bare-name}\n  - {name: unknown-repo, namespace: x, chart: nowhere/chart}\n",
      ),
    );
    expect(out.releases).toEqual([]);
    const reason =
      "the helmfile names no chart kubestrap can read, and no HelmRelease of the same name and namespace does";
    expect(out.unresolved.map((u) => [u.id, u.reason, u.location.file])).toEqual([
      ["x/bare", reason, "bootstrap/helmfile.yaml"],
      ["x/unknown-repo", reason, "bootstrap/helmfile.yaml"],
    ]);
    expect(unresolvedFindings(out.unresolved)[0]).toEqual({
      ruleId: "chart-unresolved",
      severity: "error",
      message: `bootstrap release x/bare: ${reason}`,
      location: out.unresolved[0]?.location,
    });
  });
});
