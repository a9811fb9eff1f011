/**
 * The built-in API of Kubernetes (1.34), as group → kinds. `*` marks cluster-scoped kinds.
 * Only group and kind matter for CRD analysis; versions are left to the API server.
 */
const BUILTIN: Record<string, string> = {
  "": "Pod Service ConfigMap Secret ServiceAccount *Namespace *PersistentVolume PersistentVolumeClaim Endpoints LimitRange ResourceQuota *Node Event ReplicationController PodTemplate Binding *ComponentStatus",
  apps: "Deployment StatefulSet DaemonSet ReplicaSet ControllerRevision",
  batch: "Job CronJob",
  autoscaling: "HorizontalPodAutoscaler",
  policy: "PodDisruptionBudget",
  "networking.k8s.io": "Ingress *IngressClass NetworkPolicy *IPAddress *ServiceCIDR",
  "rbac.authorization.k8s.io": "Role RoleBinding *ClusterRole *ClusterRoleBinding",
  "storage.k8s.io":
    "*StorageClass *VolumeAttachment *CSIDriver *CSINode CSIStorageCapacity *VolumeAttributesClass",
  "apiextensions.k8s.io": "*CustomResourceDefinition",
  "admissionregistration.k8s.io":
    "*MutatingWebhookConfiguration *ValidatingWebhookConfiguration *ValidatingAdmissionPolicy *ValidatingAdmissionPolicyBinding *MutatingAdmissionPolicy *MutatingAdmissionPolicyBinding",
  "scheduling.k8s.io": "*PriorityClass",
  "coordination.k8s.io": "Lease LeaseCandidate",
  "node.k8s.io": "*RuntimeClass",
  "discovery.k8s.io": "EndpointSlice",
  "certificates.k8s.io": "*CertificateSigningRequest *ClusterTrustBundle",
  "flowcontrol.apiserver.k8s.io": "*FlowSchema *PriorityLevelConfiguration",
  "resource.k8s.io": "ResourceClaim ResourceClaimTemplate *DeviceClass *ResourceSlice DeviceTaintRule",
  "apiregistration.k8s.io": "*APIService",
  "events.k8s.io": "Event",
  "authentication.k8s.io": "TokenReview SelfSubjectReview",
  "authorization.k8s.io":
    "SubjectAccessReview SelfSubjectAccessReview LocalSubjectAccessReview SelfSubjectRulesReview",
  "storagemigration.k8s.io": "*StorageVersionMigration",
  "internal.apiserver.k8s.io": "*StorageVersion",
};

interface BuiltinKind {
  clusterScoped: boolean;
}

const builtinKinds = new Map<string, BuiltinKind>();
for (const [group, kinds] of Object.entries(BUILTIN)) {
  for (const raw of kinds.split(" ")) {
    const clusterScoped = raw.startsWith("*");
    builtinKinds.set(`${group}/${clusterScoped ? raw.slice(1) : raw}`, { clusterScoped });
  }
}

/** Whether `group/Kind` is served by every Kubernetes API server without a CRD. */
export function isBuiltinKind(groupKind: string): boolean {
  return builtinKinds.has(groupKind);
}

export function builtinScope(groupKind: string): "Cluster" | "Namespaced" | undefined {
  const k = builtinKinds.get(groupKind);
  if (!k) return undefined;
  return k.clusterScoped ? "Cluster" : "Namespaced";
}
