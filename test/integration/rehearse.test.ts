/**
 * `kubestrap rehearse` end to end: each rehearsal starts a throwaway control plane of its own (not the shared
 * test environment, whose Flux stand-in would mark everything Ready), bootstraps it, converges the repository and
 * removes it. One repository that converges, one with six independent ways of not converging, each caught with the
 * right object, file and line, and a rehearsal killed with SIGKILL that leaves nothing behind.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { type RehearsalResult, type RehearsedObject, rehearse } from "../../src/app/rehearse.ts";
import { controlPlaneProcesses } from "../../src/cluster/local/control-plane.ts";
import { crd } from "../helpers.ts";
import { deployment, helmRelease, kustomization, rehearsalRepo, WEB_CHART } from "../rehearse-repo.ts";

const BIN = join(import.meta.dirname, "../../bin/kubestrap.js");

function rehearsalFolders(): string[] {
  return readdirSync(tmpdir()).filter((e) => e.startsWith("kubestrap-rehearse-"));
}

const object = (result: RehearsalResult, kind: string, id: string): RehearsedObject => {
  const found = result.objects.find((o) => o.kind === kind && o.id === id);
  if (!found) throw new Error(`no ${kind} ${id} in ${JSON.stringify(result.objects)}`);
  return found;
};

describe("kubestrap rehearse", () => {
  test("a repository that converges: every Kustomization and HelmRelease Ready, in dependsOn order", async () => {
    const before = rehearsalFolders();
    const repo = rehearsalRepo(
      {
        app: {
          ks: kustomization("app"),
          files: { "deployment.yaml": deployment("app", { readyAfter: "2s" }) },
        },
        web: {
          ks: kustomization("web", { dependsOn: ["app"] }),
          files: { "helmrelease.yaml": helmRelease("web", "web", "{ replicas: 2 }") },
        },
      },
      {
        ...WEB_CHART,
        "kubestrap.yaml": "rehearse:\n  readiness:\n    Deployment: 10s\n    Deployment/demo/web: 45s\n",
      },
    );
    const lines: string[] = [];
    const result = await rehearse({
      repo,
      emit: () => {},
      log: (l) => lines.push(l),
      waitTimeoutSeconds: 60,
    });
    expect(result.outcome).toBe("ok");
    expect(result.objects.map((o) => `${o.kind} ${o.id} ${o.verdict}`).sort()).toEqual([
      "HelmRelease demo/web converged",
      "Kustomization flux-system/app converged",
      "Kustomization flux-system/cluster-apps converged",
      "Kustomization flux-system/flux-system converged",
      "Kustomization flux-system/web converged",
    ]);
    const app = object(result, "Kustomization", "flux-system/app");
    const web = object(result, "HelmRelease", "demo/web");
    // app waits for its Deployment, which kwok makes Ready 2 s after its Pod started; web depends on app.
    expect(app.readyAt).toBeGreaterThanOrEqual(2);
    expect(web.readyAt).toBeGreaterThan(app.readyAt as number);
    expect(result.converge?.criticalPath).toEqual(
      expect.arrayContaining(["ready/flux-system/app", "helmrelease/demo/web"]),
    );
    expect(result.timings.controlPlane).toBeGreaterThan(0);
    expect(result.notRehearsed).toEqual([]);
    // On a real cluster app's Deployment takes the declared 10 s (kwok gave it 2 already) and web's 45 s.
    const prediction = result.prediction;
    expect(prediction?.readiness).toMatchObject({ Deployment: 10, "Deployment/demo/web": 45, Job: 60 });
    const slowed = prediction?.convergence.path.filter((s) => s.delay > 0);
    expect(slowed?.map((s) => [s.id, s.delay, s.slowest])).toEqual([
      ["ready/flux-system/app", 8, "Deployment demo/app"],
      ["helmrelease/demo/web", 45, "Deployment demo/web"],
    ]);
    expect(prediction?.bootstrap.path.every((s) => s.delay === 0)).toBe(true);
    expect(prediction?.seconds).toBeCloseTo((prediction?.measured ?? 0) + 53, -1);
    expect(prediction?.seconds).toBeGreaterThan(53);
    // The throwaway control plane is gone.
    expect(rehearsalFolders()).toEqual(before);
    const dir = lines.find((l) => l.startsWith("control plane: starting in "))?.slice(27) ?? "";
    expect(dir).toContain("kubestrap-rehearse-");
    expect(existsSync(dir)).toBe(false);
    expect(controlPlaneProcesses(dir)).toEqual([]);
  }, 180_000);

  test("what does not converge is named with the API server's words, its file and line", async () => {
    const repo = rehearsalRepo(
      {
        // The API server refuses the object: replicas is an integer.
        schema: {
          ks: kustomization("schema"),
          files: { "deployment.yaml": deployment("schema", { replicas: '"two"' }) },
        },
        // The namespace does not exist, and nothing creates it.
        nowhere: {
          ks: kustomization("nowhere", { targetNamespace: "nowhere" }),
          files: {
            "configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n",
          },
        },
        // A custom resource applied before its CRD: the Kustomization that installs the CRD depends on this one.
        widgets: {
          ks: kustomization("widgets"),
          files: {
            "widget.yaml": "apiVersion: example.dev/v1\nkind: Widget\nmetadata:\n  name: w\nspec: {}\n",
          },
        },
        "widget-crd": {
          ks: kustomization("widget-crd", { dependsOn: ["widgets"] }),
          files: {
            "crd.yaml": crd("example.dev", "Widget"),
          },
        },
        // The chart's values schema wants an integer.
        web: {
          ks: kustomization("web"),
          files: { "helmrelease.yaml": helmRelease("web", "web", '{ replicas: "many" }') },
        },
        // The health check's Deployment is not Ready within the timeout.
        slow: {
          ks: kustomization("slow", {
            wait: false,
            extra:
              "  healthChecks:\n    - apiVersion: apps/v1\n      kind: Deployment\n      name: slow\n      namespace: demo\n",
          }),
          files: { "deployment.yaml": deployment("slow", { readyAfter: "1h" }) },
        },
        // A second Kustomization changes an immutable field of the first one's Deployment.
        first: { ks: kustomization("first"), files: { "deployment.yaml": deployment("shared") } },
        second: {
          ks: kustomization("second", { dependsOn: ["first"] }),
          files: {
            "deployment.yaml": deployment("shared")
              .replace("matchLabels: { app: shared }", "matchLabels: { app: shared, tier: two }")
              .replace("labels: { app: shared }", "labels: { app: shared, tier: two }"),
          },
        },
      },
      WEB_CHART,
    );
    const result = await rehearse({ repo, emit: () => {}, waitTimeoutSeconds: 15 });
    expect(result.outcome).toBe("failed");
    const at = (o: RehearsedObject) => `${o.location.file}:${o.location.line}`;

    const schema = object(result, "Kustomization", "flux-system/schema");
    expect(schema.verdict).toBe("failed");
    expect(schema.message).toMatch(/Deployment demo\/schema: .*replicas/);
    expect(at(schema)).toBe("kubernetes/apps/schema/app/deployment.yaml:1");
    expect(schema.predicted).toContain("schema-invalid");

    const nowhere = object(result, "Kustomization", "flux-system/nowhere");
    expect(nowhere.verdict).toBe("failed");
    expect(nowhere.message).toMatch(/namespaces "nowhere" not found/);
    expect(at(nowhere)).toBe("kubernetes/apps/nowhere/app/configmap.yaml:1");

    // Retried as Flux retries, until the timeout: the CRD never comes.
    const widgets = object(result, "Kustomization", "flux-system/widgets");
    expect(widgets.verdict).toBe("failed");
    expect(widgets.message).toMatch(/Widget demo\/w: the cluster serves no Widget in example.dev\/v1/);
    expect(at(widgets)).toBe("kubernetes/apps/widgets/app/widget.yaml:1");
    expect(object(result, "Kustomization", "flux-system/widget-crd").verdict).toBe("blocked");

    const web = object(result, "HelmRelease", "demo/web");
    expect(web.verdict).toBe("failed");
    expect(web.message).toMatch(/replicas/);
    expect(at(web)).toBe("kubernetes/apps/web/app/helmrelease.yaml:1");
    // The Kustomization waits for its HelmRelease, which failed.
    expect(object(result, "Kustomization", "flux-system/web").verdict).toBe("blocked");

    const slow = object(result, "Kustomization", "flux-system/slow");
    expect(slow.verdict).toBe("failed");
    expect(slow.message).toMatch(/not ready after 15 s: Deployment demo\/slow/);
    expect(at(slow)).toBe("kubernetes/apps/slow/ks.yaml:1");

    expect(object(result, "Kustomization", "flux-system/first").verdict).toBe("converged");
    const second = object(result, "Kustomization", "flux-system/second");
    expect(second.verdict).toBe("failed");
    expect(second.message).toMatch(/field is immutable/);
    expect(at(second)).toBe("kubernetes/apps/second/app/deployment.yaml:1");
  }, 240_000);

  test("the cluster's feature gates: an HPA that scales to zero converges only where HPAScaleToZero is on", async () => {
    const hpa = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: zero
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: zero }
  minReplicas: 0
  maxReplicas: 2
  metrics:
    - type: Object
      object:
        describedObject: { apiVersion: v1, kind: Service, name: queue }
        metric: { name: depth }
        target: { type: Value, value: "1" }
`;
    const apps = {
      zero: { ks: kustomization("zero"), files: { "deployment.yaml": deployment("zero"), "hpa.yaml": hpa } },
    };
    const without = await rehearse({ repo: rehearsalRepo(apps), emit: () => {}, waitTimeoutSeconds: 15 });
    const refused = object(without, "Kustomization", "flux-system/zero");
    expect(refused.verdict).toBe("failed");
    expect(refused.message).toMatch(/minReplicas/);
    expect(`${refused.location.file}:${refused.location.line}`).toBe("kubernetes/apps/zero/app/hpa.yaml:1");

    const gated = rehearsalRepo(apps, {
      "kubestrap.yaml": "rehearse:\n  featureGates:\n    HPAScaleToZero: true\n",
    });
    const withGate = await rehearse({ repo: gated, emit: () => {}, waitTimeoutSeconds: 15 });
    expect(object(withGate, "Kustomization", "flux-system/zero").verdict).toBe("converged");
    expect(withGate.outcome).toBe("ok");
    // A flag turns a gate of kubestrap.yaml off again.
    const off = await rehearse({
      repo: gated,
      emit: () => {},
      waitTimeoutSeconds: 15,
      featureGates: { HPAScaleToZero: false },
    });
    expect(object(off, "Kustomization", "flux-system/zero").verdict).toBe("failed");
  }, 240_000);

  test("what cannot be had offline is listed as not rehearsed, and the rest still meets the API server", async () => {
    const gadget = "apiVersion: gadgets.kubestrap.test/v1\nkind: Gadget\nmetadata:\n  name: g\nspec: {}\n";
    const settings = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n";
    const repo = rehearsalRepo(
      {
        // Its Gadget's CRD comes from the chart nothing can fetch: the ConfigMap is applied without it.
        gadgets: {
          ks: kustomization("gadgets"),
          files: { "configmap.yaml": settings, "gadget.yaml": gadget },
        },
        // Leaving the Gadget out does not hide what the API server says about the rest.
        broken: {
          ks: kustomization("broken"),
          files: { "gadget.yaml": gadget, "deployment.yaml": deployment("broken", { replicas: '"two"' }) },
        },
      },
      {
        ...WEB_CHART,
        // A bootstrap release whose registry does not answer (nothing listens on port 9).
        "bootstrap/helmfile.d/02-gadgets.yaml":
          "releases:\n  - name: gadgets\n    namespace: flux-system\n    chart: oci://127.0.0.1:9/charts/gadgets\n    version: 1.0.0\n",
        // A bootstrap secret whose value only 1Password has.
        "bootstrap/resources.yaml":
          "apiVersion: v1\nkind: Secret\nmetadata:\n  name: token\n  namespace: flux-system\nstringData:\n  token: op://vault/item/token\n",
      },
    );
    const result = await rehearse({ repo, emit: () => {}, waitTimeoutSeconds: 15 });
    expect(result.planErrors).toBeUndefined();
    expect(result.notRehearsed.map((n) => `${n.kind} ${n.id}`)).toEqual([
      "bootstrap resources bootstrap/resources.yaml",
      "bootstrap release flux-system/gadgets",
      "handoff handoff/flux",
      "Kustomization flux-system/gadgets",
    ]);
    const left = result.notRehearsed.find((n) => n.kind === "Kustomization");
    expect(left?.reason).toBe(
      "1 of its 2 objects were left out: Gadget (gadgets.kubestrap.test), whose CRD most likely comes from HelmRelease flux-system/gadgets (bootstrap) (by its name), was not rehearsed",
    );
    expect(object(result, "Kustomization", "flux-system/gadgets").verdict).toBe("not-rehearsed");
    const broken = object(result, "Kustomization", "flux-system/broken");
    expect(broken.verdict).toBe("failed");
    expect(broken.message).toMatch(/Deployment demo\/broken: .*replicas/);
    // Everything else converged, and the rehearsal says it failed because of the broken one alone.
    expect(result.objects.filter((o) => o.verdict === "failed").map((o) => o.id)).toEqual([
      "flux-system/broken",
    ]);
    expect(result.outcome).toBe("failed");
  }, 180_000);

  test("a rehearsal killed with SIGKILL leaves no process and no folder behind", async () => {
    const repo = rehearsalRepo({
      app: {
        ks: kustomization("app"),
        files: { "deployment.yaml": deployment("app", { readyAfter: "1h" }) },
      },
    });
    const child = spawn(process.execPath, [BIN, "rehearse", "--repo", repo, "--timeout", "120"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    const dir = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no control plane started:\n${stderr}`)), 120_000);
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        // Killed while it converges: the Deployment is never Ready, so it is waiting.
        const started = /control plane: starting in (\S+)/.exec(stderr);
        if (started && stderr.includes("ready/flux-system/app")) {
          clearTimeout(timer);
          resolve(started[1] as string);
        }
      });
    });
    expect(controlPlaneProcesses(dir).length).toBeGreaterThanOrEqual(5);
    child.kill("SIGKILL");
    const deadline = Date.now() + 20_000;
    while ((existsSync(dir) || controlPlaneProcesses(dir).length > 0) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));
    expect(controlPlaneProcesses(dir)).toEqual([]);
    expect(existsSync(join(dir, ".."))).toBe(false);
  }, 180_000);
});
