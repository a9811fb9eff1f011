/** A reader of uncompressed tar streams (chart archives after gunzip, `git archive` output). */

export interface TarEntry {
  name: string;
  type: "file" | "symlink";
  /** A file's bytes; empty for a symlink. */
  data: Buffer;
  /** A symlink's target, as stored. */
  target?: string;
}

/**
 * Regular files and symlinks of a tar stream, in stream order, with PAX (`x`) and GNU long (`L`, `K`) names and
 * link targets honoured. Directories, PAX global headers and other entry types are skipped.
 */
export function readTar(tar: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  let longTarget: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString("utf8")
        .replace(/\0.*$/s, "");
    const size = Number.parseInt(field(124, 12).trim() || "0", 8);
    const type = field(156, 1) || "0";
    const prefix = field(345, 155);
    const data = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === "x") {
      const text = data.toString("utf8");
      longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text)?.[1] ?? longName;
      longTarget = /(?:^|\n)\d+ linkpath=([^\n]*)\n/.exec(text)?.[1] ?? longTarget;
      continue;
    }
    if (type === "L" || type === "K") {
      const value = data.toString("utf8").replace(/\0.*$/s, "");
      if (type === "L") longName = value;
      else longTarget = value;
      continue;
    }
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const target = longTarget ?? field(157, 100);
    longName = undefined;
    longTarget = undefined;
    if (type === "0" || type === "\0") entries.push({ name, type: "file", data });
    else if (type === "2") entries.push({ name, type: "symlink", data: Buffer.alloc(0), target });
  }
  return entries;
}
