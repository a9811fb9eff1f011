import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ChartCache } from "../../src/charts/cache.ts";
import { checkDigest, RegistryError } from "../../src/charts/oci.ts";
import { helmRenderKey } from "../../src/charts/render.ts";

describe("render cache keys", () => {
  const cache = new ChartCache(mkdtempSync(join(tmpdir(), "kubestrap-keys-")));
  const release = {
    name: "cert-manager",
    namespace: "cert-manager",
    values: { crds: { enabled: true }, a: 1 },
  };
  const key = (over: Partial<typeof release> = {}, digest = "sha256:aa", helm = "v3.22.0", kube?: string) =>
    cache.renderKey(helmRenderKey({ ...release, ...over }, digest, helm, kube));

  it("are the same for the same inputs, whatever the order of the values' keys", () => {
    expect(key()).toBe(key({ values: { a: 1, crds: { enabled: true } } }));
  });

  it("change with every input that changes helm's output", () => {
    const variants = [
      key({ values: { crds: { enabled: false }, a: 1 } }),
      key({ name: "other" }),
      key({ namespace: "other" }),
      key({}, "sha256:bb"),
      key({}, "sha256:aa", "v4.3.1"),
      key({}, "sha256:aa", "v3.22.0", "1.31.0"),
    ];
    for (const v of variants) expect(v).not.toBe(key());
    expect(new Set(variants).size).toBe(variants.length);
  });
});

describe("OCI digest verification", () => {
  const bytes = Buffer.from("chart bytes");
  const sha = (algorithm: "sha256" | "sha512") =>
    `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}`;

  it("accepts bytes that match their sha256 or sha512 digest", () => {
    expect(() => checkDigest(bytes, sha("sha256"), "layer")).not.toThrow();
    expect(() => checkDigest(bytes, sha("sha512"), "layer")).not.toThrow();
  });

  it("refuses bytes that do not match, and an algorithm it cannot check", () => {
    expect(() => checkDigest(Buffer.from("other"), sha("sha256"), "layer")).toThrow(RegistryError);
    expect(() => checkDigest(bytes, "md5:0123", "layer")).toThrow(/unsupported algorithm/);
  });
});
