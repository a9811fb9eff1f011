/**
 * Runs the programs a bootstrap needs (helm, hooks, sops, secret injectors, the commands before the cluster
 * exists), without a shell. On Linux each child is started through util-linux `setpriv --pdeathsig KILL` when it
 * is installed, so that a kubestrap killed with SIGKILL takes its helm with it instead of leaving it to finish an
 * install nobody records; an aborted step sends SIGTERM, then SIGKILL after 5 s.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called with each line of output (stdout and stderr) as it comes. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Why it ended early, if it did. */
  killed?: "timeout" | "aborted";
}

export class CommandError extends Error {
  override readonly name = "CommandError";
  readonly result: RunResult;
  constructor(message: string, result: RunResult) {
    super(message);
    this.result = result;
  }
}

const SETPRIV = ["/usr/bin/setpriv", "/bin/setpriv"].find(
  (p) => process.platform === "linux" && existsSync(p),
);

export function runCommand(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      resolve({ code: 130, stdout: "", stderr: "", killed: "aborted" });
      return;
    }
    const [bin, argv] = SETPRIV
      ? [SETPRIV, ["--pdeathsig", "KILL", "--", command, ...args]]
      : [command, args];
    const child = spawn(bin, argv, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let killed: RunResult["killed"];
    const partial = { stdout: "", stderr: "" };
    const onData = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      if (stream === "stdout") stdout += text;
      else stderr += text;
      if (!options.onLine) return;
      partial[stream] += text;
      const lines = partial[stream].split("\n");
      partial[stream] = lines.pop() ?? "";
      for (const line of lines) options.onLine(line, stream);
    };
    child.stdout?.on("data", onData("stdout"));
    child.stderr?.on("data", onData("stderr"));
    const terminate = (why: "timeout" | "aborted") => {
      killed ??= why;
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
    };
    const timer = options.timeoutMs ? setTimeout(() => terminate("timeout"), options.timeoutMs) : undefined;
    const onAbort = () => terminate("aborted");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      reject(
        new CommandError(
          error.code === "ENOENT" ? `${command}: not found on PATH` : `${command}: ${error.message}`,
          { code: 127, stdout, stderr },
        ),
      );
    });
    child.on("close", (code, sig) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      for (const stream of ["stdout", "stderr"] as const)
        if (partial[stream] && options.onLine) options.onLine(partial[stream], stream);
      const result: RunResult = { code: code ?? (sig ? 128 : 1), stdout, stderr };
      if (killed) result.killed = killed;
      if (SETPRIV && result.code === 127 && /setpriv: failed to execute/.test(stderr)) {
        reject(new CommandError(`${command}: not found on PATH`, result));
        return;
      }
      resolve(result);
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Runs a command and returns its stdout; a non-zero exit is a CommandError with the last lines of stderr. */
export async function runChecked(command: string, args: string[], options: RunOptions = {}): Promise<string> {
  const result = await runCommand(command, args, options);
  if (result.code === 0 && !result.killed) return result.stdout;
  const why =
    result.killed === "timeout"
      ? `timed out after ${(options.timeoutMs ?? 0) / 1000} s`
      : result.killed === "aborted"
        ? "interrupted"
        : `exited with ${result.code}`;
  throw new CommandError(`${command} ${why}${tail(result.stderr || result.stdout)}`, result);
}

/** The last lines of some output, for an error message. */
export function tail(output: string, lines = 8): string {
  const text = output.trim().split("\n").slice(-lines).join("\n");
  return text ? `: ${text}` : "";
}
