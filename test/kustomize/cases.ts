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
    name: "integers as Go reads them: 0600 is octal 384, 08 and 600 are decimal, a quoted 0600 a string",
    files: {
      "app/kustomization.yaml": k("resources: [pod.yaml]\n"),
      "app/pod.yaml":
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\n  annotations: {mode: "0600"}\nspec:\n  containers: [{name: app, image: x}]\n  volumes:\n    - name: key\n      secret: {secretName: key, defaultMode: 0600, items: [{key: a, path: a, mode: 0o440}]}\n    - name: other\n      secret: {secretName: other, defaultMode: 08}\n    - name: third\n      secret: {secretName: third, defaultMode: 600}\n',
    },
  },
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
  {
    name: "JSON 6902 patches: list index and end, replace, remove, copy, move, test and escaped keys",
    files: {
      "app/kustomization.yaml": k(
        [
          "resources: [deploy.yaml]",
          "patches:",
          "  - target: {kind: Deployment, name: web}",
          "    patch: |-",
          "      - {op: add, path: /spec/template/spec/containers/1, value: {name: b, image: 'b:1'}}",
          "      - {op: add, path: /spec/template/spec/containers/-, value: {name: c, image: 'c:1'}}",
          "      - {op: replace, path: /spec/replicas, value: 3}",
          "      - {op: test, path: /spec/replicas, value: 3}",
          "      - {op: remove, path: /metadata/labels/drop}",
          "      - {op: copy, from: /metadata/labels/app, path: /metadata/labels/copied}",
          "      - {op: move, from: /metadata/annotations/old, path: /metadata/annotations/new}",
          "      - {op: add, path: /metadata/annotations/example.com~1owner, value: team-a}",
          "      - {op: replace, path: /metadata/annotations/x~0y, value: tilde}",
          "      - {op: remove, path: /spec/template/spec/containers/0}",
          "",
        ].join("\n"),
      ),
      "app/deploy.yaml": [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        "  name: web",
        "  labels: {app: web, drop: me}",
        "  annotations: {old: moved, x~y: plain}",
        "spec:",
        "  replicas: 1",
        "  template:",
        "    spec:",
        "      containers:",
        "        - {name: a, image: 'a:1'}",
        "        - {name: d, image: 'd:1'}",
        "",
      ].join("\n"),
    },
  },
  {
    name: "strategic merge: named containers merged and deleted, $patch replace and delete, null, custom lists",
    files: {
      "app/kustomization.yaml": k(
        [
          "resources: [deploy.yaml, widget.yaml, gone.yaml]",
          "patches:",
          "  - patch: |-",
          "      apiVersion: apps/v1",
          "      kind: Deployment",
          "      metadata: {name: web}",
          "      spec:",
          "        template:",
          "          metadata:",
          "            labels: {remove: null, added: 'yes'}",
          "          spec:",
          "            nodeSelector: {$patch: replace, disk: ssd}",
          "            containers:",
          "              - {name: app, image: 'app:2'}",
          "              - {name: sidecar, $patch: delete}",
          "              - {name: extra, image: 'extra:1'}",
          "  - patch: |-",
          "      apiVersion: example.com/v1",
          "      kind: Widget",
          "      metadata: {name: w}",
          "      spec:",
          "        items: [{name: b, v: 2}]",
          "  - patch: |-",
          "      apiVersion: v1",
          "      kind: ConfigMap",
          "      metadata: {name: gone}",
          "      $patch: delete",
          "",
        ].join("\n"),
      ),
      "app/deploy.yaml": [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata: {name: web}",
        "spec:",
        "  template:",
        "    metadata:",
        "      labels: {app: web, remove: me}",
        "    spec:",
        "      nodeSelector: {zone: a, arch: amd64}",
        "      containers:",
        "        - {name: app, image: 'app:1', args: [run]}",
        "        - {name: sidecar, image: 'envoy:1'}",
        "",
      ].join("\n"),
      "app/widget.yaml":
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n  items: [{name: a, v: 1}]\n",
      "app/gone.yaml": cm("gone") + cm("kept"),
    },
  },
  {
    name: "patch targets by group, version, name pattern and annotation selector",
    files: {
      "app/kustomization.yaml": k(
        [
          "resources: [objects.yaml]",
          "patches:",
          "  - target: {group: apps, version: v1, kind: Deployment, name: 'web-.*', annotationSelector: tier=front}",
          "    patch: |-",
          "      - {op: add, path: /metadata/labels, value: {patched: 'yes'}}",
          "  - target: {version: v1, kind: ConfigMap, name: 'c[0-9]'}",
          "    patch: |-",
          "      - {op: add, path: /data/b, value: '2'}",
          "",
        ].join("\n"),
      ),
      "app/objects.yaml":
        [
          "apiVersion: apps/v1",
          "kind: Deployment",
          "metadata: {name: web-a, annotations: {tier: front}}",
          "spec: {}",
          "---",
          "apiVersion: apps/v1",
          "kind: Deployment",
          "metadata: {name: web-b, annotations: {tier: back}}",
          "spec: {}",
          "---",
          "apiVersion: apps/v1",
          "kind: Deployment",
          "metadata: {name: api, annotations: {tier: front}}",
          "spec: {}",
          "",
        ].join("\n") +
        cm("c1") +
        cm("c10"),
    },
  },
  {
    name: "refused: a JSON patch that removes a path that does not exist",
    fails: true,
    files: {
      "app/kustomization.yaml": k(
        "resources: [cm.yaml]\npatches:\n  - target: {kind: ConfigMap}\n    patch: |-\n      - {op: remove, path: /data/missing}\n",
      ),
      "app/cm.yaml": cm("app"),
    },
  },
  {
    name: "refused: a JSON patch that replaces a path that does not exist",
    fails: true,
    files: {
      "app/kustomization.yaml": k(
        "resources: [cm.yaml]\npatches:\n  - target: {kind: ConfigMap}\n    patch: |-\n      - {op: replace, path: /data/missing/deeper, value: x}\n",
      ),
      "app/cm.yaml": cm("app"),
    },
  },
  {
    name: "generators with behavior merge and replace over a base's generated and plain ConfigMaps",
    files: {
      "base/kustomization.yaml": k(
        [
          "resources: [cm.yaml]",
          "configMapGenerator:",
          "  - {name: settings, literals: [A=1, B=1], options: {labels: {from: base}}}",
          "  - {name: other, literals: [X=1], options: {labels: {base: other}, annotations: {base: a}}}",
          "generatorOptions: {disableNameSuffixHash: true}",
          "",
        ].join("\n"),
      ),
      "base/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n  labels: {kept: 'yes'}\ndata: {P: '1'}\n",
      "app/kustomization.yaml": k(
        [
          "resources: [../base]",
          "configMapGenerator:",
          "  - name: settings",
          "    behavior: merge",
          "    literals: [B=2, C=3]",
          "    options: {labels: {from: overlay}, annotations: {note: merged}}",
          "  - {name: other, behavior: replace, literals: [Y=2], options: {labels: {replaced: 'yes'}}}",
          "  - {name: plain, behavior: merge, literals: [Q=2]}",
          "generatorOptions: {disableNameSuffixHash: true}",
          "",
        ].join("\n"),
      ),
    },
  },
  {
    name: "refused: a generator that merges into a ConfigMap nothing defines",
    fails: true,
    files: {
      "app/kustomization.yaml": k(
        "configMapGenerator:\n  - {name: nope, behavior: merge, literals: [A=1]}\ngeneratorOptions: {disableNameSuffixHash: true}\n",
      ),
    },
  },
  {
    name: "replacements: a delimited source, a list item by number, delimited targets before and after the parts",
    files: {
      "app/kustomization.yaml": k(
        [
          "resources: [cm.yaml, deploy.yaml]",
          "replacements:",
          "  - source: {kind: ConfigMap, name: versions, fieldPath: data.image, options: {delimiter: ':', index: 1}}",
          "    targets:",
          "      - select: {kind: Deployment}",
          "        fieldPaths: [spec.template.spec.containers.1.image]",
          "        options: {delimiter: ':', index: 1}",
          "  - source: {kind: Deployment, name: web, fieldPath: spec.template.spec.containers.0.name}",
          "    targets:",
          "      - select: {kind: Deployment}",
          "        fieldPaths: [metadata.annotations.before]",
          "        options: {delimiter: '-', index: -1}",
          "      - select: {kind: Deployment}",
          "        fieldPaths: [metadata.annotations.after]",
          "        options: {delimiter: '-', index: 7}",
          "      - select: {kind: ConfigMap}",
          "        fieldPaths: [data.copied]",
          "        options: {create: true}",
          "",
        ].join("\n"),
      ),
      "app/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: versions}\ndata: {image: 'registry.example.com/web:v2'}\n",
      "app/deploy.yaml": [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        "  name: web",
        "  annotations: {before: a-b, after: a-b}",
        "spec:",
        "  template:",
        "    spec:",
        "      containers:",
        "        - {name: sidecar, image: 'envoy:v1'}",
        "        - {name: app, image: 'web:v1'}",
        "",
      ].join("\n"),
    },
  },
  {
    name: "refused: a replacement source field that is not set",
    fails: true,
    files: {
      "app/kustomization.yaml": k(
        "resources: [cm.yaml]\nreplacements:\n  - source: {kind: ConfigMap, name: app, fieldPath: data.nope}\n    targets:\n      - select: {kind: ConfigMap}\n        fieldPaths: [data.a]\n",
      ),
      "app/cm.yaml": cm("app"),
    },
  },
  {
    name: "refused: a replacement target list index past the end",
    fails: true,
    files: {
      "app/kustomization.yaml": k(
        "resources: [cm.yaml, other.yaml]\nreplacements:\n  - source: {kind: ConfigMap, name: app, fieldPath: data.a}\n    targets:\n      - select: {kind: ConfigMap, name: list}\n        fieldPaths: [data.items.5]\n",
      ),
      "app/cm.yaml": cm("app"),
      "app/other.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: list}\ndata: {items: [x]}\n",
    },
  },
  {
    name: "namePrefix and nameSuffix rename every object but Namespaces and CRDs",
    files: {
      "app/kustomization.yaml": k(
        "namePrefix: pre-\nnameSuffix: -suf\nresources: [ns.yaml, crd.yaml, cm.yaml, role.yaml]\n",
      ),
      "app/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: tools}\n",
      "app/crd.yaml": [
        "apiVersion: apiextensions.k8s.io/v1",
        "kind: CustomResourceDefinition",
        "metadata: {name: widgets.example.com}",
        "spec:",
        "  group: example.com",
        "  names: {kind: Widget, plural: widgets}",
        "  scope: Namespaced",
        "  versions: [{name: v1, served: true, storage: true}]",
        "",
      ].join("\n"),
      "app/cm.yaml": cm("settings"),
      "app/role.yaml":
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\nrules: []\n",
    },
  },
  {
    name: "commonLabels reach selectors and pod templates; labels only with includeSelectors",
    files: {
      "app/kustomization.yaml": k(
        "commonLabels: {app.kubernetes.io/part-of: shop}\nlabels:\n  - pairs: {team: a}\n  - pairs: {tier: web}\n    includeSelectors: true\nresources: [deploy.yaml, svc.yaml]\n",
      ),
      "app/deploy.yaml": [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata: {name: web, labels: {own: x}}",
        "spec:",
        "  selector: {matchLabels: {app: web}}",
        "  template:",
        "    metadata: {labels: {app: web}}",
        "    spec:",
        "      containers: [{name: app, image: 'web:v1'}]",
        "",
      ].join("\n"),
      "app/svc.yaml":
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n",
    },
  },
  {
    name: "commonAnnotations reach pod templates and keep the objects' own",
    files: {
      "app/kustomization.yaml": k("commonAnnotations: {owner: ops}\nresources: [deploy.yaml, cm.yaml]\n"),
      "app/deploy.yaml": [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata: {name: web, annotations: {own: x}}",
        "spec:",
        "  selector: {matchLabels: {app: web}}",
        "  template:",
        "    metadata: {labels: {app: web}, annotations: {pod: y}}",
        "    spec:",
        "      containers: [{name: app, image: 'web:v1'}]",
        "",
      ].join("\n"),
      "app/cm.yaml": cm("plain"),
    },
  },
  {
    name: "generators: literals, keyed and plain files, env files with comments, options and namespace",
    files: {
      "app/kustomization.yaml": k(
        [
          "generatorOptions:",
          "  disableNameSuffixHash: true",
          "  labels: {gen: all}",
          "  annotations: {note: all}",
          "configMapGenerator:",
          "  - name: settings",
          "    namespace: other",
          "    literals: [A=1, B=x=y]",
          "    files: [renamed=files/f.txt, files/plain.txt]",
          "    envs: [files/app.env]",
          "    options:",
          "      labels: {gen: own}",
          "secretGenerator:",
          "  - name: creds",
          "    literals: [user=admin]",
          "    files: [files/token]",
          "  - name: tls",
          "    type: kubernetes.io/tls",
          "    files: [tls.crt=files/crt, tls.key=files/key]",
          "",
        ].join("\n"),
      ),
      "app/files/f.txt": "first\n",
      "app/files/plain.txt": "plain",
      "app/files/app.env": "# settings\n\nMODE=fast\nURL=http://x/?a=b\n  # indented comment\n",
      "app/files/token": "t0k",
      "app/files/crt": "CERT",
      "app/files/key": "KEY",
    },
  },
  {
    name: "labels reach templates, claim templates, job templates and network policy peers",
    files: {
      "app/kustomization.yaml": k(
        "commonLabels: {part-of: shop}\nlabels:\n  - pairs: {tmpl: t}\n    includeTemplates: true\nresources: [sts.yaml, cron.yaml, netpol.yaml]\n",
      ),
      "app/sts.yaml": [
        "apiVersion: apps/v1",
        "kind: StatefulSet",
        "metadata: {name: db}",
        "spec:",
        "  selector: {matchLabels: {app: db}}",
        "  template:",
        "    metadata: {labels: {app: db}}",
        "    spec:",
        "      affinity:",
        "        podAntiAffinity:",
        "          requiredDuringSchedulingIgnoredDuringExecution:",
        "            - labelSelector: {matchLabels: {app: db}}",
        "              topologyKey: kubernetes.io/hostname",
        "      containers: [{name: db, image: 'db:1'}]",
        "  volumeClaimTemplates:",
        "    - metadata: {name: data}",
        "      spec: {accessModes: [ReadWriteOnce]}",
        "",
      ].join("\n"),
      "app/cron.yaml": [
        "apiVersion: batch/v1",
        "kind: CronJob",
        "metadata: {name: backup}",
        "spec:",
        "  schedule: '@daily'",
        "  jobTemplate:",
        "    spec:",
        "      template:",
        "        spec:",
        "          restartPolicy: Never",
        "          containers: [{name: b, image: 'b:1'}]",
        "",
      ].join("\n"),
      "app/netpol.yaml": [
        "apiVersion: networking.k8s.io/v1",
        "kind: NetworkPolicy",
        "metadata: {name: db}",
        "spec:",
        "  podSelector: {matchLabels: {app: db}}",
        "  ingress:",
        "    - from:",
        "        - podSelector: {matchLabels: {app: web}}",
        "        - namespaceSelector: {}",
        "",
      ].join("\n"),
    },
  },
  {
    name: "refused: a generator literal without a key",
    fails: true,
    files: {
      "app/kustomization.yaml": k("configMapGenerator:\n  - name: settings\n    literals: [novalue]\n"),
    },
  },
];
