/**
 * What the OCI client does with HTTP itself, on loopback servers that play a registry's front and its blob
 * storage: redirects that leave the registry's origin lose its credentials, and an archive whose bytes do
 * not match the manifest's digest is refused. (Pulls from a real registry are in
 * test/integration/oci-pull.test.ts.)
 */
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { OciClient } from "../../src/charts/oci.ts";
import { RegistryCredentials } from "../../src/charts/registry-credentials.ts";

const ARCHIVE = Buffer.from("not really a tgz, but bytes with a digest");
const DIGEST = `sha256:${createHash("sha256").update(ARCHIVE).digest("hex")}`;
const AUTH = `Basic ${Buffer.from("user:pass").toString("base64")}`;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

describe("registry HTTP", () => {
  const storageRequests: IncomingHttpHeaders[] = [];
  let storageBody = ARCHIVE;
  let registry = "";
  const servers: Server[] = [];
  let credentials: RegistryCredentials;

  beforeAll(async () => {
    const storage = createServer((req, res) => {
      storageRequests.push(req.headers);
      res.writeHead(200).end(storageBody);
    });
    const storagePort = await listen(storage);
    const front = createServer((req, res) => {
      if (req.headers.authorization !== AUTH) {
        res.writeHead(401, { "www-authenticate": 'Basic realm="test"' }).end();
        return;
      }
      if (req.url === "/v2/charts/app/manifests/1.0.0") {
        const manifest = {
          schemaVersion: 2,
          config: { mediaType: "application/vnd.cncf.helm.config.v1+json", digest: "sha256:00", size: 2 },
          layers: [
            {
              mediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
              digest: DIGEST,
              size: ARCHIVE.length,
            },
          ],
        };
        res.writeHead(200, { "content-type": "application/vnd.oci.image.manifest.v1+json" });
        res.end(JSON.stringify(manifest));
      } else if (req.url === `/v2/charts/app/blobs/${DIGEST}`) {
        res.writeHead(307, { location: `http://127.0.0.1:${storagePort}/blob?signed=1` }).end();
      } else res.writeHead(404).end();
    });
    registry = `127.0.0.1:${await listen(front)}`;
    servers.push(storage, front);
    const dir = mkdtempSync(join(tmpdir(), "kubestrap-oci-http-"));
    writeFileSync(
      join(dir, "config.json"),
      JSON.stringify({ auths: { [registry]: { auth: AUTH.slice(6) } } }),
    );
    credentials = new RegistryCredentials([join(dir, "config.json")], {});
  });

  afterAll(() => {
    for (const server of servers) server.close();
  });

  const ref = () => ({ registry, repository: "charts/app", reference: "1.0.0", plainHttp: true });

  test("a redirect to another origin is followed without the registry's credentials", async () => {
    const pulled = await new OciClient(credentials).pullChart(ref());
    expect(pulled.bytes.equals(ARCHIVE)).toBe(true);
    expect(pulled.digest).toBe(DIGEST);
    expect(storageRequests.length).toBe(1);
    expect(storageRequests[0]?.authorization).toBeUndefined();
  });

  test("bytes that do not match the manifest's digest are refused", async () => {
    storageBody = Buffer.from(ARCHIVE.toString().toUpperCase());
    await expect(new OciClient(credentials).pullChart(ref())).rejects.toThrow(
      `chart layer does not match its digest ${DIGEST}`,
    );
    storageBody = Buffer.concat([ARCHIVE, Buffer.from("more")]);
    await expect(new OciClient(credentials).pullChart(ref())).rejects.toThrow(
      `chart layer of ${registry}/charts/app: ${storageBody.length} bytes, the manifest says ${ARCHIVE.length}`,
    );
    // A body far beyond the manifest's size is not read to its end.
    storageBody = Buffer.alloc(1024 * 1024);
    await expect(new OciClient(credentials).pullChart(ref())).rejects.toThrow(/response larger than/);
    storageBody = ARCHIVE;
  });
});
