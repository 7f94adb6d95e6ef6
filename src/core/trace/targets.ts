/**
 * What the walk does with a taken rule's target when it rewrites the packet: MARK, and the NAT targets (DNAT,
 * REDIRECT, SNAT, MASQUERADE). The walk itself (jumps, returns, verdicts) is in ./netfilter.ts.
 */
import type { RuleOption } from '../iptables/model';
import { parseIpv4 } from '../net';
import { parseNum, parseValueMask } from '../iptables/matches/util';
import type { EvalEnv, Hook, Rewrite, RuleHit } from './netfilter';
import { endpoint, type Packet } from './packet';
import { own } from '../record';

export const NON_TERMINAL_TARGETS = new Set(['LOG', 'NFLOG', 'ULOG', 'TRACE', 'AUDIT', 'CHECKSUM', 'TCPMSS', 'CONNMARK', 'CT', 'NOTRACK', 'TOS', 'DSCP', 'TTL', 'CLASSIFY', 'IDLETIMER', 'LED', 'SECMARK', 'CONNSECMARK', 'SET', 'TEE', 'NETMAP_LOG']);
export const TERMINAL_UNSUPPORTED = new Set(['TPROXY', 'NETMAP', 'SYNPROXY', 'HMARK', 'CLUSTERIP', 'NFQUEUE', 'QUEUE', 'MIRROR']);

function opt(options: RuleOption[], ...names: string[]): string | undefined {
  for (const o of options) if (names.includes(o.name)) return o.args[0];
  return undefined;
}

/** "ip[-ip][:port[-port]]" or ":port". */
function parseNatTo(s: string): { ip?: string; port?: number } {
  const m = /^([^:]*)(?::(\d+)(?:-\d+)?)?$/.exec(s);
  if (!m) return {};
  const ip = m[1] ? m[1].split('-')[0] : undefined;
  return { ip: ip || undefined, port: m[2] !== undefined ? Number(m[2]) : undefined };
}

/** "a-b[:p]" or "[a]:p1-p2" with two different ends (a range of one is no choice). */
function isNatRange(s: string): boolean {
  const m = /^([^:]*)(?::(\d+)(?:-(\d+))?)?$/.exec(s);
  if (!m) return false;
  const [lo, hi] = (m[1] ?? '').split('-');
  return (hi !== undefined && hi !== lo) || (m[3] !== undefined && m[3] !== m[2]);
}

function firstAddr(env: EvalEnv, iface: string | undefined): string | undefined {
  if (!iface) return undefined;
  return own(env.ifaceAddresses, iface)?.find((a) => parseIpv4(a.address) !== undefined)?.address;
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

export function addUnsupported(hit: RuleHit, msg: string): void {
  hit.unsupported = [...hit.unsupported, msg];
}

type Change = { packet: Packet; rewrite: Rewrite };

/** MARK --set-xmark / --set-mark / --and-mark / --or-mark / --xor-mark. */
export function applyMark(options: RuleOption[], p: Packet, hit: RuleHit): Change {
  const before = p.mark;
  let after = before;
  const xset = opt(options, 'set-xmark', 'set', 'xset');
  const set = opt(options, 'set-mark');
  const and = opt(options, 'and-mark', 'and');
  const or = opt(options, 'or-mark', 'or');
  const xor = opt(options, 'xor-mark', 'xor');
  if (xset !== undefined) {
    const { value, mask } = parseValueMask(xset);
    after = ((before & ~mask) ^ value) >>> 0;
  } else if (set !== undefined) {
    const { value, mask } = parseValueMask(set);
    after = ((before & ~mask) | value) >>> 0;
  } else if (and !== undefined) after = (before & parseNum(and)) >>> 0;
  else if (or !== undefined) after = (before | parseNum(or)) >>> 0;
  else if (xor !== undefined) after = (before ^ parseNum(xor)) >>> 0;
  else addUnsupported(hit, 'MARK without a recognised option: mark unchanged');
  hit.effect = `mark ${hex(before)} → ${hex(after)}`;
  return { packet: { ...p, mark: after }, rewrite: { kind: 'MARK', from: hex(before), to: hex(after) } };
}

/** DNAT / REDIRECT (destination) and SNAT / MASQUERADE (source), with the connection's NAT status. */
export function applyNat(upper: 'DNAT' | 'SNAT' | 'MASQUERADE' | 'REDIRECT', options: RuleOption[], p: Packet, hit: RuleHit, hook: Hook, env: EvalEnv): Change {
  const status = (s: string): Packet['ct'] => ({ ...p.ct, status: [...p.ct.status, s] });
  if (upper === 'DNAT' || upper === 'REDIRECT') {
    let ip: string | undefined;
    let port: number | undefined;
    if (upper === 'DNAT') {
      const spec = opt(options, 'to-destination', 'to') ?? '';
      if (isNatRange(spec)) addUnsupported(hit, `DNAT to the range ${spec}: the kernel picks one address/port per connection, the first is traced`);
      ({ ip, port } = parseNatTo(spec));
    } else {
      const ports = opt(options, 'to-ports', 'redir-ports', 'ports');
      port = ports !== undefined ? Number(ports.split('-')[0]) : p.dport;
      ip = hook === 'OUTPUT' ? '127.0.0.1' : firstAddr(env, p.inIface);
      if (!ip) addUnsupported(hit, `REDIRECT: address of ${p.inIface ?? 'the incoming interface'} unknown, destination address kept`);
    }
    const from = endpoint(p.dst, p.dport);
    const q: Packet = { ...p, dst: ip ?? p.dst, dport: port ?? p.dport, ct: status('DNAT') };
    hit.effect = `${upper} ${from} → ${endpoint(q.dst, q.dport)}`;
    return { packet: q, rewrite: { kind: upper, from, to: endpoint(q.dst, q.dport) } };
  }
  const from = endpoint(p.src, p.sport);
  let q: Packet;
  if (upper === 'SNAT') {
    const spec = opt(options, 'to-source', 'to') ?? '';
    if (isNatRange(spec)) addUnsupported(hit, `SNAT to the range ${spec}: the kernel picks one address/port per connection, the first is traced`);
    const to = parseNatTo(spec);
    q = { ...p, src: to.ip ?? p.src, sport: to.port ?? p.sport, ct: status('SNAT') };
  } else {
    const ip = firstAddr(env, p.outIface);
    if (!ip) addUnsupported(hit, `MASQUERADE: address of ${p.outIface ?? 'the outgoing interface'} unknown`);
    q = { ...p, src: ip ?? `address-of-${p.outIface ?? 'out'}`, ct: status('SNAT') };
  }
  hit.effect = `${upper} ${from} → ${endpoint(q.src, q.sport)}`;
  return { packet: q, rewrite: { kind: upper, from, to: endpoint(q.src, q.sport) } };
}
