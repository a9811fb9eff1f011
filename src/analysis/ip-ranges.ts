/** Address ranges as the cross-cluster rules compare them: a CIDR, a `first-last` range, or one address. */
import ipaddr from "ipaddr.js";

export interface IpRange {
  family: 4 | 6;
  first: bigint;
  last: bigint;
  /** As written. */
  text: string;
}

function toBigInt(bytes: number[]): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

function address(text: string): { family: 4 | 6; value: bigint } | undefined {
  if (!ipaddr.isValid(text)) return undefined;
  const a = ipaddr.parse(text);
  return { family: a.kind() === "ipv4" ? 4 : 6, value: toBigInt(a.toByteArray()) };
}

/** Parses `10.0.0.0/16`, `10.0.0.10-10.0.0.20` (MetalLB) or `10.0.0.1`; anything else is undefined. */
export function parseRange(written: string): IpRange | undefined {
  const text = written.trim();
  if (text.includes("/")) {
    if (!ipaddr.isValidCIDR(text)) return undefined;
    const [addr, prefix] = ipaddr.parseCIDR(text);
    const family = addr.kind() === "ipv4" ? 4 : 6;
    const bits = family === 4 ? 32n : 128n;
    const hostBits = bits - BigInt(prefix);
    const value = toBigInt(addr.toByteArray());
    const first = (value >> hostBits) << hostBits;
    return { family, first, last: first + (1n << hostBits) - 1n, text };
  }
  const dash = text.indexOf("-");
  if (dash > 0) return between(text.slice(0, dash).trim(), text.slice(dash + 1).trim(), text);
  const one = address(text);
  return one && { family: one.family, first: one.value, last: one.value, text };
}

/** A range from its first and last address (a CiliumLoadBalancerIPPool block with start and stop). */
export function between(start: string, stop: string, text = `${start}-${stop}`): IpRange | undefined {
  const a = address(start);
  const b = address(stop);
  if (!a || !b || a.family !== b.family || a.value > b.value) return undefined;
  return { family: a.family, first: a.value, last: b.value, text };
}

export function overlaps(a: IpRange, b: IpRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

export function contains(outer: IpRange, inner: IpRange): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}
