/**
 * A throwaway control plane must not outlive the process that started it, even when that process is killed
 * (SIGKILL, an OOM kill, a CI runner cancelling the job): its components run in process groups of their own, so
 * nothing else would stop them. The watchdog is a small detached Node process that polls the parent; when the
 * parent is gone it kills every process with a path inside the control plane's folder on its command line and
 * removes the folder. It ends by itself once the folder is gone (a normal stop removed it).
 */
import { spawn } from "node:child_process";

const SCRIPT = `
const [parent, dir] = process.argv.slice(-2);
const fs = require("node:fs");
const alive = (pid) => { try { process.kill(Number(pid), 0); return true; } catch { return false; } };
const mentioning = () => fs.readdirSync("/proc").filter((e) => /^\\d+$/.test(e) && Number(e) !== process.pid)
  .filter((pid) => { try { return fs.readFileSync("/proc/" + pid + "/cmdline", "utf8").includes(dir + "/"); } catch { return false; } })
  .map(Number);
const kill = (pid, sig) => { try { process.kill(-pid, sig); } catch { try { process.kill(pid, sig); } catch {} } };
const tick = () => {
  if (!fs.existsSync(dir)) process.exit(0);
  if (alive(parent)) return;
  for (const pid of mentioning()) kill(pid, "SIGKILL");
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
setInterval(tick, 250);
`;

/** Starts the watchdog of `dir` for the current process; it needs no stopping. */
export function startWatchdog(dir: string): void {
  const child = spawn(process.execPath, ["-e", SCRIPT, "--", String(process.pid), dir], {
    detached: true,
    stdio: "ignore",
  });
  child.unref();
}
