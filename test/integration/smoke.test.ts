/**
 * Proof that the environment is a real cluster: fake nodes that are Ready, CRDs that become Established,
 * server-side apply, schema validation by the API server, and helm charts from the local OCI registry whose
 * workloads become Ready on the kwok nodes, with helm 3 and helm 4.
 */
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  env,
  freshNamespace,
  type HelmMajor,
  helm,
  kubectl,
  kubectlJson,
  kubectlOk,
  pushChart,
  waitForCondition,
  writeChart,
} from "./env.ts";

const CRDS = join(import.meta.dirname, "../fixtures/crds");

interface Item {
  metadata: { name: string; resourceVersion: string };
  status?: Record<string, unknown> & { conditions?: { type: string; status: string }[] };
}

describe("local control plane", () => {
  test("serves the pinned Kubernetes version and has at least 3 Ready kwok nodes", async () => {
    const version = await kubectlJson<{ serverVersion: { gitVersion: string } }>(["version"]);
    expect(version.serverVersion.gitVersion).toBe(`v${env.kubernetesVersion}`);
    const nodes = await kubectlJson<{ items: Item[] }>(["get", "nodes"]);
    const ready = nodes.items.filter((n) =>
      n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
    );
    expect(ready.length).toBeGreaterThanOrEqual(3);
  });

  test("a real CRD from the fixtures becomes Established", async () => {
    const file = join(CRDS, "cert-manager/certificates.cert-manager.io.yaml");
    await kubectlOk(["apply", "--server-side", "--field-manager=kubestrap-it", "-f", file]);
    await kubectlOk([
      "wait",
      "--for=condition=Established",
      "--timeout=60s",
      "crd/certificates.cert-manager.io",
    ]);
    const crd = await kubectlJson<Item>(["get", "crd", "certificates.cert-manager.io"]);
    const established = crd.status?.conditions?.find((c) => c.type === "Established");
    expect(established?.status).toBe("True");
    const resources = await kubectlOk(["api-resources", "--api-group=cert-manager.io", "-o", "name"]);
    expect(resources.split("\n")).toContain("certificates.cert-manager.io");
  });

  test("server-side apply creates, and a re-apply without change leaves the object untouched", async () => {
    const ns = await freshNamespace("ssa");
    const manifest = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: ${ns}\ndata:\n  a: "1"\n`;
    const apply = () =>
      kubectlOk(["apply", "--server-side", "--field-manager=kubestrap-it", "-f", "-"], manifest);
    expect(await apply()).toContain("serverside-applied");
    const first = await kubectlJson<Item & { metadata: { managedFields: { manager: string }[] } }>([
      "get",
      "configmap",
      "settings",
      "-n",
      ns,
      "--show-managed-fields",
    ]);
    expect(first.metadata.managedFields.map((f) => f.manager)).toContain("kubestrap-it");
    await apply();
    const second = await kubectlJson<Item>(["get", "configmap", "settings", "-n", ns]);
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    // A real change does bump it, so the comparison above is not vacuous.
    await kubectlOk(
      ["apply", "--server-side", "--field-manager=kubestrap-it", "-f", "-"],
      manifest.replace('a: "1"', 'a: "2"'),
    );
    const third = await kubectlJson<Item>(["get", "configmap", "settings", "-n", ns]);
    expect(third.metadata.resourceVersion).not.toBe(first.metadata.resourceVersion);
  });

  test("the API server rejects custom resources that fail their CRD schema", async () => {
    const file = join(CRDS, "cert-manager/certificates.cert-manager.io.yaml");
    await kubectlOk(["apply", "--server-side", "--field-manager=kubestrap-it", "-f", file]);
    await waitForCondition("crd/certificates.cert-manager.io", "Established");
    const ns = await freshNamespace("schema");
    const certificate = (spec: string) =>
      `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\n  namespace: ${ns}\nspec:\n${spec}`;
    const apply = (spec: string) => kubectl(["apply", "--server-side", "-f", "-"], certificate(spec));

    const missingRequired = await apply("  secretName: web-tls\n  dnsNames: [web.example.com]\n");
    expect(missingRequired.code).not.toBe(0);
    expect(missingRequired.stderr).toMatch(/spec\.issuerRef: Required value/);

    const wrongType = await apply("  secretName: web-tls\n  issuerRef: not-an-object\n");
    expect(wrongType.code).not.toBe(0);
    expect(wrongType.stderr).toMatch(/\.spec\.issuerRef: expected map/);

    const valid = await apply(
      "  secretName: web-tls\n  dnsNames: [web.example.com]\n  issuerRef: { name: local }\n",
    );
    expect(valid.stderr).toBe("");
    expect(valid.code).toBe(0);
  });
});

const workloads = writeChart({
  name: "smoke-workloads",
  version: "0.1.0",
  templates: {
    "deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  replicas: 2
  selector:
    matchLabels: { app: {{ .Release.Name }}-web }
  template:
    metadata:
      labels: { app: {{ .Release.Name }}-web }
    spec:
      containers:
        - name: web
          image: registry.invalid/web:1.0
`,
    "daemonset.yaml": `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: {{ .Release.Name }}-agent
spec:
  selector:
    matchLabels: { app: {{ .Release.Name }}-agent }
  template:
    metadata:
      labels: { app: {{ .Release.Name }}-agent }
    spec:
      containers:
        - name: agent
          image: registry.invalid/agent:1.0
`,
  },
});

describe.each([3, 4] as HelmMajor[])("helm %i", (major) => {
  test("installs a chart from the local OCI registry and waits for its Deployment and DaemonSet", async () => {
    const ref = await pushChart(workloads, major);
    expect(ref).toBe(`oci://${env.registry}/charts/smoke-workloads`);
    const ns = await freshNamespace(`helm${major}`);
    const install = await helm(major, [
      "install",
      "smoke",
      ref,
      "--version",
      "0.1.0",
      "--plain-http",
      "--namespace",
      ns,
      "--wait",
      "--timeout",
      "120s",
    ]);
    expect(install.stderr).not.toMatch(/Error/);
    expect(install.code).toBe(0);
    const deployment = await kubectlJson<Item>(["get", "deployment", "smoke-web", "-n", ns]);
    expect(deployment.status?.availableReplicas).toBe(2);
    const daemonset = await kubectlJson<Item>(["get", "daemonset", "smoke-agent", "-n", ns]);
    const nodes = await kubectlJson<{ items: Item[] }>(["get", "nodes"]);
    expect(daemonset.status?.desiredNumberScheduled).toBe(nodes.items.length);
    expect(daemonset.status?.numberReady).toBe(nodes.items.length);
    const version = await helm(major, ["version", "--short"]);
    expect(version.stdout).toMatch(new RegExp(`^v${major}\\.\\d+\\.\\d+`));
  });
});

test("a Deployment created with kubectl becomes Available on the fake nodes", async () => {
  const ns = await freshNamespace("deploy");
  await kubectlOk([
    "create",
    "deployment",
    "web",
    "--image=registry.invalid/web:1.0",
    "--replicas=3",
    "-n",
    ns,
  ]);
  await waitForCondition("deployment/web", "Available", { namespace: ns });
  const pods = await kubectlJson<{ items: { spec: { nodeName: string }; status: { phase: string } }[] }>([
    "get",
    "pods",
    "-n",
    ns,
  ]);
  expect(pods.items).toHaveLength(3);
  expect(pods.items.every((p) => p.status.phase === "Running" && env.nodes.includes(p.spec.nodeName))).toBe(
    true,
  );
});
