/**
 * IPv4 networks: "a.b.c.d", "a.b.c.d/nn", "a.b.c.d/m.m.m.m". iptables accepts any dotted mask, contiguous or
 * not ("10.0.0.0/255.0.255.0" is kept as written); `parseCidr` takes the contiguous ones (a prefix length) and
 * `parseAddrMask` every one, for matching.
 */
import { allDigits, iptablesIpv4, ipv4Value, strtoul } from './ipv4';

export interface Cidr {
  /** Network address and mask as unsigned 32-bit numbers. */
  base: number;
  mask: number;
  prefix: number;
  /** First and last address (lo = base). */
  lo: number;
  hi: number;
  text: string;
}

/** A value/mask pair; the mask may be non-contiguous. */
export interface AddrMask {
  base: number;
  mask: number;
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** The prefix length of a dotted netmask, undefined when it is not one or not contiguous. */
export function maskToPrefix(mask: string): number | undefined {
  const n = ipv4Value(mask);
  if (n < 0) return undefined;
  let bits = 0;
  while (bits < 32 && Math.floor(n / 2 ** (31 - bits)) % 2 === 1) bits++;
  return maskOf(bits) === n ? bits : undefined;
}

function makeCidr(ip: number, prefix: number, text: string): Cidr {
  const size = 2 ** (32 - prefix);
  const lo = Math.floor(ip / size) * size;
  return { base: lo, mask: maskOf(prefix), prefix, lo, hi: lo + size - 1, text };
}

/** Parses "a.b.c.d", "a.b.c.d/nn" or "a.b.c.d/m.m.m.m" (contiguous); undefined for anything else (hostnames, IPv6). */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const ip = ipv4Value(text, 0, slash < 0 ? text.length : slash);
  if (ip < 0) return undefined;
  if (slash < 0) return makeCidr(ip, 32, text);
  const plen = text.length - slash - 1;
  let prefix: number | undefined;
  if ((plen === 1 || plen === 2) && allDigits(text, slash + 1, text.length)) prefix = Number(text.slice(slash + 1));
  else prefix = maskToPrefix(text.slice(slash + 1));
  if (prefix === undefined || prefix > 32) return undefined;
  return makeCidr(ip, prefix, text);
}

/**
 * An address with any mask as iptables reads it when a rule is added: its numeric forms ("10.1/8" =
 * 10.1.0.0/8, see iptablesIpv4), a prefix length (decimal, or octal/hex as strtoul reads it: "/033" = /27) or
 * any dotted mask of four parts. undefined for hostnames, IPv6 and invalid text.
 */
export function parseAddrMask(text: string): AddrMask | undefined {
  const slash = text.indexOf('/');
  const ipText = slash < 0 ? text : text.slice(0, slash);
  const strict = ipv4Value(ipText);
  const ip = strict >= 0 ? strict : iptablesIpv4(ipText);
  if (ip === undefined) return undefined;
  let mask = 0xffffffff;
  if (slash >= 0) {
    const m = text.slice(slash + 1);
    const bits = m.includes('.') ? undefined : strtoul(m);
    if (bits !== undefined && bits <= 32) mask = maskOf(bits);
    else if (m.split('.').length === 4 && iptablesIpv4(m) !== undefined) mask = iptablesIpv4(m) as number;
    else return undefined;
  }
  return { base: (ip & mask) >>> 0, mask };
}

export function cidrContains(c: AddrMask, ip: number): boolean {
  return ((ip & c.mask) >>> 0) === c.base;
}

/** Whether the IPv4 address ip is in the network; undefined when either is not IPv4. */
export function inCidr(cidr: string, ip: string): boolean | undefined {
  const c = parseAddrMask(cidr);
  const n = ipv4Value(ip);
  if (!c || n < 0) return undefined;
  return cidrContains(c, n);
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

const HOSTNAME = /^[A-Za-z][A-Za-z0-9.-]*$/;

/** A name iptables would resolve when the rule is added (`-s localhost`, `-d example.com`). */
export function isHostname(v: string): boolean {
  return HOSTNAME.test(v) && /[A-Za-z]/.test(v) && !v.includes('/');
}

/** Returns an error message, or undefined if valid. */
export function validateAddress(v: string): string | undefined {
  if (v.includes('$')) return undefined; // shell variable
  if (v.includes(':')) return /^[0-9A-Fa-f:.]+(\/\d{1,3})?$/.test(v) ? undefined : `"${v}" is not a valid address`;
  const slash = v.indexOf('/');
  if (ipv4Value(v, 0, slash < 0 ? v.length : slash) < 0 && iptablesIpv4(v.slice(0, slash < 0 ? v.length : slash)) === undefined) {
    if (slash < 0 && isHostname(v)) return undefined; // hostname (resolved by iptables)
    return `"${v}" is not a valid IPv4 address or CIDR`;
  }
  if (slash >= 0) {
    const plen = v.length - slash - 1;
    const p = v.slice(slash + 1);
    if ((plen === 1 || plen === 2) && allDigits(v, slash + 1, v.length)) {
      if (Number(p) > 32) return `prefix length /${p} is larger than 32`;
    } else if (ipv4Value(p) < 0) return `"${p}" is not a valid prefix length or netmask`; // any mask, as iptables
  }
  return undefined;
}

/** Normalises an IPv4 address: bare address → /32, dotted netmask → prefix length. Other values unchanged. */
export function normalizeAddress(v: string): string {
  const slash = v.indexOf('/');
  if (slash < 0) return ipv4Value(v) >= 0 ? `${v}/32` : v;
  if (slash > 0 && !allDigits(v, slash + 1, v.length) && ipv4Value(v, 0, slash) >= 0) {
    const pre = maskToPrefix(v.slice(slash + 1));
    if (pre !== undefined) return `${v.slice(0, slash)}/${pre}`;
  }
  return v;
}
