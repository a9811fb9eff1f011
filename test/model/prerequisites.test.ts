import { describe, expect, test } from "vitest";
import { DEFAULT_CONFIG } from "../../src/model/config.ts";
import { loadPrerequisites } from "../../src/model/prerequisites.ts";
import { loadProject } from "../../src/model/project.ts";
import { bootstrapFiles } from "../bootstrap-repo.ts";
import { makeRepo } from "../helpers.ts";

const releases = [
  { name: "external-secrets", namespace: "external-secrets", chart: "oci://r.example/charts/es" },
];

function prerequisites(files: Record<string, string>) {
  const repo = makeRepo({ ...bootstrapFiles({ releases }), ...files });
  const project = loadProject({ repo });
  return loadPrerequisites(
    project.repo,
    project.builder,
    project.bootstrap,
    project.model,
    DEFAULT_CONFIG,
    undefined,
  );
}

const secret = (name: string, namespace?: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ""}stringData:\n  token: plain\n`;

describe("bootstrap resources, as repositories lay them out", () => {
  test("kustomize/ with its own kustomization.yaml is one tree", () => {
    const p = prerequisites({
      "bootstrap/kustomize/kustomization.yaml":
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: external-secrets\nresources:\n  - ./secret.yaml\n",
      "bootstrap/kustomize/secret.yaml": secret("token"),
    });
    expect(p.resources.map((r) => [r.path, r.type, r.objects.length])).toEqual([
      ["bootstrap/kustomize", "kustomize", 1],
    ]);
    expect(p.resources[0]?.objects[0]).toMatchObject({ metadata: { namespace: "external-secrets" } });
  });

  test("otherwise each folder of kustomize/ that is a kustomization (not a Component) is a tree (onedr0p's layout)", () => {
    const p = prerequisites({
      "bootstrap/kustomize/personal/kustomization.yaml":
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: network\nresources:\n  - ./secret.yaml\n",
      "bootstrap/kustomize/personal/secret.yaml": secret("tunnel"),
      "bootstrap/kustomize/work/kustomization.yaml":
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./secret.yaml\n",
      "bootstrap/kustomize/work/secret.yaml": secret("token", "external-secrets"),
      "bootstrap/kustomize/components/namespace/kustomization.yaml":
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - ./namespace.yaml\n",
      "bootstrap/kustomize/components/namespace/namespace.yaml":
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: _\n",
    });
    expect(p.resources.map((r) => r.path)).toEqual([
      "bootstrap/kustomize/personal",
      "bootstrap/kustomize/work",
    ]);
    expect(p.namespaces.map((n) => n.name)).toEqual(["external-secrets", "network"]);
  });

  test("plain files in kustomize/ and resources.yaml are applied as they are", () => {
    const p = prerequisites({
      "bootstrap/kustomize/secrets.yaml.tpl": secret("token", "external-secrets"),
      "bootstrap/resources.yaml": secret("other", "external-secrets"),
    });
    expect(p.resources.map((r) => [r.path, r.type])).toEqual([
      ["bootstrap/kustomize/secrets.yaml.tpl", "file"],
      ["bootstrap/resources.yaml", "file"],
    ]);
  });

  test("a namespace is created from the repository's own manifest, labels and annotations included", () => {
    const p = prerequisites({
      "kubernetes/apps/external-secrets/namespace.yaml":
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: external-secrets\n  labels:\n    pod-security.kubernetes.io/enforce: privileged\n  annotations:\n    kustomize.toolkit.fluxcd.io/prune: disabled\n",
      "kubernetes/apps/kustomization.yaml":
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./external-secrets/namespace.yaml\n  - ./external-secrets/external-secrets/app\n",
    });
    expect(p.namespaces).toEqual([
      {
        name: "external-secrets",
        object: {
          apiVersion: "v1",
          kind: "Namespace",
          metadata: {
            name: "external-secrets",
            labels: { "pod-security.kubernetes.io/enforce": "privileged" },
            annotations: { "kustomize.toolkit.fluxcd.io/prune": "disabled" },
          },
        },
        why: ["release external-secrets/external-secrets"],
        location: { file: "kubernetes/apps/external-secrets/namespace.yaml", line: 1 },
      },
    ]);
  });

  test("SOPS documents are recognised without being read, and a missing path named in kubestrap.yaml is an error", () => {
    const p = prerequisites({
      "bootstrap/resources.yaml": `${secret("token", "external-secrets")}sops:\n  age:\n    - recipient: age1xyz\n`,
    });
    expect(p.resources[0]?.sops).toBe(true);
    const repo = makeRepo(bootstrapFiles({ releases }));
    const project = loadProject({ repo });
    const missing = loadPrerequisites(
      project.repo,
      project.builder,
      project.bootstrap,
      project.model,
      {
        ...DEFAULT_CONFIG,
        bootstrap: { ...DEFAULT_CONFIG.bootstrap, resources: [{ path: "bootstrap/nope" }] },
      },
      "kubestrap.yaml",
    );
    expect(missing.findings.map((f) => f.message)).toEqual([
      "bootstrap resources bootstrap/nope (named in kubestrap.yaml) do not exist in the repository",
    ]);
  });
});
