/**
 * Where kubestrap fetches each HelmRelease's chart from (fluxChartReleases, what `lint --render` renders): the
 * chart location every kind of Flux source gives, with helm-controller's precedence between ref fields, and the
 * reason for each release it cannot fetch.
 */
import { describe, expect, it } from "vitest";
import { loadProject } from "../../src/model/project.ts";
import { fluxChartReleases } from "../../src/model/releases.ts";
import { ks, makeRepo } from "../helpers.ts";

const oci = (name: string, spec: string) =>
  `---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: ${name}, namespace: default}\nspec:\n${spec}`;
const chartRef = (name: string, source = name) =>
  `---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: ${name}, namespace: default}\nspec:\n  chartRef: {kind: OCIRepository, name: ${source}}\n`;
const helmRepository = (name: string, spec: string) =>
  `---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata: {name: ${name}, namespace: default}\nspec:\n${spec}`;
const chartSpec = (name: string, chart: string, kind: string, source: string, version = "") =>
  `---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: ${name}, namespace: default}\nspec:\n  chart:\n    spec:\n      chart: ${chart}\n${version ? `      version: '${version}'\n` : ""}      sourceRef: {kind: ${kind}, name: ${source}, namespace: ${kind === "GitRepository" ? "flux-system" : "default"}}\n`;

const files = {
  "kubernetes/flux/cluster/ks.yaml": ks("app"),
  "charts/local/Chart.yaml": "apiVersion: v2\nname: local\nversion: 0.1.0\n",
  "apps/app/sources.yaml": [
    oci(
      "by-digest",
      "  url: oci://ghcr.io/org/a\n  ref: {digest: 'sha256:abc', semver: '>=1', tag: 1.0.0}\n",
    ),
    oci("by-semver", "  url: oci://ghcr.io/org/b\n  ref: {semver: '>=1.2', tag: 1.0.0}\n"),
    oci("by-tag", "  url: oci://localhost:5000/c\n  insecure: true\n  ref: {tag: 1.2.3}\n"),
    oci("no-url", "  ref: {tag: 1.0.0}\n"),
    helmRepository("https-repo", "  url: https://charts.example.com\n"),
    helmRepository("oci-repo", "  type: oci\n  url: oci://ghcr.io/org/charts/\n  insecure: true\n"),
    helmRepository("oci-by-url", "  url: oci://ghcr.io/org/charts//\n"),
  ].join(""),
  "apps/app/releases.yaml": [
    chartRef("by-digest"),
    chartRef("by-semver"),
    chartRef("by-tag"),
    chartRef("no-url"),
    chartSpec("from-https", "podinfo", "HelmRepository", "https-repo", "6.x"),
    chartSpec("from-oci", "podinfo", "HelmRepository", "oci-repo", "6.5.0"),
    chartSpec("unversioned", "podinfo", "HelmRepository", "https-repo"),
    chartSpec("from-oci-url", "podinfo", "HelmRepository", "oci-by-url"),
    chartSpec("from-missing", "podinfo", "HelmRepository", "not-here"),
    chartSpec("from-git", "./charts/local", "GitRepository", "flux-system"),
    chartSpec("from-other-git", "./charts/x", "GitRepository", "elsewhere"),
    "---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: no-chart, namespace: default}\nspec:\n  values: {}\n",
  ].join(""),
};

// Read inside each test, not while collecting: a mutation run credits a test only with what runs in it.
function read() {
  const repo = makeRepo(files);
  const { releases, unresolved } = fluxChartReleases(loadProject({ repo }).model, repo);
  return {
    repo,
    releases,
    chartOf: (name: string) => releases.find((r) => r.id === `default/${name}`)?.chart,
    reasonOf: (name: string) => unresolved.find((r) => r.id === `default/${name}`)?.reason,
  };
}

describe("the chart of each HelmRelease", () => {
  it("OCIRepository: a digest wins over semver, and semver over tag; insecure pulls over plain HTTP", () => {
    const { chartOf, reasonOf } = read();
    expect(chartOf("by-digest")).toEqual({ type: "oci", url: "oci://ghcr.io/org/a", digest: "sha256:abc" });
    expect(chartOf("by-semver")).toEqual({ type: "oci", url: "oci://ghcr.io/org/b", semver: ">=1.2" });
    expect(chartOf("by-tag")).toEqual({
      type: "oci",
      url: "oci://localhost:5000/c",
      tag: "1.2.3",
      plainHttp: true,
    });
    expect(reasonOf("no-url")).toBe("OCIRepository no-url has no spec.url");
  });

  it("HelmRepository: an index chart with its version, or an OCI repository's chart under its url", () => {
    const { chartOf } = read();
    expect(chartOf("from-https")).toEqual({
      type: "repo",
      repoUrl: "https://charts.example.com",
      chart: "podinfo",
      version: "6.x",
    });
    expect(chartOf("unversioned")).toEqual({
      type: "repo",
      repoUrl: "https://charts.example.com",
      chart: "podinfo",
    });
    expect(chartOf("from-oci")).toEqual({
      type: "oci",
      url: "oci://ghcr.io/org/charts/podinfo",
      semver: "6.5.0",
      plainHttp: true,
    });
  });

  it("HelmRepository: an oci:// url without type: oci is OCI too; one not in the repository is named", () => {
    const { chartOf, reasonOf } = read();
    expect(chartOf("from-oci-url")).toStrictEqual({ type: "oci", url: "oci://ghcr.io/org/charts/podinfo" });
    expect(chartOf("unversioned")).toStrictEqual({
      type: "repo",
      repoUrl: "https://charts.example.com",
      chart: "podinfo",
    });
    expect(reasonOf("from-missing")).toBe(
      "chart podinfo comes from a HelmRepository that is not in the repository, which kubestrap cannot fetch",
    );
  });

  it("GitRepository: a chart folder of this repository, and none from another", () => {
    const { repo, chartOf, reasonOf } = read();
    expect(chartOf("from-git")).toEqual({ type: "path", path: `${repo}/charts/local` });
    expect(reasonOf("from-other-git")).toBe(
      "chart x comes from a GitRepository that is not in the repository, which kubestrap cannot fetch",
    );
    expect(reasonOf("no-chart")).toBe("the HelmRelease names no chart");
  });

  it("keeps where each release and its source are declared, and leaves out the ones it cannot fetch", () => {
    const { releases } = read();
    const release = releases.find((r) => r.id === "default/by-tag");
    expect(release).toMatchObject({
      name: "by-tag",
      namespace: "default",
      installedBy: "flux",
      phase: "releases",
      location: { file: "apps/app/releases.yaml", line: 14 },
      chartFrom: { file: "apps/app/sources.yaml", line: 16 },
    });
    expect(releases.map((r) => r.id).sort()).toEqual(
      [
        "by-digest",
        "by-semver",
        "by-tag",
        "from-git",
        "from-https",
        "from-oci",
        "from-oci-url",
        "unversioned",
      ].map((n) => `default/${n}`),
    );
  });
});
