/**
 * `kubestrap lint --render`: charts rendered by the real helm from the local OCI registry. A chart not in the
 * bundled catalog provides a CRD, and another chart renders a custom resource of it only because a value
 * says so; neither is visible without rendering.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { helmRelease, ks, makeRepo } from "../helpers.ts";
import { fixtureCrd } from "./crd-repo.ts";
import { pushChart, writeChart } from "./env.ts";
import { DEPLOYMENT_TEMPLATE, kubestrap } from "./render-cli.ts";

let platformRef = "";
let webappRef = "";
let widgetsRef = "";
let sizedRef = "";

const WIDGET_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.render.example.com
spec:
  group: render.example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: {type: integer, maximum: 10}
`;

beforeAll(async () => {
  platformRef = await pushChart(
    writeChart({
      name: "platform-crds",
      version: "1.0.0",
      crds: { "scaledobjects.yaml": fixtureCrd("keda", "scaledobjects.keda.sh") },
    }),
  );
  widgetsRef = await pushChart(
    writeChart({ name: "widget-crds", version: "1.0.0", crds: { "widgets.yaml": WIDGET_CRD } }),
  );
  sizedRef = await pushChart(
    writeChart({
      name: "sized",
      version: "1.0.0",
      values: "replicas: 1\nsize: 1\n",
      templates: {
        "deployment.yaml": DEPLOYMENT_TEMPLATE,
        "widget.yaml": `apiVersion: render.example.com/v1
kind: Widget
metadata:
  name: {{ .Release.Name }}
spec:
  size: {{ .Values.size }}
`,
      },
    }),
  );
  webappRef = await pushChart(
    writeChart({
      name: "webapp",
      version: "1.0.0",
      values: "autoscaling:\n  enabled: false\n",
      templates: {
        "scaledobject.yaml": `{{- if .Values.autoscaling.enabled }}
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: {{ .Release.Name }}
spec:
  scaleTargetRef:
    name: {{ .Release.Name }}
  triggers:
    - type: cpu
      metadata: {value: "50"}
{{- end }}
`,
      },
    }),
  );
});

function repo(autoscaling: boolean, ordered: boolean): string {
  return makeRepo({
    "kubernetes/flux/cluster/ks.yaml":
      ks("platform", { wait: true }) + ks("webapp", ordered ? { dependsOn: ["platform"] } : {}),
    "apps/platform/release.yaml": helmRelease("platform-crds", platformRef, "", {
      namespace: "platform",
      insecure: true,
    }),
    "apps/webapp/release.yaml": helmRelease(
      "webapp",
      webappRef,
      autoscaling ? "autoscaling:\n  enabled: true" : "",
      {
        insecure: true,
      },
    ),
  });
}

describe("kubestrap lint --render", () => {
  test("a custom resource rendered by a chart races its chart-provided CRD", async () => {
    const dir = repo(true, false);
    const rendered = await kubestrap(["lint", "--repo", dir, "--render", "-o", "json"]);
    const findings = (
      JSON.parse(rendered.stdout) as {
        findings: { ruleId: string; message: string; object?: string; location?: { file: string } }[];
      }
    ).findings;
    const race = findings.find((f) => f.ruleId === "crd-race");
    expect(race?.object).toBe(
      "ScaledObject default/webapp, rendered by the chart of HelmRelease default/webapp",
    );
    expect(race?.location?.file).toBe("apps/webapp/release.yaml");
    expect(race?.message).toContain("HelmRelease platform/platform-crds");

    // Without rendering, neither the consumer nor the provider is known.
    const statically = await kubestrap(["lint", "--repo", dir, "-o", "json"]);
    expect(
      (JSON.parse(statically.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId),
    ).not.toContain("crd-race");
  });

  test("dependsOn a waited provider makes it ok; values that render no custom resource need nothing", async () => {
    for (const dir of [repo(true, true), repo(false, false)]) {
      const run = await kubestrap(["lint", "--repo", dir, "--render"]);
      expect(run.stderr).toBe("");
      expect(run.stdout).toContain("0 errors, 0 warnings");
      expect(run.code).toBe(0);
    }
  });

  test("a custom resource is validated against the CRD its provider's chart renders", async () => {
    const dir = makeRepo({
      "kubernetes/flux/cluster/ks.yaml":
        ks("platform", { wait: true }) + ks("widgets", { dependsOn: ["platform"] }),
      "apps/platform/release.yaml": helmRelease("widget-crds", widgetsRef, "", {
        namespace: "platform",
        insecure: true,
      }),
      "apps/widgets/widget.yaml":
        "apiVersion: render.example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: default}\nspec:\n  size: 11\n",
    });
    const rendered = await kubestrap(["lint", "--repo", dir, "--render", "-o", "json"]);
    const findings = (JSON.parse(rendered.stdout) as { findings: { ruleId: string; message: string }[] })
      .findings;
    expect(findings.filter((f) => f.ruleId === "schema-invalid").map((f) => f.message)).toEqual([
      "spec.size: should be less than or equal to 10 (schema: CRD widgets.render.example.com (helm template of platform/widget-crds))",
    ]);
    expect(rendered.code).toBe(1);
    // Without rendering, the CRD is not known: the object is not validated.
    const statically = await kubestrap(["lint", "--repo", dir, "-o", "json"]);
    const ruleIds = (JSON.parse(statically.stdout) as { findings: { ruleId: string }[] }).findings.map(
      (f) => f.ruleId,
    );
    expect(ruleIds).not.toContain("schema-invalid");
  });

  test("what a chart renders from its values is validated: a built-in kind and a custom resource", async () => {
    const sized = (values: string, postRenderers = false) =>
      makeRepo({
        "kubernetes/flux/cluster/ks.yaml":
          ks("platform", { wait: true }) + ks("sized", { dependsOn: ["platform"] }),
        "apps/platform/release.yaml": helmRelease("widget-crds", widgetsRef, "", {
          namespace: "platform",
          insecure: true,
        }),
        "apps/sized/release.yaml":
          helmRelease("sized", sizedRef, values, { insecure: true }) +
          (postRenderers ? "  postRenderers:\n    - kustomize: {patches: []}\n" : ""),
      });
    type Found = {
      ruleId: string;
      message: string;
      object?: string;
      location?: { file: string; line: number };
    };
    const schemaFindings = async (dir: string, cache?: string) => {
      const run = await kubestrap(["lint", "--repo", dir, "--render", "-o", "json"], cache);
      expect(run.stderr).toBe("");
      const { findings } = JSON.parse(run.stdout) as { findings: Found[] };
      return { code: run.code, found: findings.filter((f) => f.ruleId.startsWith("schema-")) };
    };

    const invalid = await schemaFindings(sized("replicas: two\nsize: 11"));
    expect(invalid.found.map((f) => [f.ruleId, f.object, f.location])).toEqual([
      [
        "schema-invalid",
        "Deployment default/sized, rendered by the chart of HelmRelease default/sized",
        { file: "apps/sized/release.yaml", line: 13 },
      ],
      [
        "schema-invalid",
        "Widget default/sized, rendered by the chart of HelmRelease default/sized",
        { file: "apps/sized/release.yaml", line: 13 },
      ],
    ]);
    expect(invalid.found.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^spec\.replicas: must be of type integer, not string \(schema: Kubernetes 1\.\d+\.\d+\)$/,
      ),
      "spec.size: should be less than or equal to 10 (schema: CRD widgets.render.example.com (helm template of platform/widget-crds))",
    ]);
    expect(invalid.code).toBe(1);
    // A warm chart cache holds what was rendered, text and all: the same findings without helm template.
    const cache = mkdtempSync(join(tmpdir(), "kubestrap-cache-"));
    const cold = await schemaFindings(sized("replicas: two\nsize: 11"), cache);
    expect(cold.found).toEqual(invalid.found);
    expect((await schemaFindings(sized("replicas: two\nsize: 11"), cache)).found).toEqual(invalid.found);

    expect((await schemaFindings(sized("replicas: 2\nsize: 3"))).found).toEqual([]);
    // helm-controller patches the output with post-renderers, which kubestrap does not run: not validated.
    expect((await schemaFindings(sized("replicas: two\nsize: 11", true))).found).toEqual([]);
  });

  test("a chart that cannot be pulled is a chart-render-failed error", async () => {
    const dir = makeRepo({
      "kubernetes/flux/cluster/ks.yaml": ks("webapp"),
      "apps/webapp/release.yaml": helmRelease("webapp", webappRef.replace("webapp", "missing-chart"), "", {
        insecure: true,
      }),
    });
    const run = await kubestrap(["lint", "--repo", dir, "--render"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /error +release default\/webapp \(chart oci:\/\/127\.0\.0\.1:\d+\/charts\/missing-chart:1\.0\.0\): pull failed: tag 1\.0\.0 not found in 127\.0\.0\.1:\d+\/charts\/missing-chart \(HTTP 404 (NAME|MANIFEST)_UNKNOWN: [a-z ]+\) +chart-render-failed/,
    );
  });
});
