/**
 * The pinned versions of every binary in the integration-test environment. Each tool is built from the Go
 * module proxy into a cache directory named after its version, so changing a version here builds the new
 * binary once and leaves the old one in the cache.
 */
export const VERSIONS = {
  /** kube-apiserver, kube-controller-manager, kube-scheduler and kubectl; the staging modules use v0.<minor>.<patch>. */
  kubernetes: "1.36.3",
  /** etcd and etcdctl; the Kubernetes 1.36 client is etcd 3.6. */
  etcd: "3.6.16",
  /** kwok, the fake-node controller; 0.8 is built against the Kubernetes 1.36 libraries. */
  kwok: "0.8.0",
  helm3: "3.22.0",
  helm4: "4.3.1",
  /** The CNCF distribution registry, for oci:// charts. */
  registry: "3.1.2",
  /** sops and age-keygen, for bootstrap resources encrypted with SOPS (age keys). */
  sops: "3.13.3",
  age: "1.3.2",
  /** helmfile: the reference of the helmfile reader's differential tests, and a benchmark baseline. */
  helmfile: "1.8.0",
  /** kustomize: the reference of the kustomize builder's differential tests (replacements, components). */
  kustomize: "5.8.2",
  yq: "4.53.6",
  /** kubeconform: the baseline of the schema validation benchmark (bench/schema.ts). */
  kubeconform: "0.8.0",
  /** flate: the baseline of the lint benchmark (bench/flate.ts); it needs Go 1.27 (below). */
  flate: "0.6.5",
  /** The Go toolchain flate's go.mod requires, fetched from the Go module proxy by the go command. */
  flateGoToolchain: "go1.27.3",
  /**
   * github.com/fluxcd/pkg/envsubst, kustomize-controller's postBuild substitution: the reference of the
   * substitution's differential test (test/envsubst/main.go wraps it). 1.9 needs Go 1.27.
   */
  envsubst: "1.8.0",
} as const;

/** The Go release the tools are built with must be at least the newest `go` line among their go.mod files. */
export const MIN_GO = "1.26.0";
