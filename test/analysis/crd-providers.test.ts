/**
 * How a custom resource finds its provider when no CRD of its exact kind is read: another kind of the same API
 * group, a chart kubestrap cannot read whose name is the group's (`widgets-operator-crds` for widgets.*), or a
 * Kustomization of another repository that the consumer depends on, which is given the benefit of the doubt only
 * when no provider was read.
 */
import { describe, expect, it } from "vitest";
import { crd, customResource, helmRelease, ks, lintFlux } from "../helpers.ts";

const widget = customResource("widgets.example.com/v1", "Widget", "w");
const verdictOf = (r: ReturnType<typeof lintFlux>) =>
  r.crds.verdicts.map((v) => [v.verdict, v.provider?.label, v.provider?.inferred]);

describe("inferred CRD providers", () => {
  it("another kind of the same group, read in the repository", () => {
    const r = lintFlux([ks("p", { wait: true }), ks("c", { dependsOn: ["p"] })], {
      "apps/p/crd.yaml": crd("widgets.example.com", "Gadget"),
      "apps/c/w.yaml": widget,
    });
    expect(verdictOf(r)).toEqual([
      [
        "ok",
        "CustomResourceDefinition gadgets.widgets.example.com",
        "it provides other kinds of widgets.example.com",
      ],
    ]);
  });

  it.each([["widgets-operator-crds"], ["widgets-crd"], ["widgets-controller"], ["wid-gets"], ["widgets"]])(
    "an unreadable chart named %s for group widgets.example.com",
    (chart) => {
      const r = lintFlux([ks("p", { wait: true }), ks("c", { dependsOn: ["p"] })], {
        "apps/p/hr.yaml": helmRelease(chart, `oci://example.com/charts/${chart}`),
        "apps/c/w.yaml": widget,
      });
      expect(verdictOf(r)).toEqual([
        ["ok", `HelmRelease default/${chart}`, "its chart is named like the API group widgets.example.com"],
      ]);
    },
  );

  it.each([["gadgets"], ["widgets-extra"], ["my-widgets"]])(
    "no inference from an unreadable chart named %s",
    (chart) => {
      const r = lintFlux([ks("p", { wait: true }), ks("c", { dependsOn: ["p"] })], {
        "apps/p/hr.yaml": helmRelease(chart, `oci://example.com/charts/${chart}`),
        "apps/c/w.yaml": widget,
      });
      expect(r.crds.verdicts.map((v) => v.verdict)).toEqual(["unresolved"]);
    },
  );
});

describe("a Kustomization of another repository", () => {
  const external = ks("platform", { path: "./deploy" }).replace(
    "    name: flux-system",
    "    name: platform-repo",
  );

  it("may provide a CRD nobody in this repository provides", () => {
    const r = lintFlux([external, ks("c", { dependsOn: ["platform"] })], { "apps/c/w.yaml": widget });
    expect(verdictOf(r)).toEqual([
      ["ok", "Kustomization flux-system/platform (another repository)", undefined],
    ]);
  });

  it("is not taken for the provider when the repository provides the CRD itself", () => {
    const r = lintFlux([external, ks("p"), ks("c", { dependsOn: ["platform"] })], {
      "apps/p/crd.yaml": crd("widgets.example.com", "Widget"),
      "apps/c/w.yaml": widget,
    });
    expect(r.crds.verdicts.map((v) => [v.verdict, v.provider?.label])).toEqual([
      ["race", "CustomResourceDefinition widgets.widgets.example.com"],
    ]);
  });
});

describe("between providers inferred alike", () => {
  it("the chart named *-crds is taken for the one that installs the CRDs, wherever it is declared", () => {
    const charts = ["widgets-operator", "widgets-crds"]
      .map((n) => helmRelease(n, `oci://example.com/charts/${n}`))
      .join("");
    const r = lintFlux([ks("p"), ks("c")], { "apps/p/hr.yaml": charts, "apps/c/w.yaml": widget });
    expect(verdictOf(r)).toEqual([
      [
        "race",
        "HelmRelease default/widgets-crds",
        "its chart is named like the API group widgets.example.com",
      ],
    ]);
  });

  it("a bootstrap release's unreadable chart named like the group, the *-crds one first", () => {
    const releases = ["widgets-operator", "widgets-crds"]
      .map(
        (n) =>
          `  - name: ${n}\n    namespace: widgets\n    chart: oci://example.com/charts/${n}\n    version: 1.0.0\n`,
      )
      .join("");
    const r = lintFlux([ks("c")], {
      "bootstrap/helmfile.yaml": `releases:\n${releases}`,
      "apps/c/w.yaml": widget,
    });
    expect(verdictOf(r)).toEqual([
      [
        "ok",
        "bootstrap release widgets/widgets-crds",
        "its chart is named like the API group widgets.example.com",
      ],
    ]);
  });

  it("the best verdict wins over declaration order", () => {
    const r = lintFlux([ks("late", { wait: true }), ks("early"), ks("c", { dependsOn: ["late"] })], {
      "apps/early/crd.yaml": crd("widgets.example.com", "Widget"),
      "apps/late/crd.yaml": crd("widgets.example.com", "Widget").replace(
        "name: widgets.widgets.example.com",
        "name: widgets.widgets.example.com\n  labels: {copy: late}",
      ),
      "apps/c/w.yaml": widget,
    });
    expect(r.crds.verdicts.map((v) => [v.verdict, v.provider?.ks])).toEqual([["ok", "flux-system/late"]]);
  });
});

describe("providers read from the repository", () => {
  const cluster = customResource("postgresql.cnpg.io/v1", "Cluster", "db");
  const release = (file: string) => ({
    [file]:
      "releases:\n  - name: cloudnative-pg\n    namespace: database\n    chart: oci://ghcr.io/cloudnative-pg/charts/cloudnative-pg\n    version: 0.26.0\n",
  });

  it("a bootstrap release is named by its phase", () => {
    const crds = lintFlux([ks("c")], {
      ...release("bootstrap/crds/00-crds.yaml"),
      "apps/c/db.yaml": cluster,
    });
    expect(verdictOf(crds)).toEqual([["ok", "bootstrap CRD phase database/cloudnative-pg", undefined]]);
    const apps = lintFlux([ks("c")], {
      ...release("bootstrap/helmfile.d/01-apps.yaml"),
      "apps/c/db.yaml": cluster,
    });
    expect(verdictOf(apps)).toEqual([["ok", "bootstrap release database/cloudnative-pg", undefined]]);
  });

  it("only an apiextensions.k8s.io CustomResourceDefinition with a group and a kind provides one", () => {
    const lookalike = crd("postgresql.cnpg.io", "Cluster").replace(
      "apiextensions.k8s.io/v1",
      "example.com/v1",
    );
    const nameless = crd("postgresql.cnpg.io", "Cluster").replace("    kind: Cluster\n", "");
    const r = lintFlux([ks("p"), ks("c", { dependsOn: ["p"] })], {
      "apps/p/lookalike.yaml": lookalike,
      "apps/p/nameless.yaml": nameless,
      "apps/c/db.yaml": cluster,
    });
    expect(r.crds.verdicts.map((v) => v.verdict)).toEqual(["missing"]);
    expect(r.crds.crdCount).toBe(1);
  });
});
