/** Programs the bootstrap runs (sops, a secret injector) are installed: found on PATH before anything is written. */
import { existsSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { PreflightFailed, type PreflightResult } from "./types.ts";

export function findOnPath(command: string, path = process.env.PATH ?? ""): string | undefined {
  if (command.includes("/")) return existsSync(command) ? command : undefined;
  for (const dir of path.split(delimiter)) {
    const candidate = join(dir, command);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {}
  }
  return undefined;
}

export function commandsPresent(commands: string[], why: string): PreflightResult {
  const missing = commands.filter((c) => !findOnPath(c));
  if (missing.length > 0) throw new PreflightFailed(`${missing.join(", ")} not found on PATH (${why})`);
  return { message: commands.map((c) => `${c}: ${findOnPath(c)}`).join(", ") };
}
