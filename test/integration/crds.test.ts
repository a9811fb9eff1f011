/**
 * `kubestrap crds` end to end, as a user runs it: the CLI in a child process, the real helm, charts in the
 * local OCI registry, a HelmRepository over HTTP and a chart inside the repository, applied to the local
 * control plane.
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { extractCrds } from "../../src/charts/render.ts";
import { ALL_EXPECTED, buildCrdRepo, type CrdRepo, fixtureCrd } from "./crd-repo.ts";
import {
  env,
  type HelmMajor,
  helmBin,
  kubectl,
  kubectlJson,
  kubectlOk,
  pushChart,
  runOk,
  writeChart,
} from "./env.ts";

const BIN = join(import.meta.dirname, "../../bin/kubestrap.js");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kubestrap(
  args: string[],
  { helm = 3 as HelmMajor, cache }: { helm?: HelmMajor; cache: string },
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: { ...process.env, KUBESTRAP_HELM: helmBin(helm), KUBESTRAP_CACHE_DIR: cache, NO_COLOR: "1" },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) || 1 : 0, stdout, stderr }),
    );
  });
}

interface Crd {
  metadata: { name: string; resourceVersion: string; managedFields?: { manager: string }[] };
  status?: { conditions?: { type: string; status: string }[]; storedVersions?: string[] };
}

async function liveCrds(names: string[]): Promise<Map<string, Crd>> {
  const list = await kubectlJson<{ items: Crd[] }>(["get", "crd", ...names, "--show-managed-fields"]);
  return new Map(list.items.map((c) => [c.metadata.name, c]));
}

let repo: CrdRepo;

beforeAll(async () => {
  await kubectlOk(["delete", "crd", "--ignore-not-found", "--wait=true", ...ALL_EXPECTED]);
  repo = await buildCrdRepo();
});

afterAll(async () => {
  await repo?.close();
});

describe("kubestrap crds", () => {
  test("prints the bootstrap CRD set from OCI, HelmRepository and in-repository charts, with helm 3 and helm 4", async () => {
    const cache = mkdtempSync(join(tmpdir(), "kubestrap-cache-"));
    const names3 = await kubestrap(["crds", "--repo", repo.dir, "-o", "names"], { cache });
    expect(names3.stderr).toBe("");
    expect(names3.code).toBe(0);
    expect(names3.stdout.trim().split("\n")).toEqual(ALL_EXPECTED);

    // --offline: what is in the cache is enough; an empty cache is an error that names the release.
    const offline = await kubestrap(["crds", "--repo", repo.dir, "-o", "names", "--offline"], { cache });
    expect(offline.code).toBe(0);
    expect(offline.stdout).toBe(names3.stdout);
    const empty = mkdtempSync(join(tmpdir(), "kubestrap-cache-"));
    const offlineEmpty = await kubestrap(["crds", "--repo", repo.dir, "-o", "names", "--offline"], {
      cache: empty,
    });
    expect(offlineEmpty.code).toBe(1);
    expect(offlineEmpty.stderr).toMatch(
      /release keda\/keda \(chart oci:\/\/.*\/charts\/keda:2\.17\.0\): not in the chart cache/,
    );

    const names4 = await kubestrap(["crds", "--repo", repo.dir, "-o", "names"], { helm: 4, cache });
    expect(names4.code).toBe(0);
    expect(names4.stdout).toBe(names3.stdout);

    // The YAML is the charts' own documents: the fixture's text for a crds/ file, and for every chart exactly
    // the CRD documents `helm template --include-crds` prints (keda's are read from the archive, the others
    // rendered by helm).
    const yaml = await kubestrap(["crds", "--repo", repo.dir], { cache });
    expect(yaml.stdout).toContain(fixtureCrd("keda", "scaledobjects.keda.sh").replace(/^---\n/, ""));
    const fromKubestrap = new Map(extractCrds(yaml.stdout).map((c) => [c.name, c.text]));
    const pulled = mkdtempSync(join(tmpdir(), "kubestrap-pull-"));
    for (const [chart, version, values] of [
      ["keda", "2.17.0", []],
      ["external-secrets", "0.19.0", ["--set", "installCRDs=true"]],
    ] as const) {
      await runOk(helmBin(3), [
        "pull",
        `oci://${env.registry}/charts/${chart}`,
        "--version",
        version,
        "--plain-http",
        "-d",
        pulled,
      ]);
      const rendered = await runOk(helmBin(3), [
        "template",
        chart,
        join(pulled, `${chart}-${version}.tgz`),
        "--include-crds",
        ...values,
      ]);
      const fromHelm = extractCrds(rendered);
      expect(fromHelm.length).toBe(2);
      for (const crd of fromHelm) expect(fromKubestrap.get(crd.name), crd.name).toBe(crd.text);
    }
  });

  test("a reader that stops early (`| head`) ends the run quietly with exit 0", async () => {
    const cache = mkdtempSync(join(tmpdir(), "kubestrap-cache-"));
    expect((await kubestrap(["crds", "--repo", repo.dir, "-o", "names"], { cache })).code).toBe(0);
    // The reader reads nothing and is gone long before kubestrap (hundreds of milliseconds of start-up and
    // rendering) writes its first byte: every write meets the closed pipe, whatever the output's size.
    const head = await runOk("bash", [
      "-c",
      `set -o pipefail; KUBESTRAP_CACHE_DIR='${cache}' KUBESTRAP_HELM='${helmBin(3)}' '${process.execPath}' '${BIN}' crds --repo '${repo.dir}' 2>&1 | head -c 0 >/dev/null; echo "exit $?"`,
    ]);
    expect(head).toBe("exit 0\n");
  });

  test("--apply creates every CRD, waits until Established, and a second apply changes nothing", async () => {
    const cache = mkdtempSync(join(tmpdir(), "kubestrap-cache-"));
    const first = await kubestrap(["crds", "--repo", repo.dir, "--apply", "--kubeconfig", env.kubeconfig], {
      cache,
    });
    expect(first.stderr).toContain(`applying to ${env.server}`);
    expect(first.code).toBe(0);
    for (const name of ALL_EXPECTED)
      expect(first.stdout).toMatch(
        new RegExp(`^created +${name.replace(/\./g, "\\.")}  Established in`, "m"),
      );
    expect(first.stdout).toContain(`${ALL_EXPECTED.length} CRDs Established: ${ALL_EXPECTED.length} created`);

    const before = await liveCrds(ALL_EXPECTED);
    for (const crd of before.values()) {
      const conditions = crd.status?.conditions ?? [];
      expect(conditions.find((c) => c.type === "Established")?.status).toBe("True");
      expect(conditions.find((c) => c.type === "NamesAccepted")?.status).toBe("True");
      expect(crd.metadata.managedFields?.map((f) => f.manager)).toContain("kubestrap");
    }

    const second = await kubestrap(["crds", "--repo", repo.dir, "--apply", "--kubeconfig", env.kubeconfig], {
      cache,
    });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain("8 CRDs from 4 releases (4 cached)");
    expect(second.stdout).toContain(
      `${ALL_EXPECTED.length} CRDs Established: 0 created, 0 configured, ${ALL_EXPECTED.length} unchanged`,
    );
    const after = await liveCrds(ALL_EXPECTED);
    for (const [name, crd] of after)
      expect(crd.metadata.resourceVersion).toBe(before.get(name)?.metadata.resourceVersion);
  });
});

describe("kubestrap crds safety and errors", () => {
  const widgets = (versions: { name: string; storage: boolean }[]) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.kubestrap.test
spec:
  group: kubestrap.test
  scope: Namespaced
  names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }
  versions:
${versions
  .map(
    (v) => `    - name: ${v.name}
      served: true
      storage: ${v.storage}
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
`,
  )
  .join("")}`;

  const singleChartRepo = async (chart: string, version = "0.1.0") => {
    const ref = await pushChart(chart, 3);
    const name = ref.slice(ref.lastIndexOf("/") + 1);
    const { makeRepo } = await import("../helpers.ts");
    return makeRepo({
      "bootstrap/helmfile.d/00-crds.yaml": `repositories:\n  - name: local\n    url: ${env.registry}/charts\n    oci: true\nreleases:\n  - name: ${name}\n    namespace: kube-system\n    chart: ${ref}\n    version: ${version}\n`,
    });
  };

  test("refuses to drop a version still in status.storedVersions, and writes nothing", async () => {
    await kubectlOk(["delete", "crd", "--ignore-not-found", "widgets.kubestrap.test"]);
    await kubectlOk(
      ["apply", "--server-side", "-f", "-"],
      widgets([
        { name: "v1alpha1", storage: true },
        { name: "v1", storage: false },
      ]),
    );
    const before = await kubectlJson<Crd>(["get", "crd", "widgets.kubestrap.test"]);
    expect(before.status?.storedVersions).toEqual(["v1alpha1"]);

    const chart = writeChart({
      name: "widgets",
      version: "0.1.0",
      crds: { "widgets.yaml": widgets([{ name: "v1", storage: true }]) },
    });
    const dir = await singleChartRepo(chart);
    const cache = mkdtempSync(join(tmpdir(), "kubestrap-cache-"));
    const run = await kubestrap(
      ["crds", "--repo", dir, "--plain-http", "--apply", "--kubeconfig", env.kubeconfig],
      { cache },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /CRD widgets\.kubestrap\.test would drop v1alpha1, still listed in status\.storedVersions/,
    );
    const after = await kubectlJson<Crd>(["get", "crd", "widgets.kubestrap.test"]);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);

    // An update that keeps the stored version goes through, and says what it changes.
    const next = writeChart({
      name: "widgets",
      version: "0.2.0",
      crds: {
        "widgets.yaml": widgets([
          { name: "v1alpha1", storage: true },
          { name: "v1", storage: false },
          { name: "v2", storage: false },
        ]),
      },
    });
    const updateArgs = ["crds", "--repo", await singleChartRepo(next, "0.2.0"), "--plain-http", "--apply"];
    updateArgs.push("--kubeconfig", env.kubeconfig);
    // kubectl created the CRD, so server-side apply refuses to take its fields over unless told to.
    const conflict = await kubestrap(updateArgs, { cache });
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toMatch(/conflict with "kubectl".*pass --force-conflicts to take them over/);
    const update = await kubestrap([...updateArgs, "--force-conflicts"], { cache });
    expect(update.code).toBe(0);
    expect(update.stdout).toMatch(
      /^configured +widgets\.kubestrap\.test {2}Established in .*\n +version v2 added$/m,
    );
    const updated = await kubectlJson<{ spec: { versions: { name: string }[] } }>([
      "get",
      "crd",
      "widgets.kubestrap.test",
    ]);
    expect(updated.spec.versions.map((v) => v.name)).toEqual(["v1alpha1", "v1", "v2"]);
  });

  test("a chart that fails to render is an error naming the release and the chart", async () => {
    const chart = writeChart({
      name: "broken",
      version: "0.1.0",
      templates: { "fail.yaml": '{{ fail "the value .Values.mandatory is required" }}\n' },
    });
    const dir = await singleChartRepo(chart);
    const cache = mkdtempSync(join(tmpdir(), "kubestrap-cache-"));
    const run = await kubestrap(["crds", "--repo", dir, "--plain-http", "-o", "names"], { cache });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      /bootstrap\/helmfile\.d\/00-crds\.yaml:\d+: error chart-render-failed: release kube-system\/broken \(chart oci:\/\/127\.0\.0\.1:\d+\/charts\/broken:0\.1\.0\): helm template failed: execution error at \(broken\/templates\/fail\.yaml:1:3\): the value \.Values\.mandatory is required/,
    );
    expect((await kubectl(["get", "crd", "widgets.kubestrap.test"])).code).toBe(0);
  });
});
