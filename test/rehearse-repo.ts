/**
 * Small repositories for `kubestrap rehearse`: a bootstrap helmfile whose one release is a chart of the repository
 * that installs Flux's CRDs (the real ones, from test/fixtures/crds) and a FluxInstance, as flux-operator and
 * flux-instance would; a Flux tree whose Kustomizations and HelmReleases each test adds to. Charts of the
 * repository are read through the GitRepository flux-system, so nothing needs a registry.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CLUSTER_APPS_KUSTOMIZATION } from "./bootstrap-repo.ts";
import { makeRepo } from "./helpers.ts";

const FIXTURES = join(import.meta.dirname, "fixtures");
const FLUX_CRDS = [
  "flux/gitrepositories.source.toolkit.fluxcd.io",
  "flux/ocirepositories.source.toolkit.fluxcd.io",
  "flux/kustomizations.kustomize.toolkit.fluxcd.io",
  "flux/helmreleases.helm.toolkit.fluxcd.io",
];

/** A Flux Kustomization of `kubernetes/apps/<name>/app`, reading this repository. */
export function kustomization(
  name: string,
  { dependsOn = [], wait = true, targetNamespace = "demo", extra = "" } = {} as {
    dependsOn?: string[];
    wait?: boolean;
    targetNamespace?: string;
    extra?: string;
  },
): string {
  return `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 1h
  path: ./kubernetes/apps/${name}/app
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  targetNamespace: ${targetNamespace}
  wait: ${wait}
${dependsOn.length ? `  dependsOn:\n${dependsOn.map((d) => `    - name: ${d}`).join("\n")}\n` : ""}${extra}`;
}

/** A Deployment that kwok makes Ready after `readyAfter` (its Pod's annotation). */
export function deployment(name: string, { readyAfter = "0s", replicas = "1" } = {}): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
      annotations:
        kubestrap.dev/ready-after: ${readyAfter}
    spec:
      containers:
        - name: app
          image: registry.example/${name}:1.0.0
`;
}

/** A HelmRelease of the repository's chart `charts/<chart>`. */
export function helmRelease(name: string, chart: string, values = "{}"): string {
  return `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
spec:
  interval: 1h
  chart:
    spec:
      chart: ./charts/${chart}
      sourceRef:
        kind: GitRepository
        name: flux-system
        namespace: flux-system
  values: ${values}
`;
}

export interface RehearsalApp {
  /** The Flux Kustomization (`kustomization()`). */
  ks: string;
  /** Files of its folder `kubernetes/apps/<name>/app`, by name; a kustomization.yaml listing them is added. */
  files: Record<string, string>;
}

/** The repository: the bootstrap, the root Kustomization, the apps, a `demo` namespace, and any other file. */
export function rehearsalRepo(
  apps: Record<string, RehearsalApp>,
  other: Record<string, string> = {},
): string {
  const files: Record<string, string> = {
    "bootstrap/helmfile.d/01-apps.yaml": `releases:
  - name: flux
    namespace: flux-system
    chart: ../../charts/flux
`,
    "charts/flux/Chart.yaml": "apiVersion: v2\nname: flux\nversion: 1.0.0\n",
    "charts/flux/templates/fluxinstance.yaml": `apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata:
  name: flux
  namespace: {{ .Release.Namespace }}
spec:
  distribution:
    version: "2.x"
    registry: ghcr.io/fluxcd
`,
    "charts/flux/crds/fluxinstances.yaml": readFileSync(
      join(FIXTURES, "stand-ins/flux-operator/crds/fluxinstances.fluxcd.controlplane.io.yaml"),
      "utf8",
    ),
    "kubernetes/flux/cluster/ks.yaml": CLUSTER_APPS_KUSTOMIZATION,
    "kubernetes/apps/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n",
    "kubernetes/apps/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ./namespace.yaml
${Object.keys(apps)
  .map((name) => `  - ./${name}/ks.yaml`)
  .join("\n")}
`,
  };
  for (const crd of FLUX_CRDS)
    files[`charts/flux/crds/${crd.slice(crd.indexOf("/") + 1)}.yaml`] = readFileSync(
      join(FIXTURES, "crds", `${crd}.yaml`),
      "utf8",
    );
  for (const [name, app] of Object.entries(apps)) {
    files[`kubernetes/apps/${name}/ks.yaml`] = app.ks;
    files[`kubernetes/apps/${name}/app/kustomization.yaml`] =
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${Object.keys(app.files)
        .map((f) => `  - ./${f}`)
        .join("\n")}\n`;
    for (const [file, content] of Object.entries(app.files))
      files[`kubernetes/apps/${name}/app/${file}`] = content;
  }
  return makeRepo({ ...files, ...other });
}

/** A chart whose Deployment has the values' replica count, and a values schema that wants an integer. */
export const WEB_CHART: Record<string, string> = {
  "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
  "charts/web/values.yaml": "replicas: 1\n",
  "charts/web/values.schema.json": JSON.stringify({
    type: "object",
    properties: { replicas: { type: "integer", minimum: 1 } },
  }),
  "charts/web/templates/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: { app: {{ .Release.Name }} }
  template:
    metadata:
      labels: { app: {{ .Release.Name }} }
    spec:
      containers:
        - name: web
          image: registry.example/web:1.0.0
`,
};
