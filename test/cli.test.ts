import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const bin = new URL("../bin/kubestrap.js", import.meta.url).pathname;
const example = (name: string) => new URL(`../examples/${name}`, import.meta.url).pathname;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("kubestrap CLI", () => {
  it("exits 0 on a clean repository and ends with the inventory: the Flux tree, then the bootstrap", () => {
    const r = run("lint", "--repo", example("homelab"));
    expect(r.code).toBe(0);
    const [flux, bootstrap] = r.stdout.trim().split("\n").slice(-2);
    expect(flux).toMatch(/^68 YAML files, 14 Flux Kustomizations \(14 reachable\), 9 HelmReleases/);
    expect(bootstrap).toBe("bootstrap: 2 helmfiles in bootstrap/helmfile.d: 1 CRD release, 6 releases");
    expect(r.stdout).not.toContain("\u001b[");
  });

  it("exits 1 with error findings, grouped by file", () => {
    const r = run("lint", "--repo", example("homelab-broken"));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "kubernetes/apps/default/podinfo/app/scaledobject.yaml\n    2  error   ScaledObject default/podinfo:",
    );
  });

  it("crds: a helm that cannot run is one clear error, exit 1", () => {
    const r = run("crds", "--repo", example("homelab"), "--helm", "/nonexistent/helm", "-o", "names");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^kubestrap: cannot run helm \(\/nonexistent\/helm\): .*install helm 3\.14\+ or 4\.x, or pass --helm\n$/,
    );
  });

  it("crds --help explains the phase and the exit status", () => {
    const r = run("crds", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--allow-stored-version-removal");
    expect(r.stdout).toMatch(/Exit status: 0 done, 1 a chart failed/);
  });

  it("exits 2 on bad usage and on an unreadable repository", () => {
    expect(run("lint", "--output", "xml").code).toBe(2);
    expect(run("lint", "--rule", "no-such-rule=off").code).toBe(2);
    const missing = run("lint", "--repo", "/nonexistent/repo");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read repository /nonexistent/repo");
    expect(run("lint", "--repo", example("homelab"), "--cluster", "nope").code).toBe(2);
  });

  it("--rule changes severities", () => {
    const r = run(
      "lint",
      "--repo",
      example("homelab-broken"),
      "--output",
      "json",
      ...[
        "crd-missing",
        "crd-deadlock",
        "crd-same-unit",
        "dependson-missing",
        "dependson-cycle",
        "duplicate-object",
        "path-missing",
      ].flatMap((id) => ["--rule", `${id}=warning`]),
    );
    expect(r.code).toBe(0);
  });

  it("--output json carries findings, summary and inventory", () => {
    const r = run("lint", "--repo", example("homelab-broken"), "--output", "json");
    const json = JSON.parse(r.stdout);
    expect(json.summary).toEqual({ error: 7, warning: 3, info: 0 });
    expect(json.inventory.helmReleases).toEqual({ total: 9, reachable: 8 });
    expect(json.findings[0]).toHaveProperty("ruleId");
  });

  it("--output sarif is SARIF 2.1.0 with repository-relative locations", () => {
    const sarif = JSON.parse(run("lint", "--repo", example("homelab-broken"), "--output", "sarif").stdout);
    expect(sarif.version).toBe("2.1.0");
    const result = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === "crd-missing");
    expect(result.level).toBe("error");
    expect(result.message.text).toContain("ScaledObject");
    expect(result.locations[0].physicalLocation).toEqual({
      artifactLocation: {
        uri: "kubernetes/apps/default/podinfo/app/scaledobject.yaml",
        uriBaseId: "REPOROOT",
      },
      region: { startLine: 2 },
    });
  });

  it("--output github prints workflow annotations", () => {
    const lines = run("lint", "--repo", example("homelab-broken"), "--output", "github").stdout.split("\n");
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^::error file=kubernetes\/apps\/default\/podinfo\/app\/scaledobject.yaml,line=2,title=kubestrap crd-missing::/,
      ),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^::warning file=.*,title=kubestrap crd-race::/));
  });

  it("graph prints mermaid, dot and json with problems highlighted", () => {
    const mermaid = run("graph", "--repo", example("homelab-broken")).stdout;
    expect(mermaid).toMatch(/^flowchart LR/);
    expect(mermaid).toContain("class n_observability_kube_prometheus_stack problem");
    const dot = run("graph", "--repo", example("homelab-broken"), "--output", "dot").stdout;
    expect(dot).toContain(
      '"database/cloudnative-pg" -> "observability/kube-prometheus-stack" [label="dependsOn"]',
    );
    const dag = JSON.parse(run("graph", "--repo", example("homelab-broken"), "--output", "json").stdout);
    expect(dag.edges).toContainEqual(
      expect.objectContaining({
        from: "database/cloudnative-pg",
        to: "observability/kube-prometheus-stack",
        type: "crd",
        verdict: "deadlock",
      }),
    );
  });

  it("--help lists the rules", () => {
    const r = run("lint", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("crd-deadlock");
  });
});
