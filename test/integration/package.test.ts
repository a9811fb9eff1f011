/**
 * The package as a user gets it: `npm pack`, installed into an empty folder outside the project, then run from
 * there: Node.js does not strip types inside node_modules, and the package has no src/ and no devDependencies.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const project = join(import.meta.dirname, "../..");
const npm = (args: string[], cwd: string) =>
  execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: process.env });

describe("the published package", () => {
  let prefix: string;
  let bin: string;

  beforeAll(() => {
    const packed = mkdtempSync(join(tmpdir(), "kubestrap-pack-"));
    npm(["pack", "--pack-destination", packed], project);
    const tarball = readdirSync(packed).find((f) => f.endsWith(".tgz")) as string;
    prefix = mkdtempSync(join(tmpdir(), "kubestrap-user-"));
    writeFileSync(join(prefix, "package.json"), '{"name": "user", "private": true, "type": "module"}\n');
    npm(["install", "--no-audit", "--no-fund", join(packed, tarball)], prefix);
    bin = join(prefix, "node_modules/kubestrap/bin/kubestrap.js");
  }, 300_000);

  it("ships JavaScript and declarations, not the sources or the tests", () => {
    const files = readdirSync(join(prefix, "node_modules/kubestrap"));
    expect(files.sort()).toEqual(
      ["LICENSE", "README.md", "bin", "dist", "docs", "package.json", "schema"].sort(),
    );
    expect(readdirSync(join(prefix, "node_modules/kubestrap/dist"))).toContain("index.d.ts");
  });

  it("runs kubestrap --version and lint from the installed JavaScript", () => {
    const version = execFileSync(process.execPath, [bin, "--version"], { cwd: prefix, encoding: "utf8" });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const lint = execFileSync(process.execPath, [bin, "lint", "--repo", join(project, "examples/homelab")], {
      cwd: prefix,
      encoding: "utf8",
    });
    expect(lint).toContain("✔ 0 errors, 0 warnings, 0 info");
    expect(lint).toContain("bootstrap: 2 helmfiles in bootstrap/helmfile.d");
  });

  it("exports the library, with declarations a TypeScript project type-checks against", () => {
    const script = 'import { lint } from "kubestrap"; console.log(typeof lint);';
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: prefix,
      encoding: "utf8",
    });
    expect(out.trim()).toBe("function");
    writeFileSync(
      join(prefix, "check.ts"),
      'import { type LintResult, lint } from "kubestrap";\nconst r: LintResult = lint({ repo: "." });\nexport const n: number = r.findings.length;\n',
    );
    writeFileSync(
      join(prefix, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          // A Node.js project has @types/node; the declarations use its Buffer.
          typeRoots: [join(project, "node_modules/@types")],
          types: ["node"],
        },
        files: ["check.ts"],
      }),
    );
    const tsc = join(project, "node_modules/typescript/bin/tsc");
    execFileSync(process.execPath, [tsc, "-p", prefix], { cwd: prefix, encoding: "utf8" });
  });
});
