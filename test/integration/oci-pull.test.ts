/**
 * Native OCI chart pulls against a real distribution registry that requires token authentication: the
 * credentials helm would use (its registry config, the docker config, credential helpers, identity tokens),
 * the bytes `helm pull` stores, and `kubestrap crds` end to end.
 */
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type OciChartRef, OciClient, RegistryError, versionTag } from "../../src/charts/oci.ts";
import { RegistryCredentials } from "../../src/charts/registry-credentials.ts";
import { ks, makeFiles, makeRepo } from "../helpers.ts";
import {
  type AuthRegistry,
  type BasicAuthRegistry,
  digestOf,
  startAuthRegistry,
  startBasicAuthRegistry,
} from "./auth-registry.ts";
import { fixtureCrd } from "./crd-repo.ts";
import { pushChart, env as testenv, writeChart } from "./env.ts";

const BIN = join(import.meta.dirname, "../../bin/kubestrap.js");
const VERSION = "1.2.3+build.1";
const USER = "alice";
const PASSWORD = "s3cret-pass";
const REFRESH_TOKEN = "refresh-7f3a";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function exec(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(bin, args, { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) || 1 : 0, stdout, stderr }),
    );
  });
}

async function execOk(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const run = await exec(bin, args, env);
  if (run.code !== 0) throw new Error(`${bin} ${args.join(" ")} exited ${run.code}:\n${run.stderr}`);
  return run.stdout;
}

/** A helm that records each call's first two arguments before running the real helm 3. */
function recordingHelm(): { bin: string; calls: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), "kubestrap-oci-helm-"));
  const bin = join(dir, "helm");
  writeFileSync(bin, `#!/bin/sh\necho "$1 $2" >> "${dir}/calls"\nexec "${testenv.bin.helm3}" "$@"\n`);
  chmodSync(bin, 0o755);
  return {
    bin,
    calls: () => {
      try {
        return readFileSync(join(dir, "calls"), "utf8").trim().split("\n").sort();
      } catch {
        return [];
      }
    },
  };
}

function writeHelmfileRepo(releases: { name: string; chart: string; version?: string }[]): string {
  return makeRepo({
    "bootstrap/helmfile.d/00-crds.yaml": `releases:\n${releases.map((r) => `  - name: ${r.name}\n    namespace: default\n    chart: ${r.chart}\n${r.version ? `    version: "${r.version}"\n` : ""}`).join("")}`,
  });
}

/** `helm package` + `helm push --plain-http` with the given environment's credentials; the archive's path. */
async function packageAndPush(chart: string, registry: string, helmEnv: NodeJS.ProcessEnv): Promise<string> {
  const pkg = mkdtempSync(join(tmpdir(), "kubestrap-oci-pkg-"));
  await execOk(testenv.bin.helm3, ["package", chart, "--destination", pkg], helmEnv);
  const archive = join(pkg, readdirSync(pkg)[0] as string);
  await execOk(testenv.bin.helm3, ["push", archive, `oci://${registry}/charts`, "--plain-http"], helmEnv);
  return archive;
}

const basicAuth = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString("base64");

/** The environment a user with this HOME has: helm and docker configs in their default places. */
function userEnv(homeDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { HOME: homeDir, PATH: process.env.PATH ?? "", ...extra };
}

describe("pulling charts from a registry that requires token authentication", () => {
  let auth: AuthRegistry;
  let ref: OciChartRef;
  let helmBytes: Buffer;
  let helmConfigHome: string;

  beforeAll(async () => {
    auth = await startAuthRegistry({ users: { [USER]: PASSWORD }, refreshTokens: { [REFRESH_TOKEN]: USER } });
    helmConfigHome = makeFiles({
      ".config/helm/registry/config.json": {
        auths: { [auth.registry]: { auth: basicAuth(USER, PASSWORD) } },
      },
    });
    const helmEnv = { ...process.env, ...userEnv(helmConfigHome) };
    const chart = writeChart({
      name: "authchart",
      version: VERSION,
      crds: { "scaledobjects.yaml": fixtureCrd("keda", "scaledobjects.keda.sh") },
    });
    await packageAndPush(chart, auth.registry, helmEnv);
    const pulled = mkdtempSync(join(tmpdir(), "kubestrap-oci-pulled-"));
    await execOk(
      testenv.bin.helm3,
      [
        "pull",
        `oci://${auth.registry}/charts/authchart`,
        "--version",
        VERSION,
        "--plain-http",
        "--destination",
        pulled,
      ],
      helmEnv,
    );
    helmBytes = readFileSync(join(pulled, readdirSync(pulled)[0] as string));
    ref = {
      registry: auth.registry,
      repository: "charts/authchart",
      reference: versionTag(VERSION),
      plainHttp: true,
    };
  }, 60_000);

  afterAll(async () => {
    await auth?.stop();
  });

  const lastRequest = () => auth.requests[auth.requests.length - 1];

  test("credentials from helm's registry config: the distribution token flow gives the bytes helm pulls", async () => {
    const before = auth.requests.length;
    const client = new OciClient(new RegistryCredentials(undefined, userEnv(helmConfigHome)));
    const pulled = await client.pullChart(ref);
    expect(pulled.bytes.equals(helmBytes)).toBe(true);
    expect(pulled.digest).toBe(digestOf(helmBytes));
    // One token for the manifest and the blob: the second request reuses it.
    expect(auth.requests.slice(before)).toEqual([
      {
        method: "GET",
        grant: "basic",
        user: USER,
        scopes: ["repository:charts/authchart:pull"],
        granted: true,
      },
    ]);
  });

  test("$HELM_REGISTRY_CONFIG names helm's file; the docker config is the fallback, keys with scheme and path included", async () => {
    const elsewhere = makeFiles({
      "registry.json": { auths: { [auth.registry]: { auth: basicAuth(USER, PASSWORD) } } },
    });
    const viaVariable = userEnv(makeFiles({}), { HELM_REGISTRY_CONFIG: join(elsewhere, "registry.json") });
    expect(
      (await new OciClient(new RegistryCredentials(undefined, viaVariable)).pullChart(ref)).bytes,
    ).toEqual(helmBytes);

    // helm's file exists but is empty (as before a first `helm registry login`); docker's has a legacy key.
    const dockerHome = makeFiles({
      ".config/helm/registry/config.json": "",
      ".docker/config.json": {
        auths: { [`http://${auth.registry}/v1/`]: { username: USER, password: PASSWORD } },
      },
    });
    const credentials = new RegistryCredentials(undefined, userEnv(dockerHome));
    expect((await credentials.get(auth.registry))?.from).toBe(join(dockerHome, ".docker/config.json"));
    expect((await new OciClient(credentials).pullChart(ref)).bytes).toEqual(helmBytes);
    expect(lastRequest()).toMatchObject({ grant: "basic", user: USER, granted: true });
  });

  test("a credential helper named for the host; an identity token is exchanged with a refresh_token grant", async () => {
    const bin = mkdtempSync(join(tmpdir(), "kubestrap-oci-bin-"));
    const helper = join(bin, "docker-credential-kstest");
    const answer = (username: string, secret: string) => {
      writeFileSync(
        helper,
        [
          "#!/bin/sh",
          '[ "$1" = get ] || exit 1',
          "read -r server",
          `if [ "$server" = "${auth.registry}" ]; then`,
          `  printf '{"ServerURL":"%s","Username":"${username}","Secret":"${secret}"}' "$server"`,
          "else echo 'credentials not found in native keychain'; exit 1; fi",
          "",
        ].join("\n"),
      );
      chmodSync(helper, 0o755);
    };
    const helperHome = makeFiles({ ".docker/config.json": { credHelpers: { [auth.registry]: "kstest" } } });
    const helperEnv = userEnv(helperHome, { PATH: `${bin}:${process.env.PATH}` });

    answer("<token>", REFRESH_TOKEN);
    const viaToken = new RegistryCredentials(undefined, helperEnv);
    expect((await viaToken.get(auth.registry))?.from).toBe(
      `docker-credential-kstest (named in ${join(helperHome, ".docker/config.json")})`,
    );
    expect((await new OciClient(viaToken).pullChart(ref)).bytes).toEqual(helmBytes);
    expect(lastRequest()).toEqual({
      method: "POST",
      grant: "refresh_token",
      user: USER,
      scopes: ["repository:charts/authchart:pull"],
      granted: true,
    });

    answer(USER, PASSWORD);
    expect((await new OciClient(new RegistryCredentials(undefined, helperEnv)).pullChart(ref)).bytes).toEqual(
      helmBytes,
    );
    expect(lastRequest()).toMatchObject({ method: "GET", grant: "basic", user: USER });
    // The protocol's "not found" answer is no credential, not an error.
    expect(await new RegistryCredentials(undefined, helperEnv).get("other.example:5000")).toBeUndefined();
  });

  test("no credentials, or wrong ones: the error says where kubestrap looked and what the registry said", async () => {
    const empty = makeFiles({});
    const none = new OciClient(new RegistryCredentials(undefined, userEnv(empty)));
    const anonymous = await none.pullChart(ref).catch((error: Error) => error);
    expect(anonymous).toBeInstanceOf(RegistryError);
    expect((anonymous as Error).message).toBe(
      `the token service of ${auth.registry} (${auth.realm}) refused a pull token anonymously (no credentials found) (HTTP 401 UNAUTHORIZED: bad credentials)`,
    );
    expect(lastRequest()).toMatchObject({ grant: "anonymous", granted: false });

    const wrongHome = makeFiles({
      ".config/helm/registry/config.json": { auths: { [auth.registry]: { auth: basicAuth(USER, "wrong") } } },
    });
    const wrong = await new OciClient(new RegistryCredentials(undefined, userEnv(wrongHome)))
      .pullChart(ref)
      .catch((error: Error) => error);
    expect((wrong as Error).message).toContain(
      `refused a pull token with the credentials from ${join(wrongHome, ".config/helm/registry/config.json")} (HTTP 401`,
    );
  });

  test("kubestrap crds pulls through the token flow, with the credentials of the user's helm config", async () => {
    const repo = writeHelmfileRepo([
      { name: "authchart", chart: `oci://${auth.registry}/charts/authchart`, version: VERSION },
    ]);
    const cache = mkdtempSync(join(tmpdir(), "kubestrap-oci-cache-"));
    const helm = recordingHelm();
    const cliEnv = {
      ...userEnv(helmConfigHome),
      KUBESTRAP_CACHE_DIR: cache,
      KUBESTRAP_HELM: helm.bin,
      NO_COLOR: "1",
    };
    const before = auth.requests.length;
    const run = await exec(
      process.execPath,
      [BIN, "crds", "--repo", repo, "--plain-http", "--output", "names"],
      cliEnv,
    );
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("scaledobjects.keda.sh\n");
    expect(run.code).toBe(0);
    expect(auth.requests.slice(before)).toMatchObject([{ grant: "basic", user: USER, granted: true }]);
    // The archive is cached under its digest: the same bytes helm pulled.
    expect(readdirSync(join(cache, "charts/blobs"))).toEqual([
      `${digestOf(helmBytes).replace(":", "-")}.tgz`,
    ]);
    // Pulled and read without helm: a crds/ chart needs no helm process at all.
    expect(helm.calls()).toEqual([]);
  });
});

describe("pulling charts from a registry that asks for basic authentication (htpasswd)", () => {
  let basic: BasicAuthRegistry;
  let ref: OciChartRef;
  let helmBytes: Buffer;
  const configPath = ".config/helm/registry/config.json";
  const withPassword = (password: string) =>
    makeFiles({ [configPath]: { auths: { [basic.registry]: { auth: basicAuth(basic.user, password) } } } });

  beforeAll(async () => {
    basic = await startBasicAuthRegistry();
    const helmEnv = { ...process.env, ...userEnv(withPassword(basic.password)) };
    const chart = writeChart({
      name: "basicchart",
      version: "0.3.0",
      crds: { "uuids.yaml": fixtureCrd("external-secrets", "uuids.generators.external-secrets.io") },
    });
    const archive = await packageAndPush(chart, basic.registry, helmEnv);
    helmBytes = readFileSync(archive);
    ref = { registry: basic.registry, repository: "charts/basicchart", reference: "0.3.0", plainHttp: true };
  }, 60_000);

  afterAll(async () => {
    await basic?.stop();
  });

  test("the user name and password from helm's registry config give the archive helm pushed", async () => {
    const client = new OciClient(new RegistryCredentials(undefined, userEnv(withPassword(basic.password))));
    const pulled = await client.pullChart(ref);
    expect(pulled.digest).toBe(digestOf(helmBytes));
    expect(pulled.bytes.equals(helmBytes)).toBe(true);
  });

  test("no credentials, or a wrong password: errors that say so", async () => {
    const empty = makeFiles({});
    const none = await new OciClient(new RegistryCredentials(undefined, userEnv(empty)))
      .pullChart(ref)
      .catch((error: Error) => error);
    expect((none as Error).message).toBe(
      `${basic.registry} asks for a user name and password, and none is configured for it in ${join(empty, configPath)} or ${join(empty, ".docker/config.json")}`,
    );
    const wrongHome = withPassword("not-the-password");
    const wrong = await new OciClient(new RegistryCredentials(undefined, userEnv(wrongHome)))
      .pullChart(ref)
      .catch((error: Error) => error);
    expect((wrong as Error).message).toBe(
      `${basic.registry} refused the credentials from ${join(wrongHome, configPath)} to charts/basicchart (HTTP 401 UNAUTHORIZED: authentication required)`,
    );
  });
});

describe("versions only helm's constraint rules resolve go through helm pull", () => {
  test("a range, and no version at all (the newest tag); an exact version is pulled natively", async () => {
    const rangeChart = (version: string, crd: [string, string]) =>
      writeChart({ name: "rangechart", version, crds: { "crd.yaml": fixtureCrd(...crd) } });
    const range = await pushChart(
      rangeChart("2.0.1", ["victoriametrics-operator", "vlogs.operator.victoriametrics.com"]),
    );
    await pushChart(rangeChart("2.1.0", ["cloudnative-pg", "failoverquorums.postgresql.cnpg.io"]));
    const exact = await pushChart(
      writeChart({
        name: "exactchart",
        version: "1.0.0",
        crds: { "uuids.yaml": fixtureCrd("external-secrets", "uuids.generators.external-secrets.io") },
      }),
    );
    const repo = writeHelmfileRepo([
      { name: "range", chart: range, version: "~2.0.0" },
      { name: "newest", chart: range },
      { name: "exact", chart: exact, version: "1.0.0" },
    ]);
    const helm = recordingHelm();
    const run = await exec(
      process.execPath,
      [BIN, "crds", "--repo", repo, "--plain-http", "--output", "yaml"],
      {
        ...process.env,
        KUBESTRAP_CACHE_DIR: mkdtempSync(join(tmpdir(), "kubestrap-oci-cache-")),
        KUBESTRAP_HELM: helm.bin,
        NO_COLOR: "1",
      },
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const names = [...run.stdout.matchAll(/^ {2}name: (\S+)$/gm)].map((m) => m[1]);
    // ~2.0.0 is 2.0.1 (vlogs); no version is the newest tag, 2.1.0 (failoverquorums).
    expect(names.sort()).toEqual([
      "failoverquorums.postgresql.cnpg.io",
      "uuids.generators.external-secrets.io",
      "vlogs.operator.victoriametrics.com",
    ]);
    expect(helm.calls()).toEqual([`pull ${range}`, `pull ${range}`]);
  });
});

describe("charts named by Flux sources", () => {
  test("an OCIRepository pinned by digest and a HelmRepository of type oci are pulled natively", async () => {
    const pinned = await pushChart(
      writeChart({
        name: "pinnedchart",
        version: "0.4.0",
        crds: { "vlogs.yaml": fixtureCrd("victoriametrics-operator", "vlogs.operator.victoriametrics.com") },
      }),
    );
    await pushChart(
      writeChart({
        name: "helmrepochart",
        version: "0.5.0",
        crds: { "fq.yaml": fixtureCrd("cloudnative-pg", "failoverquorums.postgresql.cnpg.io") },
      }),
    );
    // The digest Flux would pin: the manifest's.
    const manifest = await fetch(`http://${testenv.registry}/v2/charts/pinnedchart/manifests/0.4.0`, {
      headers: { accept: "application/vnd.oci.image.manifest.v1+json" },
    });
    const digest = digestOf(Buffer.from(await manifest.arrayBuffer()));
    const repo = makeRepo({
      "bootstrap/helmfile.d/00-crds.yaml":
        "releases:\n  - name: pinned\n    namespace: apps\n  - name: fromrepo\n    namespace: apps\n",
      "kubernetes/flux/cluster/ks.yaml": ks("apps", { path: "./kubernetes/apps" }),
      "kubernetes/apps/sources.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: pinned
  namespace: apps
spec:
  interval: 1h
  url: ${pinned}
  insecure: true
  ref:
    digest: ${digest}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: charts
  namespace: apps
spec:
  type: oci
  interval: 1h
  url: oci://${testenv.registry}/charts
  insecure: true
`,
      "kubernetes/apps/releases.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: pinned
  namespace: apps
spec:
  interval: 1h
  chartRef:
    kind: OCIRepository
    name: pinned
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: fromrepo
  namespace: apps
spec:
  interval: 1h
  chart:
    spec:
      chart: helmrepochart
      version: 0.5.0
      sourceRef:
        kind: HelmRepository
        name: charts
`,
    });
    const helm = recordingHelm();
    const run = await exec(process.execPath, [BIN, "crds", "--repo", repo, "--output", "names"], {
      ...process.env,
      KUBESTRAP_CACHE_DIR: mkdtempSync(join(tmpdir(), "kubestrap-oci-cache-")),
      KUBESTRAP_HELM: helm.bin,
      NO_COLOR: "1",
    });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("failoverquorums.postgresql.cnpg.io\nvlogs.operator.victoriametrics.com\n");
    expect(run.code).toBe(0);
    expect(helm.calls()).toEqual([]);
  });
});

describe("a registry whose certificate authority only the system trusts (a company CA)", () => {
  test("is retried with the system's certificate store, as helm (Go) trusts it", async () => {
    // The test environment's apiserver certificate (for 127.0.0.1) and the CA that signed it play the part.
    const cert = readFileSync(join(testenv.dir, "apiserver-certs/apiserver.crt"));
    const key = readFileSync(join(testenv.dir, "apiserver-certs/apiserver.key"));
    const archive = Buffer.from("chart bytes behind a company CA");
    const layer = {
      mediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
      digest: digestOf(archive),
      size: archive.length,
    };
    const server = createHttpsServer({ cert, key }, (req, res) => {
      if (req.url === "/v2/charts/app/manifests/1.0.0")
        res.end(JSON.stringify({ schemaVersion: 2, layers: [layer] }));
      else if (req.url === `/v2/charts/app/blobs/${layer.digest}`) res.end(archive);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const modules = join(import.meta.dirname, "../../src/charts");
    const script = [
      `import { OciClient } from ${JSON.stringify(join(modules, "oci.ts"))};`,
      `import { RegistryCredentials } from ${JSON.stringify(join(modules, "registry-credentials.ts"))};`,
      `const ref = { registry: "127.0.0.1:${port}", repository: "charts/app", reference: "1.0.0" };`,
      "console.log((await new OciClient(new RegistryCredentials([], {})).pullChart(ref)).digest);",
    ].join("\n");
    const pull = (extra: NodeJS.ProcessEnv) => {
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "", HOME: makeFiles({}), ...extra };
      return exec(process.execPath, ["--input-type=module", "-e", script], env);
    };
    try {
      // OpenSSL's system store honours SSL_CERT_FILE, as Go's does: here it holds the test CA only.
      const trusted = await pull({ SSL_CERT_FILE: join(testenv.dir, "pki/ca.crt") });
      expect(trusted.stderr).toBe("");
      expect(trusted.stdout).toBe(`${layer.digest}\n`);
      const untrusted = await pull({});
      expect(untrusted.code).toBe(1);
      expect(untrusted.stderr).toMatch(
        /RegistryError: https:\/\/127\.0\.0\.1:\d+\/v2\/charts\/app\/manifests\/1\.0\.0: self-signed certificate/,
      );
    } finally {
      server.close();
    }
  });
});
