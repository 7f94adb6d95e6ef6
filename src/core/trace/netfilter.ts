/**
 * Netfilter evaluator: walks a packet through the iptables tables of one network namespace hook by hook, in
 * kernel priority order, following jumps, gotos, returns and policies. It reports every rule that matched
 * (with counters and source line), the verdict and the rewrites (DNAT/SNAT/MASQUERADE/REDIRECT/MARK).
 * Matches it cannot decide (rate limits, owner, unknown ipset contents, ...) are reported as
 * "unsupported match X: treated as may-match" and the rule is taken, never silently guessed.
 */
import type { Diagnostic } from '../diagnostics';
import type { Chain, Rule, RuleMatch, RuleOption, Ruleset, TableName } from '../iptables/model';
import { BUILTIN_CHAINS } from '../iptables/model';
import { allDigits, ipv4Value, isHostname, parseAddrMask, parseCidr, parseIpv4, parsePorts, protocolName } from '../net';
import { matchModule, type MatchEnv } from '../iptables/matches';
import { addrMatches, addrTypes, parseNum, parseValueMask, serviceLookup } from '../iptables/matches/util';
import { endpoint, type Packet } from './packet';
import { own } from '../record';

export type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

/** Tables registered at each hook, in priority order (raw -300, mangle -150, nat DNAT -100, filter 0, security 50, nat SNAT 100). */
export const HOOK_TABLES: Record<Hook, TableName[]> = {
  PREROUTING: ['raw', 'mangle', 'nat'],
  INPUT: ['mangle', 'filter', 'security', 'nat'],
  FORWARD: ['mangle', 'filter', 'security'],
  OUTPUT: ['raw', 'mangle', 'nat', 'filter', 'security'],
  POSTROUTING: ['mangle', 'nat'],
};

export type Verdict = 'ACCEPT' | 'DROP' | 'REJECT' | 'QUEUE';

export interface ChainRef {
  table: TableName;
  chain: Chain;
  /** Where the chain came from: a dump file name, "what-if", ... */
  source: string;
  /** The chain's rules compiled for matching, filled on first use. */
  compiled?: CompiledChain;
}

/** The rules of one namespace, merged from one or more dumps (iptables-save, or -S / -nvL per table or chain). */
export class NamespaceRules {
  private readonly tables = new Map<TableName, Map<string, ChainRef>>();
  readonly sources: string[] = [];
  readonly diagnostics: Diagnostic[] = [];
  /** A whole-namespace iptables-save was added: a table missing from it is not in use (empty), not "not captured". */
  allTables = false;

  add(ruleset: Ruleset, source: string, complete = false): this {
    this.sources.push(source);
    if (complete) this.allTables = true;
    for (const d of ruleset.diagnostics) this.diagnostics.push({ ...d, source: `${source}: ${d.source}`, line: d.span.line + 1 });
    for (const [tname, table] of ruleset.tables) {
      let chains = this.tables.get(tname);
      if (!chains) this.tables.set(tname, (chains = new Map()));
      for (const [cname, chain] of table.chains) {
        const prev = chains.get(cname);
        if (prev && prev.chain.rules.length > 0 && chain.rules.length > 0) {
          this.diagnostics.push({ severity: 'warning', source, message: `chain ${tname}/${cname} is in both ${prev.source} and ${source}: using ${prev.source}` });
          continue;
        }
        if (prev && chain.rules.length === 0) {
          if (prev.chain.policy === undefined && chain.policy !== undefined) prev.chain.policy = chain.policy;
          continue;
        }
        chains.set(cname, { table: tname, chain, source });
      }
    }
    return this;
  }

  hasTable(t: TableName): boolean {
    return this.tables.has(t);
  }

  tableNames(): TableName[] {
    return [...this.tables.keys()];
  }

  chain(t: TableName, name: string): ChainRef | undefined {
    return this.tables.get(t)?.get(name);
  }

  chains(t: TableName): ChainRef[] {
    return [...(this.tables.get(t)?.values() ?? [])];
  }

  /** A copy with one chain's rules replaced (the "what if" of a proposed DOCKER-USER). */
  withChainReplaced(t: TableName, name: string, rules: Rule[], source: string): NamespaceRules {
    return this.withChains([{ table: t, name, rules }], source);
  }

  /** A copy with chains replaced or added (a what-if file's chains, in any table); other chains are shared. */
  withChains(changes: { table: TableName; name: string; rules: Rule[] }[], source: string): NamespaceRules {
    const copy = new NamespaceRules();
    copy.allTables = this.allTables;
    copy.sources.push(...this.sources, source);
    copy.diagnostics.push(...this.diagnostics);
    for (const [tn, chains] of this.tables) copy.tables.set(tn, new Map(chains));
    for (const { table: t, name, rules } of changes) {
      let chains = copy.tables.get(t);
      if (!chains) copy.tables.set(t, (chains = new Map()));
      const old = chains.get(name)?.chain;
      const builtin = BUILTIN_CHAINS[t].includes(name);
      chains.set(name, {
        table: t,
        source,
        chain: { name, builtin, policy: old?.policy, rules: rules.map((r, i) => ({ ...r, table: t, chain: name, index: i })) },
      });
    }
    return copy;
  }
}

export interface AddressOnIface {
  address: string;
  prefixLen: number;
}

/** What the evaluator knows of the namespace: addresses per interface, ipsets (see MatchEnv). */
export type EvalEnv = MatchEnv;

export interface RuleHit {
  kind: 'rule';
  table: TableName;
  chain: string;
  /** 1-based position within the chain. */
  position: number;
  text: string;
  source: string;
  /** 1-based line in the source dump. */
  line: number;
  counters?: { packets: number; bytes: number };
  target: string;
  /** What taking the rule did: "jump DOCKER-USER", "RETURN", "mark 0x0 → 0x100", "DNAT ... → ...", "ACCEPT". */
  effect: string;
  /** Unsupported matches treated as may-match. */
  unsupported: string[];
  /** Set by the tracer: this rule gave the hop's verdict (a RuleHit doubles as the hop's rule record). */
  decided: boolean;
}

export interface PolicyHit {
  kind: 'policy';
  table: TableName;
  chain: string;
  policy: string;
  source: string;
  line?: number;
  counters?: { packets: number; bytes: number };
  effect: string;
  unsupported: string[];
}

export type Hit = RuleHit | PolicyHit;

export interface Rewrite {
  kind: 'DNAT' | 'SNAT' | 'MASQUERADE' | 'REDIRECT' | 'MARK' | 'IPVS';
  from: string;
  to: string;
  table?: TableName;
  chain?: string;
  rule?: string;
}

export interface TableResult {
  table: TableName;
  chain: Hook;
  status: 'evaluated' | 'not-captured' | 'nat-skipped' | 'not-in-use';
  verdict: Verdict;
  hits: Hit[];
  decidedBy?: Hit;
  notes: string[];
}

export interface HookResult {
  hook: Hook;
  verdict: Verdict;
  packet: Packet;
  tables: TableResult[];
  rewrites: Rewrite[];
  /** The rule or policy that gave a non-ACCEPT verdict, or the last terminal ACCEPT. */
  decidedBy?: Hit;
  /** Some rule on the path had unsupported matches or a table was not captured. */
  uncertain: boolean;
  notes: string[];
}

// ---------------------------------------------------------------------------------------------------------
// Matching

type Tri = 'yes' | 'no' | 'maybe';

interface Compiled {
  test(p: Packet, env: EvalEnv, hook: Hook): { r: Tri; why?: string };
}

/** The canonical protocol name (/etc/protocols, as iptables-save prints it) of a `-p`/`--ctproto` value. */
const protoName = protocolName;

const OPTION_ALIAS: Record<string, string> = {
  dpt: 'dport',
  'destination-port': 'dport',
  dpts: 'dport',
  spt: 'sport',
  'source-port': 'sport',
  spts: 'sport',
  'destination-ports': 'dports',
  'source-ports': 'sports',
  state: 'ctstate',
};
function optName(o: RuleOption): string {
  return own(OPTION_ALIAS, o.name) ?? o.name;
}

function ifaceMatches(pattern: string, name: string | undefined): boolean {
  if (name === undefined) return false;
  if (pattern.endsWith('+')) return name.startsWith(pattern.slice(0, -1));
  return pattern === name;
}

/** Whether an address is local to the namespace (addrtype LOCAL). */
export function isLocalAddress(ip: string, env: EvalEnv): boolean {
  return addrTypes(ip, env).has('LOCAL');
}

/** A compiled test: 'yes', 'no', or the reason it cannot be decided (treated as may-match). */
type Test = (p: Packet, env: EvalEnv, hook: Hook) => string;

const ipCache = new Map<string, number | undefined>();
/** parseIpv4 with a cache: a trace sees few distinct addresses but tests them against every rule. */
function ipNum(ip: string): number | undefined {
  let n = ipCache.get(ip);
  if (n === undefined && !ipCache.has(ip)) {
    n = parseIpv4(ip);
    if (ipCache.size > 10_000) ipCache.clear();
    ipCache.set(ip, n);
  }
  return n;
}

/** Address test with the address and mask parsed once (any mask iptables accepts, inet_aton forms). */
function compileAddr(spec: string): (ip: string) => Tri {
  const c = parseAddrMask(spec);
  if (!c) return (ip) => addrMatches(spec, ip);
  const { base, mask } = c;
  return (ip) => {
    const n = ipNum(ip);
    if (n === undefined) return addrMatches(spec, ip);
    return ((n & mask) >>> 0) === base ? 'yes' : 'no';
  };
}

/**
 * `-s`/`-d` as iptables adds them: a comma list becomes one rule per address (with both lists, one per pair:
 * "any source of the list and any destination of the list"; `! -s a,b` is refused by iptables), a host name is resolved when the rule is added ("localhost" is 127.0.0.1; any other name
 * cannot be known offline: undecidable, never a silent no-match).
 */
function compileAddrCond(bm: { value: string; negated: boolean }, pick: (p: Packet) => string): Test {
  const neg = bm.negated;
  const one = (raw: string): ((p: Packet) => string) => {
    const part = raw === 'localhost' ? '127.0.0.1' : raw;
    if (isHostname(part)) {
      const why = `address ${part} (a host name: iptables resolved it when the rule was added)`;
      return () => why;
    }
    const t = compileAddr(part);
    const why = `address ${part}`;
    return (p) => {
      const r = t(pick(p));
      return r === 'maybe' ? why : (r === 'yes') !== neg ? 'yes' : 'no';
    };
  };
  const parts = bm.value.split(',').map(one);
  if (parts.length === 1) return parts[0];
  if (neg) {
    const why = `! with the address list ${bm.value} (iptables refuses it: "! not allowed with multiple source or destination IP addresses")`;
    return () => why;
  }
  return (p) => {
    let undecided: string | undefined;
    for (const t of parts) {
      const r = t(p);
      if (r === 'yes') return 'yes';
      if (r !== 'no') undecided ??= r;
    }
    return undecided ?? 'no';
  };
}

/** Port-list test ("80", "http", "1000:2000", ":1024", "80,443") with the ranges parsed once; undefined when invalid. */
function compilePortList(spec: string, proto: string): ((port: number | undefined) => boolean) | undefined {
  const set = parsePorts(spec, proto);
  if (!set) return undefined;
  if (set.length === 1) {
    const [lo, hi] = set[0];
    return (port) => port !== undefined && port >= lo && port <= hi;
  }
  return (port) => port !== undefined && set.some(([lo, hi]) => port >= lo && port <= hi);
}

/** Fast paths for the options Docker's rules use most; undefined = use the module's evaluator (./matches). */
function compileOption(mod: string, o: RuleOption, ruleProto: string): ((p: Packet, env: EvalEnv) => Tri) | undefined {
  const name = optName(o);
  const a = o.args[0] ?? '';
  if (mod === 'tcp' || mod === 'udp' || mod === 'sctp') {
    const t = compilePortList(a, serviceLookup(mod));
    if (!t || a.includes(',')) return undefined;
    if (name === 'dport') return (p) => (p.proto !== mod ? 'no' : t(p.dport) ? 'yes' : 'no');
    if (name === 'sport') return (p) => (p.proto !== mod ? 'no' : t(p.sport) ? 'yes' : 'no');
    return undefined;
  }
  if (mod === 'multiport') {
    const t = compilePortList(a, ruleProto);
    if (!t) return undefined;
    if (name === 'dports') return (p) => (t(p.dport) ? 'yes' : 'no');
    if (name === 'sports') return (p) => (t(p.sport) ? 'yes' : 'no');
    if (name === 'ports') return (p) => (t(p.dport) || t(p.sport) ? 'yes' : 'no');
    return undefined;
  }
  if (mod === 'mark' && name === 'mark') {
    const { value, mask } = parseValueMask(a || '0');
    return (p) => (((p.mark & mask) >>> 0) === value ? 'yes' : 'no');
  }
  if ((mod === 'conntrack' || mod === 'state') && name === 'ctstate') {
    const wanted = a.toUpperCase().split(',');
    return (p) => {
      if (wanted.includes(p.ct.state)) return 'yes';
      for (const s of p.ct.status) if (wanted.includes(s)) return 'yes';
      return 'no';
    };
  }
  if (mod === 'comment') return () => 'yes';
  return undefined;
}

/**
 * The tests of one `-m` match, from the registry (src/core/iptables/matches): the module's own evaluator
 * per option (negation applied here) or for the whole match; a fast path for Docker's common options.
 */
function compileMatch(m: RuleMatch, ruleProto: string): Test[] {
  const mod = matchModule(m.module);
  if (!mod || (!mod.evalOption && !mod.evalMatch)) {
    const why = `-m ${m.module}`;
    return [() => why];
  }
  const name = mod.name;
  const proto = mod.protocol === true;
  if (proto && m.options.length === 0) return [(p) => (p.proto === name ? 'yes' : 'no')];
  const whole = mod.evalMatch;
  if (whole) return [(p, env) => (proto && p.proto !== name ? 'no' : whole(m, p, env))];
  const each = mod.evalOption as NonNullable<typeof mod.evalOption>;
  return m.options.map((raw): Test => {
    const o = { ...raw, name: optName(raw) };
    const neg = o.negated;
    const fast = compileOption(name, o, ruleProto);
    if (fast) return (p, env) => ((fast(p, env) === 'yes') !== neg ? 'yes' : 'no');
    return (p, env) => {
      if (proto && p.proto !== name) return 'no';
      const r = each(o, p, env);
      if (r === 'yes' || r === 'no') return (r === 'yes') !== neg ? 'yes' : 'no';
      return r;
    };
  });
}

function compileRule(rule: Rule): Compiled {
  const tests: Test[] = [];
  const base = (bm: { value: string; negated: boolean } | undefined, get: (p: Packet) => Tri): void => {
    if (!bm) return;
    const neg = bm.negated;
    const why = `address ${bm.value}`;
    tests.push((p) => {
      const r = get(p);
      if (r === 'maybe') return why;
      return (r === 'yes') !== neg ? 'yes' : 'no';
    });
  };
  if (rule.protocol) {
    const v = protoName(rule.protocol.value);
    const any = v === 'all' || v === '0';
    base(rule.protocol, (p) => (any || v === p.proto ? 'yes' : 'no'));
  }
  if (rule.source) tests.push(compileAddrCond(rule.source, (p) => p.src));
  if (rule.destination) tests.push(compileAddrCond(rule.destination, (p) => p.dst));
  if (rule.inInterface) {
    const v = rule.inInterface.value;
    base(rule.inInterface, (p) => (ifaceMatches(v, p.inIface) ? 'yes' : 'no'));
  }
  if (rule.outInterface) {
    const v = rule.outInterface.value;
    base(rule.outInterface, (p) => (ifaceMatches(v, p.outIface) ? 'yes' : 'no'));
  }
  base(rule.fragment, () => 'no');
  const ruleProto = rule.protocol ? protoName(rule.protocol.value) : '';
  for (const m of rule.matches) tests.push(...compileMatch(m, ruleProto));
  const n = tests.length;
  return {
    test(p, env, hook) {
      let maybe: string[] | undefined;
      for (let i = 0; i < n; i++) {
        const r = tests[i](p, env, hook);
        if (r === 'no') return NO;
        if (r !== 'yes') (maybe ??= []).push(r);
      }
      return maybe ? { r: 'maybe', why: maybe.join('; ') } : YES;
    },
  };
}

const NO: { r: Tri; why?: string } = Object.freeze({ r: 'no' });
const YES: { r: Tri; why?: string } = Object.freeze({ r: 'yes' });

const compiled = new WeakMap<Rule, Compiled>();
function compiledRule(rule: Rule): Compiled {
  let c = compiled.get(rule);
  if (!c) compiled.set(rule, (c = compileRule(rule)));
  return c;
}

/** Does this rule match the packet? Exposed for tests and the linter's "would this rule see X" questions. */
export function ruleMatches(rule: Rule, p: Packet, env: EvalEnv, hook: Hook): { matched: boolean; unsupported: string[] } {
  const r = compiledRule(rule).test(p, env, hook);
  return { matched: r.r !== 'no', unsupported: r.r === 'maybe' ? (r.why ?? '').split('; ') : [] };
}

// ---------------------------------------------------------------------------------------------------------
// Targets

const NON_TERMINAL_TARGETS = new Set(['LOG', 'NFLOG', 'ULOG', 'TRACE', 'AUDIT', 'CHECKSUM', 'TCPMSS', 'CONNMARK', 'CT', 'NOTRACK', 'TOS', 'DSCP', 'TTL', 'CLASSIFY', 'IDLETIMER', 'LED', 'SECMARK', 'CONNSECMARK', 'SET', 'TEE', 'NETMAP_LOG']);
const TERMINAL_UNSUPPORTED = new Set(['TPROXY', 'NETMAP', 'SYNPROXY', 'HMARK', 'CLUSTERIP', 'NFQUEUE', 'QUEUE', 'MIRROR']);

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

function firstAddr(env: EvalEnv, iface: string | undefined): string | undefined {
  if (!iface) return undefined;
  return own(env.ifaceAddresses, iface)?.find((a) => parseIpv4(a.address) !== undefined)?.address;
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Walking

const MAX_DEPTH = 64;

interface Frame {
  ref: ChainRef;
  c: CompiledChain;
  next: number;
}

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

const STRIDE = 10;

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
    const plen = v.length - slash - 1;
    if ((plen === 1 || plen === 2) && allDigits(v, slash + 1, v.length)) prefix = plen === 1 ? v.charCodeAt(slash + 1) - 48 : (v.charCodeAt(slash + 1) - 48) * 10 + v.charCodeAt(slash + 2) - 48;
    else {
      const c = parseCidr(v);
      if (!c) return false;
      prefix = c.prefix;
    }
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

/** parseValueMask for the prefilter: "0x…/0x…" (what iptables-save prints) scanned in place, anything else via parseValueMask. */
function markValueMask(s: string): { value: number; mask: number } {
  const slash = s.indexOf('/');
  const end = slash < 0 ? s.length : slash;
  const hex = (a: number, b: number): number => {
    if (b - a < 3 || b - a > 10 || s.charCodeAt(a) !== 48 || (s.charCodeAt(a + 1) | 32) !== 120) return -1;
    let n = 0;
    for (let i = a + 2; i < b; i++) {
      const c = s.charCodeAt(i) | 32;
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (d < 0) return -1;
      n = n * 16 + d;
    }
    return n;
  };
  const value = hex(0, end);
  const mask = slash < 0 ? 0xffffffff : hex(slash + 1, s.length);
  return value < 0 || mask < 0 ? parseValueMask(s) : { value, mask };
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
    const { value, mask } = markValueMask(m0.options[0].args[0] ?? '0');
    if (((value & mask) >>> 0) === value) {
      pre[o + 7] = value | 0;
      pre[o + 8] = mask | 0;
      markExact = true;
    }
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
function ruleText(r: Rule): string {
  return r.text.startsWith('[') ? r.text.replace(/^\[\d+:\d+\]\s+/, '') : r.text;
}

function compiledChain(ref: ChainRef): CompiledChain {
  if (!ref.compiled || ref.compiled.tests.length !== ref.chain.rules.length) ref.compiled = compileChain(ref.chain.rules);
  return ref.compiled;
}

/** The packet's prefilter keys; an address that is not IPv4 disables the address prefilter. */
interface PacketKeys {
  proto: number;
  src: number;
  dst: number;
  v4: boolean;
  inIf: number;
  outIf: number;
  mark: number;
}

function packetKeys(p: Packet): PacketKeys {
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
function skipTo(c: CompiledChain, i: number, n: number, k: PacketKeys): number {
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

/** Targets whose options the walk reads. */
const OPTION_TARGETS = new Set(['MARK', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'CT', 'NOTRACK']);
const NO_OPTIONS: RuleOption[] = Object.freeze([]) as unknown as RuleOption[];

/** Shared empty list for hits without unsupported matches (most of them); extended by copy, never in place. */
const NONE: string[] = Object.freeze([]) as unknown as string[];

function addUnsupported(hit: RuleHit, msg: string): void {
  hit.unsupported = [...hit.unsupported, msg];
}

const textCache = new Map<string, Map<string, string>>();
/** prefix + name, one string per pair (effects like "jump DOCKER-USER" repeat on every walk). */
function cachedText(prefix: string, name: string): string {
  let m = textCache.get(prefix);
  if (!m) textCache.set(prefix, (m = new Map()));
  let t = m.get(name);
  if (t === undefined) {
    t = prefix + name;
    if (m.size < 100_000) m.set(name, t);
  }
  return t;
}

const upperCache = new Map<string, string>();
function upperName(s: string): string {
  let u = upperCache.get(s);
  if (u === undefined) {
    u = s.toUpperCase();
    if (upperCache.size < 100_000) upperCache.set(s, u);
  }
  return u;
}

function evalTable(rules: NamespaceRules, table: TableName, hook: Hook, pkt: Packet, env: EvalEnv, rewrites: Rewrite[]): { result: TableResult; packet: Packet } {
  const result: TableResult = { table, chain: hook, status: 'evaluated', verdict: 'ACCEPT', hits: [], notes: [] };
  let p = pkt;
  if (table === 'nat' && p.ct.state !== 'NEW') {
    result.status = 'nat-skipped';
    result.notes.push(`nat ${hook} not traversed: only the first packet of a connection (ctstate NEW) sees the nat table; conntrack applies its bindings`);
    return { result, packet: p };
  }
  if (!rules.hasTable(table) && rules.allTables) {
    // iptables-save prints every table in use; this one has no chains in this namespace.
    result.status = 'not-in-use';
    return { result, packet: p };
  }
  if (!rules.hasTable(table)) {
    result.status = 'not-captured';
    result.notes.push(`table ${table} was not captured for this namespace: ${hook} assumed to ACCEPT`);
    return { result, packet: p };
  }
  const builtin = rules.chain(table, hook);
  if (!builtin) {
    result.status = 'not-captured';
    result.notes.push(`chain ${table}/${hook} is not in the captured dump: assumed empty with policy ACCEPT`);
    return { result, packet: p };
  }
  const stack: Frame[] = [{ ref: builtin, c: compiledChain(builtin), next: 0 }];
  let keyed: Packet | undefined;
  let keys: PacketKeys | undefined;
  let evaluated = 0;
  const policy = (): void => {
    const pol = (builtin.chain.policy ?? 'ACCEPT').toUpperCase();
    if (builtin.chain.policy === undefined) result.notes.push(`policy of ${table}/${hook} not in the dump: assumed ACCEPT`);
    const hit: PolicyHit = {
      kind: 'policy',
      table,
      chain: hook,
      policy: pol,
      source: builtin.source,
      line: builtin.chain.declLine !== undefined ? builtin.chain.declLine + 1 : undefined,
      counters: builtin.chain.policyCounters,
      effect: `policy ${pol}`,
      unsupported: [],
    };
    result.hits.push(hit);
    result.decidedBy = hit;
    result.verdict = pol === 'DROP' ? 'DROP' : 'ACCEPT';
  };
  for (;;) {
    const frame = stack[stack.length - 1];
    if (!frame) {
      policy();
      break;
    }
    const chainRules = frame.ref.chain.rules;
    if (keyed !== p || !keys) {
      keys = packetKeys(p);
      keyed = p;
    }
    frame.next = skipTo(frame.c, frame.next, chainRules.length, keys);
    if (frame.next >= chainRules.length) {
      stack.pop();
      if (stack.length === 0) {
        policy();
        break;
      }
      continue;
    }
    if (keys === undefined) keys = packetKeys(p);
    const cc = frame.c;
    const idx = frame.next++;
    if (++evaluated > 1_000_000) {
      result.notes.push('rule walk exceeded 1,000,000 evaluations: stopped (loop in the ruleset?)');
      break;
    }
    const how = cc.pre[idx * STRIDE + 9];
    const m = how === 0 || (how === 2 && keys.v4) ? YES : (cc.tests[idx] ??= compiledRule(cc.rules[idx])).test(p, env, hook);
    if (m.r === 'no') continue;
    // Everything a hit needs comes from the compiled chain's flat arrays: the Rule object is only read for
    // target options (MARK, NAT, CT), which keeps long walks from touching scattered objects.
    const rule = cc.rules[idx];
    const tname = rule.target?.name ?? '';
    const hit: RuleHit = {
      kind: 'rule',
      table,
      chain: frame.ref.chain.name,
      position: idx + 1,
      text: ruleText(rule),
      source: frame.ref.source,
      line: rule.line + 1,
      counters: rule.counters,
      target: tname,
      effect: '',
      unsupported: m.r === 'maybe' ? (m.why ?? '').split('; ').map((w) => `unsupported match ${w}: treated as may-match`) : NONE,
      decided: false,
    };
    result.hits.push(hit);
    const upper = upperName(tname);
    const isGoto = rule.target?.goto === true;
    const options = OPTION_TARGETS.has(upper) ? chainRules[idx].target?.options ?? [] : NO_OPTIONS;
    if (tname === '') {
      hit.effect = 'no target (counting rule): continue';
      continue;
    }
    if (upper === 'ACCEPT' || upper === 'DROP' || upper === 'REJECT') {
      hit.effect = upper;
      result.verdict = upper as Verdict;
      result.decidedBy = hit;
      break;
    }
    if (upper === 'RETURN') {
      stack.pop();
      if (stack.length === 0) {
        hit.effect = `RETURN from builtin chain: policy`;
        policy();
        break;
      }
      hit.effect = cachedText('RETURN to ', stack[stack.length - 1].ref.chain.name);
      continue;
    }
    if (upper === 'MARK') {
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
      p = { ...p, mark: after };
      hit.effect = `mark ${hex(before)} → ${hex(after)}`;
      rewrites.push({ kind: 'MARK', from: hex(before), to: hex(after), table, chain: hit.chain, rule: hit.text });
      continue;
    }
    if (upper === 'DNAT' || upper === 'SNAT' || upper === 'MASQUERADE' || upper === 'REDIRECT') {
      if (table !== 'nat') {
        addUnsupported(hit, `${upper} outside the nat table`);
      }
      if (upper === 'DNAT') {
        const to = parseNatTo(opt(options, 'to-destination', 'to') ?? '');
        const from = endpoint(p.dst, p.dport);
        p = { ...p, dst: to.ip ?? p.dst, dport: to.port ?? p.dport, ct: { ...p.ct, status: [...p.ct.status, 'DNAT'] } };
        hit.effect = `DNAT ${from} → ${endpoint(p.dst, p.dport)}`;
        rewrites.push({ kind: 'DNAT', from, to: endpoint(p.dst, p.dport), table, chain: hit.chain, rule: hit.text });
      } else if (upper === 'REDIRECT') {
        const ports = opt(options, 'to-ports', 'redir-ports', 'ports');
        const port = ports !== undefined ? Number(ports.split('-')[0]) : p.dport;
        let ip: string | undefined;
        if (hook === 'OUTPUT') ip = '127.0.0.1';
        else {
          ip = firstAddr(env, p.inIface);
          if (!ip) addUnsupported(hit, `REDIRECT: address of ${p.inIface ?? 'the incoming interface'} unknown, destination address kept`);
        }
        const from = endpoint(p.dst, p.dport);
        p = { ...p, dst: ip ?? p.dst, dport: port, ct: { ...p.ct, status: [...p.ct.status, 'DNAT'] } };
        hit.effect = `REDIRECT ${from} → ${endpoint(p.dst, p.dport)}`;
        rewrites.push({ kind: 'REDIRECT', from, to: endpoint(p.dst, p.dport), table, chain: hit.chain, rule: hit.text });
      } else if (upper === 'SNAT') {
        const to = parseNatTo(opt(options, 'to-source', 'to') ?? '');
        const from = endpoint(p.src, p.sport);
        p = { ...p, src: to.ip ?? p.src, sport: to.port ?? p.sport, ct: { ...p.ct, status: [...p.ct.status, 'SNAT'] } };
        hit.effect = `SNAT ${from} → ${endpoint(p.src, p.sport)}`;
        rewrites.push({ kind: 'SNAT', from, to: endpoint(p.src, p.sport), table, chain: hit.chain, rule: hit.text });
      } else {
        const ip = firstAddr(env, p.outIface);
        const from = endpoint(p.src, p.sport);
        if (!ip) addUnsupported(hit, `MASQUERADE: address of ${p.outIface ?? 'the outgoing interface'} unknown`);
        p = { ...p, src: ip ?? `address-of-${p.outIface ?? 'out'}`, ct: { ...p.ct, status: [...p.ct.status, 'SNAT'] } };
        hit.effect = `MASQUERADE ${from} → ${endpoint(p.src, p.sport)}`;
        rewrites.push({ kind: 'MASQUERADE', from, to: endpoint(p.src, p.sport), table, chain: hit.chain, rule: hit.text });
      }
      result.verdict = 'ACCEPT';
      result.decidedBy = hit;
      break;
    }
    if (NON_TERMINAL_TARGETS.has(upper)) {
      hit.effect = `${upper}: continue`;
      if (upper === 'NOTRACK' || (upper === 'CT' && options.some((o) => o.name === 'notrack'))) {
        p = { ...p, ct: { ...p.ct, state: 'UNTRACKED' } };
        hit.effect = `${upper}: packet untracked`;
      }
      continue;
    }
    if (upper === 'QUEUE' || upper === 'NFQUEUE') {
      hit.effect = `${upper}: handed to a userspace program, verdict unknown`;
      addUnsupported(hit, `target ${upper}: verdict decided in userspace`);
      result.verdict = 'QUEUE';
      result.decidedBy = hit;
      break;
    }
    if (TERMINAL_UNSUPPORTED.has(upper)) {
      hit.effect = `unsupported target ${upper}: treated as ACCEPT`;
      addUnsupported(hit, `unsupported target ${upper}`);
      result.verdict = 'ACCEPT';
      result.decidedBy = hit;
      break;
    }
    // A jump or goto to a chain.
    // Jump targets resolved once per rule for this ruleset (compiled chains are shared by what-if copies).
    let jc = cc.jumps;
    if (!jc || jc.owner !== rules) jc = cc.jumps = { owner: rules, refs: new Array<ChainRef | null | undefined>(cc.tests.length).fill(undefined) };
    let next = jc.refs[idx];
    if (next === undefined) next = jc.refs[idx] = rules.chain(table, tname) ?? null;
    if (!next) {
      hit.effect = `${isGoto ? 'goto' : 'jump'} ${tname}: chain not in the dump, treated as empty (RETURN)`;
      addUnsupported(hit, `chain ${tname} not captured`);
      if (isGoto) {
        stack.pop();
        if (stack.length === 0) {
          policy();
          break;
        }
      }
      continue;
    }
    if (stack.length >= MAX_DEPTH) {
      hit.effect = `jump ${tname}: chain nesting deeper than ${MAX_DEPTH}, stopped`;
      result.notes.push(hit.effect);
      result.verdict = 'DROP';
      result.decidedBy = hit;
      break;
    }
    hit.effect = cachedText(isGoto ? 'goto ' : 'jump ', tname);
    if (isGoto) stack.pop();
    stack.push({ ref: next, c: compiledChain(next), next: 0 });
  }
  return { result, packet: p };
}

const RAW_NOTE = 'raw table not captured: assumed empty';

/** Runs every table registered at a hook, in kernel order. Stops at the first non-ACCEPT verdict. */
export function evaluateHook(rules: NamespaceRules, hook: Hook, pkt: Packet, env: EvalEnv): HookResult {
  const out: HookResult = { hook, verdict: 'ACCEPT', packet: pkt, tables: [], rewrites: [], uncertain: false, notes: [] };
  let p = pkt;
  for (const table of HOOK_TABLES[hook]) {
    if (table === 'security' && !rules.hasTable('security')) continue;
    if (table === 'raw' && !rules.hasTable('raw') && !rules.allTables) {
      if (!out.notes.includes(RAW_NOTE)) out.notes.push(RAW_NOTE);
      continue;
    }
    const { result, packet } = evalTable(rules, table, hook, p, env, out.rewrites);
    p = packet;
    out.tables.push(result);
    if (result.status === 'not-captured') out.uncertain = true;
    if (result.hits.some((h) => h.unsupported.length > 0)) out.uncertain = true;
    out.notes.push(...result.notes);
    if (result.table === 'filter' && result.decidedBy) out.decidedBy = result.decidedBy;
    if (result.verdict !== 'ACCEPT') {
      out.verdict = result.verdict;
      out.decidedBy = result.decidedBy;
      break;
    }
  }
  out.packet = p;
  return out;
}

/** All hits of a hook result, in evaluation order. */
export function hookHits(h: HookResult): Hit[] {
  return h.tables.flatMap((t) => t.hits);
}

