import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  ociReference,
  parseChallenge,
  parseOciUrl,
  RegistryError,
  validateRealm,
  versionTag,
} from "../../src/charts/oci.ts";
import {
  RegistryCredentialError,
  RegistryCredentials,
  registryConfigFiles,
  serverAddress,
} from "../../src/charts/registry-credentials.ts";
import { makeFiles } from "../helpers.ts";

describe("OCI references", () => {
  test("oci:// URLs split into registry and repository", () => {
    expect(parseOciUrl("oci://ghcr.io/fluxcd/charts/flux-operator")).toEqual({
      registry: "ghcr.io",
      repository: "fluxcd/charts/flux-operator",
    });
    expect(parseOciUrl("oci://127.0.0.1:5000/charts/x/")).toEqual({
      registry: "127.0.0.1:5000",
      repository: "charts/x",
    });
    expect(() => parseOciUrl("https://example.com/charts")).toThrow(RegistryError);
  });

  test("a digest, a literal tag or an exact version names a manifest; a range or nothing needs helm", () => {
    const url = "oci://r.example/charts/app";
    expect(ociReference({ type: "oci", url, digest: "sha256:ab", tag: "1.0.0" })?.reference).toBe(
      "sha256:ab",
    );
    expect(ociReference({ type: "oci", url, tag: "latest" })).toEqual({
      registry: "r.example",
      repository: "charts/app",
      reference: "latest",
    });
    expect(ociReference({ type: "oci", url, semver: "1.2.3+build.4", plainHttp: true })).toEqual({
      registry: "r.example",
      repository: "charts/app",
      reference: "1.2.3_build.4",
      plainHttp: true,
    });
    expect(ociReference({ type: "oci", url, semver: "~1.2.0" })).toBeUndefined();
    expect(ociReference({ type: "oci", url, semver: ">=1.0.0 <2.0.0" })).toBeUndefined();
    expect(ociReference({ type: "oci", url })).toBeUndefined();
    expect(versionTag("0.1.0+abc+def")).toBe("0.1.0_abc_def");
  });
});

describe("registry challenges", () => {
  test("bearer and basic challenges with quoted, escaped and bare parameters", () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull"',
      ),
    ).toEqual({
      scheme: "bearer",
      params: {
        realm: "https://auth.example.com/token",
        service: "registry.example.com",
        scope: "repository:a/b:pull",
      },
    });
    expect(parseChallenge('Basic realm="Registry \\"Realm\\""')).toEqual({
      scheme: "basic",
      params: { realm: 'Registry "Realm"' },
    });
    expect(parseChallenge("Bearer realm=https://a.example/t, service=reg")?.params).toEqual({
      realm: "https://a.example/t",
      service: "reg",
    });
    expect(parseChallenge("")).toBeUndefined();
  });

  test("a token service may not take credentials where the registry did not send them", () => {
    const https = new URL("https://registry.example.com/v2/x/manifests/1");
    const http = new URL("http://127.0.0.1:5000/v2/x/manifests/1");
    expect(validateRealm("https://auth.example.com/token", https).host).toBe("auth.example.com");
    expect(() => validateRealm("http://auth.example.com/token", https)).toThrow(/uses http/);
    expect(validateRealm("http://127.0.0.1:8080/token", http).port).toBe("8080");
    expect(() => validateRealm("https://10.0.0.8/token", https)).toThrow(/private address/);
    expect(() => validateRealm("https://[::1]/token", https)).toThrow(/loopback/);
    expect(() => validateRealm("ftp://auth.example.com/token", https)).toThrow(/unsupported scheme/);
    expect(() => validateRealm(undefined, https)).toThrow(/names no token service/);
  });
});

describe("registry credentials", () => {
  const b64 = (text: string) => Buffer.from(text).toString("base64");

  test("helm's registry config and the docker config, where helm looks for them", () => {
    expect(registryConfigFiles({ HOME: "/home/u" })).toEqual([
      "/home/u/.config/helm/registry/config.json",
      "/home/u/.docker/config.json",
    ]);
    expect(
      registryConfigFiles({ HOME: "/home/u", XDG_CONFIG_HOME: "/xdg", DOCKER_CONFIG: "/etc/docker-cfg" }),
    ).toEqual(["/xdg/helm/registry/config.json", "/etc/docker-cfg/config.json"]);
    expect(registryConfigFiles({ HOME: "/h", HELM_CONFIG_HOME: "/hc" })[0]).toBe("/hc/registry/config.json");
    expect(registryConfigFiles({ HOME: "/h", HELM_REGISTRY_CONFIG: "/r.json" })[0]).toBe("/r.json");
    expect(serverAddress("registry-1.docker.io")).toBe("https://index.docker.io/v1/");
  });

  test("the first file with an entry wins; auth, user/password, identity and registry tokens are read", async () => {
    const dir = makeFiles({
      "helm.json": { auths: { "a.example": { auth: b64("alice:pa:ss") } } },
      "docker.json": {
        auths: {
          "a.example": { auth: b64("bob:other") },
          "https://b.example/v1/": { username: "carol", password: "pw" },
          "c.example": { identitytoken: "refresh" },
          "d.example": { registrytoken: "bearer" },
          "e.example": {},
        },
      },
    });
    const credentials = new RegistryCredentials([join(dir, "helm.json"), join(dir, "docker.json")], {});
    expect(await credentials.get("a.example")).toEqual({
      username: "alice",
      password: "pa:ss",
      from: join(dir, "helm.json"),
    });
    expect(await credentials.get("b.example")).toMatchObject({ username: "carol", password: "pw" });
    expect(await credentials.get("c.example")).toMatchObject({ identityToken: "refresh" });
    expect(await credentials.get("d.example")).toMatchObject({ registryToken: "bearer" });
    expect(await credentials.get("e.example")).toBeUndefined();
    expect(await credentials.get("unknown.example")).toBeUndefined();
  });

  test("missing and empty files hold nothing; a broken file is an error naming it", async () => {
    const dir = makeFiles({ "empty.json": "", "broken.json": "{ auths: " });
    const quiet = new RegistryCredentials([join(dir, "missing.json"), join(dir, "empty.json")], { PATH: "" });
    expect(await quiet.get("a.example")).toBeUndefined();
    const broken = new RegistryCredentials([join(dir, "broken.json")], {});
    await expect(broken.get("a.example")).rejects.toThrow(RegistryCredentialError);
    await expect(broken.get("a.example")).rejects.toThrow(`${join(dir, "broken.json")} is not valid JSON`);
  });
});
