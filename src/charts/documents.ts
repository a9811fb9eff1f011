/**
 * Reading multi-document YAML as helm prints it: the documents, and the identity of each (apiVersion, kind,
 * name, namespace) without parsing megabytes of CRD schema.
 */
import { loadManifest } from "../load/yaml.ts";

/** An object by its identity only (what the CRD analysis needs of what a chart renders). */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/**
 * Splits helm output into the CRD documents and every other object's identity, each with its text exactly as
 * rendered (without the `---` separator).
 */
export function splitRendered(output: string): {
  crds: { name: string; text: string }[];
  objects: (RenderedObject & { text: string })[];
} {
  const crds: { name: string; text: string }[] = [];
  const objects: (RenderedObject & { text: string })[] = [];
  for (const chunk of output.split(/^---[ \t]*$/m)) {
    const header = documentHeader(chunk);
    if (!header) continue;
    if (header.kind === "CustomResourceDefinition" && header.apiVersion.startsWith("apiextensions.k8s.io/")) {
      crds.push({ name: header.name, text: `${chunk.replace(/^\s*\n/, "").trimEnd()}\n` });
      continue;
    }
    objects.push({ ...header, text: `${chunk.replace(/^\s*\n/, "").trimEnd()}\n` });
  }
  return { crds, objects };
}

const TOP_LEVEL = /^(apiVersion|kind|metadata):[ \t]*(.*)$/;
const PLAIN_VALUE = /^["']?([A-Za-z0-9][A-Za-z0-9._/-]*)["']?[ \t]*(#.*)?$/;

/**
 * apiVersion, kind, metadata.name and metadata.namespace of a document. Block-style headers (what helm
 * prints) are read line by line, which keeps a 13 MiB render from being parsed as a whole; anything else
 * (flow style, anchors, multi-line scalars) goes through the YAML parser.
 */
export function documentHeader(chunk: string): RenderedObject | undefined {
  const fields: Record<string, string> = {};
  let inMetadata = false;
  let metadataSeen = false;
  let metadataIndent = -1;
  let simple = true;
  let start = 0;
  while (start < chunk.length) {
    let end = chunk.indexOf("\n", start);
    if (end < 0) end = chunk.length;
    const line = chunk.slice(start, end);
    start = end + 1;
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const top = TOP_LEVEL.exec(line);
    if (top) {
      const [, key, rest] = top as unknown as [string, string, string];
      inMetadata = key === "metadata";
      if (inMetadata) {
        metadataSeen = true;
        if (rest.trim() !== "") simple = false;
        continue;
      }
      const value = PLAIN_VALUE.exec(rest);
      if (value) fields[key] = value[1] as string;
      else simple = false;
      continue;
    }
    if (!/^[ \t]/.test(line)) {
      inMetadata = false;
      // Past the header: a CRD's spec can be megabytes, and nothing in it is needed.
      if (metadataSeen && fields.apiVersion && fields.kind) break;
      continue;
    }
    if (!inMetadata) continue;
    const indent = line.length - line.trimStart().length;
    if (metadataIndent < 0) metadataIndent = indent;
    if (indent !== metadataIndent) continue;
    const entry = /^[ \t]+(name|namespace):[ \t]*(.*)$/.exec(line);
    if (!entry) continue;
    const value = PLAIN_VALUE.exec(entry[2] as string);
    if (value) fields[entry[1] as string] = value[1] as string;
    else simple = false;
  }
  if (!fields.kind && !/^kind:/m.test(chunk)) return undefined;
  const read = simple ? identity(fields.apiVersion, fields.kind, fields.name, fields.namespace) : undefined;
  if (read) return read;
  const object = loadManifest(chunk) as Record<string, unknown> | null;
  const metadata = (object?.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  return identity(object?.apiVersion, object?.kind, metadata.name, metadata.namespace);
}

function identity(
  apiVersion: unknown,
  kind: unknown,
  name: unknown,
  namespace: unknown,
): RenderedObject | undefined {
  if (typeof apiVersion !== "string" || typeof kind !== "string" || typeof name !== "string")
    return undefined;
  const header: RenderedObject = { apiVersion, kind, name };
  if (typeof namespace === "string" && namespace) header.namespace = namespace;
  return header;
}
