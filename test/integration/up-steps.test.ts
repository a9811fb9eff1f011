/**
 * The phases of `up` one by one, each in a repository of its own: commands before the cluster exists (real
 * scripts standing in for talosctl), a hook retried while the webhook it meets is not serving, the handoff with
 * --wait-flux, helm 4, and a release that fails and is fixed.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { bootstrapRepo } from "../bootstrap-repo.ts";
import { CRD_FIXTURES } from "./crd-repo.ts";
import { env, kubectl, pushChart, writeChart } from "./env.ts";
import {
  adminWrites,
  auditMark,
  helmRecords,
  journalData,
  ownJournalConfig,
  removeTestNamespaces,
  runKubestrap,
  standInChart,
  startKubestrap,
  stepOutcomes,
  testNamespace,
  upArgs,
  workloadChart,
} from "./up-env.ts";

// Namespaces this file created go, so that an environment reused across runs does not fill up.
afterAll(removeTestNamespaces);

describe("before the cluster: commands that bring it up", () => {
  /**
   * A `talosctl` standing in for the real one: apply-config logs its call, bootstrap fails twice (etcd not up
   * yet) and then succeeds, kubeconfig writes the test environment's kubeconfig where it is asked to.
   */
  function standInTalosctl(dir: string): string {
    const bin = join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(
      join(bin, "talosctl"),
      `#!/bin/sh
echo "$@" >> "${dir}/calls.log"
case "$1" in
  apply-config) exit 0 ;;
  bootstrap)
    n=$(cat "${dir}/attempts" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "${dir}/attempts"
    if [ $n -lt 3 ]; then echo "rpc error: etcd is not ready" >&2; exit 1; fi ;;
  kubeconfig) cp "${env.kubeconfig}" "$2" ;;
  version) exit 1 ;;
esac
`,
    );
    chmodSync(join(bin, "talosctl"), 0o755);
    return bin;
  }

  test("run in order with their retries, are recorded, and are skipped once done", async () => {
    const ns = testNamespace("talos");
    const dir = mkdtempSync(join(tmpdir(), "kubestrap-talos-"));
    const bin = standInTalosctl(dir);
    const repo = bootstrapRepo({
      releases: [{ name: "app", namespace: ns, chart: await workloadChart() }],
      config: `clusters:
  - name: ${ns}
    kubeconfig: talos/kubeconfig
before:
  - name: apply-config
    command: talosctl
    args: [apply-config, --insecure, --nodes, 10.0.0.1]
    skipIf: { command: talosctl, args: [version] }
  - name: bootstrap
    command: talosctl
    args: [bootstrap]
    retries: 3
  - name: kubeconfig
    command: talosctl
    args: [kubeconfig, talos/kubeconfig]
    creates: talos/kubeconfig
journal:
  namespace: ${ns}-journal
handoff:
  enabled: false
`,
    });
    mkdirSync(join(repo, "talos"));
    const path = { PATH: `${bin}${delimiter}${join(env.bin.kubectl, "..")}${delimiter}${process.env.PATH}` };
    const first = await runKubestrap(["up", "--repo", repo, "--plain-http", "-o", "json"], path);
    expect(first.code, first.stdout).toBe(0);
    expect(stepOutcomes(first.events)).toMatchObject({
      "before/apply-config": "done",
      "before/bootstrap": "done",
      "before/kubeconfig": "done",
      "preflight/api-ready": "done",
      [`releases/${ns}/app`]: "done",
    });
    expect(readFileSync(join(dir, "calls.log"), "utf8").trim().split("\n")).toEqual([
      "version",
      "apply-config --insecure --nodes 10.0.0.1",
      "bootstrap",
      "bootstrap",
      "bootstrap",
      "kubeconfig talos/kubeconfig",
    ]);
    expect(existsSync(join(repo, "talos/kubeconfig"))).toBe(true);
    // The journal recorded them once the cluster existed and its identity was checked.
    const journal = await journalData(`${ns}-journal`);
    expect(JSON.parse(journal["step.before_bootstrap"] as string)).toMatchObject({
      state: "done",
      detail: "succeeded after 3 attempts",
    });
    const second = await runKubestrap(["up", "--repo", repo, "--plain-http", "-o", "json"], path);
    expect(second.code, second.stdout).toBe(0);
    expect(stepOutcomes(second.events)).toMatchObject({
      "before/apply-config": "skipped",
      "before/bootstrap": "skipped",
      "before/kubeconfig": "skipped",
    });
    expect(readFileSync(join(dir, "calls.log"), "utf8").trim().split("\n")).toHaveLength(6);
  });
});

describe("a hook that meets a webhook that is not serving yet", () => {
  test("is retried with backoff until the webhook answers", async () => {
    const ns = testNamespace("hook");
    const ca = readFileSync(join(env.dir, "pki", "ca.crt"));
    // The webhook's server listens from the start, on a port the kernel picks, so no other process can
    // take that port; until `serving` is set it drops every connection, as a webhook that is not up yet.
    let serving = false;
    let reviews = 0;
    const server = createServer(
      {
        cert: readFileSync(join(env.dir, "apiserver-certs", "apiserver.crt")),
        key: readFileSync(join(env.dir, "apiserver-certs", "apiserver.key")),
      },
      (req, res) => {
        if (!serving) {
          req.socket.destroy();
          return;
        }
        let body = "";
        req.on("data", (c) => {
          body += c;
        });
        req.on("end", () => {
          reviews++;
          const review = JSON.parse(body) as { request: { uid: string } };
          res.setHeader("content-type", "application/json");
          res.end(
            JSON.stringify({
              apiVersion: "admission.k8s.io/v1",
              kind: "AdmissionReview",
              response: { uid: review.request.uid, allowed: true },
            }),
          );
        });
      },
    );
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    const port = (server.address() as AddressInfo).port;
    // A chart installing a CRD and a webhook that validates it, served by this test at a URL on loopback.
    const chart = await pushChart(
      writeChart({
        name: `guarded-${ns}`,
        version: "1.0.0",
        crds: {
          "ta.yaml": readFileSync(join(CRD_FIXTURES, "keda/triggerauthentications.keda.sh.yaml"), "utf8"),
        },
        templates: {
          "webhook.yaml": `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: ${ns}
webhooks:
  - name: ${ns}.kubestrap.test
    admissionReviewVersions: ["v1"]
    sideEffects: None
    failurePolicy: Fail
    namespaceSelector:
      matchLabels:
        kubernetes.io/metadata.name: ${ns}
    clientConfig:
      url: https://127.0.0.1:${port}/validate
      caBundle: ${ca.toString("base64")}
    rules:
      - apiGroups: ["keda.sh"]
        apiVersions: ["*"]
        operations: ["CREATE", "UPDATE"]
        resources: ["triggerauthentications"]
`,
        },
      }),
    );
    const repo = bootstrapRepo({
      releases: [
        {
          name: "guarded",
          namespace: ns,
          chart,
          hooks: `- events: [postsync]
  command: kubectl
  args:
    - apply
    - --server-side
    - --namespace={{ .Release.Namespace }}
    - --filename=auth.yaml
  showlogs: true`,
        },
      ],
      config: ownJournalConfig(ns),
      files: {
        "bootstrap/helmfile.d/auth.yaml":
          "apiVersion: keda.sh/v1alpha1\nkind: TriggerAuthentication\nmetadata:\n  name: guarded\nspec:\n  secretTargetRef: []\n",
      },
    });
    const run = startKubestrap(upArgs(repo));
    try {
      await run.waitFor((e) => e.type === "step-progress" && /^postsync hook: kubectl apply/.test(e.message));
      // The hook fails ("failed calling webhook") for a few seconds; then the webhook starts serving.
      await new Promise((r) => setTimeout(r, 3_000));
      serving = true;
      const result = await run.done;
      expect(result.code, result.stdout.slice(-3000)).toBe(0);
      const attempts = result.events.filter(
        (e) => e.type === "step-progress" && /^postsync hook: kubectl apply/.test(e.message),
      ).length;
      expect(attempts).toBeGreaterThan(1);
      expect(reviews).toBeGreaterThan(0);
      expect((await kubectl(["get", "triggerauthentication", "guarded", "-n", ns])).code).toBe(0);
    } finally {
      run.kill();
      server.close();
      await kubectl(["delete", "validatingwebhookconfiguration", ns, "--ignore-not-found"]);
    }
  });
});

describe("the handoff with --wait-flux", () => {
  const kustomization = (name: string, delay: string) => `---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
  annotations:
    kubestrap.dev/ready-after: ${delay}
spec:
  interval: 1h
  path: ./kubernetes/apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`;
  const helmRelease = (name: string, namespace: string, delay: string) => `---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
  namespace: ${namespace}
  annotations:
    kubestrap.dev/ready-after: ${delay}
spec:
  interval: 1h
  chartRef:
    kind: OCIRepository
    name: ${name}
`;

  test("waits until every Kustomization and HelmRelease of the repository exists and is Ready, counting them", async () => {
    const ns = testNamespace("flux");
    const flux = await standInChart("flux-instance");
    // The bootstrap installs the root Kustomization (a classic Flux bootstrap, no FluxInstance); Flux then creates
    // the repository's Kustomization and HelmReleases, which this test does by hand once kubestrap waits for them.
    // The environment's stand-in controller marks each Ready after its delay.
    const root = await pushChart(
      writeChart({
        name: `flux-root-${ns}`,
        version: "1.0.0",
        templates: { "root.yaml": kustomization("flux-system", "1s") },
      }),
    );
    const repo = bootstrapRepo({
      crdReleases: [{ name: "flux-crds", namespace: ns, chart: flux }],
      releases: [{ name: "objects", namespace: ns, chart: root }],
      config: ownJournalConfig(
        ns,
        `handoff:\n  timeoutSeconds: 60\nbootstrap:\n  namespaces: [flux-system]\n`,
      ),
    });
    const run = startKubestrap(upArgs(repo, ["--wait-flux"]));
    try {
      const waiting = await run.waitFor(
        (e) => e.type === "step-progress" && e.id === "handoff/flux" && /not created yet/.test(e.message),
      );
      expect((waiting as { message: string }).message).toMatch(
        new RegExp(
          `Kustomizations not created yet: flux-system/cluster-apps; HelmReleases not created yet: ${ns}/flux-crds, ${ns}/objects`,
        ),
      );
      await kubectl(
        ["apply", "-f", "-"],
        [
          kustomization("cluster-apps", "3s"),
          helmRelease("objects", ns, "2s"),
          helmRelease("flux-crds", ns, "0s"),
        ].join(""),
      );
      const result = await run.done;
      expect(result.code, result.stdout.slice(-3000)).toBe(0);
      const handoff = result.events.find((e) => e.type === "step-end" && e.id === "handoff/flux");
      expect(handoff).toMatchObject({ outcome: "done" });
      // Flux objects of other tests in this cluster are counted too (all must be Ready); this one's are there.
      expect((handoff as { detail: string }).detail).toMatch(
        /^Kustomization flux-system\/flux-system Ready; (\d+)\/\1 Kustomizations Ready, (\d+)\/\2 HelmReleases Ready$/,
      );
      const counts = result.events
        .filter((e) => e.type === "step-progress" && e.id === "handoff/flux")
        .map((e) => (e as { message: string }).message);
      expect(counts.some((m) => /^1\/2 Kustomizations Ready/.test(m))).toBe(true);
    } finally {
      run.kill();
      await kubectl([
        "delete",
        "kustomizations.kustomize.toolkit.fluxcd.io",
        "flux-system",
        "cluster-apps",
        "-n",
        "flux-system",
        "--ignore-not-found",
      ]);
      await kubectl([
        "delete",
        "helmreleases.helm.toolkit.fluxcd.io",
        "--all",
        "-n",
        ns,
        "--ignore-not-found",
      ]);
    }
  });
});

describe("helm 4", () => {
  test("installs, skips when nothing changed, and upgrades when the values do", async () => {
    const ns = testNamespace("helm4");
    const spec = (values: string) => ({
      releases: [{ name: "app", namespace: ns, chart: "", values }],
      config: ownJournalConfig(ns),
    });
    const chart = await workloadChart();
    const first = spec("readyAfter: 1s");
    (first.releases[0] as { chart: string }).chart = chart;
    const repo = bootstrapRepo(first);
    const helm4 = ["--helm", env.bin.helm4];
    expect((await runKubestrap(upArgs(repo, helm4))).code).toBe(0);
    const mark = auditMark();
    const again = await runKubestrap(upArgs(repo, helm4));
    expect(again.code).toBe(0);
    expect(stepOutcomes(again.events)[`releases/${ns}/app`]).toBe("skipped");
    expect(adminWrites(mark)).toEqual([]);
    // A changed value: the release step runs again, with helm 4, as revision 2.
    const changed = spec("readyAfter: 1s\nreplicas: 2");
    (changed.releases[0] as { chart: string }).chart = chart;
    const next = bootstrapRepo(changed);
    const upgrade = await runKubestrap(upArgs(next, helm4));
    expect(upgrade.code, upgrade.stdout).toBe(0);
    expect(stepOutcomes(upgrade.events)[`releases/${ns}/app`]).toBe("done");
    expect(await helmRecords(ns, "app")).toEqual([
      { revision: 2, status: "deployed" },
      { revision: 1, status: "superseded" },
    ]);
  });
});

describe("Ctrl-C", () => {
  const repo = (ns: string, chart: string) =>
    bootstrapRepo({
      releases: [
        { name: "first", namespace: ns, chart, values: "readyAfter: 3s" },
        { name: "second", namespace: ns, chart, needs: [`${ns}/first`] },
      ],
      config: ownJournalConfig(ns),
    });
  const journal = async (ns: string) =>
    Object.values(await journalData(`${ns}-journal`))
      .filter((v) => v.startsWith("{"))
      .map((v) => JSON.parse(v) as { id: string; state: string });

  test("once: the running step ends, nothing new starts, exit 130, and the next run resumes", async () => {
    const ns = testNamespace("sigint");
    const r = repo(ns, await workloadChart());
    const run = startKubestrap(upArgs(r));
    await run.waitFor(
      (e) => e.type === "step-progress" && e.id === `releases/${ns}/first` && /waiting for/.test(e.message),
    );
    run.child.kill("SIGINT");
    const result = await run.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain("stopping after the running steps");
    expect(stepOutcomes(result.events)).toMatchObject({
      [`releases/${ns}/first`]: "done",
      [`releases/${ns}/second`]: "not-started",
    });
    expect(result.events.at(-1)).toMatchObject({ type: "run-end", outcome: "interrupted" });
    expect((await journal(ns)).find((e) => e.id === `releases/${ns}/first`)?.state).toBe("done");
    const again = await runKubestrap(upArgs(r));
    expect(again.code).toBe(0);
    expect(stepOutcomes(again.events)).toMatchObject({
      [`releases/${ns}/first`]: "skipped",
      [`releases/${ns}/second`]: "done",
    });
  });

  test("twice: the running step is interrupted (its helm killed) and recorded so", async () => {
    const ns = testNamespace("sigint2");
    const r = repo(ns, await workloadChart());
    const run = startKubestrap(upArgs(r));
    await run.waitFor(
      (e) => e.type === "step-progress" && e.id === `releases/${ns}/first` && /waiting for/.test(e.message),
    );
    run.child.kill("SIGINT");
    await new Promise((resolve) => setTimeout(resolve, 200));
    run.child.kill("SIGINT");
    const result = await run.done;
    expect(result.code).toBe(130);
    expect(stepOutcomes(result.events)[`releases/${ns}/first`]).toBe("interrupted");
    expect((await journal(ns)).find((e) => e.id === `releases/${ns}/first`)?.state).toBe("interrupted");
    const again = await runKubestrap(upArgs(r));
    expect(again.code, again.stdout.slice(-2000)).toBe(0);
  });
});

describe("a release that never becomes ready", () => {
  test("fails its step with what is not ready, blocks its dependents, and is fixed by the next run", async () => {
    const ns = testNamespace("fail");
    const chart = await workloadChart();
    const config = ownJournalConfig(ns);
    const repo = (ready: boolean) =>
      bootstrapRepo({
        releases: [
          { name: "broken", namespace: ns, chart, values: `ready: ${ready}` },
          { name: "after", namespace: ns, chart, needs: [`${ns}/broken`] },
          { name: "aside", namespace: ns, chart },
        ],
        config,
      });
    const failing = await runKubestrap(upArgs(repo(false), ["--timeout", "5"]));
    expect(failing.code).toBe(1);
    const broken = failing.events.find((e) => e.type === "step-end" && e.id === `releases/${ns}/broken`);
    expect(broken).toMatchObject({ outcome: "failed" });
    expect((broken as { detail: string }).detail).toMatch(
      new RegExp(`not ready after \\d s: Deployment ${ns}/broken \\(InProgress: available 0/1\\)`),
    );
    expect(stepOutcomes(failing.events)).toMatchObject({
      [`releases/${ns}/after`]: "blocked",
      [`releases/${ns}/aside`]: "done",
    });
    const status = await runKubestrap([
      "status",
      "--repo",
      repo(false),
      "--kubeconfig",
      env.kubeconfig,
      "-o",
      "json",
    ]);
    const states = Object.fromEntries(
      (JSON.parse(status.stdout) as { steps: { id: string; state: string }[] }).steps.map((s) => [
        s.id,
        s.state,
      ]),
    );
    expect(states).toMatchObject({
      [`releases/${ns}/broken`]: "failed",
      [`releases/${ns}/after`]: "pending",
    });
    expect(status.code).toBe(1);
    const fixed = await runKubestrap(upArgs(repo(true)));
    expect(fixed.code, fixed.stdout.slice(-2000)).toBe(0);
    expect(stepOutcomes(fixed.events)).toMatchObject({
      [`releases/${ns}/broken`]: "done",
      [`releases/${ns}/after`]: "done",
      [`releases/${ns}/aside`]: "skipped",
    });
  });
});
