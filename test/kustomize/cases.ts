/** Folders written for the kustomize differential test, one per feature kubestrap's builder reimplements. */
export interface KustomizeCase {
  name: string;
  files: Record<string, string>;
  /** The folder to build (default `app`). */
  dir?: string;
  /** Flux `spec.components` of the Kustomization that builds the folder. */
  components?: string[];
  /** Both must refuse it (kustomize fails; kubestrap reports kustomize-invalid). */
  fails?: boolean;
}

const k = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const component = (body: string) => `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n${body}`;
const cm = (name: string, extra = "") =>
  `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}data:\n  a: "1"\n`;
const fluxKs = (name: string, labels = "") =>
  `---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n${labels}spec:\n  path: ./x\n  interval: 1h\n`;

export const KUSTOMIZE_CASES: KustomizeCase[] = [
  {
    name: "refused: a replacement target field that does not exist, without create",
    files: {
      "app/kustomization.yaml": k(
        "resources: [cm.yaml]\nreplacements:\n  - source: {kind: ConfigMap, name: app, fieldPath: data.a}\n    targets:\n      - select: {kind: ConfigMap}\n        fieldPaths: [data.missing]\n",
      ),
      "app/cm.yaml": cm("app"),
    },
    fails: true,
  },
  {
    name: "replacements from a file: Namespace name into every Flux Kustomization's targetNamespace",
    files: {
      "app/kustomization.yaml": k(
        "namespace: media\nresources: [ns.yaml, ks.yaml]\nreplacements:\n  - path: ../replacements/ks.yaml\n",
      ),
      "app/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: _\n",
      "app/ks.yaml": fluxKs("plex") + fluxKs("sonarr"),
      "replacements/ks.yaml":
        "- source: {kind: Namespace, fieldPath: metadata.name}\n  targets:\n    - select: {kind: Kustomization, group: kustomize.toolkit.fluxcd.io}\n      fieldPaths: [spec.targetNamespace]\n      options: {create: true}\n",
    },
  },
  {
    name: "inline replacements: list item by field, delimiter and index, reject, no create",
    files: {
      "app/kustomization.yaml": k(
        [
          "resources: [cm.yaml, deploy.yaml]",
          "replacements:",
          "  - source: {kind: ConfigMap, name: versions, fieldPath: data.tag}",
          "    targets:",
          "      - select: {kind: Deployment}",
          "        reject: [{name: skipped}]",
          "        fieldPaths:",
          "          - spec.template.spec.containers.[name=app].image",
          "        options: {delimiter: ':', index: 1}",
          "",
        ].join("\n"),
      ),
      "app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: versions}\ndata: {tag: v2}\n",
      "app/deploy.yaml": ["web", "skipped"]
        .map(
          (n) =>
            `---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${n}}\nspec:\n  template:\n    spec:\n      containers:\n        - {name: sidecar, image: 'envoy:v1'}\n        - {name: app, image: 'web:v1'}\n`,
        )
        .join(""),
    },
  },
  {
    name: "Flux spec.components: the folder's own patches apply to the components' objects",
    files: {
      "app/kustomization.yaml": k(
        "resources: [cm.yaml]\npatches:\n  - target: {kind: ConfigMap, name: backup}\n    patch: |-\n      - op: add\n        path: /data/owner\n        value: app\n",
      ),
      "app/cm.yaml": cm("app"),
      "components/backup/kustomization.yaml": component("resources: [cm.yaml]\n"),
      "components/backup/cm.yaml": cm("backup"),
    },
    components: ["../components/backup"],
  },
  {
    name: "a component's transformers reach the objects the kustomization generates",
    files: {
      "app/kustomization.yaml": k(
        "namespace: apps\ncomponents: [../components/labels]\nresources: [cm.yaml]\nconfigMapGenerator:\n  - name: settings\n    literals: [mode=fast]\ngeneratorOptions:\n  disableNameSuffixHash: true\n",
      ),
      "app/cm.yaml": cm("app"),
      "components/labels/kustomization.yaml": component(
        "resources: [cm.yaml]\nlabels:\n  - pairs: {team: platform}\n",
      ),
      "components/labels/cm.yaml": cm("from-component"),
    },
  },
  {
    name: "patch targets with set-based label selectors",
    files: {
      "app/kustomization.yaml": k(
        [
          "resources: [ks.yaml]",
          "patches:",
          "  - target: {kind: Kustomization, labelSelector: 'tier in (db,cache),tier!=cache'}",
          "    patch: |-",
          "      - {op: add, path: /spec/wait, value: true}",
          "  - target: {kind: Kustomization, labelSelector: '!tier'}",
          "    patch: |-",
          "      - {op: add, path: /spec/prune, value: true}",
          "",
        ].join("\n"),
      ),
      "app/ks.yaml":
        fluxKs("db", "  labels: {tier: db}\n") +
        fluxKs("cache", "  labels: {tier: cache}\n") +
        fluxKs("plain"),
    },
  },
  {
    name: "configurations: field specs for the namespace, label and name prefix transformers",
    files: {
      "app/kustomization.yaml": k(
        "namespace: apps\nlabels:\n  - pairs: {team: a}\n  - pairs: {tier: web}\n    includeSelectors: true\nnamePrefix: p-\nconfigurations: [conf.yaml]\nresources: [w.yaml]\n",
      ),
      "app/conf.yaml": [
        "namespace:",
        "  - {kind: Widget, group: example.com, path: spec/targetNamespace, create: true}",
        "commonLabels:",
        "  - {kind: Widget, path: spec/selector/matchLabels, create: true}",
        "  - {kind: Widget, path: spec/missing/labels}",
        "namePrefix:",
        "  - {kind: Widget, path: spec/serviceName}",
        "",
      ].join("\n"),
      "app/w.yaml":
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {serviceName: svc}\n---\napiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\nspec: {}\n",
    },
  },
  {
    name: "namespace transformer, Namespace renaming and strategic merge patches",
    files: {
      "app/kustomization.yaml": k(
        'namespace: web\nresources: [ns.yaml, cm.yaml]\npatches:\n  - patch: |-\n      apiVersion: v1\n      kind: ConfigMap\n      metadata: {name: app}\n      data: {b: "2"}\n',
      ),
      "app/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: _\n",
      "app/cm.yaml": cm("app"),
    },
  },
];
