/**
 * The catalog CRDs' CEL rules, parsed when the catalog was generated (`npm run gen:catalog`): parsing is most of
 * what evaluating a rule costs once (about 0.6 ms a rule, the parser being cold in a CLI's short life), and a
 * lint evaluates dozens of catalog rules.
 *
 * `data/crd-schemas/<project>.cel.gz` holds, in Node's own serialization (`v8.serialize`, which the docs call
 * backward compatible and safe to store), the parser's version and a map from each rule's text to its
 * ParsedExpr. The parsed trees are only an accelerator: a file written by another parser version, or one that
 * cannot be read, is ignored, and the rules are parsed as they are met.
 */
import { existsSync, readFileSync } from "node:fs";
import { deserialize, serialize } from "node:v8";
import { gunzipSync, gzipSync } from "node:zlib";
import { PACKAGE_ROOT } from "../../package-root.ts";

interface CelAstsFile {
  cel: string;
  asts: Map<string, unknown>;
}

let installedVersion: string | undefined;

/** The version of @bufbuild/cel this process parses with. */
export function celParserVersion(): string {
  installedVersion ??= (
    JSON.parse(readFileSync(new URL("../../package.json", import.meta.resolve("@bufbuild/cel")), "utf8")) as {
      version: string;
    }
  ).version;
  return installedVersion;
}

export function encodeCelAsts(asts: Map<string, unknown>, cel = celParserVersion()): Buffer {
  return gzipSync(serialize({ cel, asts } satisfies CelAstsFile), { level: 9 });
}

/** The parsed rules a file holds, or undefined when they come from another parser version or do not read. */
export function decodeCelAsts(file: Buffer, cel = celParserVersion()): Map<string, unknown> | undefined {
  try {
    const decoded = deserialize(gunzipSync(file)) as Partial<CelAstsFile>;
    return decoded.cel === cel && decoded.asts instanceof Map ? decoded.asts : undefined;
  } catch {
    return undefined;
  }
}

const DATA = new URL("data/crd-schemas/", PACKAGE_ROOT);
const loaded = new Set<string>();
const asts = new Map<string, unknown>();

/** Makes the parsed rules of a catalog project available (schemas.ts calls it when it reads the project). */
export function loadCatalogCel(project: string): void {
  if (loaded.has(project)) return;
  loaded.add(project);
  const url = new URL(`${project}.cel.gz`, DATA);
  if (!existsSync(url)) return;
  for (const [text, ast] of decodeCelAsts(readFileSync(url)) ?? []) asts.set(text, ast);
}

/** The ParsedExpr of a rule of a catalog project already read, or undefined. */
export function catalogCelAst(expression: string): unknown {
  return asts.get(expression);
}
