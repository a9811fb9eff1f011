/**
 * Schema validation agrees with the real API server: every object of test/fixtures/schema-agreement is applied
 * to the local control plane with a server-side dry run (Flux's field manager, as kustomize-controller applies),
 * and kubestrap's verdict (valid or invalid) must be the API server's, which must be the one the object's
 * annotation expects (so each case tests what it says). Server-side apply refuses undeclared fields of custom
 * resources too ("field not declared in schema"), where a client-side apply would prune them: the cases show it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { type CrdDefinition, chooseKubeVersion, SchemaIndex } from "../../src/analysis/schema/sources.ts";
import { validateObject } from "../../src/analysis/schema/validate.ts";
import { Discovery } from "../../src/cluster/discovery.ts";
import { KubeClient } from "../../src/cluster/kube.ts";
import { env, freshNamespace, kubectl, kubectlOk } from "./env.ts";

type Verdict = "valid" | "invalid";

interface Case {
  name: string;
  what: string;
  expect: Verdict;
  object: Record<string, unknown> & { apiVersion: string; kind: string; metadata: Record<string, unknown> };
}

const FIXTURES = join(import.meta.dirname, "../fixtures");
const CRD_FILES = [
  "gateway-api/gatewayclasses.gateway.networking.k8s.io.yaml",
  "gateway-api/gateways.gateway.networking.k8s.io.yaml",
  "gateway-api/httproutes.gateway.networking.k8s.io.yaml",
  "cert-manager/certificates.cert-manager.io.yaml",
  "cert-manager/issuers.cert-manager.io.yaml",
  "cert-manager/clusterissuers.cert-manager.io.yaml",
  "cilium/ciliumloadbalancerippools.cilium.io.yaml",
  "cilium/ciliumbgpadvertisements.cilium.io.yaml",
  "cloudnative-pg/databases.postgresql.cnpg.io.yaml",
  "flux/kustomizations.kustomize.toolkit.fluxcd.io.yaml",
  "flux/helmreleases.helm.toolkit.fluxcd.io.yaml",
  "flux/gitrepositories.source.toolkit.fluxcd.io.yaml",
  "flux/ocirepositories.source.toolkit.fluxcd.io.yaml",
  "prometheus-operator/servicemonitors.monitoring.coreos.com.yaml",
  "prometheus-operator/prometheusrules.monitoring.coreos.com.yaml",
  "external-secrets/externalsecrets.external-secrets.io.yaml",
  "keda/scaledobjects.keda.sh.yaml",
];

function readDocs(file: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((d) => d.toJS() as Record<string, unknown> | null)
    .filter((d): d is Record<string, unknown> => d !== null);
}

const crds = CRD_FILES.flatMap((f) => readDocs(join(FIXTURES, "crds", f)));
const dir = join(FIXTURES, "schema-agreement");
const cases: Case[] = readdirSync(dir)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .flatMap((f) => readDocs(join(dir, f)))
  .map((object) => {
    const o = object as Case["object"];
    const annotations = o.metadata.annotations as Record<string, string>;
    return {
      name: `${o.kind} ${o.metadata.name as string}`,
      what: annotations["agreement.kubestrap.dev/case"] ?? "",
      expect: annotations["agreement.kubestrap.dev/expect"] as Verdict,
      object: o,
    };
  });

function kubestrapVerdict(
  index: SchemaIndex,
  c: Case,
): { verdict: Verdict; unsupported: string[]; why: string[] } {
  const schema = index.lookup(c.object);
  if (!schema) throw new Error(`no schema for ${c.name}`);
  const violations = validateObject(c.object, schema.schema, schema.options);
  const why = violations.map((v) => `${v.kind} ${v.path}: ${v.message}`);
  const unsupported = violations.filter((v) => v.kind === "unsupported").map((v) => v.message);
  if (violations.some((v) => v.kind === "invalid")) return { verdict: "invalid", unsupported, why };
  return { verdict: "valid", unsupported, why };
}

describe("schema validation agrees with the API server", () => {
  let client: KubeClient;
  let namespace: string;
  const created: string[] = [];
  const server = new Map<string, { verdict: Verdict; detail: string }>();
  const definitions: CrdDefinition[] = crds.map((body) => ({ body, origin: "test fixture" }));
  const index = new SchemaIndex(chooseKubeVersion().minor, definitions);

  beforeAll(async () => {
    client = await KubeClient.load({ kubeconfig: env.kubeconfig });
    namespace = await freshNamespace("agreement");
    for (const crd of crds) {
      const name = (crd.metadata as { name: string }).name;
      const existed = (await kubectl(["get", "crd", name])).code === 0;
      if (!existed) created.push(name);
      await client.apply(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`, crd, {
        fieldManager: "kubestrap-test",
        force: true,
      });
    }
    await kubectlOk([
      "wait",
      "--for=condition=Established",
      "--timeout=60s",
      ...crds.map((c) => `crd/${(c.metadata as { name: string }).name}`),
    ]);
    const discovery = new Discovery(client);
    for (const c of cases) {
      const info = await discovery.resource(c.object.apiVersion, c.object.kind);
      const object = structuredClone(c.object);
      if (info.namespaced) object.metadata.namespace = namespace;
      const path = await discovery.path({
        apiVersion: c.object.apiVersion,
        kind: c.object.kind,
        name: c.object.metadata.name as string,
        ...(info.namespaced ? { namespace } : {}),
      });
      const answer = await client.dryRunApply(path, object, "kustomize-controller");
      server.set(c.name, {
        verdict: answer.accepted ? "valid" : "invalid",
        detail: answer.message ?? answer.warnings.join("; "),
      });
    }
  });

  afterAll(async () => {
    if (namespace) await kubectl(["delete", "namespace", namespace, "--wait=false"]);
    if (created.length > 0) await kubectl(["delete", "crd", ...created, "--wait=true", "--timeout=60s"]);
    client?.close();
  });

  it("covers at least 60 objects, valid and invalid, built-in and custom", () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    const count = (v: Verdict) => cases.filter((c) => c.expect === v).length;
    expect(count("valid")).toBeGreaterThanOrEqual(20);
    expect(count("invalid")).toBeGreaterThanOrEqual(30);
    expect(
      cases.filter((c) => /field not declared|undeclared|misspelt/.test(c.what)).length,
    ).toBeGreaterThanOrEqual(6);
    expect(cases.filter((c) => !c.object.apiVersion.includes(".")).length).toBeGreaterThanOrEqual(15);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const ours = kubestrapVerdict(index, c);
    const theirs = server.get(c.name);
    expect(
      { case: c.what, server: theirs?.verdict, kubestrap: ours.verdict, unsupported: ours.unsupported },
      `server: ${theirs?.detail}\nkubestrap: ${ours.why.join("\n")}`,
    ).toEqual({
      case: c.what,
      server: c.expect,
      kubestrap: c.expect,
      unsupported: [],
    });
  });
});
