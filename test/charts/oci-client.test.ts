/**
 * The OCI client against a small registry served in the test process over plain HTTP: the manifest and the
 * chart layer, the checks on what the registry sends (digests, sizes, media types), token auth, redirects,
 * and the errors a user reads. The integration suite pulls from a real registry; this pins the edges.
 * (test/charts/oci-http.test.ts plays a registry and a separate blob storage: credentials across origins.)
 */
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OciClient, RegistryError } from "../../src/charts/oci.ts";
import { RegistryCredentials } from "../../src/charts/registry-credentials.ts";

const CHART = Buffer.from("chart archive bytes");
const sha256 = (b: Buffer | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const LAYER = {
  mediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
  digest: sha256(CHART),
  size: CHART.length,
};
const manifest = (layers: unknown[]) => JSON.stringify({ schemaVersion: 2, layers });
const MANIFEST = manifest([
  { mediaType: "application/vnd.cncf.helm.config.v1+json", digest: "sha256:00", size: 2 },
  LAYER,
]);

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let registry = "";
const routes = new Map<string, Handler>();
const requests: { url: string; authorization?: string }[] = [];

const send =
  (status: number, body: string | Buffer, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  };

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? "", authorization: req.headers.authorization });
    const handler = routes.get(req.url?.split("?")[0] ?? "");
    if (handler) handler(req, res);
    else
      send(404, JSON.stringify({ errors: [{ code: "NAME_UNKNOWN", message: "repository name not known" }] }))(
        req,
        res,
      );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  registry = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A client with no credentials anywhere, and one with a docker config holding `auth` for the test registry. */
function client(auth?: Record<string, string>): OciClient {
  const dir = mkdtempSync(join(tmpdir(), "kubestrap-oci-unit-"));
  const file = join(dir, "config.json");
  writeFileSync(file, JSON.stringify({ auths: auth ? { [registry]: auth } : {} }));
  return new OciClient(new RegistryCredentials([file], {}));
}

function serve(
  repository: string,
  manifestBody: string | Buffer,
  blob: Buffer = CHART,
  reference = "1.0.0",
): void {
  routes.clear();
  requests.length = 0;
  routes.set(`/v2/${repository}/manifests/${reference}`, send(200, manifestBody));
  routes.set(`/v2/${repository}/blobs/${LAYER.digest}`, send(200, blob));
}

const pull = (c: OciClient, reference = "1.0.0", repository = "charts/app") =>
  c.pullChart({ registry, repository, reference, plainHttp: true });

describe("pulling a chart from a registry", () => {
  it("takes the chart layer the manifest names, by tag or by the manifest's digest", async () => {
    serve("charts/app", MANIFEST);
    expect(await pull(client())).toEqual({ bytes: CHART, digest: LAYER.digest });
    serve("charts/app", MANIFEST, CHART, sha256(MANIFEST));
    expect((await pull(client(), sha256(MANIFEST))).digest).toBe(LAYER.digest);
    expect(requests.map((r) => r.url)).toEqual([
      `/v2/charts/app/manifests/${sha256(MANIFEST)}`,
      `/v2/charts/app/blobs/${LAYER.digest}`,
    ]);
  });

  it("accepts the media type of charts pushed before helm 3.7", async () => {
    serve("charts/app", manifest([{ ...LAYER, mediaType: "application/tar+gzip" }]));
    expect((await pull(client())).bytes).toEqual(CHART);
  });

  it("refuses what does not match: the manifest's digest, the layer's size or digest, a manifest without a chart", async () => {
    const refusals: [string | Buffer, Buffer, string, string][] = [
      [MANIFEST, CHART, sha256("other"), "manifest does not match its digest"],
      [MANIFEST, Buffer.from("chart archive byteX"), "1.0.0", "chart layer does not match its digest"],
      [
        MANIFEST,
        Buffer.from("short"),
        "1.0.0",
        `chart layer of ${"REG"}/charts/app: 5 bytes, the manifest says ${CHART.length}`,
      ],
      ["{not json", CHART, "1.0.0", `the manifest of REG/charts/app:1.0.0 is not JSON`],
      [
        manifest([{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: LAYER.digest, size: 1 }]),
        CHART,
        "1.0.0",
        "REG/charts/app:1.0.0 is not a helm chart (no layer of type application/vnd.cncf.helm.chart.content.v1.tar+gzip)",
      ],
      [
        manifest([{ mediaType: LAYER.mediaType, digest: LAYER.digest }]),
        CHART,
        "1.0.0",
        "is not a helm chart",
      ],
    ];
    for (const [body, blob, reference, message] of refusals) {
      serve("charts/app", body, blob, reference);
      const expected = message.replaceAll("REG", registry);
      await expect(pull(client(), reference), expected).rejects.toThrow(expected);
    }
  });

  it("names a missing tag or digest, and what the registry said", async () => {
    serve("charts/app", MANIFEST);
    await expect(pull(client(), "9.9.9")).rejects.toThrow(
      `tag 9.9.9 not found in ${registry}/charts/app (HTTP 404 NAME_UNKNOWN: repository name not known)`,
    );
    await expect(pull(client(), "9.9.9")).rejects.toBeInstanceOf(RegistryError);
    await expect(pull(client(), sha256("x"))).rejects.toMatchObject({
      message: expect.stringMatching(/^digest sha256:[0-9a-f]{64} not found in /),
      status: 404,
    });
    routes.set("/v2/charts/app/manifests/1.0.0", send(500, "boom"));
    await expect(pull(client())).rejects.toThrow(/manifest of .*charts\/app:1\.0\.0/);
  });
});

describe("registry authentication and redirects", () => {
  const bearer = (realm: string) => ({
    "www-authenticate": `Bearer realm="${realm}",service="test",scope="repository:charts/app:pull"`,
  });
  const guarded =
    (token: string): Handler =>
    (req, res) => {
      if (req.headers.authorization === `Bearer ${token}`) send(200, MANIFEST)(req, res);
      else send(401, "", bearer(`http://${registry}/token`))(req, res);
    };

  it("answers a bearer challenge with a token, anonymously, and reuses it for the next request", async () => {
    serve("charts/app", MANIFEST);
    routes.set("/v2/charts/app/manifests/1.0.0", guarded("t0k"));
    routes.set("/token", send(200, JSON.stringify({ token: "t0k" })));
    const c = client();
    expect((await pull(c)).bytes).toEqual(CHART);
    expect(requests.map((r) => [r.url.split("?")[0], r.authorization])).toEqual([
      ["/v2/charts/app/manifests/1.0.0", undefined],
      ["/token", undefined],
      ["/v2/charts/app/manifests/1.0.0", "Bearer t0k"],
      [`/v2/charts/app/blobs/${LAYER.digest}`, "Bearer t0k"],
    ]);
    expect(requests[1]?.url).toBe("/token?service=test&scope=repository%3Acharts%2Fapp%3Apull");
  });

  it("sends the configured user to the token service, and says whose access was refused", async () => {
    serve("charts/app", MANIFEST);
    routes.set("/v2/charts/app/manifests/1.0.0", guarded("never"));
    routes.set("/token", send(200, JSON.stringify({ access_token: "wrong" })));
    const auth = Buffer.from("me:secret").toString("base64");
    await expect(pull(client({ auth }))).rejects.toThrow(
      /^127\.0\.0\.1:\d+ refused the credentials from .*config\.json to charts\/app \(HTTP 401\)$/,
    );
    expect(requests[1]?.authorization).toBe(`Basic ${auth}`);
    requests.length = 0;
    await expect(pull(client())).rejects.toThrow(
      /refused anonymous access \(no credentials for it in .*config\.json\) to charts\/app/,
    );
  });

  it("reports a token service that refuses, answers no JSON, or gives no token", async () => {
    serve("charts/app", MANIFEST);
    routes.set("/v2/charts/app/manifests/1.0.0", guarded("t"));
    const answers: [Handler, RegExp][] = [
      [
        send(403, "denied"),
        /the token service of .* \(http:\/\/127\.0\.0\.1:\d+\/token\) refused a pull token anonymously \(no credentials found\) \(HTTP 403\)/,
      ],
      [send(200, "not json"), /the token service of .* did not answer with JSON/],
      [send(200, "{}"), /the token service of .* returned no token/],
    ];
    for (const [handler, message] of answers) {
      routes.set("/token", handler);
      await expect(pull(client())).rejects.toThrow(message);
    }
  });

  it("answers a basic challenge with the configured user, or says none is configured", async () => {
    serve("charts/app", MANIFEST);
    const auth = Buffer.from("me:secret").toString("base64");
    routes.set("/v2/charts/app/manifests/1.0.0", (req, res) =>
      req.headers.authorization === `Basic ${auth}`
        ? send(200, MANIFEST)(req, res)
        : send(401, "", { "www-authenticate": 'Basic realm="registry"' })(req, res),
    );
    expect((await pull(client({ auth }))).bytes).toEqual(CHART);
    await expect(pull(client())).rejects.toThrow(
      /asks for a user name and password, and none is configured for it in .*config\.json/,
    );
    routes.set(
      "/v2/charts/app/manifests/1.0.0",
      send(401, "", { "www-authenticate": 'Negotiate realm="x"' }),
    );
    await expect(pull(client())).rejects.toThrow('asks for unsupported authentication "negotiate"');
  });

  it("follows a blob redirect, and gives up after five", async () => {
    serve("charts/app", MANIFEST);
    routes.set(`/v2/charts/app/blobs/${LAYER.digest}`, send(307, "", { location: "/storage/blob" }));
    routes.set("/storage/blob", send(200, CHART));
    expect((await pull(client())).bytes).toEqual(CHART);
    routes.set("/storage/blob", send(302, "", { location: "/storage/blob" }));
    await expect(pull(client())).rejects.toThrow("more than 5 redirects");
  });
});
