import { describe, expect, it } from "vitest";
import { lint } from "../../src/analysis/lint.ts";
import { schemaViolations } from "../../src/analysis/schema/check.ts";
import { renderedObjects } from "../../src/model/rendered.ts";
import { crd, ks, lintFlux, makeRepo } from "../helpers.ts";

const deployment = (replicas: string) => `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx
`;

const widgetCrd = crd(
  "example.com",
  "Widget",
  "widgets",
  `type: object
properties:
  spec:
    type: object
    properties:
      min: {type: integer}
      max: {type: integer}
    x-kubernetes-validations:
      - rule: self.min <= self.max
        message: min must not exceed max`,
);

const widget = (min: number, max: number) => `---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
  namespace: default
spec:
  min: ${min}
  max: ${max}
`;

const schemaFindings = (r: ReturnType<typeof lint>) =>
  r.findings.filter((f) => f.ruleId.startsWith("schema-"));

describe("schema-invalid", () => {
  it("valid: a Deployment and a custom resource that meet their schemas", () => {
    const r = lintFlux([ks("crds"), ks("app", { dependsOn: ["crds"] })], {
      "apps/crds/widgets.yaml": widgetCrd,
      "apps/app/deploy.yaml": deployment("2"),
      "apps/app/widget.yaml": widget(1, 2),
    });
    expect(schemaFindings(r)).toEqual([]);
  });

  it("invalid: a built-in field of the wrong type, at the field's line, naming the schema", () => {
    const r = lintFlux([ks("app")], { "apps/app/deploy.yaml": deployment("two") });
    expect(
      schemaFindings(r).map((f) => [f.ruleId, f.severity, f.location?.file, f.location?.line, f.object]),
    ).toEqual([["schema-invalid", "error", "apps/app/deploy.yaml", 8, "Deployment default/web"]]);
    expect(schemaFindings(r)[0]?.message).toMatch(
      /^spec\.replicas: must be of type integer, not string \(schema: Kubernetes 1\.\d+\.\d+\)$/,
    );
  });

  it("invalid: a CEL rule of a CRD in the repository fails, with the rule's message", () => {
    const r = lintFlux([ks("crds"), ks("app", { dependsOn: ["crds"] })], {
      "apps/crds/widgets.yaml": widgetCrd,
      "apps/app/widget.yaml": widget(3, 2),
    });
    const found = schemaFindings(r);
    expect(found.map((f) => f.ruleId)).toEqual(["schema-invalid"]);
    expect(found[0]?.message).toBe(
      "spec: min must not exceed max (schema: CRD widgets.example.com (apps/crds/widgets.yaml:2))",
    );
    expect(found[0]?.location).toEqual({ file: "apps/app/widget.yaml", line: 8 });
  });

  it("valid: a field that postBuild substitution turns into a number", () => {
    const r = lintFlux([ks("app", { substitute: { REPLICAS: "3" } })], {
      "apps/app/deploy.yaml": deployment("${REPLICAS}"),
    });
    expect(schemaFindings(r)).toEqual([]);
  });

  it("valid: a field that still holds a variable is not failed for its type", () => {
    const r = lintFlux([ks("app")], { "apps/app/deploy.yaml": deployment("${REPLICAS:=2}") });
    expect(schemaFindings(r)).toEqual([]);
  });

  it("invalid: a quoted number in a Kustomization that substitutes nothing is a string to the API server", () => {
    const r = lintFlux([ks("app")], { "apps/app/deploy.yaml": deployment('"3"') });
    expect(schemaFindings(r).map((f) => [f.ruleId, f.location?.line])).toEqual([["schema-invalid", 8]]);
  });

  it("invalid: an object that opts out of substitution keeps its string, whatever the Kustomization does", () => {
    const optedOut = deployment('"3"').replace(
      "  namespace: default\n",
      "  namespace: default\n  annotations: {kustomize.toolkit.fluxcd.io/substitute: disabled}\n",
    );
    const r = lintFlux([ks("app", { substitute: { REPLICAS: "3" } })], { "apps/app/deploy.yaml": optedOut });
    expect(schemaFindings(r).map((f) => [f.ruleId, f.message.split(":")[0]])).toEqual([
      ["schema-invalid", "spec.replicas"],
    ]);
  });

  it("invalid: a missing required field is reported at the line of the deepest part that is written", () => {
    const noName = deployment("2").replace(
      "        - name: web\n          image: nginx\n",
      "        - image: nginx\n",
    );
    const r = lintFlux([ks("app")], { "apps/app/deploy.yaml": noName });
    expect(schemaFindings(r).map((f) => [f.message.split(" (")[0], f.location?.line])).toEqual([
      ["spec.template.spec.containers[0].name: Required value", 16],
    ]);
  });

  it("invalid: a rule on the object's root names the root", () => {
    const rooted = crd(
      "example.com",
      "Gadget",
      "gadgets",
      "type: object\nx-kubernetes-validations:\n  - rule: self.metadata.name != 'forbidden'\n    message: name is forbidden",
    );
    const r = lintFlux([ks("app")], {
      "apps/app/crd.yaml": rooted,
      "apps/app/g.yaml":
        "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: forbidden, namespace: default}\n",
    });
    expect(schemaFindings(r).map((f) => [f.message.split(" (schema")[0], f.location?.line])).toEqual([
      ["(root): name is forbidden", 1],
    ]);
  });

  it("invalid: what a HelmRelease's chart renders (lint --render), at the HelmRelease, naming the chart", () => {
    const release = {
      id: "default/web",
      namespace: "apps",
      location: { file: "apps/app/release.yaml", line: 4 },
    };
    const rendered = (replicas: unknown) => ({
      ks: "flux-system/app",
      objects: renderedObjects(
        [
          { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas } },
          { kind: "Nameless", metadata: {} },
          {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRole",
            metadata: { name: "r" },
            rules: 1,
          },
        ],
        release,
      ),
    });
    const findings = (replicas: unknown) =>
      schemaFindings(
        lint({
          repo: makeRepo({ "kubernetes/flux/cluster/ks.yaml": ks("app"), "apps/app/cm.yaml": "" }),
          renderedManifests: [rendered(replicas)],
        }),
      ).map((f) => [f.message.split(" (")[0], f.object, f.location]);
    // Sorted as every lint's findings are: by file, line, then message.
    expect(findings("two")).toEqual([
      [
        "rules: must be of type array, not integer",
        "ClusterRole r, rendered by the chart of HelmRelease default/web",
        { file: "apps/app/release.yaml", line: 4 },
      ],
      [
        "spec.replicas: must be of type integer, not string",
        "Deployment apps/web, rendered by the chart of HelmRelease default/web",
        { file: "apps/app/release.yaml", line: 4 },
      ],
      [
        "spec.selector: Required value",
        "Deployment apps/web, rendered by the chart of HelmRelease default/web",
        { file: "apps/app/release.yaml", line: 4 },
      ],
      [
        "spec.template: Required value",
        "Deployment apps/web, rendered by the chart of HelmRelease default/web",
        { file: "apps/app/release.yaml", line: 4 },
      ],
    ]);
    expect(findings(2).map(([message]) => message)).toEqual([
      "rules: must be of type array, not integer",
      "spec.selector: Required value",
      "spec.template: Required value",
    ]);
  });

  it("validates once per lint, and not at all without schemas", () => {
    const { context } = lintFlux([ks("app")], { "apps/app/deploy.yaml": deployment("two") });
    const violations = schemaViolations(context);
    expect(violations).toHaveLength(1);
    expect(schemaViolations(context)).toBe(violations);
    const { schemas: _schemas, ...withoutSchemas } = context;
    expect(schemaViolations(withoutSchemas)).toEqual([]);
  });

  it("invalid: a Flux Kustomization without its required interval and prune (the catalog's Flux CRDs)", () => {
    const r = lint({
      repo: makeRepo({
        "kubernetes/flux/cluster/ks.yaml": `---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: app, namespace: flux-system}
spec:
  path: ./apps/app
  sourceRef: {kind: GitRepository, name: flux-system}
`,
        "apps/app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\n",
      }),
    });
    expect(schemaFindings(r).map((f) => f.message)).toEqual([
      "spec.interval: Required value (schema: the catalog's flux CRDs)",
      "spec.prune: Required value (schema: the catalog's flux CRDs)",
    ]);
  });

  it("--rule schema-invalid=off turns it off", () => {
    const r = lint({
      repo: makeRepo({
        "kubernetes/flux/cluster/ks.yaml": ks("app"),
        "apps/app/deploy.yaml": deployment("two"),
      }),
      rules: { "schema-invalid": "off" },
    });
    expect(schemaFindings(r)).toEqual([]);
  });
});

describe("schema-invalid: undeclared fields", () => {
  const certificate = (field: string) => `---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web
  namespace: default
spec:
  secretName: web-tls
  ${field}: [example.com]
  issuerRef: {name: letsencrypt, kind: ClusterIssuer}
`;

  it("valid: every field is declared", () => {
    const r = lintFlux([ks("app")], { "apps/app/cert.yaml": certificate("dnsNames") });
    expect(schemaFindings(r)).toEqual([]);
  });

  it("invalid: a misspelt field of a custom resource, which server-side apply refuses, at its line", () => {
    const r = lintFlux([ks("app")], { "apps/app/cert.yaml": certificate("dnsName") });
    expect(schemaFindings(r).map((f) => [f.ruleId, f.severity, f.location?.line, f.message])).toEqual([
      [
        "schema-invalid",
        "error",
        9,
        "spec.dnsName: field not declared in schema (schema: the catalog's cert-manager CRDs)",
      ],
    ]);
  });

  it("invalid: a misspelt field of a built-in kind", () => {
    const r = lintFlux([ks("app")], {
      "apps/app/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\ndatas: {a: b}\n",
    });
    expect(schemaFindings(r).map((f) => [f.ruleId, f.message])).toEqual([
      ["schema-invalid", expect.stringMatching(/^datas: field not declared in schema/)],
    ]);
  });
});
