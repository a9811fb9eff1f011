/**
 * The helmfile template functions over files, folders and variables held in memory, for unit tests. Tests make
 * the table in each test: a mutation run credits a test only with what runs in it, and making the table is what
 * runs each function's definition.
 */
import type { TemplateFunction } from "../../src/model/helmfile/template/exec.ts";
import { templateFunctions } from "../../src/model/helmfile/template/functions.ts";

export function memoryFunctions(
  files: Record<string, string>,
  dirs: Record<string, { name: string; isDir: boolean }[]> = {},
  env: Record<string, string> = {},
): Record<string, TemplateFunction> {
  return templateFunctions({
    readFile: (p) => {
      const text = files[p];
      if (text === undefined) throw new Error(`open ${p}: no such file or directory`);
      return text;
    },
    isFile: (p) => p in files,
    isDir: (p) => p in dirs,
    readDir: (p) => dirs[p] ?? [],
    env: (n) => env[n],
  });
}
