/**
 * ipset contents and membership as the kernel tests them for `-m set --match-set NAME src,dst`
 * (net/netfilter/ipset/*): one packet field per dimension of the set type, taken from the source or the
 * destination side by the flag at that position; `nomatch` entries of hash:net types are exceptions (the most
 * specific entry wins); list:set tests its member sets in order; fewer flags than dimensions never match.
 */
import type { IpSet, IpSetEntry, IpSetLike, MatchResult } from './types';
import type { MatchPacket } from './packet';
import { icmpOf, icmpType } from './icmp';
import { parseAddrMask, parseIpv4, parsePort, protocolName } from '../../net';

/** Parses `ipset save` / `ipset list -o save` output: set name → type and entries (flags kept). */
export function parseIpsetSave(text: string): Map<string, IpSet> {
  const sets = new Map<string, IpSet>();
  for (const line of text.split(/\r?\n/)) {
    const w = line.trim().split(/\s+/);
    if (w[0] === 'create' && w[1]) sets.set(w[1], { type: w[2] ?? 'hash:net', entries: sets.get(w[1])?.entries ?? [] });
    else if (w[0] === 'add' && w[1] && w[2]) {
      let s = sets.get(w[1]);
      if (!s) sets.set(w[1], (s = { type: '', entries: [] }));
      s.entries.push(w.includes('wildcard') ? { element: w[2], nomatch: w.includes('nomatch'), wildcard: true } : { element: w[2], nomatch: w.includes('nomatch') });
    }
  }
  // `add` lines without their `create` (a grep'd fragment): the type from the entries' shape
  for (const [name, s] of sets) if (!s.type) sets.set(name, { type: asIpSet(s.entries.map((e) => e.element)).type, entries: s.entries });
  return sets;
}

/** A set given as bare entries (older scenario files): the type is inferred from the first entry's shape. */
export function asIpSet(s: IpSetLike): IpSet {
  if (!Array.isArray(s)) return s;
  const entries: IpSetEntry[] = s.map((e) => ({ element: e.trim().split(/\s+/)[0], nomatch: /\snomatch\b/.test(e), wildcard: /\swildcard\b/.test(e) }));
  const first = entries[0]?.element ?? '';
  // an address, a network or an address range ("10.0.0.1-10.0.0.5", as ipset add takes it) is a net dimension
  const dims = first.split(',').map((d) => (d.includes(':') && !d.includes('.') ? 'port' : parseAddrMask(d.split('-')[0]) ? 'net' : 'iface'));
  return { type: `hash:${dims.join(',')}`, entries };
}

/** The dimensions of a set type: "hash:net,port" → ["net", "port"]; list:set → ["set"]. */
export function dimensions(type: string): string[] {
  const kinds = type.split(':')[1] ?? '';
  return kinds.split(',').map((k) => (k === 'ip' || k === 'net' ? 'net' : k));
}

type Side = 'src' | 'dst';

function ipOf(p: MatchPacket, side: Side): string {
  return side === 'src' ? p.src : p.dst;
}

/** One element part against the packet; a string when it cannot be decided. */
function testPart(kind: string, part: string, p: MatchPacket, side: Side, wildcard: boolean): MatchResult {
  if (kind === 'net') {
    const a = parseAddrMask(part.includes('-') ? part.split('-')[0] : part);
    const n = parseIpv4(ipOf(p, side));
    if (part.includes('-')) {
      const [lo, hi] = part.split('-').map((x) => parseIpv4(x));
      if (lo === undefined || hi === undefined || n === undefined) return `ipset range entry ${part}`;
      return n >= lo && n <= hi ? 'yes' : 'no';
    }
    if (!a || n === undefined) return `ipset entry ${part} (not IPv4)`;
    return ((n & a.mask) >>> 0) === a.base ? 'yes' : 'no';
  }
  if (kind === 'port') return testPort(part, p, side);
  if (kind === 'iface') {
    // hash:net,iface: the src flag tests the incoming interface, dst the outgoing one ("physdev:" = bridge port)
    const phys = part.startsWith('physdev:');
    const name = phys ? part.slice(8) : part;
    const actual = phys ? (side === 'src' ? p.physdev?.in : p.physdev?.out) : side === 'src' ? p.inIface : p.outIface;
    if (actual === undefined) return `ipset interface ${part} (${side === 'src' ? 'incoming' : 'outgoing'} interface unknown)`;
    // the kernel compares the name exactly ("eth+" is a literal name), or as a prefix with the wildcard flag
    return (wildcard ? actual.startsWith(name) : actual === name) ? 'yes' : 'no';
  }
  if (kind === 'mark') {
    const v = Number(part);
    return Number.isFinite(v) ? (p.mark === v >>> 0 ? 'yes' : 'no') : `ipset mark ${part}`;
  }
  return `ipset dimension ${kind} (${part}) not known offline`;
}

/** "tcp:80", "80" (tcp), "udp:53", "icmp:echo-request", "icmp:8/0", "tcp:80-90". */
function testPort(part: string, p: MatchPacket, side: Side): MatchResult {
  const colon = part.indexOf(':');
  const proto = colon < 0 ? 'tcp' : protocolName(part.slice(0, colon));
  const value = colon < 0 ? part : part.slice(colon + 1);
  if (proto !== p.proto) return 'no';
  if (proto === 'icmp') {
    const t = icmpType(value);
    if (!t) return `ipset icmp entry ${part}`;
    const got = icmpOf(p);
    return t[0] === got.type && (t[1] === -1 || t[1] === got.code) ? 'yes' : 'no';
  }
  const port = side === 'src' ? p.sport : p.dport;
  const [a, b] = value.split('-');
  const lo = parsePort(a, proto);
  const hi = b === undefined ? lo : parsePort(b, proto);
  if (lo === undefined || hi === undefined) return `ipset port entry ${part}`;
  return port !== undefined && port >= lo && port <= hi ? 'yes' : 'no';
}

/** Prefix length of a net part (for "most specific wins" with nomatch). */
function specificity(element: string): number {
  const m = /\/(\d+)/.exec(element.split(',')[0]);
  return m ? Number(m[1]) : 32;
}

function testEntry(e: IpSetEntry, dims: string[], flags: Side[], p: MatchPacket): MatchResult {
  const parts = e.element.split(',');
  let undecided: string | undefined;
  for (let i = 0; i < dims.length; i++) {
    const r = testPart(dims[i], parts[i] ?? '', p, flags[i], e.wildcard === true);
    if (r === 'no') return 'no';
    if (r !== 'yes') undecided ??= r;
  }
  return undecided ?? 'yes';
}

export interface SetTest {
  result: MatchResult;
  /** The entry that decided, when one did ("10.0.0.0/8 nomatch"). */
  entry?: string;
}

/**
 * Tests a packet against a set with the match's direction flags. `sets` resolves member names of list:set.
 * A nomatch entry that is the most specific hit makes the result "no" (or "yes" with --return-nomatch).
 */
export function testSet(name: string, flagText: string, p: MatchPacket, sets: (n: string) => IpSet | undefined, returnNomatch = false, depth = 0): SetTest {
  const set = sets(name);
  if (!set) return { result: `set --match-set ${name} (ipset contents unknown)` };
  const flags = flagText.split(',') as Side[];
  if (set.type.startsWith('list:')) {
    if (depth > 4) return { result: `list:set ${name} nested too deep` };
    let undecided: SetTest | undefined;
    for (const e of set.entries) {
      const r = testSet(e.element, flagText, p, sets, returnNomatch, depth + 1);
      if (r.result === 'yes') return { result: 'yes', entry: `${e.element}: ${r.entry ?? ''}` };
      if (r.result !== 'no') undecided ??= r;
    }
    return undecided ?? { result: 'no' };
  }
  const dims = dimensions(set.type);
  if (dims.length === 0 || dims[0] === '') return { result: `set ${name} of unknown type` };
  // the kernel: fewer direction flags than the set has dimensions never matches
  if (flags.length < dims.length) return { result: 'no', entry: `${flags.length} flag(s) for a ${dims.length}-dimension ${set.type}: never matches` };
  let best: { e: IpSetEntry; spec: number } | undefined;
  let undecided: string | undefined;
  for (const e of set.entries) {
    const r = testEntry(e, dims, flags, p);
    if (r === 'no') continue;
    if (r !== 'yes') {
      undecided ??= r;
      continue;
    }
    const spec = specificity(e.element);
    if (!best || spec > best.spec || (spec === best.spec && e.nomatch)) best = { e, spec };
  }
  if (undecided && !best) return { result: undecided };
  if (!best) return { result: 'no' };
  if (undecided && best.e.nomatch) return { result: undecided };
  const entry = `${best.e.element}${best.e.nomatch ? ' nomatch' : ''}`;
  // --return-nomatch reverses the answer: a nomatch entry matches, a plain one does not (ipset(8))
  if (best.e.nomatch) return { result: returnNomatch ? 'yes' : 'no', entry };
  return { result: returnNomatch && set.type.startsWith('hash:net') ? 'no' : 'yes', entry };
}
