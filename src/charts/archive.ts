/**
 * Reads a chart archive (.tgz) without helm, for the one case where helm's output is fixed by the archive
 * alone: a chart without dependencies whose CRDs all sit in `crds/`. helm never templates `crds/`, and
 * `helm template --include-crds` prints each of those files as `---\n# Source: <chart>/crds/<file>\n<content>\n`,
 * in archive order; `crdsFromArchive` builds exactly that text. Anything else (a template that mentions
 * CustomResourceDefinition, subcharts, dependencies) is left to helm.
 */
import { readFile } from "node:fs/promises";
import { readTar } from "../load/tar.ts";
import { loadManifest } from "../load/yaml.ts";
import { documentHeader, splitRendered } from "./documents.ts";

const MANIFEST = /\.(ya?ml|json)$/i;

export interface ArchiveCrd {
  name: string;
  /** The document as helm's output would give it to kubestrap's extraction (`# Source:` line included). */
  bytes: Buffer;
}

/**
 * The CRD documents `helm template --include-crds` would print for the archive, or undefined when only helm
 * can tell. A file holding one document becomes its bytes with helm's `# Source:` line in front, without a
 * round trip through strings; a file with several documents goes through the same splitting as helm output.
 */
export async function crdsFromArchive(archive: string, bytes?: Buffer): Promise<ArchiveCrd[] | undefined> {
  if (!archive.endsWith(".tgz")) return undefined;
  const entries = readTar(await gunzip(bytes ?? (await readFile(archive)))).filter((e) => e.type === "file");
  const root = entries[0]?.name.split("/")[0];
  if (!root) return undefined;
  const chartYaml = entries.find((e) => e.name === `${root}/Chart.yaml`);
  if (!chartYaml) return undefined;
  const chart = loadManifest(chartYaml.data.toString("utf8")) as
    | { name?: string; dependencies?: unknown[] }
    | undefined;
  if (!chart?.name || (chart.dependencies?.length ?? 0) > 0) return undefined;
  if (entries.some((e) => e.name.startsWith(`${root}/charts/`) || e.name === `${root}/requirements.yaml`)) {
    return undefined;
  }
  const templates = entries.filter((e) => e.name.startsWith(`${root}/templates/`));
  if (templates.some((e) => e.data.includes("CustomResourceDefinition"))) return undefined;
  const files = entries.filter((e) => e.name.startsWith(`${root}/crds/`) && MANIFEST.test(e.name));
  if (files.length === 0) return undefined;
  const out: ArchiveCrd[] = [];
  for (const file of files) {
    const source = `# Source: ${chart.name}/${file.name.slice(root.length + 1)}\n`;
    const single = !file.data.includes("---");
    const header = single ? documentHeader(file.data.subarray(0, 16384).toString("utf8")) : undefined;
    if (
      single &&
      header?.kind === "CustomResourceDefinition" &&
      header.apiVersion.startsWith("apiextensions.k8s.io/")
    ) {
      let end = file.data.length;
      while (end > 0 && WHITESPACE.has(file.data[end - 1] as number)) end--;
      out.push({
        name: header.name,
        bytes: Buffer.concat([Buffer.from(source), file.data.subarray(0, end), NEWLINE]),
      });
      continue;
    }
    for (const crd of splitRendered(`---\n${source}${file.data.toString("utf8")}\n`).crds) {
      out.push({ name: crd.name, bytes: Buffer.from(crd.text) });
    }
  }
  return out;
}

/** On libuv's thread pool, so that several archives unpack at once and helm processes start meanwhile. */
async function gunzip(bytes: Buffer): Promise<Buffer> {
  const zlib = await import("node:zlib");
  return new Promise((resolve, reject) =>
    zlib.gunzip(bytes, (error, out) => (error ? reject(error) : resolve(out))),
  );
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c]);
const NEWLINE = Buffer.from("\n");
