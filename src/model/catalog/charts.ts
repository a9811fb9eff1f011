import generated from "./crds.generated.json" with { type: "json" };

/**
 * The bundled catalog of well-known CRD-providing charts, used when a chart cannot be read offline.
 *
 * CRD data for the projects in `crds.generated.json` comes from their real manifests
 * (`npm run gen:catalog`). Charts whose CRDs are not bundled list group and kinds only (`curated`).
 */

export interface CatalogCrd {
  name: string;
  group: string;
  kind: string;
  plural: string;
  scope: string;
  versions: string[];
  storage: string;
}

export interface ChartCatalogEntry {
  /** Chart names as they appear as the last segment of an OCI URL or in `chart.spec.chart`. */
  charts: string[];
  /** Projects from crds.generated.json whose CRDs the chart installs. */
  projects?: string[];
  /** Group and kinds for charts without bundled CRD manifests. */
  curated?: { group: string; kinds: string[]; scope?: Record<string, "Cluster"> }[];
  /**
   * The chart installs its CRDs only when one of these values paths is true; `defaultEnabled` is
   * what the chart does when none is set.
   */
  condition?: { paths: string[]; defaultEnabled: boolean };
  /** The CRDs are registered by the chart's workload once it runs, not rendered by helm. */
  runtime?: boolean;
}

export const CHART_CATALOG: ChartCatalogEntry[] = [
  {
    charts: ["cert-manager"],
    projects: ["cert-manager"],
    condition: { paths: ["crds.enabled", "installCRDs"], defaultEnabled: false },
  },
  {
    charts: ["external-secrets"],
    projects: ["external-secrets"],
    condition: { paths: ["installCRDs"], defaultEnabled: true },
  },
  {
    charts: ["kube-prometheus-stack"],
    projects: ["prometheus-operator"],
    condition: { paths: ["crds.enabled"], defaultEnabled: true },
  },
  { charts: ["prometheus-operator-crds"], projects: ["prometheus-operator"] },
  {
    charts: ["victoria-metrics-operator", "victoria-metrics-k8s-stack"],
    projects: ["victoriametrics-operator"],
  },
  { charts: ["victoria-metrics-operator-crds"], projects: ["victoriametrics-operator"] },
  {
    charts: ["cloudnative-pg"],
    projects: ["cloudnative-pg"],
    condition: { paths: ["crds.create"], defaultEnabled: true },
  },
  { charts: ["keda"], projects: ["keda"] },
  { charts: ["cilium"], projects: ["cilium"], runtime: true },
  { charts: ["flux2"], projects: ["flux"] },
  { charts: ["flux-instance"], projects: ["flux"], runtime: true },
  { charts: ["gateway-api", "gateway-api-crds"], projects: ["gateway-api"] },
  {
    charts: ["gateway-helm", "envoy-gateway"],
    projects: ["gateway-api"],
    curated: [
      {
        group: "gateway.envoyproxy.io",
        kinds: [
          "EnvoyProxy",
          "ClientTrafficPolicy",
          "BackendTrafficPolicy",
          "SecurityPolicy",
          "EnvoyPatchPolicy",
          "EnvoyExtensionPolicy",
          "Backend",
          "HTTPRouteFilter",
        ],
      },
    ],
  },
  {
    charts: ["flux-operator"],
    curated: [
      {
        group: "fluxcd.controlplane.io",
        kinds: ["FluxInstance", "FluxReport", "ResourceSet", "ResourceSetInputProvider"],
      },
    ],
  },
  {
    charts: ["grafana-operator"],
    curated: [
      {
        group: "grafana.integreatly.org",
        kinds: [
          "Grafana",
          "GrafanaDashboard",
          "GrafanaDatasource",
          "GrafanaFolder",
          "GrafanaAlertRuleGroup",
          "GrafanaContactPoint",
          "GrafanaNotificationPolicy",
          "GrafanaMuteTiming",
          "GrafanaNotificationTemplate",
          "GrafanaLibraryPanel",
        ],
      },
    ],
  },
  {
    charts: ["snapshot-controller"],
    curated: [
      {
        group: "snapshot.storage.k8s.io",
        kinds: ["VolumeSnapshot", "VolumeSnapshotClass", "VolumeSnapshotContent"],
        scope: { VolumeSnapshotClass: "Cluster", VolumeSnapshotContent: "Cluster" },
      },
      {
        group: "groupsnapshot.storage.k8s.io",
        kinds: ["VolumeGroupSnapshot", "VolumeGroupSnapshotClass", "VolumeGroupSnapshotContent"],
        scope: { VolumeGroupSnapshotClass: "Cluster", VolumeGroupSnapshotContent: "Cluster" },
      },
    ],
  },
  {
    charts: ["silence-operator"],
    curated: [
      { group: "observability.giantswarm.io", kinds: ["Silence"] },
      { group: "monitoring.giantswarm.io", kinds: ["Silence"] },
    ],
  },
  {
    // Charts that ship no CRDs, listed so that lint does not report them as unreadable providers.
    charts: [
      "app-template",
      "coredns",
      "spegel",
      "reloader",
      "metrics-server",
      "descheduler",
      "echo",
      "connect",
      "prometheus-blackbox-exporter",
      "prometheus-smartctl-exporter",
      "prometheus-snmp-exporter",
      "prometheus-adapter",
      "victoria-logs-single",
      "victoria-logs-collector",
      "podinfo",
    ],
    curated: [],
  },
  { charts: ["multus"], curated: [{ group: "k8s.cni.cncf.io", kinds: ["NetworkAttachmentDefinition"] }] },
  {
    charts: ["rook-ceph"],
    condition: { paths: ["crds.enabled"], defaultEnabled: true },
    curated: [
      {
        group: "ceph.rook.io",
        kinds: [
          "CephCluster",
          "CephBlockPool",
          "CephFilesystem",
          "CephObjectStore",
          "CephObjectStoreUser",
          "CephNFS",
          "CephClient",
          "CephRBDMirror",
          "CephFilesystemMirror",
          "CephFilesystemSubVolumeGroup",
          "CephBlockPoolRadosNamespace",
          "CephBucketNotification",
          "CephBucketTopic",
          "CephCOSIDriver",
          "CephObjectRealm",
          "CephObjectZone",
          "CephObjectZoneGroup",
        ],
      },
      {
        group: "objectbucket.io",
        kinds: ["ObjectBucket", "ObjectBucketClaim"],
        scope: { ObjectBucket: "Cluster" },
      },
    ],
  },
];

const projectCrds = (generated as { projects: Record<string, CatalogCrd[]> }).projects;

export function catalogProjectCrds(project: string): CatalogCrd[] {
  return projectCrds[project] ?? [];
}

const byChart = new Map<string, ChartCatalogEntry>();
for (const entry of CHART_CATALOG) for (const chart of entry.charts) byChart.set(chart, entry);

export function catalogEntry(chartName: string): ChartCatalogEntry | undefined {
  return byChart.get(chartName);
}

/** Every CRD a catalog entry provides, as group/kind with scope. */
export function catalogEntryKinds(
  entry: ChartCatalogEntry,
): { group: string; kind: string; scope: string; name?: string }[] {
  const out: { group: string; kind: string; scope: string; name?: string }[] = [];
  for (const project of entry.projects ?? []) {
    for (const crd of catalogProjectCrds(project))
      out.push({ group: crd.group, kind: crd.kind, scope: crd.scope, name: crd.name });
  }
  for (const c of entry.curated ?? []) {
    for (const kind of c.kinds) out.push({ group: c.group, kind, scope: c.scope?.[kind] ?? "Namespaced" });
  }
  return out;
}

/** Scopes of every CRD in the catalog, keyed by group/Kind. */
export function catalogScopes(): Map<string, string> {
  const scopes = new Map<string, string>();
  for (const entry of CHART_CATALOG)
    for (const k of catalogEntryKinds(entry)) scopes.set(`${k.group}/${k.kind}`, k.scope);
  return scopes;
}
