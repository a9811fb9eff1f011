/**
 * `kubestrap up` killed at the worst moments, and an API server that restarts under it. Each scenario has its
 * own repository, namespaces and journal (kubestrap.yaml), so scenarios share the control plane without
 * touching each other. After every kill, a second `up` must complete, and every helm release must end
 * deployed: none left pending or failed.
 */
import { afterAll, describe, expect, test } from "vitest";
import { restartComponent } from "../../scripts/testenv/cluster.ts";
import type { RunEvent } from "../../src/execute/events.ts";
import { bootstrapRepo } from "../bootstrap-repo.ts";
import { env } from "./env.ts";
import {
  helmRecords,
  ownJournalConfig,
  removeTestNamespaces,
  runKubestrap,
  standInChart,
  startKubestrap,
  testNamespace,
  upArgs,
  workloadChart,
} from "./up-env.ts";

// Namespaces this file created go, so that an environment reused across runs does not fill up.
afterAll(removeTestNamespaces);

interface Scenario {
  repo: string;
  /** Every release, as `namespace/name`. */
  releases: string[];
  ns: string;
}

/**
 * Releases a → (b, c) → d, with readiness delays (and a helm hook that makes a's install last 3 s), the stand-in Flux operator and instance (Ready 3 s after it is
 * installed), 30 ConfigMaps as bootstrap resources and a CRD phase: every phase takes long enough to be killed in.
 */
async function scenario(): Promise<Scenario> {
  const ns = testNamespace("rel");
  const workload = await workloadChart();
  const [operator, instance] = await Promise.all([
    standInChart("flux-operator"),
    standInChart("flux-instance"),
  ]);
  const w = (name: string, delay: string, needs: string[] = [], extra = "") => ({
    name,
    namespace: ns,
    chart: workload,
    needs: needs.map((n) => `${ns}/${n}`),
    values: `readyAfter: ${delay}\nreplicas: 2${extra}`,
  });
  const repo = bootstrapRepo({
    crdReleases: [{ name: "flux-crds", namespace: ns, chart: instance }],
    releases: [
      // helm itself takes 3 s to install a: it waits for a post-install hook Job.
      w("a", "2s", [], "\nhookAfter: 3s"),
      w("b", "2s", ["a"]),
      w("c", "1s", ["a"]),
      w("d", "1s", ["b", "c"]),
      { name: "flux-operator", namespace: `${ns}-flux`, chart: operator, needs: [`${ns}/d`] },
      {
        name: "flux-instance",
        namespace: `${ns}-flux`,
        chart: instance,
        needs: [`${ns}-flux/flux-operator`],
        values: "readyAfter: 3s\ninstance:\n  distribution:\n    version: 2.7.x",
      },
    ],
    config: ownJournalConfig(ns, ""),
    files: {
      "bootstrap/kustomize/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${ns}-base\nresources:\n${Array.from({ length: 30 }, (_, i) => `  - ./cm-${i}.yaml`).join("\n")}\n`,
      ...Object.fromEntries(
        Array.from({ length: 30 }, (_, i) => [
          `bootstrap/kustomize/cm-${i}.yaml`,
          `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-${i}\ndata:\n  index: "${i}"\n`,
        ]),
      ),
    },
  });
  return {
    repo,
    ns,
    releases: ["a", "b", "c", "d"]
      .map((n) => `${ns}/${n}`)
      .concat([`${ns}-flux/flux-operator`, `${ns}-flux/flux-instance`]),
  };
}

async function expectAllDeployed(s: Scenario): Promise<void> {
  for (const id of s.releases) {
    const [namespace, name] = id.split("/") as [string, string];
    const records = await helmRecords(namespace, name);
    expect(records[0]?.status, `${id}: ${JSON.stringify(records)}`).toBe("deployed");
    expect(
      records.filter((r) => r.status.startsWith("pending-")),
      id,
    ).toEqual([]);
  }
}

/** Kills an `up` of the scenario at the first event that matches, then runs `up` again to completion. */
async function killAndResume(
  s: Scenario,
  match: (e: RunEvent) => boolean,
  { scope = "group", delayMs = 0 }: { scope?: "group" | "process"; delayMs?: number } = {},
) {
  const first = startKubestrap(upArgs(s.repo));
  await first.waitFor(match);
  if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
  first.kill(scope);
  const killed = await first.done;
  expect(killed.code).toBe(137);
  const again = await runKubestrap(upArgs(s.repo));
  expect(again.code, `${again.stderr}\n${again.stdout.slice(-3000)}`).toBe(0);
  expect(again.events.at(-1)).toMatchObject({ type: "run-end", outcome: "ok" });
  await expectAllDeployed(s);
  return { killed, again };
}

const progress = (id: RegExp, message: RegExp) => (e: RunEvent) =>
  e.type === "step-progress" && id.test(e.id) && message.test(e.message);

describe("kubestrap up resumes after SIGKILL", () => {
  test("during the prerequisites (bootstrap resources being applied)", async () => {
    const s = await scenario();
    const { again } = await killAndResume(
      s,
      progress(/^prerequisites\/bootstrap\/kustomize$/, /^applying 30 objects$/),
    );
    // The journal recorded the step as running: it runs again, and says why.
    expect(again.events).toContainEqual(
      expect.objectContaining({
        type: "step-progress",
        id: "prerequisites/bootstrap/kustomize",
        message: expect.stringMatching(/^a run stopped during this step/),
      }),
    );
    expect(again.events).toContainEqual(
      expect.objectContaining({ type: "step-end", id: "prerequisites/bootstrap/kustomize", outcome: "done" }),
    );
  });

  test("during the CRD apply", async () => {
    const s = await scenario();
    const { again } = await killAndResume(s, progress(/^crds\/crds$/, /^applying \d+ CRDs$/));
    expect(again.events).toContainEqual(
      expect.objectContaining({
        type: "step-progress",
        id: "crds/crds",
        message: expect.stringMatching(/^a run stopped/),
      }),
    );
    expect(again.events).toContainEqual(
      expect.objectContaining({ type: "step-end", id: "crds/crds", outcome: "done" }),
    );
  });

  test("in the middle of a helm install, killing kubestrap alone (its helm dies with it)", async () => {
    const s = await scenario();
    const first = startKubestrap(upArgs(s.repo));
    await first.waitFor(progress(new RegExp(`^releases/${s.ns}/a$`), /^helm upgrade --install$/));
    // helm is waiting for the release's post-install hook: the release is pending-install.
    await new Promise((r) => setTimeout(r, 1_500));
    first.kill("process");
    await first.done;
    // helm was started through `setpriv --pdeathsig KILL`: it died with kubestrap and could not finish.
    await new Promise((r) => setTimeout(r, 4_000));
    expect(await helmRecords(s.ns, "a")).toEqual([{ revision: 1, status: "pending-install" }]);
    const again = await runKubestrap(upArgs(s.repo));
    expect(again.code, `${again.stderr}\n${again.stdout.slice(-3000)}`).toBe(0);
    expect(again.events).toContainEqual(
      expect.objectContaining({
        type: "step-progress",
        id: `releases/${s.ns}/a`,
        message: "revision 1 was left pending-install by an interrupted run: marking it failed",
      }),
    );
    await expectAllDeployed(s);
    // The interrupted revision stays in helm's history (marked failed, then superseded by helm's upgrade).
    expect(await helmRecords(s.ns, "a")).toEqual([
      { revision: 2, status: "deployed" },
      { revision: 1, status: "superseded" },
    ]);
  });

  test("between two releases", async () => {
    const s = await scenario();
    const { killed, again } = await killAndResume(
      s,
      (e) => e.type === "step-end" && e.id === `releases/${s.ns}/a` && e.outcome === "done",
    );
    expect(killed.events.some((e) => e.type === "step-end" && e.id === `releases/${s.ns}/d`)).toBe(false);
    // What was done is not done again.
    expect(again.events).toContainEqual(
      expect.objectContaining({ type: "step-end", id: `releases/${s.ns}/a`, outcome: "skipped" }),
    );
  });

  test("during the handoff", async () => {
    const s = await scenario();
    const { again } = await killAndResume(s, (e) => e.type === "step-start" && e.id === "handoff/flux");
    for (const id of s.releases)
      expect(again.events).toContainEqual(
        expect.objectContaining({ type: "step-end", id: `releases/${id}`, outcome: "skipped" }),
      );
  });
});

describe("kubestrap up and an API server that restarts", () => {
  test("a restart in the middle of the releases is waited out and the run completes", async () => {
    const s = await scenario();
    const run = startKubestrap(upArgs(s.repo));
    await run.waitFor((e) => e.type === "step-start" && e.id === `releases/${s.ns}/b`);
    await restartComponent("kube-apiserver", { dir: env.dir, downMs: 3_000 });
    // The API server was down and back while the run was still going.
    expect(run.child.exitCode).toBeNull();
    const result = await run.done;
    expect(result.code, `${result.stderr}\n${result.stdout.slice(-3000)}`).toBe(0);
    await expectAllDeployed(s);
  });
});
