/**
 * Helmfiles written for the differential test, one per feature kubestrap's reader implements. Each is a small
 * repository; `file` is the helmfile to read (default `helmfile.yaml`).
 */
export interface HelmfileCase {
  name: string;
  files: Record<string, string>;
  file?: string;
  environment?: string;
  env?: Record<string, string>;
  /** Both tools must refuse it. */
  fails?: boolean;
}

const CHART = "apiVersion: v2\nname: app\nversion: 0.1.0\n";

/** A local chart every case can use as `./charts/app`. */
const base = (files: Record<string, string>): Record<string, string> => ({
  "charts/app/Chart.yaml": CHART,
  ...files,
});

export const HELMFILE_CASES: HelmfileCase[] = [
  {
    name: "plain release: name, namespace, chart, version",
    files: base({
      "helmfile.yaml":
        "releases:\n  - name: a\n    namespace: ns\n    chart: ./charts/app\n    version: 0.1.0\n",
    }),
  },
  {
    name: "repositories: repo/chart and an OCI chart",
    files: base({
      "helmfile.yaml": [
        "repositories:",
        "  - name: jetstack",
        "    url: https://charts.jetstack.io",
        "releases:",
        "  - name: cert-manager",
        "    namespace: cert-manager",
        "    chart: jetstack/cert-manager",
        "    version: v1.16.0",
        "  - name: cilium",
        "    namespace: kube-system",
        "    chart: oci://quay.io/cilium/charts/cilium",
        "    version: 1.20.1",
        "",
      ].join("\n"),
    }),
  },
  {
    name: "inline values are kept as written, templates included",
    files: base({
      "helmfile.yaml":
        "releases:\n  - name: a\n    chart: ./charts/app\n    values:\n      - replicas: 2\n        name: '{{ .Release.Name }}'\n      - nested: {a: [1, 2]}\n",
    }),
  },
  {
    name: "values files: plain YAML relative to the helmfile",
    files: base({
      "hf/helmfile.yaml":
        "releases:\n  - name: a\n    chart: ../charts/app\n    values:\n      - values/a.yaml\n      - {inline: true}\n",
      "hf/values/a.yaml": "crds:\n  enabled: true\nlist: [x, y]\n",
    }),
    file: "hf/helmfile.yaml",
  },
  {
    name: "values files ending .gotmpl are rendered with .Release and .Values",
    files: base({
      "helmfile.yaml": [
        "environments:",
        "  default:",
        "    values: [{domain: example.com}]",
        "---",
        "releases:",
        "  - name: web",
        "    namespace: apps",
        "    chart: ./charts/app",
        "    values: [web.yaml.gotmpl]",
        "",
      ].join("\n"),
      "web.yaml.gotmpl":
        "host: {{ .Release.Name }}.{{ .Values.domain }}\nns: {{ .Release.Namespace }}\nenv: {{ .Environment.Name }}\n",
    }),
  },
  {
    name: "environment values: the default environment",
    files: base({
      "helmfile.yaml": [
        "environments:",
        "  default:",
        "    values:",
        "      - {replicas: 1, feature: {on: true}}",
        "      - {replicas: 3}",
        "---",
        "releases:",
        "  - name: a",
        "    chart: ./charts/app",
        "",
      ].join("\n"),
    }),
  },
  {
    name: "environment selected with -e",
    files: base({
      "helmfile.yaml.gotmpl": [
        "environments:",
        "  default:",
        "    values: [{cluster: default, replicas: 1}]",
        "  infra:",
        "    values: [values/infra.yaml]",
        "---",
        "releases:",
        "  - name: rook-ceph",
        "    namespace: rook-ceph",
        "    chart: ./charts/app",
        '    installed: {{ eq .Environment.Name "infra" }}',
        "    values:",
        "      - replicas: {{ .Values.replicas }}",
        "        cluster: {{ .Values.cluster }}",
        "",
      ].join("\n"),
      "values/infra.yaml": "cluster: infra\nreplicas: 3\n",
    }),
    file: "helmfile.yaml.gotmpl",
    environment: "infra",
  },
  {
    name: "environment values files ending .gotmpl are rendered",
    files: base({
      "helmfile.yaml":
        "environments:\n  default:\n    values: [env.yaml.gotmpl]\n---\nreleases:\n  - name: a\n    chart: ./charts/app\n",
      "env.yaml.gotmpl": "name: {{ .Environment.Name }}\nupper: {{ .Environment.Name | upper }}\n",
    }),
  },
  {
    name: "an environment the helmfile does not define: nothing selected",
    files: base({
      "helmfile.yaml": "environments:\n  default: {}\n---\nreleases:\n  - name: a\n    chart: ./charts/app\n",
    }),
    environment: "apps",
  },
  {
    name: "bases: releases, helmDefaults and environments merged",
    files: base({
      "base.yaml":
        "environments:\n  default:\n    values: [{fromBase: 1}]\n---\nhelmDefaults: {wait: true, timeout: 100}\nreleases:\n  - name: b\n    chart: ./charts/app\n",
      "helmfile.yaml":
        "bases: [base.yaml]\nhelmDefaults: {timeout: 200}\nreleases:\n  - name: a\n    chart: ./charts/app\n",
    }),
  },
  {
    name: "templates with inherit: scalars from the release win, lists appended",
    files: base({
      "helmfile.yaml": [
        "templates:",
        "  common:",
        "    namespace: shared",
        "    chart: ./charts/app",
        "    needs: [kube-system/cilium]",
        "    values: [{fromTemplate: true}]",
        "releases:",
        "  - name: a",
        "    inherit: [{template: common}]",
        "    values: [{fromRelease: true}]",
        "  - name: b",
        "    namespace: own",
        "    inherit: [{template: common}]",
        "",
      ].join("\n"),
    }),
  },
  {
    name: "inherit with except",
    files: base({
      "helmfile.yaml": [
        "templates:",
        "  common:",
        "    namespace: shared",
        "    chart: ./charts/app",
        "    values: [{fromTemplate: true}]",
        "releases:",
        "  - name: a",
        "    inherit: [{template: common, except: [values]}]",
        "",
      ].join("\n"),
    }),
  },
  {
    name: "YAML anchors and merge keys as templates",
    files: base({
      "helmfile.yaml": [
        "templates:",
        "  default: &default",
        "    namespace: infra",
        "    chart: ./charts/app",
        "releases:",
        "  - name: a",
        "    <<: *default",
        "  - <<: *default",
        "    name: b",
        "    namespace: other",
        "",
      ].join("\n"),
    }),
  },
  {
    name: "defaultInherit: every release inherits the named template",
    files: base({
      "helmfile.yaml":
        "templates:\n  default:\n    chart: ./charts/app\n    namespace: defaulted\ndefaultInherit: default\nreleases:\n  - name: a\n  - name: b\n    namespace: own\n",
    }),
  },
  {
    name: "release templating: namespace and chart from .Release",
    files: base({
      "helmfile.yaml": [
        "templates:",
        "  t:",
        "    namespace: ns-{{ .Release.Name }}",
        "    chart: ./charts/{{ .Release.Labels.kind }}",
        "releases:",
        "  - name: a",
        "    labels: {kind: app}",
        "    inherit: [{template: t}]",
        "",
      ].join("\n"),
    }),
  },
  {
    name: "labels are templated; chart, name and namespace labels added",
    files: base({
      "helmfile.yaml":
        "environments:\n  default:\n    values: [{tier: backend}]\n---\nreleases:\n  - name: a\n    namespace: x\n    chart: ./charts/app\n    labels:\n      tier: '{{ .Values.tier }}'\n",
    }),
  },
  {
    name: "needs: qualified and unqualified",
    files: base({
      "helmfile.yaml": [
        "releases:",
        "  - name: cilium",
        "    namespace: kube-system",
        "    chart: ./charts/app",
        "  - name: coredns",
        "    namespace: kube-system",
        "    chart: ./charts/app",
        "    needs: [cilium]",
        "  - name: cert-manager",
        "    namespace: cert-manager",
        "    chart: ./charts/app",
        "    needs: [kube-system/coredns]",
        "",
      ].join("\n"),
    }),
  },
  {
    name: "hooks: events, command, args kept for run time, showlogs",
    files: base({
      "helmfile.yaml": [
        "releases:",
        "  - name: a",
        "    namespace: n",
        "    chart: ./charts/app",
        "    hooks:",
        "      - events: [presync]",
        "        command: kubectl",
        "        args: [apply, -f, crds/]",
        "      - events: [postsync]",
        "        command: kubectl",
        "        args: [apply, '--namespace={{ .Release.Namespace }}']",
        "        showlogs: true",
        "",
      ].join("\n"),
    }),
  },
  {
    name: "installed: false",
    files: base({
      "helmfile.yaml":
        "releases:\n  - name: a\n    chart: ./charts/app\n    installed: false\n  - name: b\n    chart: ./charts/app\n    installed: true\n",
    }),
  },
  {
    name: "condition: enabled from environment values",
    files: base({
      "helmfile.yaml": [
        "environments:",
        "  default:",
        "    values: [{monitoring: {enabled: false}, ingress: {enabled: true}}]",
        "---",
        "releases:",
        "  - name: prometheus",
        "    chart: ./charts/app",
        "    condition: monitoring.enabled",
        "  - name: nginx",
        "    chart: ./charts/app",
        "    condition: ingress.enabled",
        "",
      ].join("\n"),
    }),
  },
  {
    name: "gotmpl: releases built with range over environment values",
    files: base({
      "helmfile.yaml.gotmpl": [
        "environments:",
        "  default:",
        "    values:",
        "      - apps:",
        "          - {name: a, ns: one}",
        "          - {name: b, ns: two}",
        "---",
        "releases:",
        "{{- range $i, $app := .Values.apps }}",
        "  - name: {{ $app.name }}",
        "    namespace: {{ $app.ns }}",
        "    chart: ./charts/app",
        "    values:",
        "      - index: {{ $i }}",
        "{{- end }}",
        "",
      ].join("\n"),
    }),
    file: "helmfile.yaml.gotmpl",
  },
  {
    name: "gotmpl: if, else if, else, with and variables",
    files: base({
      "helmfile.yaml.gotmpl": [
        "environments:",
        "  default:",
        "    values: [{size: medium, opt: {x: 1}, empty: ''}]",
        "---",
        "{{ $replicas := 1 }}",
        '{{ if eq .Values.size "small" }}{{ $replicas = 1 }}{{ else if eq .Values.size "medium" }}{{ $replicas = 2 }}{{ else }}{{ $replicas = 3 }}{{ end }}',
        "releases:",
        "  - name: a",
        "    chart: ./charts/app",
        "    values:",
        "      - replicas: {{ $replicas }}",
        "        x: {{ with .Values.opt }}{{ .x }}{{ else }}none{{ end }}",
        "        e: {{ with .Values.empty }}set{{ else }}unset{{ end }}",
        "        notEmpty: {{ not .Values.empty }}",
        "        both: {{ and .Values.opt .Values.size }}",
        '        either: {{ or .Values.empty "fallback" }}',
        "",
      ].join("\n"),
    }),
    file: "helmfile.yaml.gotmpl",
  },
  {
    name: "gotmpl: define and template",
    files: base({
      "helmfile.yaml.gotmpl": [
        '{{ define "release" }}',
        "  - name: {{ .name }}",
        "    namespace: {{ .ns }}",
        "    chart: ./charts/app",
        "{{- end }}",
        "releases:",
        '{{- template "release" (dict "name" "a" "ns" "x") }}',
        '{{- template "release" (dict "name" "b" "ns" "y") }}',
        "",
      ].join("\n"),
    }),
    file: "helmfile.yaml.gotmpl",
  },
  {
    name: "gotmpl: readFile and fromYaml of a Flux file, with a dict of overrides",
    files: base({
      "bootstrap/helmfile.yaml.gotmpl": [
        '{{- $overrides := dict "network/gateway" "../apps/network/gateway/app/oci.yaml" }}',
        "releases:",
        '{{- range list (list "kube-system" "cilium") (list "network" "gateway") }}',
        "{{- $ns := index . 0 }}{{- $name := index . 1 }}",
        '{{- $path := index $overrides (printf "%s/%s" $ns $name) | default (printf "../apps/%s/%s/app/ocirepository.yaml" $ns $name) }}',
        "{{- $oci := readFile $path | fromYaml }}",
        "  - name: {{ $name }}",
        "    namespace: {{ $ns }}",
        "    chart: {{ $oci.spec.url }}",
        "    version: {{ $oci.spec.ref.tag }}",
        "{{- end }}",
        "",
      ].join("\n"),
      "apps/kube-system/cilium/app/ocirepository.yaml":
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: cilium}\nspec:\n  url: oci://quay.io/cilium/charts/cilium\n  ref: {tag: 1.20.1}\n",
      "apps/network/gateway/app/oci.yaml":
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: gateway}\nspec:\n  url: oci://docker.io/envoyproxy/gateway-helm\n  ref: {tag: v1.5.0}\n",
    }),
    file: "bootstrap/helmfile.yaml.gotmpl",
  },
  {
    name: "chart and version from tpl of a template file (the widespread bootstrap shape)",
    files: base({
      "bootstrap/helmfile/default.yaml": [
        "templates:",
        "  default:",
        "    chart: '{{ (fromYaml (tpl (readFile \"./templates/release.yaml.gotmpl\") .)).chart }}'",
        "    version: '{{ (fromYaml (tpl (readFile \"./templates/release.yaml.gotmpl\") .)).version }}'",
        "    values:",
        "      - ./templates/values.yaml.gotmpl",
        "",
      ].join("\n"),
      "bootstrap/helmfile/apps.yaml":
        "bases: [default.yaml]\ndefaultInherit: default\nreleases:\n  - name: cilium\n    namespace: kube-system\n",
      "bootstrap/helmfile/templates/release.yaml.gotmpl":
        '{{- $oci := fromYaml (readFile (printf "../../apps/%s/%s/app/ocirepository.yaml" .Release.Namespace .Release.Name)) -}}\nchart: {{ $oci.spec.url }}\nversion: {{ $oci.spec.ref.tag }}\n',
      "bootstrap/helmfile/templates/values.yaml.gotmpl":
        '{{ (fromYaml (readFile (printf "../../../apps/%s/%s/app/helmrelease.yaml" .Release.Namespace .Release.Name))).spec.values | toYaml }}\n',
      "apps/kube-system/cilium/app/ocirepository.yaml":
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: cilium}\nspec:\n  url: oci://quay.io/cilium/charts/cilium\n  ref: {tag: 1.20.1}\n",
      "apps/kube-system/cilium/app/helmrelease.yaml":
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: cilium}\nspec:\n  values:\n    ipam: {mode: kubernetes}\n    k8sServicePort: 7445\n    list: [a, b]\n",
    }),
    file: "bootstrap/helmfile/apps.yaml",
  },
  {
    name: "gotmpl: string functions",
    files: base({
      "helmfile.yaml.gotmpl": [
        "releases:",
        '  - name: {{ "My-App" | lower | trimSuffix "-app" }}',
        '    namespace: {{ printf "%s-%d" "ns" 3 }}',
        "    chart: ./charts/app",
        "    values:",
        '      - q: {{ "a b" | quote }}',
        '        sq: {{ squote "x" }}',
        '        rep: {{ replace "-" "_" "a-b-c" }}',
        '        up: {{ upper "abc" }}',
        '        title: {{ title "hello world" }}',
        "        trim: '{{ trim \"  x  \" }}'",
        '        pre: {{ trimPrefix "v" "v1.2.3" }}',
        '        has: {{ hasPrefix "ab" "abc" }} {{ hasSuffix "bc" "abc" }} {{ contains "b" "abc" }}',
        '        def: {{ default "d" "" }}/{{ default "d" "set" }}',
        '        join: {{ list "a" "b" "c" | join "," }}',
        '        split: {{ splitList "," "x,y" | last }}',
        '        b64: {{ b64enc "hi" }}/{{ b64dec "aGk=" }}',
        '        re: {{ regexReplaceAll "[0-9]+" "a1b22" "#" }}',
        '        match: {{ regexMatch "^v[0-9]" "v1" }}',
        '        trunc: {{ trunc 3 "abcdef" }}',
        '        rpt: {{ repeat 2 "ab" }}',
        '        sha: {{ sha256sum "x" | trunc 8 }}',
        "",
      ].join("\n"),
    }),
    file: "helmfile.yaml.gotmpl",
  },
  {
    name: "gotmpl: numbers, lists and dicts",
    files: base({
      "helmfile.yaml.gotmpl": [
        '{{- $d := dict "b" 2 "a" 1 }}',
        '{{- $_ := set $d "c" 3 }}',
        '{{- $m := merge (dict "a" 9 "z" 26) $d }}',
        "releases:",
        "  - name: a",
        "    chart: ./charts/app",
        "    values:",
        "      - sum: {{ add 1 2 3 }}",
        "        diff: {{ sub 10 4 }}",
        "        prod: {{ mul 2 3 }}",
        "        quot: {{ div 7 2 }}",
        "        rem: {{ mod 7 2 }}",
        "        max: {{ max 1 5 3 }}",
        "        len: {{ len $d }}",
        '        keys: {{ keys $d | sortAlpha | join "-" }}',
        '        hasKey: {{ hasKey $d "c" }}',
        "        merged: {{ $m.a }}-{{ $m.z }}",
        "        list: {{ append (list 1 2) 3 | toJson }}",
        "        has: {{ has 2 (list 1 2) }}",
        "        uniq: {{ list 1 1 2 | uniq | toJson }}",
        "        first: {{ list 4 5 | first }}",
        "        idx: {{ index (list 4 5 6) 2 }}",
        "        until: {{ until 3 | toJson }}",
        "        printed: '{{ $d }}'",
        '        atoi: {{ atoi "42" }}',
        '        cmp: {{ lt 1 2 }} {{ ge 2 2 }} {{ ne "a" "b" }}',
        "",
      ].join("\n"),
    }),
    file: "helmfile.yaml.gotmpl",
  },
  {
    name: "gotmpl: toYaml with nindent, get with a default",
    files: base({
      "helmfile.yaml.gotmpl": [
        "environments:",
        "  default:",
        "    values: [{resources: {limits: {memory: 1Gi}, requests: {cpu: 100m}}}]",
        "---",
        "releases:",
        "  - name: a",
        "    chart: ./charts/app",
        "    values:",
        "      - resources:",
        "          {{- toYaml .Values.resources | nindent 10 }}",
        '        missing: {{ .Values | get "nope.deep" "fallback" }}',
        '        found: {{ .Values | get "resources.limits.memory" }}',
        '        idx: {{ index .Values "resources" "requests" "cpu" }}',
        "",
      ].join("\n"),
    }),
    file: "helmfile.yaml.gotmpl",
  },
  {
    name: "gotmpl: whitespace trimming and comments",
    files: base({
      "helmfile.yaml.gotmpl": [
        "{{/* a comment */}}",
        "releases:",
        "  {{- /* trimmed comment */}}",
        '  - name: a {{- "b" }}',
        "    chart: ./charts/app",
        "    values:",
        '      - text: "[{{- "x" -}}   ]"',
        "",
      ].join("\n"),
    }),
    file: "helmfile.yaml.gotmpl",
  },
  {
    name: "gotmpl: env and requiredEnv",
    files: base({
      "helmfile.yaml.gotmpl": [
        "releases:",
        '  - name: {{ requiredEnv "RELEASE_NAME" }}',
        "    chart: ./charts/app",
        "    values:",
        "      - unset: '{{ env \"KUBESTRAP_SURELY_UNSET\" }}'",
        '        set: {{ env "RELEASE_NAME" }}',
        "",
      ].join("\n"),
    }),
    file: "helmfile.yaml.gotmpl",
    env: { RELEASE_NAME: "from-env" },
  },
  {
    name: "helmfile.d: files read in lexical order",
    files: base({
      "helmfile.d/10-apps.yaml": "releases:\n  - name: app\n    chart: ../charts/app\n    needs: [crds]\n",
      "helmfile.d/00-crds.yaml": "releases:\n  - name: crds\n    chart: ../charts/app\n",
    }),
    file: "helmfile.d",
  },
  {
    name: "gotmpl: environment values of an earlier part used in a later one",
    files: base({
      "helmfile.yaml.gotmpl": [
        "environments:",
        "  default:",
        "    values: [{ns: first}]",
        "---",
        "environments:",
        "  default:",
        "    values: [{prefix: '{{ .Values.ns }}-x'}]",
        "---",
        "releases:",
        "  - name: a",
        "    namespace: {{ .Values.prefix }}",
        "    chart: ./charts/app",
        "",
      ].join("\n"),
    }),
    file: "helmfile.yaml.gotmpl",
  },
  {
    name: "gotmpl: range with break, continue and else; range over a map",
    files: base({
      "helmfile.yaml.gotmpl": [
        "environments:",
        "  default:",
        "    values: [{clusters: {b: 2, a: 1}, none: []}]",
        "---",
        "releases:",
        "{{- range $k, $v := .Values.clusters }}",
        "  - name: r-{{ $k }}-{{ $v }}",
        "    chart: ./charts/app",
        "{{- end }}",
        "  - name: loop",
        "    chart: ./charts/app",
        "    values:",
        "      - seq: '{{ range until 6 }}{{ if eq . 1 }}{{ continue }}{{ end }}{{ if eq . 4 }}{{ break }}{{ end }}{{ . }}{{ end }}'",
        "        none: '{{ range .Values.none }}x{{ else }}empty{{ end }}'",
        "",
      ].join("\n"),
    }),
    file: "helmfile.yaml.gotmpl",
  },
  {
    name: "top-level values are state values",
    files: base({
      "helmfile.yaml.gotmpl": [
        "values:",
        "  - {team: platform}",
        "---",
        "releases:",
        "  - name: a",
        "    chart: ./charts/app",
        "    values:",
        "      - team: {{ .Values.team }}",
        "        sv: {{ .StateValues.team }}",
        "",
      ].join("\n"),
    }),
    file: "helmfile.yaml.gotmpl",
  },
  {
    name: "refused: a missing key in .Values",
    files: base({
      "helmfile.yaml.gotmpl": "releases:\n  - name: {{ .Values.nope }}\n    chart: ./charts/app\n",
    }),
    file: "helmfile.yaml.gotmpl",
    fails: true,
  },
  {
    name: "refused: environments and releases in one part",
    files: base({
      "helmfile.yaml": "environments:\n  default: {}\nreleases:\n  - name: a\n    chart: ./charts/app\n",
    }),
    fails: true,
  },
  {
    name: "refused: requiredEnv of an unset variable",
    files: base({
      "helmfile.yaml.gotmpl":
        'releases:\n  - name: {{ requiredEnv "KUBESTRAP_SURELY_UNSET" }}\n    chart: ./charts/app\n',
    }),
    file: "helmfile.yaml.gotmpl",
    fails: true,
  },
  {
    name: "labels and hook args that are not strings are read as text",
    files: base({
      "helmfile.yaml": [
        "releases:",
        "  - name: a",
        "    chart: ./charts/app/",
        "    labels: {n: 1, b: true, f: 1.5}",
        "    hooks:",
        "      - events: [presync]",
        "        command: echo",
        "        args: [1, true, x]",
        "",
      ].join("\n"),
    }),
  },
  {
    name: "installed from a template, and a values file named by a template",
    files: base({
      "helmfile.yaml.gotmpl": [
        "releases:",
        "  - name: a",
        "    chart: ./charts/app",
        "    installed: {{ eq 1 2 }}",
        "  - name: b",
        "    chart: ./charts/app",
        "    values:",
        "      - values/{{ `{{ .Release.Name }}` }}.yaml",
        "",
      ].join("\n"),
      "values/b.yaml": "from: b\n",
    }),
    file: "helmfile.yaml.gotmpl",
  },
  {
    name: "a base gives repositories, templates and defaultInherit",
    files: base({
      "base.yaml": [
        "repositories:",
        "  - {name: jetstack, url: https://charts.jetstack.io}",
        "templates:",
        "  t: {namespace: from-base, labels: {from: base}}",
        "defaultInherit: t",
        "",
      ].join("\n"),
      "helmfile.yaml": "bases: [base.yaml]\nreleases:\n  - name: a\n    chart: jetstack/cert-manager\n",
    }),
  },
  {
    name: "parts split at --- with trailing spaces; empty parts skipped",
    files: base({
      "helmfile.yaml":
        "---\nenvironments:\n  default:\n    values: [{x: 1}]\n---   \n\n---\nreleases:\n  - name: a\n    chart: ./charts/app\n    values: [{x: 2}]\n",
    }),
  },
  {
    name: "release templates: name first, then namespace, labels and needs from it",
    files: base({
      "helmfile.yaml": [
        "releases:",
        "  - name: web",
        "    namespace: '{{ .Release.Name }}-ns'",
        "    chart: ./charts/app",
        "    labels: {ns: '{{ .Release.Namespace }}'}",
        "    needs: ['{{ .Release.Namespace }}/db']",
        "  - name: db",
        "    namespace: web-ns",
        "    chart: ./charts/app",
        "",
      ].join("\n"),
    }),
  },
  {
    name: "refused: a condition that does not end in .enabled",
    files: base({
      "helmfile.yaml":
        "environments:\n  default:\n    values: [{a: {on: true}}]\n---\nreleases:\n  - name: a\n    chart: ./charts/app\n    condition: a.on\n",
    }),
    fails: true,
  },
  {
    name: "refused: a condition whose value does not exist",
    files: base({
      "helmfile.yaml": "releases:\n  - name: a\n    chart: ./charts/app\n    condition: nothing.enabled\n",
    }),
    fails: true,
  },
  {
    name: "refused: a base that does not exist",
    files: base({
      "helmfile.yaml": "bases: [nowhere.yaml]\nreleases:\n  - name: a\n    chart: ./charts/app\n",
    }),
    fails: true,
  },
  {
    name: "refused: a values file that does not exist",
    files: base({
      "helmfile.yaml": "releases:\n  - name: a\n    chart: ./charts/app\n    values: [missing.yaml]\n",
    }),
    fails: true,
  },
  {
    name: "refused: inherit of a template that is not defined",
    files: base({
      "helmfile.yaml": "releases:\n  - name: a\n    chart: ./charts/app\n    inherit: [{template: nope}]\n",
    }),
    fails: true,
  },
  {
    name: "refused: a part that is a list",
    files: base({ "helmfile.yaml": "- releases: []\n" }),
    fails: true,
  },
  {
    name: "refused: YAML that does not parse",
    files: base({ "helmfile.yaml": "releases:\n  - name: [a\n" }),
    fails: true,
  },
];
