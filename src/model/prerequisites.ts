/**
 * What the bootstrap applies before any chart: the namespaces its releases and resources live in, and the
 * bootstrap resources (secrets for the first controllers, mostly). The resources are what `kubestrap.yaml`
 * names, or, detected in the bootstrap folder (the helmfiles' parent):
 *
 * - `kustomize/` with a kustomization.yaml: one kustomize tree;
 * - otherwise each folder of `kustomize/` with a kustomization.yaml that is not a Component, a tree each
 *   (onedr0p's `kustomize/personal`, `kustomize/home-operations`);
 * - otherwise the YAML files in `kustomize/` (`secrets.yaml.tpl` included: templates for the injector);
 * - `resources.yaml` (or `.yaml.tpl`) in the bootstrap folder.
 *
 * SOPS-encrypted documents are recognised by their `sops` field and decrypted when applied; secret references
 * (`op://vault/item/field`) are resolved by the configured injector when applied. Neither is read here, so the
 * plan holds no secret.
 */
import { posix } from "node:path";
import type { Finding, SourceLocation } from "../findings.ts";
import { type Repository, resolveRepoPath } from "../load/repository.ts";
import { parseYaml } from "../load/yaml.ts";
import type { Bootstrap } from "./bootstrap.ts";
import type { CommandSpec, Config } from "./config.ts";
import type { FluxModel } from "./flux.ts";
import type { KustomizeBuilder } from "./kustomize.ts";
import { asRecord, asString, type Json } from "./objects.ts";

export interface BootstrapResources {
  /** Repository-relative kustomize directory or file. */
  path: string;
  type: "kustomize" | "file";
  /** The objects as built (a file that only parses after injection has none here). */
  objects: Json[];
  /** Where each object was written (file and document), for decrypting SOPS documents from their file. */
  origins: { file: string; docIndex: number }[];
  /** The text as read: a file's content, or the built objects as YAML, for the injector and the hash. */
  text: string;
  /** Documents carry a `sops` field: `sops` decrypts them before they are applied. */
  sops: boolean;
  /** Secret references to resolve (`op://...` or any text the injector rewrites). */
  inject?: CommandSpec;
  namespace?: string;
  /** Where it was found: kubestrap.yaml or the detected layout. */
  why: string;
  location: SourceLocation;
}

export interface NamespaceNeed {
  name: string;
  /** The Namespace manifest to apply: the repository's own (labels, annotations) or a bare one. */
  object: Json;
  /** Why it is needed. */
  why: string[];
  /** Where its manifest comes from, when the repository has one. */
  location?: SourceLocation;
}

export interface Prerequisites {
  namespaces: NamespaceNeed[];
  resources: BootstrapResources[];
  findings: Finding[];
}

const SECRET_REFERENCE = /\bop:\/\/|\{\{/;

/** Whether applying the resources needs a secret: SOPS decryption, the injector, or references nothing resolves. */
export function needsSecrets(r: BootstrapResources): boolean {
  return r.sops || r.inject !== undefined || SECRET_REFERENCE.test(r.text);
}

export function loadPrerequisites(
  repo: Repository,
  builder: KustomizeBuilder,
  bootstrap: Bootstrap,
  model: FluxModel,
  config: Config,
  configFile: string | undefined,
): Prerequisites {
  const findings: Finding[] = [];
  const resources = config.bootstrap.resources
    ? config.bootstrap.resources.flatMap((r) =>
        readSource(repo, builder, r.path, `named in ${configFile ?? "kubestrap.yaml"}`, findings, {
          inject: r.inject ?? config.secrets.inject,
          namespace: r.namespace,
        }),
      )
    : detectSources(repo, bootstrap).flatMap((path) =>
        readSource(repo, builder, path, foundIn(bootstrap.root), findings, {
          inject: config.secrets.inject,
          namespace: undefined,
        }),
      );
  for (const r of resources) {
    if (!r.inject && SECRET_REFERENCE.test(r.text) && !r.sops) {
      findings.push({
        ruleId: "secret-unresolved",
        severity: "error",
        message: `${r.path} holds secret references or templates (op://, {{ }}) and no injector is configured: set secrets.inject in kubestrap.yaml (e.g. command: op, args: [inject])`,
        location: r.location,
      });
    }
  }
  return { namespaces: namespaceNeeds(bootstrap, resources, model, config), resources, findings };
}

function foundIn(root: string | undefined): string {
  return root ? `found in the bootstrap folder ${root}` : "found beside the helmfile at the repository root";
}

/** Bootstrap resources found beside the helmfiles (`<root>/kustomize`, `<root>/resources.yaml`). */
export function detectSources(repo: Repository, bootstrap: Bootstrap): string[] {
  const root = bootstrap.root;
  if (root === undefined) return [];
  const out: string[] = [];
  const kustomize = root === "" ? "kustomize" : `${root}/kustomize`;
  if (repo.isDir(kustomize)) {
    if (hasKustomization(repo, kustomize)) out.push(kustomize);
    else {
      const trees = repo
        .list(kustomize)
        .filter((e) => e.endsWith("/"))
        .map((e) => `${kustomize}/${e.slice(0, -1)}`)
        .filter((dir) => hasKustomization(repo, dir) && !isComponent(repo, dir));
      if (trees.length > 0) out.push(...trees);
      else
        out.push(
          ...repo
            .list(kustomize)
            .filter((e) => /\.ya?ml(\.tpl)?$/.test(e))
            .map((e) => `${kustomize}/${e}`),
        );
    }
  }
  for (const file of ["resources.yaml", "resources.yml", "resources.yaml.tpl"]) {
    const path = root === "" ? file : `${root}/${file}`;
    if (repo.isFile(path)) out.push(path);
  }
  return out;
}

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

function hasKustomization(repo: Repository, dir: string): boolean {
  return KUSTOMIZATION_FILES.some((f) => repo.isFile(`${dir}/${f}`));
}

function isComponent(repo: Repository, dir: string): boolean {
  const file = KUSTOMIZATION_FILES.map((f) => `${dir}/${f}`).find((f) => repo.isFile(f));
  const doc = file ? repo.documents(file)?.[0] : undefined;
  return asString(asRecord(doc?.value).kind) === "Component";
}

function readSource(
  repo: Repository,
  builder: KustomizeBuilder,
  rawPath: string,
  why: string,
  findings: Finding[],
  options: { inject: CommandSpec | undefined; namespace: string | undefined },
): BootstrapResources[] {
  const path = resolveRepoPath("", rawPath.replace(/^\.?\/+/, "").replace(/\/+$/, ""));
  const base = { inject: options.inject, namespace: options.namespace, why };
  if (path !== undefined && repo.isDir(path)) {
    const built = builder.build(path, true);
    const objects = built.map((o) => o.body);
    const text = objects.map((o) => `---\n${JSON.stringify(o)}\n`).join("");
    return [
      withOptional({
        path,
        type: "kustomize",
        objects,
        origins: built.map((o) => ({ file: o.source.file, docIndex: o.source.docIndex })),
        text,
        sops: objects.some((o) => o.sops !== undefined),
        location: { file: builder.kustomizationFile(path) ?? path, line: 1 },
        ...base,
      }),
    ];
  }
  const text = path === undefined ? undefined : repo.readText(path);
  if (path === undefined || text === undefined) {
    findings.push({
      ruleId: "path-missing",
      severity: "error",
      message: `bootstrap resources ${rawPath} (${why}) do not exist in the repository`,
    });
    return [];
  }
  const parsed = parseYaml(text, path);
  const documents = parsed.findings.length > 0 ? [] : parsed.documents.filter((d) => asRecord(d.value).kind);
  const objects = documents.map((d) => asRecord(d.value));
  return [
    withOptional({
      path,
      type: "file",
      objects,
      origins: documents.map((d) => ({ file: path, docIndex: d.index })),
      text,
      sops: objects.some((o) => o.sops !== undefined),
      location: { file: path, line: 1 },
      ...base,
    }),
  ];
}

function withOptional(
  r: Omit<BootstrapResources, "inject" | "namespace"> & {
    inject: CommandSpec | undefined;
    namespace: string | undefined;
  },
): BootstrapResources {
  const { inject, namespace, ...rest } = r;
  const out: BootstrapResources = rest;
  if (inject) out.inject = inject;
  if (namespace) out.namespace = namespace;
  return out;
}

/**
 * Every namespace the bootstrap writes into: its releases', its resources', and what kubestrap.yaml adds.
 * Each is applied from the repository's own Namespace manifest when it has one (a resource of the bootstrap,
 * or one that Flux applies: labels such as pod-security levels matter before the first Pod), else bare.
 */
function namespaceNeeds(
  bootstrap: Bootstrap,
  resources: BootstrapResources[],
  model: FluxModel,
  config: Config,
): NamespaceNeed[] {
  const needs = new Map<string, NamespaceNeed>();
  const need = (name: string, why: string) => {
    if (!name) return;
    const entry = needs.get(name) ?? { name, object: bareNamespace(name), why: [] };
    if (!entry.why.includes(why)) entry.why.push(why);
    needs.set(name, entry);
  };
  for (const r of bootstrap.releases)
    if (r.phase === "releases") need(r.namespace, `release ${r.namespace}/${r.name}`);
  for (const r of resources) {
    for (const o of r.objects) {
      const kind = asString(o.kind);
      const metadata = asRecord(o.metadata);
      if (kind === "Namespace" && o.apiVersion === "v1")
        need(asString(metadata.name) ?? "", `declared in ${r.path}`);
      else {
        const ns = asString(metadata.namespace) ?? r.namespace;
        if (ns) need(ns, `resources in ${r.path}`);
      }
    }
  }
  for (const name of config.bootstrap.namespaces) need(name, "kubestrap.yaml bootstrap.namespaces");
  // The repository's own manifests: the bootstrap's first, then what Flux applies.
  const manifests = new Map<string, { object: Json; location?: SourceLocation }>();
  for (const ks of model.kustomizations.values()) {
    for (const o of ks.objects) {
      if (o.kind === "Namespace" && o.apiVersion === "v1" && !manifests.has(o.name))
        manifests.set(o.name, { object: o.body, location: { file: o.source.file, line: o.source.line } });
    }
  }
  for (const r of resources) {
    for (const o of r.objects) {
      const name = asString(asRecord(o.metadata).name);
      if (o.kind === "Namespace" && name) manifests.set(name, { object: o, location: r.location });
    }
  }
  for (const entry of needs.values()) {
    const manifest = manifests.get(entry.name);
    if (!manifest) continue;
    entry.object = namespaceManifest(entry.name, manifest.object);
    if (manifest.location) entry.location = manifest.location;
  }
  return [...needs.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function bareNamespace(name: string): Json {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name } };
}

/** A Namespace manifest with only what the bootstrap should own: name, labels and annotations. */
function namespaceManifest(name: string, object: Json): Json {
  const metadata = asRecord(object.metadata);
  const out: Json = { name };
  if (Object.keys(asRecord(metadata.labels)).length > 0) out.labels = metadata.labels;
  if (Object.keys(asRecord(metadata.annotations)).length > 0) out.annotations = metadata.annotations;
  return { apiVersion: "v1", kind: "Namespace", metadata: out };
}

export function describeSource(r: BootstrapResources): string {
  return r.type === "kustomize" ? `kustomize ${r.path}` : posix.basename(r.path);
}
