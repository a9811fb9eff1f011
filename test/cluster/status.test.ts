import { describe, expect, test } from "vitest";
import {
  computeStatus,
  type KubeObject,
  type Status,
  webhookServices,
  webhookStatus,
} from "../../src/cluster/status.ts";

const cond = (type: string, status: string, extra: Record<string, unknown> = {}) => ({
  type,
  status,
  ...extra,
});

const deployment = (
  spec: Record<string, unknown>,
  status: Record<string, unknown>,
  generation = 1,
): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "d", generation },
  spec: { replicas: 2, progressDeadlineSeconds: 600, ...spec },
  status,
});

const availableDeployment = {
  observedGeneration: 1,
  replicas: 2,
  updatedReplicas: 2,
  readyReplicas: 2,
  availableReplicas: 2,
  conditions: [
    cond("Progressing", "True", { reason: "NewReplicaSetAvailable" }),
    cond("Available", "True", { reason: "MinimumReplicasAvailable" }),
  ],
};

interface Case {
  name: string;
  object: KubeObject;
  status: Status;
  message?: RegExp;
}

const cases: Case[] = [
  // Generic rules, before any kind rule.
  {
    name: "any object scheduled for deletion is Terminating",
    object: {
      ...deployment({}, availableDeployment),
      metadata: { name: "d", deletionTimestamp: "2026-01-01T00:00:00Z" },
    },
    status: "Terminating",
  },
  {
    name: "an observedGeneration behind metadata.generation is InProgress",
    object: deployment({}, availableDeployment, 2),
    status: "InProgress",
    message: /generation 2 not observed/,
  },
  {
    name: "Reconciling=True is InProgress whatever the kind",
    object: {
      apiVersion: "example.com/v1",
      kind: "Thing",
      metadata: { name: "t" },
      status: { conditions: [cond("Reconciling", "True", { message: "working" })] },
    },
    status: "InProgress",
    message: /working/,
  },
  {
    name: "Stalled=True is Failed",
    object: {
      apiVersion: "example.com/v1",
      kind: "Thing",
      metadata: { name: "t" },
      status: { conditions: [cond("Stalled", "True", { message: "bad spec" })] },
    },
    status: "Failed",
    message: /bad spec/,
  },

  // Deployments.
  {
    name: "a Deployment with every replica available is Current",
    object: deployment({}, availableDeployment),
    status: "Current",
  },
  {
    name: "a Deployment short of replicas is InProgress",
    object: deployment({}, { ...availableDeployment, replicas: 1 }),
    status: "InProgress",
    message: /replicas 1\/2/,
  },
  {
    name: "a Deployment with an old replica still terminating is InProgress",
    object: deployment({}, { ...availableDeployment, replicas: 3 }),
    status: "InProgress",
    message: /pending termination/,
  },
  {
    name: "a Deployment whose updated replicas are not yet available is InProgress",
    object: deployment({}, { ...availableDeployment, availableReplicas: 1 }),
    status: "InProgress",
    message: /available 1\/2/,
  },
  {
    name: "a Deployment past its progress deadline is Failed",
    object: deployment(
      {},
      {
        ...availableDeployment,
        conditions: [cond("Progressing", "False", { reason: "ProgressDeadlineExceeded" })],
      },
    ),
    status: "Failed",
  },
  {
    name: "a Deployment whose new ReplicaSet is not reported available yet is InProgress",
    object: deployment(
      {},
      {
        ...availableDeployment,
        conditions: [cond("Progressing", "True", { reason: "ReplicaSetUpdated" }), cond("Available", "True")],
      },
    ),
    status: "InProgress",
  },
  {
    name: "a Deployment without a progress deadline needs no Progressing condition",
    object: deployment(
      { progressDeadlineSeconds: 2147483647 },
      { ...availableDeployment, conditions: [cond("Available", "True")] },
    ),
    status: "Current",
  },
  {
    name: "a Deployment with Available=False is InProgress",
    object: deployment(
      {},
      {
        ...availableDeployment,
        conditions: [
          cond("Progressing", "True", { reason: "NewReplicaSetAvailable" }),
          cond("Available", "False"),
        ],
      },
    ),
    status: "InProgress",
  },
  {
    name: "a Deployment scaled to zero is Current once observed",
    object: deployment(
      { replicas: 0 },
      { observedGeneration: 1, conditions: availableDeployment.conditions },
    ),
    status: "Current",
  },

  // DaemonSets.
  {
    name: "a DaemonSet not yet observed is InProgress",
    object: { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "ds", generation: 1 }, status: {} },
    status: "InProgress",
  },
  {
    name: "a DaemonSet with every pod ready is Current",
    object: {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "ds", generation: 1 },
      status: {
        observedGeneration: 1,
        desiredNumberScheduled: 3,
        currentNumberScheduled: 3,
        updatedNumberScheduled: 3,
        numberAvailable: 3,
        numberReady: 3,
      },
    },
    status: "Current",
  },
  {
    name: "a DaemonSet with pods not ready is InProgress",
    object: {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "ds", generation: 1 },
      status: {
        observedGeneration: 1,
        desiredNumberScheduled: 3,
        currentNumberScheduled: 3,
        updatedNumberScheduled: 3,
        numberAvailable: 3,
        numberReady: 2,
      },
    },
    status: "InProgress",
    message: /ready 2\/3/,
  },
  {
    name: "a DaemonSet still rolling is InProgress",
    object: {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "ds", generation: 2 },
      status: {
        observedGeneration: 2,
        desiredNumberScheduled: 3,
        currentNumberScheduled: 3,
        updatedNumberScheduled: 1,
        numberAvailable: 3,
        numberReady: 3,
      },
    },
    status: "InProgress",
    message: /updated 1\/3/,
  },

  // StatefulSets.
  {
    name: "a StatefulSet with the update revision current is Current",
    object: {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "s", generation: 1 },
      spec: { replicas: 2 },
      status: {
        observedGeneration: 1,
        replicas: 2,
        readyReplicas: 2,
        currentReplicas: 2,
        updatedReplicas: 2,
        currentRevision: "r1",
        updateRevision: "r1",
      },
    },
    status: "Current",
  },
  {
    name: "a StatefulSet mid-rollout (revisions differ) is InProgress",
    object: {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "s", generation: 1 },
      spec: { replicas: 2 },
      status: {
        observedGeneration: 1,
        replicas: 2,
        readyReplicas: 2,
        currentReplicas: 2,
        updatedReplicas: 1,
        currentRevision: "r1",
        updateRevision: "r2",
      },
    },
    status: "InProgress",
  },
  {
    name: "a StatefulSet with a partition is Current once the partition is rolled",
    object: {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "s" },
      spec: { replicas: 3, updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 2 } } },
      status: { replicas: 3, readyReplicas: 3, updatedReplicas: 1 },
    },
    status: "Current",
  },
  {
    name: "an OnDelete StatefulSet is Current",
    object: {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "s" },
      spec: { replicas: 3, updateStrategy: { type: "OnDelete" } },
      status: {},
    },
    status: "Current",
  },
  {
    name: "a StatefulSet short of ready replicas is InProgress",
    object: {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "s" },
      spec: { replicas: 3 },
      status: { replicas: 3, readyReplicas: 1 },
    },
    status: "InProgress",
    message: /ready 1\/3/,
  },

  // Jobs: complete, not merely started (as helm --wait-for-jobs).
  {
    name: "a running Job is InProgress",
    object: {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "j" },
      status: { startTime: "2026-01-01T00:00:00Z", active: 1 },
    },
    status: "InProgress",
    message: /running/,
  },
  {
    name: "a Job not started is InProgress",
    object: { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j" }, status: {} },
    status: "InProgress",
  },
  {
    name: "a completed Job is Current",
    object: {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "j" },
      status: { succeeded: 1, conditions: [cond("Complete", "True")] },
    },
    status: "Current",
  },
  {
    name: "a failed Job is Failed",
    object: {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "j" },
      status: { failed: 6, conditions: [cond("Failed", "True", { message: "BackoffLimitExceeded" })] },
    },
    status: "Failed",
    message: /BackoffLimitExceeded/,
  },

  // CRDs.
  {
    name: "an Established CRD is Current",
    object: {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "a.b" },
      status: { conditions: [cond("NamesAccepted", "True"), cond("Established", "True")] },
    },
    status: "Current",
  },
  {
    name: "a CRD without conditions yet is InProgress",
    object: {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "a.b" },
      status: {},
    },
    status: "InProgress",
  },
  {
    name: "a CRD whose names clash is Failed",
    object: {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "a.b" },
      status: { conditions: [cond("NamesAccepted", "False", { message: "plural taken" })] },
    },
    status: "Failed",
    message: /plural taken/,
  },
  {
    name: "a CRD still Installing is InProgress",
    object: {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "a.b" },
      status: { conditions: [cond("Established", "False", { reason: "Installing" })] },
    },
    status: "InProgress",
  },

  // Custom resources with a Ready condition (Flux objects, cert-manager Certificates, FluxInstance).
  {
    name: "a custom resource with Ready=True is Current",
    object: {
      apiVersion: "fluxcd.controlplane.io/v1",
      kind: "FluxInstance",
      metadata: { name: "flux", generation: 1 },
      status: { conditions: [cond("Ready", "True", { observedGeneration: 1 })] },
    },
    status: "Current",
  },
  {
    name: "a custom resource with Ready=False is InProgress, with its reason",
    object: {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: { name: "c" },
      status: { conditions: [cond("Ready", "False", { reason: "Issuing" })] },
    },
    status: "InProgress",
    message: /Issuing/,
  },
  {
    name: "a Ready condition that describes an older generation is InProgress",
    object: {
      apiVersion: "fluxcd.controlplane.io/v1",
      kind: "FluxInstance",
      metadata: { name: "flux", generation: 3 },
      status: { conditions: [cond("Ready", "True", { observedGeneration: 2 })] },
    },
    status: "InProgress",
  },
  {
    name: "a custom resource without conditions is Current once it exists",
    object: { apiVersion: "cilium.io/v2", kind: "CiliumLoadBalancerIPPool", metadata: { name: "pool" } },
    status: "Current",
  },

  // Other kinds.
  {
    name: "a Running Pod that is Ready is Current",
    object: {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      status: { phase: "Running", conditions: [cond("Ready", "True")] },
    },
    status: "Current",
  },
  {
    name: "a crash-looping Pod is Failed",
    object: {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      status: {
        phase: "Running",
        containerStatuses: [{ name: "app", state: { waiting: { reason: "CrashLoopBackOff" } } }],
      },
    },
    status: "Failed",
    message: /app/,
  },
  {
    name: "a Pending PVC is InProgress",
    object: {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "c" },
      status: { phase: "Pending" },
    },
    status: "InProgress",
  },
  {
    name: "a ConfigMap is Current",
    object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } },
    status: "Current",
  },
  {
    name: "a terminating Namespace is Terminating",
    object: {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "n" },
      status: { phase: "Terminating" },
    },
    status: "Terminating",
  },
  {
    name: "a ClusterRole is Current once it exists",
    object: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "r" } },
    status: "Current",
  },
  {
    name: "an APIService that is not Available is InProgress",
    object: {
      apiVersion: "apiregistration.k8s.io/v1",
      kind: "APIService",
      metadata: { name: "v1beta1.metrics.k8s.io" },
      status: { conditions: [cond("Available", "False", { reason: "MissingEndpoints" })] },
    },
    status: "InProgress",
    message: /MissingEndpoints/,
  },
  {
    name: "an Available APIService is Current",
    object: {
      apiVersion: "apiregistration.k8s.io/v1",
      kind: "APIService",
      metadata: { name: "v1beta1.metrics.k8s.io" },
      status: { conditions: [cond("Available", "True")] },
    },
    status: "Current",
  },
  {
    name: "a LoadBalancer Service without a cluster IP is InProgress",
    object: { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { type: "LoadBalancer" } },
    status: "InProgress",
  },
];

describe("computeStatus", () => {
  test.each(cases)("$name", ({ object, status, message }) => {
    const result = computeStatus(object);
    expect(result.status).toBe(status);
    if (message) expect(result.message).toMatch(message);
  });
});

describe("webhookStatus", () => {
  const config = (caBundle?: string): KubeObject => ({
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    metadata: { name: "cert-manager-webhook" },
    webhooks: [
      {
        name: "webhook.cert-manager.io",
        clientConfig: {
          service: { namespace: "cert-manager", name: "cert-manager-webhook" },
          ...(caBundle ? { caBundle } : {}),
        },
      },
      { name: "by-url.example.com", clientConfig: { url: "https://hooks.example.com/validate" } },
    ],
  });

  test("names the Services it calls", () => {
    expect(webhookServices(config("Q0E="))).toEqual(["cert-manager/cert-manager-webhook"]);
  });

  test("is InProgress until the caBundle is injected", () => {
    const r = webhookStatus(config(), new Map([["cert-manager/cert-manager-webhook", { ready: 1 }]]));
    expect(r).toEqual({
      status: "InProgress",
      message: "webhook webhook.cert-manager.io: caBundle not set yet",
    });
  });

  test("is InProgress while its Service has no ready endpoint", () => {
    const r = webhookStatus(config("Q0E="), new Map([["cert-manager/cert-manager-webhook", { ready: 0 }]]));
    expect(r.status).toBe("InProgress");
    expect(r.message).toContain("no ready endpoint");
    expect(webhookStatus(config("Q0E="), new Map()).status).toBe("InProgress");
  });

  test("is Current with a caBundle and a ready endpoint", () => {
    expect(
      webhookStatus(config("Q0E="), new Map([["cert-manager/cert-manager-webhook", { ready: 2 }]])).status,
    ).toBe("Current");
  });
});
