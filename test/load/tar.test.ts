import { describe, expect, it } from "vitest";
import { readTar } from "../../src/load/tar.ts";

/** One 512-byte ustar header and its data, padded. */
function entry(name: string, type: string, data = "", link = "", prefix = ""): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100);
  header.write("0000644\0", 100);
  header.write(`${Buffer.byteLength(data).toString(8).padStart(11, "0")}\0`, 124);
  header.write(type, 156, 1);
  header.write(link, 157, 100);
  header.write("ustar\0", 257);
  header.write(prefix, 345, 155);
  const body = Buffer.alloc(Math.ceil(Buffer.byteLength(data) / 512) * 512);
  body.write(data);
  return Buffer.concat([header, body]);
}

const pax = (records: Record<string, string>) =>
  Object.entries(records)
    .map(([k, v]) => {
      const text = ` ${k}=${v}\n`;
      let size = text.length + 2;
      if (`${size}${text}`.length !== size) size++;
      return `${size}${text}`;
    })
    .join("");

describe("readTar", () => {
  it("reads files and symlinks in order, and skips directories and PAX global headers", () => {
    const tar = Buffer.concat([
      entry("pax_global_header", "g", pax({ comment: "3f2a" })),
      entry("dir/", "5"),
      entry("dir/a.yaml", "0", "a: 1\n"),
      entry("dir/link.yaml", "2", "", "a.yaml"),
      Buffer.alloc(1024),
    ]);
    expect(readTar(tar)).toEqual([
      { name: "dir/a.yaml", type: "file", data: Buffer.from("a: 1\n") },
      { name: "dir/link.yaml", type: "symlink", data: Buffer.alloc(0), target: "a.yaml" },
    ]);
  });

  it("honours the ustar prefix, PAX paths and link paths, and GNU long names", () => {
    const long = `${"d".repeat(120)}/file.yaml`;
    const tar = Buffer.concat([
      entry("b.yaml", "0", "b", "", "deep/prefix"),
      entry("PaxHeader", "x", pax({ path: long, linkpath: `${"t".repeat(110)}.yaml` })),
      entry("short", "2", "", "short-target"),
      entry("././@LongLink", "L", `${long}.2\0`),
      entry("cut", "0", "c"),
      entry("after", "0", "d"),
    ]);
    expect(readTar(tar).map((e) => [e.name, e.type, e.target ?? e.data.toString()])).toEqual([
      ["deep/prefix/b.yaml", "file", "b"],
      [long, "symlink", `${"t".repeat(110)}.yaml`],
      [`${long}.2`, "file", "c"],
      ["after", "file", "d"],
    ]);
  });
});
