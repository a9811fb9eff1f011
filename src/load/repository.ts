import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join, posix, relative, resolve, sep } from "node:path";
import type { Finding, SourceLocation } from "../findings.ts";
import {
  locateIn,
  type ParsedYaml,
  parsePositions,
  parseYaml,
  type YamlDocument,
  type YamlPositions,
} from "./yaml.ts";

const YAML_EXTENSIONS = [".yaml", ".yml"];
const TEMPLATE_EXTENSIONS = [".j2", ".jinja", ".jinja2", ".tmpl", ".tpl"];
const IGNORED_DIRS = new Set([".git", "node_modules", ".terraform", ".venv", ".direnv"]);

export class RepositoryError extends Error {
  override readonly name = "RepositoryError";
}

/**
 * A repository on disk: every file path, and every YAML document parsed once with its position.
 * Paths are repository-relative with forward slashes; "" is the root.
 */
export class Repository {
  readonly root: string;
  readonly findings: Finding[] = [];
  private readonly filePaths = new Set<string>();
  private readonly dirEntries = new Map<string, string[]>();
  private readonly parsed = new Map<string, ParsedYaml>();
  private readonly texts = new Map<string, string>();
  private readonly positions = new Map<string, YamlPositions>();
  private realRoot = "";
  /** Files whose text or documents something asked for: what Flux, kustomize or the bootstrap read. */
  private readonly consulted = new Set<string>();
  private documentsCache: YamlDocument[] | undefined;

  private constructor(root: string) {
    this.root = root;
  }

  /** Walks the directory tree and parses every YAML file. Throws RepositoryError when the root cannot be read. */
  static load(rootDir: string): Repository {
    const root = resolve(rootDir);
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(root);
    } catch (e) {
      throw new RepositoryError(
        `cannot read repository ${rootDir}: ${(e as NodeJS.ErrnoException).code ?? e}`,
      );
    }
    if (!st.isDirectory()) throw new RepositoryError(`repository ${rootDir} is not a directory`);
    const repo = new Repository(root);
    repo.realRoot = realpathSync(root);
    repo.walk("");
    for (const path of repo.filePaths) {
      if (isYamlPath(path)) repo.parseFile(path);
      else if (TEMPLATE_EXTENSIONS.some((ext) => path.endsWith(ext)) && /\.ya?ml\./.test(path)) {
        repo.findings.push({
          ruleId: "file-skipped",
          severity: "info",
          message: `${posix.basename(path)} is a template, not YAML: skipped`,
          location: { file: path, line: 1 },
        });
      }
    }
    return repo;
  }

  /**
   * Walks a folder. Like kustomize-controller, nothing outside the repository root is read: a symlink that
   * leads out of it is skipped (and reported); a symlink to a folder that contains it (a loop) is not followed.
   * `real` is the folder's real path, `ancestors` the real paths of the folders on the way down.
   */
  private walk(
    dir: string,
    real = this.realRoot,
    ancestors: ReadonlySet<string> = new Set([this.realRoot]),
  ): void {
    const abs = dir === "" ? this.root : join(this.root, dir);
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    const names: string[] = [];
    for (const entry of entries) {
      const rel = dir === "" ? entry.name : `${dir}/${entry.name}`;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = realpathSync(join(abs, entry.name));
          const inside = relative(this.realRoot, target);
          if (inside.startsWith(`..${sep}`) || inside === ".." || resolve(this.realRoot, inside) !== target) {
            this.findings.push({
              ruleId: "file-skipped",
              severity: "info",
              message: `${rel} is a symlink to ${target}, outside the repository: not read`,
              location: { file: rel, line: 1 },
            });
            continue;
          }
          const s = statSync(target);
          isDir = s.isDirectory();
          isFile = s.isFile();
          if (isDir && ancestors.has(target)) continue;
          if (isDir) {
            if (IGNORED_DIRS.has(entry.name)) continue;
            names.push(`${entry.name}/`);
            this.walk(rel, target, new Set([...ancestors, target]));
            continue;
          }
        } catch {
          continue;
        }
      }
      if (isDir) {
        if (IGNORED_DIRS.has(entry.name)) continue;
        names.push(`${entry.name}/`);
        const childReal = join(real, entry.name);
        this.walk(rel, childReal, new Set([...ancestors, childReal]));
      } else if (isFile) {
        names.push(entry.name);
        this.filePaths.add(rel);
      }
    }
    this.dirEntries.set(dir, names.sort());
  }

  private parseFile(path: string): ParsedYaml {
    let result = this.parsed.get(path);
    if (result) return result;
    const text = this.loadText(path);
    result = text === undefined ? { documents: [], findings: [] } : parseYaml(text, path);
    this.parsed.set(path, result);
    this.findings.push(...result.findings);
    return result;
  }

  readText(path: string): string | undefined {
    if (this.filePaths.has(path)) this.consulted.add(path);
    return this.loadText(path);
  }

  private loadText(path: string): string | undefined {
    let text = this.texts.get(path);
    if (text !== undefined) return text;
    if (!this.filePaths.has(path)) return undefined;
    text = readFileSync(join(this.root, path), "utf8");
    // Keep only YAML texts: they are the ones findings point into.
    if (isYamlPath(path)) this.texts.set(path, text);
    return text;
  }

  /** The parsed documents of a YAML file, or undefined when the file does not exist. */
  documents(path: string): YamlDocument[] | undefined {
    if (!this.filePaths.has(path)) return undefined;
    this.consulted.add(path);
    return this.parseFile(path).documents;
  }

  /** Whether a model asked for this file (its documents or text), as opposed to the walk that parsed everything. */
  wasConsulted(path: string): boolean {
    return this.consulted.has(path);
  }

  isFile(path: string): boolean {
    return this.filePaths.has(path);
  }

  isDir(path: string): boolean {
    return this.dirEntries.has(path);
  }

  /** Entries of a directory: files by name, subdirectories with a trailing slash. */
  list(dir: string): string[] {
    return this.dirEntries.get(dir) ?? [];
  }

  /** Every folder of the repository, repository-relative ("" is the root). */
  dirs(): string[] {
    return [...this.dirEntries.keys()];
  }

  /** Every file of the repository (any extension), repository-relative. */
  files(): string[] {
    return [...this.filePaths];
  }

  yamlFiles(): string[] {
    return [...this.parsed.keys()].sort();
  }

  /** Every document of every YAML file, in path order (computed once). */
  allDocuments(): YamlDocument[] {
    if (!this.documentsCache) {
      this.documentsCache = [];
      for (const path of this.yamlFiles())
        this.documentsCache.push(...(this.parsed.get(path)?.documents ?? []));
    }
    return this.documentsCache;
  }

  /**
   * The 1-based line of a field (`["spec", "dependsOn", 0]`) in a document. Positions are parsed once
   * per file, and only for files a finding points into.
   */
  lineOf(file: string, docIndex: number, path: readonly (string | number)[]): number | undefined {
    let positions = this.positions.get(file);
    if (!positions) {
      const text = this.loadText(file);
      if (text === undefined) return undefined;
      positions = parsePositions(text);
      this.positions.set(file, positions);
    }
    return locateIn(positions, docIndex, path);
  }

  /** A location whose line is looked up only when read: most locations never reach a finding. */
  location(file: string, docIndex: number, path: readonly (string | number)[], fallback = 1): SourceLocation {
    let line: number | undefined;
    const repo = this;
    return {
      file,
      get line() {
        line ??= repo.lineOf(file, docIndex, path) ?? fallback;
        return line;
      },
    };
  }
}

export function isYamlPath(path: string): boolean {
  return YAML_EXTENSIONS.some((ext) => path.endsWith(ext));
}

/**
 * Resolves `target` relative to the repository-relative directory `base`. Returns undefined when the
 * result leaves the repository.
 */
export function resolveRepoPath(base: string, target: string): string | undefined {
  const joined = posix.normalize(posix.join(base === "" ? "." : base, target));
  if (joined === "." || joined === "./") return "";
  const clean = joined.replace(/\/+$/, "");
  if (clean.startsWith("../") || clean === ".." || posix.isAbsolute(clean)) return undefined;
  return clean;
}
