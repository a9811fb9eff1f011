/**
 * A small GitOps repository whose bootstrap CRD phase exercises every way a chart is named: an
 * OCIRepository in the local registry (chart with `crds/`), an OCIRepository chart that templates its CRDs
 * behind a value (external-secrets' `installCRDs`), a HelmRepository served over HTTP, and a chart path inside
 * the GitRepository. The CRDs are real ones, copied into test/fixtures/crds.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CLUSTER_APPS_KUSTOMIZATION } from "../bootstrap-repo.ts";
import { env, helmBin, pushChart, writeChart } from "./env.ts";

export const CRD_FIXTURES = join(import.meta.dirname, "../fixtures/crds");

export function fixtureCrd(project: string, name: string): string {
  return readFileSync(join(CRD_FIXTURES, project, `${name}.yaml`), "utf8");
}

export const EXPECTED = {
  keda: ["scaledobjects.keda.sh", "triggerauthentications.keda.sh"],
  externalSecrets: ["fakes.generators.external-secrets.io", "uuids.generators.external-secrets.io"],
  cnpg: ["failoverquorums.postgresql.cnpg.io", "subscriptions.postgresql.cnpg.io"],
  victoria: ["vlogs.operator.victoriametrics.com", "vmanomalyconfigs.operator.victoriametrics.com"],
};

export const ALL_EXPECTED = Object.values(EXPECTED).flat().sort();

function writeFiles(root: string, files: Record<string, string>) {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

/** A helm chart repository (index.yaml + archives) served over HTTP on loopback. */
export async function serveHelmRepository(charts: string[]): Promise<{ url: string; server: Server }> {
  const dir = mkdtempSync(join(tmpdir(), "kubestrap-helmrepo-"));
  for (const chart of charts) execFileSync(helmBin(3), ["package", chart, "--destination", dir]);
  const server = createServer((req, res) => {
    try {
      const body = readFileSync(join(dir, (req.url ?? "/").replace(/\?.*$/, "").replace(/\.\.+/g, "")));
      res.writeHead(200).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  execFileSync(helmBin(3), ["repo", "index", dir, "--url", url]);
  return { url, server };
}

const app = (namespace: string, name: string, helmrelease: string, extra: Record<string, string> = {}) => ({
  [`kubernetes/apps/${namespace}/${name}/app/kustomization.yaml`]: `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
${["./helmrelease.yaml", ...Object.keys(extra).map((f) => `./${f}`)].map((r) => `  - ${r}`).join("\n")}
`,
  [`kubernetes/apps/${namespace}/${name}/app/helmrelease.yaml`]: `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  interval: 1h
${helmrelease}`,
  ...Object.fromEntries(
    Object.entries(extra).map(([f, c]) => [`kubernetes/apps/${namespace}/${name}/app/${f}`, c]),
  ),
});

const ociRepository = (
  name: string,
  namespace: string,
  url: string,
  tag: string,
) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  interval: 1h
  url: ${url}
  insecure: true
  ref:
    tag: ${tag}
  layerSelector:
    mediaType: application/vnd.cncf.helm.chart.content.v1.tar.gz
    operation: copy
`;

export interface CrdRepo {
  dir: string;
  close(): Promise<void>;
}

/** Builds the charts, pushes and serves them, and writes the repository; `major` is the helm that pushes. */
export async function buildCrdRepo(): Promise<CrdRepo> {
  const kedaChart = writeChart({
    name: "keda",
    version: "2.17.0",
    crds: Object.fromEntries(EXPECTED.keda.map((n) => [`${n}.yaml`, fixtureCrd("keda", n)])),
    templates: {
      "configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n",
    },
  });
  const externalSecretsChart = writeChart({
    name: "external-secrets",
    version: "0.19.0",
    values: "installCRDs: false\n",
    templates: Object.fromEntries(
      EXPECTED.externalSecrets.map((n) => [
        `crd-${n}.yaml`,
        `{{- if .Values.installCRDs }}\n${fixtureCrd("external-secrets", n)}{{- end }}\n`,
      ]),
    ),
  });
  const cnpgChart = writeChart({
    name: "cloudnative-pg",
    version: "0.26.0",
    templates: Object.fromEntries(EXPECTED.cnpg.map((n) => [`${n}.yaml`, fixtureCrd("cloudnative-pg", n)])),
  });
  const kedaRef = await pushChart(kedaChart, 3);
  const esRef = await pushChart(externalSecretsChart, 3);
  const helmRepo = await serveHelmRepository([cnpgChart]);

  const dir = mkdtempSync(join(tmpdir(), "kubestrap-crdrepo-"));
  writeFiles(dir, {
    "kubernetes/flux/cluster/ks.yaml": CLUSTER_APPS_KUSTOMIZATION,
    "kubernetes/apps/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ./repositories.yaml
  - ./keda/keda/app
  - ./external-secrets/external-secrets/app
  - ./cnpg-system/cloudnative-pg/app
  - ./observability/victoria-crds/app
`,
    "kubernetes/apps/repositories.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: cloudnative-pg
  namespace: flux-system
spec:
  interval: 1h
  url: ${helmRepo.url}
`,
    ...app("keda", "keda", "  chartRef:\n    kind: OCIRepository\n    name: keda\n", {
      "ocirepository.yaml": ociRepository("keda", "keda", kedaRef, "2.17.0"),
    }),
    ...app(
      "external-secrets",
      "external-secrets",
      "  chartRef:\n    kind: OCIRepository\n    name: external-secrets\n",
      { "ocirepository.yaml": ociRepository("external-secrets", "external-secrets", esRef, "0.19.0") },
    ),
    ...app(
      "cnpg-system",
      "cloudnative-pg",
      "  chart:\n    spec:\n      chart: cloudnative-pg\n      version: 0.26.0\n      sourceRef:\n        kind: HelmRepository\n        name: cloudnative-pg\n        namespace: flux-system\n",
    ),
    ...app(
      "observability",
      "victoria-crds",
      "  chart:\n    spec:\n      chart: ./charts/victoria-crds\n      sourceRef:\n        kind: GitRepository\n        name: flux-system\n        namespace: flux-system\n",
    ),
    "charts/victoria-crds/Chart.yaml": "apiVersion: v2\nname: victoria-crds\nversion: 0.1.0\n",
    ...Object.fromEntries(
      EXPECTED.victoria.map((n) => [
        `charts/victoria-crds/crds/${n}.yaml`,
        fixtureCrd("victoriametrics-operator", n),
      ]),
    ),
    "bootstrap/helmfile.d/00-crds.yaml": `releases:
  - name: keda
    namespace: keda
  - name: external-secrets
    namespace: external-secrets
  - name: cloudnative-pg
    namespace: cnpg-system
  - name: victoria-crds
    namespace: observability
`,
  });
  return {
    dir,
    close: () => new Promise((resolve) => helmRepo.server.close(() => resolve())),
  };
}

export { env };
