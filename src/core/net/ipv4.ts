/**
 * IPv4 addresses as unsigned 32-bit numbers. `ipv4Value` is the strict dotted quad (what iptables-save prints and
 * what the linter calls valid); `iptablesIpv4` is what iptables itself accepts when a rule is added (checked
 * with iptables 1.8.9: "10.1" = 10.1.0.0, "010.0.0.1" = 8.0.0.1, "0x0a000001" = 10.0.0.1 via the resolver).
 */

/** s[a, b) is one or more ASCII digits (`/^\d+$/`). */
export function allDigits(s: string, a: number, b: number): boolean {
  if (b <= a) return false;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * The dotted quad s[a, b) as an unsigned 32-bit number, or -1 when it is not one: four decimal octets 0-255
 * without leading zeros (what `/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(…)){3}$/` accepts). Scans in place: it
 * runs on every address of every rule.
 */
export function ipv4Value(s: string, a = 0, b = s.length): number {
  let value = 0;
  let parts = 0;
  let octet = 0;
  let digits = 0;
  let lead = 0;
  for (let i = a; i <= b; i++) {
    const c = i < b ? s.charCodeAt(i) : 46;
    if (c === 46 /* . */) {
      if (digits === 0 || octet > 255 || (digits > 1 && lead === 48) || ++parts > 4) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      continue;
    }
    if (c < 48 || c > 57 || digits === 3) return -1;
    if (digits === 0) lead = c;
    octet = octet * 10 + (c - 48);
    digits++;
  }
  return parts === 4 ? value : -1;
}

export function isIPv4(s: string): boolean {
  return ipv4Value(s) >= 0;
}

/** The strict dotted quad as a number, undefined when it is not one. */
export function parseIpv4(s: string): number | undefined {
  const n = ipv4Value(s);
  return n < 0 ? undefined : n;
}

/** One number as strtoul(…, 0) reads it: decimal, 0-prefixed octal or 0x-prefixed hex. */
export function strtoul(p: string): number | undefined {
  if (/^0[xX][0-9a-fA-F]+$/.test(p)) return parseInt(p.slice(2), 16);
  if (/^0[0-7]*$/.test(p)) return parseInt(p, 8);
  if (/^[1-9]\d*$/.test(p)) return Number(p);
  return undefined;
}

/**
 * What inet_aton(3) makes of a string, as iptables does when a rule is added: 1 to 4 parts, the last filling
 * the remaining bytes ("10.1" = 10.0.0.1, "127.1" = 127.0.0.1), octal and hex parts. undefined when invalid.
 */
export function inetAton(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length > 4) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    const n = strtoul(p);
    if (n === undefined) return undefined;
    nums.push(n);
  }
  const last = nums.pop() as number;
  if (nums.some((n) => n > 255) || last >= 2 ** (8 * (4 - nums.length))) return undefined;
  let v = 0;
  for (const n of nums) v = v * 256 + n;
  return v * 2 ** (8 * (4 - nums.length)) + last;
}

/**
 * An IPv4 address as iptables reads it when a rule is added (xtables' numeric parser: 1 to 4 dot-separated
 * numbers 0-255, each decimal, octal or hex, missing ones filled with 0 on the right, so "10.1" = 10.1.0.0;
 * failing that the resolver, which takes inet_aton forms). undefined for names and invalid text.
 */
export function iptablesIpv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length <= 4) {
    let v = 0;
    let ok = true;
    for (let i = 0; i < 4; i++) {
      const n = i < parts.length ? strtoul(parts[i]) : 0;
      if (n === undefined || n > 255) {
        ok = false;
        break;
      }
      v = v * 256 + n;
    }
    if (ok) return v;
  }
  return inetAton(s);
}

export function formatIpv4(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function isMulticast(ip: string): boolean {
  const n = parseIpv4(ip);
  return n !== undefined && n >>> 28 === 14;
}

/** Docker derives overlay/bridge MACs from the IPv4 address: 02:42:<a>:<b>:<c>:<d>. */
export function dockerMacForIp(ip: string): string | undefined {
  const n = parseIpv4(ip);
  if (n === undefined) return undefined;
  const b = [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  return ['02', '42', ...b.map((x) => x.toString(16).padStart(2, '0'))].join(':');
}
