/**
 * The package as npm publishes it: `npm run build` bundles dist/, and bin/kubestrap.js in a folder without src/
 * runs it. The bundled CLI must find package.json and data/ and answer as the sources do.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageFolder } from "../scripts/package-folder.ts";

const project = new URL("..", import.meta.url).pathname;
let installed: string;

function kubestrap(root: string, args: string[]) {
  return spawnSync(process.execPath, [join(root, "bin/kubestrap.js"), ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", KUBESTRAP_CACHE_DIR: join(installed, ".cache") },
  });
}

beforeAll(() => {
  installed = packageFolder();
}, 120_000);

afterAll(() => rmSync(installed, { recursive: true, force: true }));

describe("the built package", () => {
  it("is a bundle: the CLI and the library, their chunks, and declarations beside them", () => {
    const files = readdirSync(join(installed, "dist"));
    expect(files).toContain("cli.js");
    expect(files).toContain("index.js");
    expect(existsSync(join(installed, "dist/index.d.ts"))).toBe(true);
    expect(files.filter((f) => f.endsWith(".js")).length).toBeLessThan(120);
    expect(existsSync(join(installed, "src"))).toBe(false);
  });

  it("runs lint on the example as the sources do, schemas and CEL rules included", () => {
    const args = ["lint", "--repo", join(project, "examples/homelab"), "--output", "json"];
    const fromBundle = kubestrap(installed, args);
    const fromSources = kubestrap(project, args);
    expect(fromBundle.stderr).toBe("");
    expect(fromBundle.status).toBe(0);
    expect(JSON.parse(fromBundle.stdout)).toEqual(JSON.parse(fromSources.stdout));
    // The compile cache goes to kubestrap's cache folder, not beside the package.
    expect(existsSync(join(installed, ".cache/compile"))).toBe(true);
  });

  it("finds its package.json and the bundled Kubernetes schemas", () => {
    expect(kubestrap(installed, ["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const rules = kubestrap(installed, [
      "lint",
      "--repo",
      join(project, "examples/homelab"),
      "--kube-version",
      "1.36",
    ]);
    expect(rules.status).toBe(0);
    expect(rules.stdout).not.toContain("schema-version");
  });
});
