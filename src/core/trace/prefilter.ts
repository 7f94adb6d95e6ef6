/**
 * The walk's prefilter, a speed trick beside its readable reference (./match.ts, checked rule by rule by
 * test/unit/trace-prefilter.test.ts): per chain, flat typed arrays of the conditions that are cheap to test.
 */
import type { Rule } from '../iptables/model';
import { allDigits, ipv4Value, parseCidr } from '../net';
import { parseValueMask } from '../iptables/matches/util';
import { ipNum, protoName, type Compiled } from './match';
import type { ChainRef, NamespaceRules } from './netfilter';
import type { Packet } from './packet';

/**
 * A chain compiled for the walk: one closure per rule plus a prefilter in flat typed arrays holding the
 * necessary conditions that are cheap to test (protocol, IPv4 source/destination prefix, exact interface
 * names, mark value/mask). Rules failing the prefilter cannot match and are skipped without calling their
 * closure; a 10,000-rule chain is walked in a few tens of microseconds.
 */
export interface CompiledChain {
  /** Per rule: its match closure, compiled on first use (most rules of a large chain never pass the prefilter). */
  tests: (Compiled | undefined)[];
  rules: Rule[];
  /** Resolved jump targets per rule (null: chain not in the dump), valid for the ruleset `owner`. */
  jumps?: { owner: NamespaceRules; refs: (ChainRef | null | undefined)[] };
  /**
   * STRIDE int32 per rule: proto, src base, src mask, dst base, dst mask, in iface, out iface, mark value, mark mask
   * (0 = any), then how the prefilter relates to the rule: 0 = it is the whole rule (no closure call needed),
   * 2 = the whole rule for IPv4 packets, 1 = the closure must still be called.
   */
  pre: Int32Array;
}

export const STRIDE = 10;

const interned = new Map<string, number>();
function intern(s: string): number {
  let n = interned.get(s);
  if (n === undefined) interned.set(s, (n = interned.size + 1));
  return n;
}

/**
 * Writes the IPv4 network of an address condition (as parseCidr reads it) at pre[at], pre[at + 1]; false when
 * it is not one (negated, a name, IPv6, a non-contiguous mask): the prefilter then leaves it to the closure.
 * Parses in place: the first trace of a 10,000-rule chain computes this for every rule.
 */
function addrInto(pre: Int32Array, at: number, bm: { value: string; negated: boolean } | undefined): boolean {
  if (!bm) return true;
  if (bm.negated) return false;
  const v = bm.value;
  const slash = v.indexOf('/');
  const ip = ipv4Value(v, 0, slash < 0 ? v.length : slash);
  if (ip < 0) return false;
  let prefix = 32;
  if (slash >= 0) {
    // Stryker disable next-line ArithmeticOperator: only slower: what the fast path does not read goes to parseCidr, which reads the same prefix
    const plen = v.length - slash - 1;
    // Stryker disable next-line LogicalOperator: only slower: what the fast path does not read goes to parseCidr, which reads the same prefix (a longer all-digit prefix such as /032 is refused by the parser, never walked)
    if ((plen === 1 || plen === 2) && allDigits(v, slash + 1, v.length)) prefix = plen === 1 ? v.charCodeAt(slash + 1) - 48 : (v.charCodeAt(slash + 1) - 48) * 10 + v.charCodeAt(slash + 2) - 48;
    else {
      const c = parseCidr(v);
      if (!c) return false;
      prefix = c.prefix;
    }
    // Stryker disable next-line BooleanLiteral: unreachable for walked rules: the parser refuses a prefix over /32 and the rule is not walked
    if (prefix > 32) return false;
  }
  const mask = prefix === 0 ? 0 : 0xffffffff << (32 - prefix);
  pre[at] = ip & mask;
  pre[at + 1] = mask;
  return true;
}

const protoIds = new Map<string, number>();
/** Prefilter id of a -p value (0 = any protocol). */
function protoId(value: string): number {
  let id = protoIds.get(value);
  if (id === undefined) {
    const v = protoName(value);
    id = v === 'all' || v === '0' ? 0 : intern(`p:${v}`);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the cache's bound (clearing it early or late gives the same ids)
    if (protoIds.size < 10_000) protoIds.set(value, id);
  }
  return id;
}

const ifaceIds = new Map<string, number>();
function ifaceId(bm: { value: string; negated: boolean } | undefined): number {
  if (!bm || bm.negated || bm.value.endsWith('+')) return 0;
  let id = ifaceIds.get(bm.value);
  if (id === undefined) ifaceIds.set(bm.value, (id = intern(`if:${bm.value}`)));
  return id;
}

/** The hex number "0x…" at s[a, b) (up to 8 digits), or -1 when it is not one. */
function hexAt(s: string, a: number, b: number): number {
  // Stryker disable next-line ArithmeticOperator: only slower: hexAt answers -1 for what it does not read, and parseValueMask reads the same value and mask
  if (b - a < 3 || b - a > 10 || s.charCodeAt(a) !== 48 || (s.charCodeAt(a + 1) | 32) !== 120) return -1;
  let n = 0;
  // Stryker disable next-line ArithmeticOperator,UpdateOperator: only slower: hexAt answers -1 for what it does not read, and parseValueMask reads the same value and mask
  for (let i = a + 2; i < b; i++) {
    const c = s.charCodeAt(i) | 32;
    // Stryker disable next-line UnaryOperator: a mark that passed the parser's check has only hex digits here
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,UnaryOperator: only slower: hexAt answers -1 for what it does not read, and parseValueMask reads the same value and mask (a checked mark has only hex digits)
    if (d < 0) return -1;
    n = n * 16 + d;
  }
  return n;
}

/**
 * parseValueMask for the prefilter, written at pre[at], pre[at + 1]: "0x…/0x…" (what iptables-save prints)
 * scanned in place, anything else via parseValueMask. False when value has bits outside the mask (never matches
 * as a prefilter condition: left to the closure).
 */
function markInto(pre: Int32Array, at: number, s: string): boolean {
  // Stryker disable next-line StringLiteral: only slower: hexAt answers -1 for what it does not read, and parseValueMask reads the same value and mask
  const slash = s.indexOf('/');
  // Stryker disable next-line ConditionalExpression,EqualityOperator: only slower: hexAt answers -1 for what it does not read, and parseValueMask reads the same value and mask
  let value = hexAt(s, 0, slash < 0 ? s.length : slash);
  // Stryker disable next-line ArithmeticOperator: only slower: hexAt answers -1 for what it does not read, and parseValueMask reads the same value and mask
  let mask = slash < 0 ? 0xffffffff : hexAt(s, slash + 1, s.length);
  if (value < 0 || mask < 0) ({ value, mask } = parseValueMask(s));
  if (((value & mask) >>> 0) !== value) return false;
  pre[at] = value | 0;
  pre[at + 1] = mask | 0;
  return true;
}

/** The prefilter of one rule at pre[o …]; returns how it relates to the rule (see CompiledChain.pre). */
function prefilterRule(pre: Int32Array, o: number, r: Rule): number {
  let exact = r.fragment === undefined;
  if (r.protocol) {
    if (r.protocol.negated) exact = false;
    else pre[o] = protoId(r.protocol.value);
  }
  if (!addrInto(pre, o + 1, r.source)) exact = false;
  if (!addrInto(pre, o + 3, r.destination)) exact = false;
  pre[o + 5] = ifaceId(r.inInterface);
  pre[o + 6] = ifaceId(r.outInterface);
  if ((r.inInterface && pre[o + 5] === 0) || (r.outInterface && pre[o + 6] === 0)) exact = false;
  let markExact = false;
  const m0 = r.matches.length === 1 ? r.matches[0] : undefined;
  if (m0 && m0.module === 'mark' && m0.options.length === 1 && m0.options[0].name === 'mark' && !m0.options[0].negated) {
    // Stryker disable next-line StringLiteral: -m mark --mark always has its argument (the parser requires it)
    markExact = markInto(pre, o + 7, m0.options[0].args[0] ?? '0');
  }
  if (r.matches.length > (markExact ? 1 : 0)) exact = false;
  return !exact ? 1 : r.source || r.destination ? 2 : 0;
}

function compileChain(rules: Rule[]): CompiledChain {
  const n = rules.length;
  const pre = new Int32Array(n * STRIDE);
  for (let i = 0; i < n; i++) pre[i * STRIDE + 9] = prefilterRule(pre, i * STRIDE, rules[i]);
  return { tests: new Array<Compiled | undefined>(n), rules, pre };
}

/** The rule text without an `iptables-save -c` "[packets:bytes] " prefix (the counters are kept separately). */
export function ruleText(r: Rule): string {
  return r.text.startsWith('[') ? r.text.replace(/^\[\d+:\d+\]\s+/, '') : r.text;
}

export function compiledChain(ref: ChainRef): CompiledChain {
  if (!ref.compiled || ref.compiled.tests.length !== ref.chain.rules.length) ref.compiled = compileChain(ref.chain.rules);
  return ref.compiled;
}

/** The packet's prefilter keys; an address that is not IPv4 disables the address prefilter. */
export interface PacketKeys {
  proto: number;
  src: number;
  dst: number;
  v4: boolean;
  inIf: number;
  outIf: number;
  mark: number;
}

export function packetKeys(p: Packet): PacketKeys {
  const s = ipNum(p.src);
  const d = ipNum(p.dst);
  return {
    proto: intern(`p:${p.proto}`),
    src: (s ?? 0) | 0,
    dst: (d ?? 0) | 0,
    v4: s !== undefined && d !== undefined,
    inIf: p.inIface === undefined ? -1 : intern(`if:${p.inIface}`),
    outIf: p.outIface === undefined ? -1 : intern(`if:${p.outIface}`),
    mark: p.mark | 0,
  };
}

/** Index of the first rule from `i` that passes the prefilter (n when none). */
export function skipTo(c: CompiledChain, i: number, n: number, k: PacketKeys): number {
  const pre = c.pre;
  const proto = k.proto;
  const inIf = k.inIf;
  const outIf = k.outIf;
  const mark = k.mark;
  // A non-IPv4 packet: masks of 0 make every address test pass.
  const src = k.v4 ? k.src : 0;
  const dst = k.v4 ? k.dst : 0;
  const useAddr = k.v4 ? -1 : 0;
  for (let o = i * STRIDE; i < n; i++, o += STRIDE) {
    const rp = pre[o];
    if (rp !== 0 && rp !== proto) continue;
    if ((src & pre[o + 2] & useAddr) !== (pre[o + 1] & useAddr)) continue;
    if ((dst & pre[o + 4] & useAddr) !== (pre[o + 3] & useAddr)) continue;
    const ri = pre[o + 5];
    if (ri !== 0 && ri !== inIf) continue;
    const ro = pre[o + 6];
    if (ro !== 0 && ro !== outIf) continue;
    if ((mark & pre[o + 8]) !== pre[o + 7]) continue;
    return i;
  }
  return n;
}
