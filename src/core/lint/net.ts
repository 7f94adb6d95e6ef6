/** Small IPv4 CIDR and port-set helpers for the linter. */
import { isIPv4 } from '../iptables/spec';

export interface Cidr {
  /** First and last address as unsigned 32-bit numbers. */
  lo: number;
  hi: number;
  prefix: number;
  text: string;
}

function ipNum(ip: string): number {
  const p = ip.split('.');
  return ((Number(p[0]) << 24) >>> 0) + (Number(p[1]) << 16) + (Number(p[2]) << 8) + Number(p[3]);
}

function maskBits(mask: string): number | undefined {
  if (!isIPv4(mask)) return undefined;
  const n = ipNum(mask);
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
  const ip = slash < 0 ? text : text.slice(0, slash);
  if (!isIPv4(ip)) return undefined;
  let prefix = 32;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (/^\d{1,2}$/.test(p)) prefix = Number(p);
    else {
      const b = maskBits(p);
      if (b === undefined) return undefined;
      prefix = b;
    }
    if (prefix > 32) return undefined;
  }
  const size = prefix === 0 ? 2 ** 32 : 2 ** (32 - prefix);
  const lo = Math.floor(ipNum(ip) / size) * size;
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
  for (const part of v.split(',')) {
    const m = /^(\d*)(?::(\d*))?$/.exec(part);
    if (!m || (m[1] === '' && m[2] === undefined)) return undefined;
    const lo = m[1] === '' ? 0 : Number(m[1]);
    const hi = m[2] === undefined ? lo : m[2] === '' ? 65535 : Number(m[2]);
    out.push([lo, hi]);
  }
  return out;
}

export function portIn(set: PortSet, port: number): boolean {
  return set.some(([lo, hi]) => lo <= port && port <= hi);
}
