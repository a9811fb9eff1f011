/**
 * Go durations (`time.ParseDuration`), as Kubernetes and Flux write them: `30s`, `1m30s`, `1.5h`, `500ms`.
 * kubestrap.yaml uses the same syntax, so a value copied from a Flux object means what it meant there.
 */

const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/** Seconds of a Go duration, or undefined when `text` is not one. */
export function durationSeconds(text: string): number | undefined {
  const trimmed = text.trim();
  const sign = trimmed.startsWith("-") ? -1 : 1;
  const body = /^[+-]/.test(trimmed) ? trimmed.slice(1) : trimmed;
  if (body === "0") return 0;
  if (body === "") return undefined;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let seconds = 0;
  while (part.lastIndex < body.length) {
    const p = part.exec(body);
    if (!p) return undefined;
    seconds += Number(p[1]) * (UNIT_SECONDS[p[2] as string] as number);
  }
  return sign * seconds;
}
