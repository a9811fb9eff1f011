/**
 * Secret-bearing bootstrap resources: a SOPS-encrypted Secret (age key, the real sops) and a Secret with a
 * 1Password-style reference resolved by a configured injector (a script standing in for `op inject`). The
 * Secrets reach the cluster with their real values, and the values (plain or base64) appear nowhere else: not in
 * any output format of up, status or plan, not in the journal.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { bootstrapFiles } from "../bootstrap-repo.ts";
import { makeRepo } from "../helpers.ts";
import { env, kubectlJson } from "./env.ts";
import {
  journalData,
  ownJournalConfig,
  removeTestNamespaces,
  runKubestrap,
  testNamespace,
  uniqueSuffix,
  upArgs,
  workloadChart,
} from "./up-env.ts";

// Namespaces this file created go, so that an environment reused across runs does not fill up.
afterAll(removeTestNamespaces);

const SOPS_VALUE = `sops-decrypted-${uniqueSuffix()}-value`;
const OP_VALUE = `op-resolved-${uniqueSuffix()}-value`;
const secretsOf = (text: string) =>
  [SOPS_VALUE, OP_VALUE]
    .flatMap((v) => [v, Buffer.from(v).toString("base64")])
    .filter((v) => text.includes(v));

let repo: string;
let ns: string;
let keyFile: string;
const outputs: string[] = [];

beforeAll(async () => {
  ns = testNamespace("sec");
  const work = mkdtempSync(join(tmpdir(), "kubestrap-secrets-"));
  keyFile = join(work, "age.key");
  execFileSync(env.bin.ageKeygen, ["-o", keyFile], { stdio: "pipe" });
  const recipient = /public key: (age1\S+)/.exec(
    execFileSync(env.bin.ageKeygen, ["-y", keyFile], { encoding: "utf8" }).replace(/^/, "public key: "),
  )?.[1];
  if (!recipient) throw new Error("age-keygen gave no public key");
  const injector = join(work, "op-inject.sh");
  writeFileSync(
    injector,
    `#!/bin/sh\n# Stands in for \`op inject\`: resolves op:// references from stdin.\nsed 's#op://vault/database/password#${OP_VALUE}#g'\n`,
  );
  chmodSync(injector, 0o755);
  repo = makeRepo({
    ...bootstrapFiles({
      releases: [{ name: "app", namespace: ns, chart: await workloadChart(), values: "readyAfter: 0s" }],
      config: ownJournalConfig(
        ns,
        `handoff:\n  enabled: false\nsecrets:\n  inject:\n    command: ${injector}\n`,
      ),
    }),
    "bootstrap/kustomize/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${ns}\nresources:\n  - ./sops-secret.yaml\n  - ./op-secret.yaml\n`,
    "bootstrap/kustomize/sops-secret.yaml": `apiVersion: v1\nkind: Secret\nmetadata:\n  name: from-sops\nstringData:\n  password: ${SOPS_VALUE}\n`,
    "bootstrap/kustomize/op-secret.yaml":
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: from-op\nstringData:\n  password: op://vault/database/password\n",
  });
  execFileSync(
    env.bin.sops,
    [
      "--encrypt",
      "--age",
      recipient,
      "--encrypted-regex",
      "^(data|stringData)$",
      "--in-place",
      join(repo, "bootstrap/kustomize/sops-secret.yaml"),
    ],
    { stdio: "pipe" },
  );
  // A first bootstrap as JSON events, then the prerequisites again as a plain CI log.
  const up = await run(upArgs(repo));
  if (up.code !== 0) throw new Error(`up failed:\n${up.stdout}`);
  const plain = await run([
    "up",
    "--repo",
    repo,
    "--kubeconfig",
    env.kubeconfig,
    "--plain-http",
    "--rerun",
    "prerequisites/",
  ]);
  if (!plain.stdout.includes("resolving secrets (sops) ("))
    throw new Error(`the re-run did not resolve secrets:\n${plain.stdout}`);
}, 120_000);

const run = async (args: string[]) => {
  const r = await runKubestrap(args, {
    SOPS_AGE_KEY_FILE: keyFile,
    PATH: `${join(env.bin.sops, "..")}:${process.env.PATH}`,
  });
  outputs.push(r.stdout, r.stderr);
  return r;
};

describe("secret-bearing bootstrap resources", () => {
  test("the repository holds no secret value: the SOPS file is encrypted, the other has a reference", () => {
    const files = execFileSync(
      "cat",
      [join(repo, "bootstrap/kustomize/sops-secret.yaml"), join(repo, "bootstrap/kustomize/op-secret.yaml")],
      {
        encoding: "utf8",
      },
    );
    expect(secretsOf(files)).toEqual([]);
    expect(files).toContain("ENC[AES256_GCM");
  });

  test("up decrypts and resolves them on the way into the cluster", async () => {
    const secret = async (name: string) =>
      Buffer.from(
        (await kubectlJson<{ data: { password: string } }>(["get", "secret", name, "-n", ns])).data.password,
        "base64",
      ).toString();
    expect(await secret("from-sops")).toBe(SOPS_VALUE);
    expect(await secret("from-op")).toBe(OP_VALUE);
  });

  test("no secret value in any output of up, status or plan, nor in the journal", async () => {
    outputs.push(
      (await run(["status", "--repo", repo, "--kubeconfig", env.kubeconfig])).stdout,
      (await run(["status", "--repo", repo, "--kubeconfig", env.kubeconfig, "-o", "json"])).stdout,
      (await run(["plan", "--live", "--repo", repo, "--kubeconfig", env.kubeconfig, "-o", "json"])).stdout,
      (await run(["plan", "--repo", repo])).stdout,
    );
    const journal = await journalData(`${ns}-journal`);
    expect(Object.keys(journal)).toContain("step.prerequisites_bootstrap_kustomize");
    expect(outputs.length).toBeGreaterThanOrEqual(8);
    expect(secretsOf([...outputs, JSON.stringify(journal)].join("\n"))).toEqual([]);
  });
});
