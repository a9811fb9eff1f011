/**
 * What the CRD analysis asks the chart resolvers about each bootstrap release: the chart the CRD phase renders,
 * where it is fetched from, its values with the chart's CRD switches on, and the release a rendering resolver
 * knows it by; and how the CRDs a resolver answers with become that release's.
 */
import { describe, expect, it } from "vitest";
import { lint } from "../../src/analysis/lint.ts";
import type { ChartCrdResolver, ChartCrds, ChartRef } from "../../src/model/charts.ts";
import { bootstrapFiles } from "../bootstrap-repo.ts";
import { customResource, ks, makeRepo } from "../helpers.ts";

class RecordingResolver implements ChartCrdResolver {
  readonly asked: ChartRef[] = [];
  private readonly answers: Record<string, ChartCrds>;
  constructor(answers: Record<string, ChartCrds>) {
    this.answers = answers;
  }
  resolve(chart: ChartRef): ChartCrds | undefined {
    this.asked.push(chart);
    return chart.release ? this.answers[chart.release] : undefined;
  }
}

function ask(files: Record<string, string>, answers: Record<string, ChartCrds> = {}) {
  const resolver = new RecordingResolver(answers);
  const result = lint({ repo: makeRepo(files), resolvers: [resolver] });
  return { result, asked: resolver.asked.filter((c) => c.release?.startsWith("bootstrap:")) };
}

const release = (name: string, chart: string, more = "") =>
  `  - name: ${name}\n    namespace: apps\n    chart: ${chart}\n${more}`;

describe("the chart the CRD analysis asks about for a bootstrap release", () => {
  it("an OCI chart: its name, URL, values and release", () => {
    const { asked } = ask({
      "bootstrap/helmfile.yaml": `releases:\n${release("foo", "oci://example.com/charts/foo", "    version: 1.2.3\n    values:\n      - replicas: 2\n")}`,
    });
    expect(asked).toEqual([
      {
        name: "foo",
        url: "oci://example.com/charts/foo",
        values: { replicas: 2 },
        release: "bootstrap:apps/foo",
      },
    ]);
  });

  it("a chart of a helm repository is fetched from the repository's URL", () => {
    const { asked } = ask({
      "bootstrap/helmfile.yaml": `repositories:\n  - name: example\n    url: https://charts.example.com\nreleases:\n${release("bar", "example/bar", "    version: 2.0.0\n")}`,
    });
    expect(asked).toEqual([
      { name: "bar", url: "https://charts.example.com", values: {}, release: "bootstrap:apps/bar" },
    ]);
  });

  it("a chart stored in the repository, by its repository-relative folder", () => {
    const { asked } = ask({
      "bootstrap/helmfile.yaml": `releases:\n${release("baz", "./charts/baz")}`,
      "bootstrap/charts/baz/Chart.yaml": "apiVersion: v2\nname: baz\nversion: 0.1.0\n",
    });
    expect(asked).toEqual([
      { name: "baz", localPath: "bootstrap/charts/baz", values: {}, release: "bootstrap:apps/baz" },
    ]);
  });

  it("a chart whose CRDs sit behind a value is asked about with that value on", () => {
    const { asked } = ask({
      "bootstrap/helmfile.yaml": `releases:\n${release("cert-manager", "oci://quay.io/jetstack/charts/cert-manager", "    version: v1.18.0\n    values:\n      - replicaCount: 1\n")}`,
    });
    expect(asked.map((c) => [c.name, c.values])).toEqual([
      ["cert-manager", { replicaCount: 1, crds: { enabled: true }, installCRDs: true }],
    ]);
  });

  it("a release the helmfile names no chart for takes the HelmRelease's chart and values; one without either is skipped", () => {
    const files = bootstrapFiles({
      releases: [{ name: "foo", namespace: "apps", chart: "oci://example.com/charts/foo", values: "a: 1\n" }],
    });
    files["bootstrap/helmfile.d/01-apps.yaml"] =
      "releases:\n  - name: foo\n    namespace: apps\n    values:\n      - b: 2\n  - name: lone\n    namespace: apps\n";
    const { asked } = ask(files);
    expect(asked).toEqual([
      {
        name: "foo",
        url: "oci://example.com/charts/foo",
        values: { a: 1, b: 2 },
        release: "bootstrap:apps/foo",
      },
    ]);
  });

  it("the CRDs a resolver answers with are the bootstrap release's, with how they were found", () => {
    const { result } = ask(
      {
        "bootstrap/helmfile.yaml": `releases:\n${release("widgets", "oci://example.com/charts/widgets", "    version: 1.0.0\n")}`,
        "kubernetes/flux/cluster/ks.yaml": ks("c"),
        "apps/c/w.yaml": customResource("widgets.example.com/v1", "Widget", "w"),
      },
      {
        "bootstrap:apps/widgets": {
          status: "resolved",
          crds: [
            {
              group: "widgets.example.com",
              kind: "Widget",
              scope: "Namespaced",
              name: "widgets.widgets.example.com",
            },
          ],
          via: "the recording resolver",
        },
      },
    );
    expect(result.crds.verdicts.map((v) => [v.verdict, v.provider?.label, v.provider?.via])).toEqual([
      ["ok", "bootstrap release apps/widgets", "the recording resolver"],
    ]);
  });
});
