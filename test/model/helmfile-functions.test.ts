import { describe, expect, it } from "vitest";
import { renderTemplate } from "../../src/model/helmfile/template/exec.ts";
import { FUNCTION_CASES, FUNCTION_ENV, FUNCTION_FILES } from "../helmfile/function-cases.ts";
import { memoryFunctions } from "../helmfile/memory-functions.ts";

// The same files the differential test gives helmfile, served from memory.
const dirs: Record<string, { name: string; isDir: boolean }[]> = {
  data: [
    { name: "a.txt", isDir: false },
    { name: "sub", isDir: true },
  ],
  "data/sub": [{ name: "b.txt", isDir: false }],
};
const functionsOf = () => memoryFunctions(FUNCTION_FILES, dirs, FUNCTION_ENV);

describe("helmfile template functions print what helmfile prints", () => {
  it("has a case for every function kubestrap evaluates", () => {
    const covered = new Set(FUNCTION_CASES.map((c) => c.fn));
    const unread = ["fail", "include", "exec", "fetchSecretValue", "expandSecretRefs"];
    const missing = Object.keys(functionsOf()).filter((fn) => !covered.has(fn) && !unread.includes(fn));
    expect(missing).toEqual([]);
  });

  it("refuses to slice a string, as sprig's slice (which replaces Go's) does", () => {
    expect(() => renderTemplate("s", '{{ slice "abc" 1 }}', {}, { functions: functionsOf() })).toThrow(
      /list should be type of slice or array but string/,
    );
  });

  for (const c of FUNCTION_CASES) {
    it(`${c.fn}: ${c.template}`, () => {
      expect(renderTemplate(c.fn, c.template, {}, { functions: functionsOf() })).toBe(c.expected);
    });
  }
});
