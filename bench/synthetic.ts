import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Writes a synthetic Flux repository with `apps` applications spread over namespaces of 50 apps.
 * Each app has a Flux Kustomization (dependsOn the shared infrastructure, postBuild substitution),
 * a HelmRelease, an OCIRepository and custom resources (ServiceMonitor, ExternalSecret, PrometheusRule).
 */
export function writeSyntheticRepo(root: string, apps: number): void {
  const w = (path: string, text: string) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  w(
    "kubernetes/flux/cluster/ks.yaml",
    `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: cluster-apps
  namespace: flux-system
spec:
  path: ./kubernetes/apps
  sourceRef:
    kind: GitRepository
    name: flux-system
`,
  );
  w(
    "bootstrap/helmfile.d/00-crds.yaml",
    "releases:\n  - name: kube-prometheus-stack\n    namespace: o11y\n    chart: oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack\n    version: 77.0.0\n",
  );
  w(
    "bootstrap/helmfile.d/01-apps.yaml",
    "releases:\n  - name: external-secrets\n    namespace: external-secrets\n    chart: oci://ghcr.io/external-secrets/charts/external-secrets\n    version: 0.20.1\n",
  );
  const namespaces = Math.ceil(apps / 50);
  for (let n = 0; n < namespaces; n++) {
    const ns = `team-${n}`;
    const names = Array.from({ length: Math.min(50, apps - n * 50) }, (_, i) => `app-${n * 50 + i}`);
    w(
      `kubernetes/apps/${ns}/kustomization.yaml`,
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${ns}\nresources:\n  - ./namespace.yaml\n${names.map((a) => `  - ./${a}/ks.yaml`).join("\n")}\n`,
    );
    w(`kubernetes/apps/${ns}/namespace.yaml`, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: _\n");
    names.forEach((app, i) => {
      const dir = `kubernetes/apps/${ns}/${app}`;
      const deps = i > 0 ? `  dependsOn:\n    - name: ${names[i - 1]}\n` : "";
      w(
        `${dir}/ks.yaml`,
        `---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${app}
spec:
${deps}  interval: 1h
  path: ./${dir}/app
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
    namespace: flux-system
  targetNamespace: ${ns}
  wait: true
  postBuild:
    substitute:
      APP: ${app}
`,
      );
      w(
        `${dir}/app/kustomization.yaml`,
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./helmrelease.yaml\n  - ./ocirepository.yaml\n  - ./monitoring.yaml\n",
      );
      w(
        `${dir}/app/ocirepository.yaml`,
        `apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: \${APP}\nspec:\n  interval: 15m\n  ref:\n    tag: 4.3.0\n  url: oci://ghcr.io/bjw-s-labs/helm/app-template\n`,
      );
      w(
        `${dir}/app/helmrelease.yaml`,
        `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: \${APP}
spec:
  chartRef:
    kind: OCIRepository
    name: \${APP}
  interval: 1h
  values:
    controllers:
      \${APP}:
        containers:
          app:
            image:
              repository: ghcr.io/example/\${APP}
              tag: 1.0.${i}
            env:
              TZ: Europe/Paris
    service:
      app:
        ports:
          http:
            port: 8080
`,
      );
      w(
        `${dir}/app/monitoring.yaml`,
        `---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: \${APP}
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: \${APP}
  endpoints:
    - port: http
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: \${APP}
spec:
  secretStoreRef:
    kind: ClusterSecretStore
    name: vault
  target:
    name: \${APP}-secret
  dataFrom:
    - extract:
        key: \${APP}
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: \${APP}
spec:
  groups:
    - name: \${APP}
      rules:
        - alert: \${APP}Down
          expr: up{job="\${APP}"} == 0
`,
      );
    });
  }
}
