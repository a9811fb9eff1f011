import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { Redactor } from "../../src/execute/redact.ts";
import { prepareResources, withDecryptedValues } from "../../src/execute/secrets.ts";
import type { BootstrapResources } from "../../src/model/prerequisites.ts";
import { makeRepo } from "../helpers.ts";

describe("the redactor", () => {
  test("hides a secret in plain form, as base64 and line by line", () => {
    const r = new Redactor();
    r.add("s3cr3t-value");
    r.add("-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQ\n-----END KEY-----");
    expect(r.redact("a s3cr3t-value b")).toBe("a *** b");
    expect(r.redact(`data: ${Buffer.from("s3cr3t-value").toString("base64")}`)).toBe("data: ***");
    expect(r.redact("line MIIEvQIBADANBgkqhkiG9w0BAQ here")).toBe("line *** here");
  });

  test("leaves very short values alone: they would redact ordinary words", () => {
    const r = new Redactor();
    r.add("ab");
    expect(r.redact("about")).toBe("about");
  });

  test("registers every value of a Secret's data and stringData", () => {
    const r = new Redactor();
    r.addSecretObject({
      data: { a: Buffer.from("first-secret").toString("base64") },
      stringData: { b: "second-secret" },
    });
    expect(r.redact("first-secret second-secret")).toBe("*** ***");
  });
});

describe("bootstrap resources with secrets", () => {
  test("decrypted SOPS values go into the object as kustomize built it", () => {
    const built = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "token", namespace: "set-by-kustomize" },
      stringData: { token: "ENC[AES256_GCM,data:abc,type:str]", plain: "kept" },
      sops: { mac: "x" },
    };
    const decrypted = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "token" },
      stringData: { token: "the-token", plain: "kept" },
    };
    expect(withDecryptedValues(built, decrypted)).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "token", namespace: "set-by-kustomize" },
      stringData: { token: "the-token", plain: "kept" },
    });
  });

  test("the injector gets the YAML on stdin, and what it resolved is registered as secret", async () => {
    const dir = makeRepo({});
    const injector = join(dir, "inject.sh");
    writeFileSync(injector, "#!/bin/sh\nsed 's#op://vault/item/token#resolved-token-value#'\n");
    chmodSync(injector, 0o755);
    const text =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: t\n  namespace: ns\nstringData:\n  token: op://vault/item/token\n";
    const resources: BootstrapResources = {
      path: "bootstrap/resources.yaml",
      type: "file",
      objects: [
        {
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: "t", namespace: "ns" },
          stringData: { token: "op://vault/item/token" },
        },
      ],
      origins: [{ file: "bootstrap/resources.yaml", docIndex: 0 }],
      text,
      sops: false,
      inject: { command: injector, args: [], env: {} },
      why: "test",
      location: { file: "bootstrap/resources.yaml", line: 1 },
    };
    const redactor = new Redactor();
    const objects = await prepareResources(resources, { repoDir: dir, redactor });
    expect(objects[0]?.stringData).toEqual({ token: "resolved-token-value" });
    expect(redactor.redact("value resolved-token-value")).toBe("value ***");
  });

  test("a failing injector's message is redacted and cut to its first line", async () => {
    const dir = makeRepo({});
    const injector = join(dir, "fail.sh");
    writeFileSync(
      injector,
      "#!/bin/sh\ncat >/dev/null\necho 'cannot reach vault' >&2\necho 'dumping secret-dump-value' >&2\nexit 3\n",
    );
    chmodSync(injector, 0o755);
    const resources: BootstrapResources = {
      path: "r.yaml",
      type: "file",
      objects: [],
      origins: [],
      text: "kind: Secret\n",
      sops: false,
      inject: { command: injector, args: [], env: {} },
      why: "test",
      location: { file: "r.yaml", line: 1 },
    };
    await expect(prepareResources(resources, { repoDir: dir, redactor: new Redactor() })).rejects.toThrow(
      /could not resolve the secret references: .*exited with 3: cannot reach vault$/,
    );
  });
});
