/** Helpers shared by the match modules' evaluators and hovers. */
import type { RuleOption } from '../model';
import { inCidr, isHostname, isMulticast, parseCidr, parseIpv4, parsePortRange, parsePorts } from '../../net';
import type { MatchEnv, MatchResult, Tri } from './types';
import type { MatchPacket } from './packet';
import { own } from '../../record';

export const yes = (b: boolean): Tri => (b ? 'yes' : 'no');

/** `-i eth+` style interface pattern. */
export function ifaceMatches(pattern: string, name: string | undefined): boolean {
  if (name === undefined) return false;
  if (pattern.endsWith('+')) return name.startsWith(pattern.slice(0, -1));
  return pattern === name;
}

/**
 * Address (any mask iptables accepts) against an IP; IPv6 is compared as text or undecidable, a host name
 * (resolved by iptables when the rule was added) is undecidable.
 */
export function addrMatches(spec: string, ip: string): Tri | 'maybe' {
  const r = inCidr(spec, ip);
  if (r !== undefined) return r ? 'yes' : 'no';
  const bare = spec.replace(/\/128$/, '');
  if (bare === ip) return 'yes';
  if (spec.includes('/') || isHostname(spec)) return 'maybe';
  return 'no';
}

/**
 * Which /etc/services entries a module's port option reads (iptables 1.8.9): tcp and multiport the rule's
 * protocol only (`-p tcp --dport bootps` is refused), udp any protocol (getaddrinfo: `-p udp --dport http` = 80).
 */
export function serviceLookup(proto: string): string {
  return proto === 'udp' || proto === 'udplite' ? 'any' : proto;
}

/** Port or range test; a value iptables would not accept (or an unknown service name) cannot be decided. */
export function portIn(spec: string, port: number | undefined, lookup: string): MatchResult {
  const r = parsePortRange(spec, lookup);
  if (!r) return `port "${spec}" (not a port, range or service name iptables accepts here)`;
  return yes(port !== undefined && port >= r.lo && port <= r.hi);
}

export function portListIn(spec: string, port: number | undefined, proto: string): MatchResult {
  const set = parsePorts(spec, proto);
  if (!set) return `ports "${spec}" (not a list of ports, ranges or ${proto} service names)`;
  return yes(port !== undefined && set.some(([lo, hi]) => port >= lo && port <= hi));
}

/** Either of two results. */
export function either(a: MatchResult, b: MatchResult): MatchResult {
  if (a === 'yes' || b === 'yes') return 'yes';
  return a === 'no' ? b : a;
}

/** A number as iptables reads marks (strtoul with base 0): "0x…" hex, a leading "0" octal (`010` is 8), else decimal. */
export function parseNum(s: string): number {
  if (s.startsWith('0x') || s.startsWith('0X')) return parseInt(s, 16);
  if (s.length > 1 && s.startsWith('0')) return /^[0-7]+$/.test(s) ? parseInt(s, 8) : NaN;
  return Number(s);
}

/** "value[/mask]" as used by mark, connmark and MARK. */
export function parseValueMask(s: string): { value: number; mask: number } {
  const [v, m] = s.split('/', 2);
  return { value: parseNum(v) >>> 0, mask: m === undefined ? 0xffffffff : parseNum(m) >>> 0 };
}

/** The addrtype types of an address in a namespace (LOCAL, BROADCAST, MULTICAST, UNICAST; UNSPEC when not IPv4). */
export function addrTypes(ip: string, env: MatchEnv, limitIface?: string): Set<string> {
  const types = new Set<string>();
  const n = parseIpv4(ip);
  if (n === undefined) {
    types.add('UNSPEC');
    return types;
  }
  if (n === 0xffffffff) types.add('BROADCAST');
  if (isMulticast(ip)) types.add('MULTICAST');
  if (n >>> 24 === 127 && !limitIface) types.add('LOCAL');
  for (const [iface, addrs] of Object.entries(env.ifaceAddresses)) {
    if (limitIface && iface !== limitIface) continue;
    for (const a of addrs) {
      if (a.address === ip) types.add('LOCAL');
      const c = parseCidr(`${a.address}/${a.prefixLen}`);
      if (c && a.prefixLen < 31 && c.hi === n) types.add('BROADCAST');
    }
  }
  if (types.size === 0) types.add('UNICAST');
  return types;
}

export function tcpFlagsOf(p: MatchPacket): Set<string> {
  if (p.tcpFlags) return new Set(p.tcpFlags.map((f) => f.toUpperCase()));
  return new Set(p.ct.state === 'NEW' ? ['SYN'] : ['ACK']);
}

export function flagList(s: string): string[] {
  const u = s.toUpperCase();
  if (u === 'ALL') return ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG'];
  if (u === 'NONE') return [];
  return u.split(',');
}

/** The first argument of an option. */
export function arg(o: RuleOption, i = 0): string {
  return o.args[i] ?? '';
}

export function not(o: RuleOption): string {
  return o.negated ? 'not ' : '';
}

/** "a, b or c". */
export function listWords(v: string): string {
  const parts = v.split(',');
  if (parts.length === 1) return parts[0];
  return `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`;
}

export function portWords(v: string): string {
  const p = v.replace(':', '–');
  return v.includes(':') || v.includes(',') ? `ports ${listWords(p)}` : `port ${p}`;
}

/** "-m x --opt v: unsupported" reason text. */
export function undecided(module: string, o: RuleOption, why: string): string {
  return `-m ${module} --${o.name}${o.args.length ? ` ${o.args.join(' ')}` : ''} (${why})`;
}

export { own };
