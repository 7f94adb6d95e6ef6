/** Small IPv4 CIDR and port-set helpers for the linter. */
import { allDigits, ipv4Value } from '../iptables/spec';

export interface Cidr {
  /** First and last address as unsigned 32-bit numbers. */
  lo: number;
  hi: number;
  prefix: number;
  text: string;
}

function maskBits(mask: string): number | undefined {
  const n = ipv4Value(mask);
  if (n < 0) return undefined;
  let bits = 0;
  for (let b = 31; b >= 0; b--) {
    if ((n >>> b) & 1) bits++;
    else break;
  }
  return ((n << bits) >>> 0) === 0 || bits === 32 ? bits : undefined;
}

/** Parses "a.b.c.d", "a.b.c.d/nn" or "a.b.c.d/m.m.m.m"; undefined for anything else (hostnames, IPv6). */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const ip = ipv4Value(text, 0, slash < 0 ? text.length : slash);
  if (ip < 0) return undefined;
  let prefix = 32;
  if (slash >= 0) {
    const plen = text.length - slash - 1;
    if ((plen === 1 || plen === 2) && allDigits(text, slash + 1, text.length)) prefix = Number(text.slice(slash + 1));
    else {
      const b = maskBits(text.slice(slash + 1));
      if (b === undefined) return undefined;
      prefix = b;
    }
    if (prefix > 32) return undefined;
  }
  const size = prefix === 0 ? 2 ** 32 : 2 ** (32 - prefix);
  const lo = Math.floor(ip / size) * size;
  return { lo, hi: lo + size - 1, prefix, text };
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.lo <= inner.lo && inner.hi <= outer.hi;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.lo <= b.hi && b.lo <= a.hi;
}

const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'].map((c) => parseCidr(c) as Cidr);

export function isPrivate(c: Cidr): boolean {
  return PRIVATE.some((p) => contains(p, c));
}

/** A port set from "80", "1000:2000", ":1024", "80,443,8000:8100"; undefined when it uses service names. */
export type PortSet = [number, number][];

export function parsePorts(v: string): PortSet | undefined {
  const out: PortSet = [];
  for (let a = 0; a <= v.length; ) {
    let b = v.indexOf(',', a);
    if (b < 0) b = v.length;
    // one part: /^(\d*)(?::(\d*))?$/, not empty
    let colon = v.indexOf(':', a);
    if (colon >= b) colon = -1;
    const firstEnd = colon < 0 ? b : colon;
    if ((firstEnd > a && !allDigits(v, a, firstEnd)) || (colon >= 0 && b > colon + 1 && !allDigits(v, colon + 1, b))) return undefined;
    if (colon < 0 && firstEnd === a) return undefined;
    const lo = firstEnd === a ? 0 : Number(v.slice(a, firstEnd));
    const hi = colon < 0 ? lo : b === colon + 1 ? 65535 : Number(v.slice(colon + 1, b));
    out.push([lo, hi]);
    a = b + 1;
  }
  return out;
}

export function portIn(set: PortSet, port: number): boolean {
  return set.some(([lo, hi]) => lo <= port && port <= hi);
}
