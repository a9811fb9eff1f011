import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { Repository } from "../../src/load/repository.ts";
import { configJsonSchema, loadConfig } from "../../src/model/config.ts";
import { mirroredChart } from "../../src/model/releases.ts";
import { makeRepo } from "../helpers.ts";

describe("kubestrap.yaml", () => {
  test("is optional: without it, every default applies", () => {
    const { config, file, findings } = loadConfig(Repository.load(makeRepo({})));
    expect(file).toBeUndefined();
    expect(findings).toEqual([]);
    expect(config.journal.namespace).toBe("kube-system");
    expect(config.handoff).toEqual({ enabled: true, timeoutSeconds: 600 });
  });

  test("unknown fields are errors, so a typo is not silently ignored", () => {
    const { findings } = loadConfig(
      Repository.load(makeRepo({ "kubestrap.yaml": "jornal:\n  namespace: x\n" })),
    );
    expect(findings.map((f) => [f.location?.line, f.message])).toEqual([
      [1, 'kubestrap.yaml: Unrecognized key: "jornal"'],
    ]);
  });

  test("rehearse.readiness takes Go durations by kind or by workload; anything else is an error at its line", () => {
    const good = loadConfig(
      Repository.load(
        makeRepo({
          "kubestrap.yaml": "rehearse:\n  readiness:\n    StatefulSet: 1m30s\n    Job/db/migrate: 5m\n",
        }),
      ),
    );
    expect(good.findings).toEqual([]);
    expect(good.config.rehearse.readiness).toEqual({ StatefulSet: "1m30s", "Job/db/migrate": "5m" });
    const bad = loadConfig(
      Repository.load(
        makeRepo({ "kubestrap.yaml": "rehearse:\n  readiness:\n    Deployment: 30\n    Job: 2 min\n" }),
      ),
    );
    expect(
      bad.findings.map((f) => [f.location?.line, f.message.split(":").slice(1, 2).join("").trim()]),
    ).toEqual([
      [3, "rehearse.readiness.Deployment"],
      [4, "rehearse.readiness.Job"],
    ]);
  });

  test("rehearse.featureGates are gate names with booleans", () => {
    const bad = loadConfig(
      Repository.load(
        makeRepo({
          "kubestrap.yaml": "rehearse:\n  featureGates:\n    HPAScaleToZero: yes-please\n    hpa: true\n",
        }),
      ),
    );
    expect(bad.findings.map((f) => f.location?.line)).toEqual([3, 4]);
    const good = loadConfig(
      Repository.load(
        makeRepo({ "kubestrap.yaml": "rehearse:\n  featureGates:\n    HPAScaleToZero: true\n" }),
      ),
    );
    expect(good.config.rehearse.featureGates).toEqual({ HPAScaleToZero: true });
  });

  test("the published JSON Schema is the one the code validates with (npm run gen:schema)", () => {
    const published = JSON.parse(
      readFileSync(join(import.meta.dirname, "../../schema/kubestrap.schema.json"), "utf8"),
    );
    expect(published).toEqual(configJsonSchema());
  });
});

describe("registry mirrors", () => {
  const loc = { type: "oci" as const, url: "oci://ghcr.io/coredns/charts/coredns", tag: "1.44.3" };

  test("move a chart of the mirrored registry, keeping its path and version", () => {
    expect(mirroredChart(loc, { "ghcr.io": "registry.internal/ghcr" })).toEqual({
      ...loc,
      url: "oci://registry.internal/ghcr/coredns/charts/coredns",
    });
  });

  test("an http:// mirror is pulled without TLS; other registries stay where they are", () => {
    expect(mirroredChart(loc, { "ghcr.io": "http://127.0.0.1:5000/ghcr.io/" })).toEqual({
      ...loc,
      url: "oci://127.0.0.1:5000/ghcr.io/coredns/charts/coredns",
      plainHttp: true,
    });
    expect(mirroredChart(loc, { "quay.io": "mirror" })).toBe(loc);
  });

  test("an https:// mirror keeps TLS; a registry without a path; charts not from a registry stay", () => {
    expect(mirroredChart(loc, { "ghcr.io": "https://mirror.internal//" })).toStrictEqual({
      ...loc,
      url: "oci://mirror.internal/coredns/charts/coredns",
    });
    expect(mirroredChart({ type: "oci", url: "oci://ghcr.io" }, { "ghcr.io": "mirror" })).toStrictEqual({
      type: "oci",
      url: "oci://mirror",
    });
    const repo = { type: "repo" as const, repoUrl: "https://ghcr.io/charts", chart: "x" };
    expect(mirroredChart(repo, { "ghcr.io": "mirror" })).toBe(repo);
  });
});
