import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkout, removeCheckout, resolveCommit, withBaseline, withCheckout } from "../../src/load/git.ts";
import { git, gitRepo } from "../git-repo.ts";
import { makeRepo } from "../helpers.ts";

describe("checkout", () => {
  it("writes the tree of a revision, symlinks included, and leaves the work tree alone", () => {
    const root = gitRepo({ "k/a.yaml": "a: 1\n", "k/sub/b.yaml": "b: 1\n" });
    spawnSync("ln", ["-s", "a.yaml", join(root, "k/link.yaml")]);
    git(root, "add", "-A");
    git(root, "commit", "-q", "-m", "link");
    writeFileSync(join(root, "k/a.yaml"), "a: changed, not committed\n");
    const c = checkout(root, "HEAD");
    try {
      expect(c.commit).toBe(git(root, "rev-parse", "HEAD"));
      expect(readFileSync(join(c.dir, "k/a.yaml"), "utf8")).toBe("a: 1\n");
      expect(readFileSync(join(c.dir, "k/sub/b.yaml"), "utf8")).toBe("b: 1\n");
      expect(readlinkSync(join(c.dir, "k/link.yaml"))).toBe("a.yaml");
      expect(readFileSync(join(root, "k/a.yaml"), "utf8")).toBe("a: changed, not committed\n");
      expect(git(root, "status", "--porcelain")).toBe("M k/a.yaml");
    } finally {
      removeCheckout(c);
    }
    expect(existsSync(c.dir)).toBe(false);
  });

  it("a folder inside the repository is checked out as that folder", () => {
    const root = gitRepo({ "kubernetes/a.yaml": "a: 1\n", "other.yaml": "o: 1\n" });
    const c = checkout(join(root, "kubernetes"), "main");
    try {
      expect(readFileSync(join(c.dir, "a.yaml"), "utf8")).toBe("a: 1\n");
      expect(existsSync(join(c.dir, "other.yaml"))).toBe(false);
    } finally {
      removeCheckout(c);
    }
  });

  it("an unknown revision and a folder outside git are errors that say so", () => {
    const root = gitRepo({ "a.yaml": "a: 1\n" });
    expect(() => resolveCommit(root, "origin/main")).toThrow(
      /^baseline origin\/main: no such commit in .* \(a shallow clone may lack it: git fetch origin origin\/main\)$/,
    );
    expect(() => resolveCommit(root, "--output=x")).toThrow(/no such commit/);
    const plain = makeRepo({ "a.yaml": "a: 1\n" });
    expect(() => checkout(plain, "HEAD")).toThrow(/is not in a git work tree/);
  });

  it("withCheckout removes the folder after use, also when the use throws", async () => {
    const root = gitRepo({ "a.yaml": "a: 1\n" });
    const listeners = process.listenerCount("SIGINT");
    let dir = "";
    await expect(
      withCheckout(root, "HEAD", (c) => {
        dir = c.dir;
        expect(existsSync(join(c.dir, "a.yaml"))).toBe(true);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(dir).not.toBe("");
    expect(existsSync(dir)).toBe(false);
    expect(process.listenerCount("SIGINT")).toBe(listeners);
  });

  it("an interrupted process removes its checkout and dies of the signal", async () => {
    const root = gitRepo({ "a.yaml": "a: 1\n" });
    const module = new URL("../../src/load/git.ts", import.meta.url).href;
    const script = `import { withCheckout } from ${JSON.stringify(module)};
      await withCheckout(process.argv[1], "HEAD", (c) => { console.log(c.dir); return new Promise(() => setInterval(() => {}, 1000)); });`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script, root], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const dir = await new Promise<string>((resolve) =>
      child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim())),
    );
    expect(existsSync(join(dir, "a.yaml"))).toBe(true);
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_c, s) => resolve(s)));
    child.kill("SIGINT");
    expect(await exited).toBe("SIGINT");
    expect(existsSync(dir)).toBe(false);
  });
});

describe("withBaseline", () => {
  it("takes a folder that exists as it is, and otherwise checks out the revision and removes it after", async () => {
    const root = gitRepo({ "a.yaml": "a: 1\n" });
    const folder = makeRepo({ "b.yaml": "b: 1\n" });
    expect(await withBaseline(root, folder, (dir, commit) => [dir, commit])).toEqual([folder, undefined]);
    let seen = "";
    const commit = await withBaseline(root, "HEAD", (dir, c) => {
      seen = dir;
      expect(readFileSync(join(dir, "a.yaml"), "utf8")).toBe("a: 1\n");
      return c;
    });
    expect(commit).toBe(git(root, "rev-parse", "HEAD"));
    expect(existsSync(seen)).toBe(false);
  });
});
