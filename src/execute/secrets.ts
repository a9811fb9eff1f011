/**
 * Turns bootstrap resources into what is applied: SOPS-encrypted documents decrypted with `sops` (from their own
 * file, so that the MAC matches; the decrypted values are then put into the object as kustomize built it), and
 * secret references resolved by the configured injector (`op inject`: the YAML on stdin, the resolved YAML on
 * stdout). Every value either one produced is registered with the redactor before anything is printed.
 */
import { join } from "node:path";
import { stringify } from "yaml";
import { loadManifest } from "../load/yaml.ts";
import type { CommandSpec } from "../model/config.ts";
import type { Json } from "../model/objects.ts";
import type { BootstrapResources } from "../model/prerequisites.ts";
import { runChecked } from "./process.ts";
import type { Redactor } from "./redact.ts";

export interface PrepareOptions {
  repoDir: string;
  redactor: Redactor;
  signal?: AbortSignal;
}

export async function prepareResources(r: BootstrapResources, options: PrepareOptions): Promise<Json[]> {
  let objects = structuredClone(r.objects);
  if (r.sops) objects = await decryptSops(objects, r.origins, options);
  if (r.inject) {
    // A file goes to the injector as written (it may be a template that is YAML only afterwards).
    const text = r.type === "file" && !r.sops ? r.text : objects.map((o) => `---\n${stringify(o)}`).join("");
    const before = objects;
    objects = parseAll(await inject(r.inject, text, options), r.path);
    if (before.length === objects.length)
      for (const [i, o] of before.entries()) registerChanged(o, objects[i], options.redactor);
  }
  for (const o of objects) if (o.kind === "Secret") options.redactor.addSecretObject(o);
  return objects;
}

async function decryptSops(
  objects: Json[],
  origins: BootstrapResources["origins"],
  options: PrepareOptions,
): Promise<Json[]> {
  const files = new Map<string, Json[]>();
  for (const [i, o] of objects.entries()) {
    const origin = origins[i];
    if (o.sops === undefined || !origin) continue;
    let decrypted = files.get(origin.file);
    if (!decrypted) {
      const text = await runChecked(
        "sops",
        ["--decrypt", "--output-type", "yaml", join(options.repoDir, origin.file)],
        {
          ...(options.signal ? { signal: options.signal } : {}),
          timeoutMs: 120_000,
        },
      ).catch((error: Error) => {
        throw new Error(`sops cannot decrypt ${origin.file}: ${options.redactor.redact(error.message)}`);
      });
      decrypted = parseAll(text, origin.file);
      for (const d of decrypted) registerLeaves(d, options.redactor);
      files.set(origin.file, decrypted);
    }
    const atIndex = decrypted[origin.docIndex];
    const source = atIndex && sameObject(atIndex, o) ? atIndex : decrypted.find((d) => sameObject(d, o));
    if (!source)
      throw new Error(`sops decrypted ${origin.file}, but document ${origin.docIndex + 1} is not in it`);
    objects[i] = withDecryptedValues(o, source);
  }
  return objects;
}

/** The built object with every `ENC[...]` value replaced by the decrypted one at the same path, without `sops`. */
export function withDecryptedValues(built: Json, decrypted: Json): Json {
  const merge = (b: unknown, d: unknown): unknown => {
    if (typeof b === "string") return b.startsWith("ENC[") && d !== undefined ? d : b;
    if (Array.isArray(b)) return b.map((v, i) => merge(v, Array.isArray(d) ? d[i] : undefined));
    if (b && typeof b === "object") {
      const out: Json = {};
      const dd = d && typeof d === "object" ? (d as Json) : {};
      for (const [k, v] of Object.entries(b as Json)) if (k !== "sops") out[k] = merge(v, dd[k]);
      return out;
    }
    return b;
  };
  return merge(built, decrypted) as Json;
}

/** The same document before kustomize ran: same kind, and the same name unless kustomize changed it. */
function sameObject(decrypted: Json, built: Json): boolean {
  const name = (o: Json) => (o.metadata as { name?: string } | undefined)?.name;
  return decrypted.kind === built.kind && (name(decrypted) === name(built) || name(decrypted) === "_");
}

async function inject(command: CommandSpec, text: string, options: PrepareOptions): Promise<string> {
  try {
    return await runChecked(command.command, command.args, {
      input: text,
      env: command.env,
      timeoutMs: 120_000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    // The injector's own errors may quote what it read: only the redacted first line is kept.
    throw new Error(
      `${command.command} could not resolve the secret references: ${options.redactor.redact((error as Error).message.split("\n")[0] ?? "")}`,
    );
  }
}

function parseAll(text: string, file: string): Json[] {
  return text
    .split(/^---[ \t]*$/m)
    .filter((chunk) => chunk.trim() !== "")
    .map((chunk) => {
      try {
        return loadManifest(chunk) as Json;
      } catch (error) {
        throw new Error(
          `${file}: the resolved YAML does not parse: ${(error as Error).message.split("\n")[0]}`,
        );
      }
    })
    .filter((o) => o && typeof o === "object" && o.kind);
}

/** Every string leaf that differs between the text before and after injection is a secret. */
function registerChanged(before: unknown, after: unknown, redactor: Redactor): void {
  if (typeof after === "string") {
    if (after !== before) redactor.add(after);
    return;
  }
  if (Array.isArray(after)) {
    for (const [i, v] of after.entries())
      registerChanged(Array.isArray(before) ? before[i] : undefined, v, redactor);
    return;
  }
  if (after && typeof after === "object")
    for (const [k, v] of Object.entries(after as Json))
      registerChanged(before && typeof before === "object" ? (before as Json)[k] : undefined, v, redactor);
}

/** Every string a decrypted SOPS document holds under data or stringData is a secret. */
function registerLeaves(doc: Json, redactor: Redactor): void {
  if (doc.kind === "Secret") redactor.addSecretObject(doc);
  const walk = (v: unknown, secret: boolean): void => {
    if (typeof v === "string") {
      if (secret) redactor.add(v);
    } else if (Array.isArray(v)) for (const x of v) walk(x, secret);
    else if (v && typeof v === "object")
      for (const [k, x] of Object.entries(v as Json)) walk(x, secret || k === "data" || k === "stringData");
  };
  walk(doc, false);
}
