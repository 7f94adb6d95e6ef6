/** IPv4 helpers for the tracer (IPv6 is compared textually and reported as such by the callers). */

export function parseIpv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return undefined;
    n = n * 256 + o;
  }
  return n >>> 0;
}

export function formatIpv4(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Cidr {
  base: number;
  mask: number;
  prefix: number;
}

/** "10.0.0.0/24", "10.0.0.1", "10.0.0.0/255.255.255.0"; undefined when not IPv4. */
export function parseCidr(s: string): Cidr | undefined {
  const [addr, pfx] = s.split('/', 2);
  const base = parseIpv4(addr);
  if (base === undefined) return undefined;
  let prefix = 32;
  if (pfx !== undefined) {
    if (/^\d{1,2}$/.test(pfx)) prefix = Number(pfx);
    else {
      const m = parseIpv4(pfx);
      if (m === undefined) return undefined;
      prefix = 32 - Math.log2(((~m) >>> 0) + 1);
      if (!Number.isInteger(prefix)) return undefined;
    }
    if (prefix > 32) return undefined;
  }
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (base & mask) >>> 0, mask, prefix };
}

export function cidrContains(c: Cidr, ip: number): boolean {
  return ((ip & c.mask) >>> 0) === c.base;
}

export function inCidr(cidr: string, ip: string): boolean | undefined {
  const c = parseCidr(cidr);
  const n = parseIpv4(ip);
  if (!c || n === undefined) return undefined;
  return cidrContains(c, n);
}

/** Docker derives overlay/bridge MACs from the IPv4 address: 02:42:<a>:<b>:<c>:<d>. */
export function dockerMacForIp(ip: string): string | undefined {
  const n = parseIpv4(ip);
  if (n === undefined) return undefined;
  const b = [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  return ['02', '42', ...b.map((x) => x.toString(16).padStart(2, '0'))].join(':');
}

export function isMulticast(ip: string): boolean {
  const n = parseIpv4(ip);
  return n !== undefined && n >>> 28 === 14;
}
