import { describe, expect, it } from "vitest";
import { findingsOf, fleetRepo, lintRepo, replace } from "../../fleet-repo.ts";

const KPS = "kubernetes/apps/infra/observability/kube-prometheus-stack/app/helmrelease.yaml";

const service = (annotation: string) => `---
apiVersion: v1
kind: Service
metadata:
  name: echo
  namespace: kube-system
${annotation}spec:
  type: LoadBalancer
  loadBalancerIP: 192.168.10.99
  ports:
    - port: 80
`;

describe("lb-ip-outside-pool", () => {
  it("valid: grafana's pinned address is in infra's pool", async () => {
    expect(findingsOf(await lintRepo(fleetRepo()), "lb-ip-outside-pool")).toEqual([]);
  });

  it("invalid: an address of the other cluster's pool, pinned in HelmRelease values", async () => {
    const result = await lintRepo(
      fleetRepo({
        [KPS]: replace("lbipam.cilium.io/ips: 192.168.10.70", "lbipam.cilium.io/ips: 192.168.10.100"),
      }),
    );
    const found = findingsOf(result, "lb-ip-outside-pool");
    expect(found.map((f) => [f.cluster, f.object, f.location, f.message])).toEqual([
      [
        "infra",
        "HelmRelease observability/kube-prometheus-stack",
        { file: KPS, line: 16 },
        "load-balancer address 192.168.10.100 (lbipam.cilium.io/ips) is outside every pool of cluster infra (192.168.10.64/27): it is never assigned and the Service stays pending",
      ],
    ]);
    expect(found[0]?.related?.[0]?.file).toBe("kubernetes/apps/base/kube-system/cilium/app/networking.yaml");
  });

  it("invalid: a Service's loadBalancerIP and a comma-separated annotation", async () => {
    const result = await lintRepo(
      fleetRepo({
        "kubernetes/apps/apps/echo.yaml": service(
          "  annotations:\n    io.cilium/lb-ipam-ips: 192.168.10.97,10.0.0.1\n",
        ),
        "kubernetes/apps/apps/kustomization.yaml": replace(
          "  - ../base/flux-system\n",
          "  - ../base/flux-system\n  - ./echo.yaml\n",
        ),
      }),
    );
    expect(
      findingsOf(result, "lb-ip-outside-pool").map((f) => [
        f.cluster,
        f.location?.line,
        f.message.split(" is ")[0],
      ]),
    ).toEqual([["apps", 8, "load-balancer address 10.0.0.1 (io.cilium/lb-ipam-ips)"]]);
  });

  it("valid: a cluster without any pool is not checked", async () => {
    const result = await lintRepo(
      fleetRepo({
        "kubernetes/apps/base/kube-system/cilium/app/kustomization.yaml": replace(
          "  - ./networking.yaml\n",
          "",
        ),
        [KPS]: replace("192.168.10.70", "10.1.2.3"),
      }),
    );
    expect(findingsOf(result, "lb-ip-outside-pool")).toEqual([]);
  });
});
