/**
 * Rule matching for the evaluator: each rule compiled once into a closure that answers yes, no, or why it cannot
 * be decided (then the rule is taken as may-match). Base conditions (-p, -s/-d as iptables expands them, -i/-o,
 * -f) here; every `-m` module's test comes from the registry (src/core/iptables/matches).
 */
import type { Rule, RuleMatch, RuleOption } from '../iptables/model';
import { isHostname, parseAddrMask, parseIpv4, parsePorts, protocolName } from '../net';
import { matchModule } from '../iptables/matches';
import { addrMatches, ifaceMatches, parseValueMask, serviceLookup } from '../iptables/matches/util';
import type { EvalEnv, Hook } from './netfilter';
import type { Packet } from './packet';

export type Tri = 'yes' | 'no' | 'maybe';

export interface Compiled {
  test(p: Packet, env: EvalEnv, hook: Hook): { r: Tri; why?: string };
}

/** The canonical protocol name (/etc/protocols, as iptables-save prints it) of a `-p`/`--ctproto` value. */
export const protoName = protocolName;

/** `-m state --state` is `--ctstate` in the kernel (the parser has already made long option aliases canonical). */
function optName(o: RuleOption): string {
  return o.name === 'state' ? 'ctstate' : o.name;
}

/** A compiled test: 'yes', 'no', or the reason it cannot be decided (treated as may-match). */
type Test = (p: Packet, env: EvalEnv, hook: Hook) => string;

const ipCache = new Map<string, number | undefined>();
/** parseIpv4 with a cache: a trace sees few distinct addresses but tests them against every rule. */
export function ipNum(ip: string): number | undefined {
  let n = ipCache.get(ip);
  // Stryker disable next-line all: a cache (looking up again gives the same number)
  if (n === undefined && !ipCache.has(ip)) {
    n = parseIpv4(ip);
    // Stryker disable next-line all: the cache's bound (clearing it early or late gives the same numbers)
    if (ipCache.size > 10_000) ipCache.clear();
    ipCache.set(ip, n);
  }
  return n;
}

/** Address test with the address and mask parsed once (any mask iptables accepts, inet_aton forms). */
function compileAddr(spec: string): (ip: string) => Tri {
  const c = parseAddrMask(spec);
  // Stryker disable next-line ConditionalExpression: addrMatches answers for every spec (the parsed mask only saves time)
  if (!c) return (ip) => addrMatches(spec, ip);
  const { base, mask } = c;
  return (ip) => {
    const n = ipNum(ip);
    // Stryker disable next-line ConditionalExpression: addrMatches answers for every address (the parsed mask only saves time)
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
  // Stryker disable next-line ConditionalExpression: no range holds an undefined port either
  return (port) => port !== undefined && set.some(([lo, hi]) => port >= lo && port <= hi);
}

/** Fast paths for the options Docker's rules use most; undefined = use the module's evaluator (./matches). */
function compileOption(mod: string, o: RuleOption, ruleProto: string): ((p: Packet) => boolean) | undefined {
  const name = optName(o);
  const a = o.args[0] ?? '';
  if (mod === 'tcp' || mod === 'udp' || mod === 'sctp') {
    const t = compilePortList(a, serviceLookup(mod));
    if (!t || a.includes(',')) return undefined;
    if (name === 'dport') return (p) => t(p.dport);
    if (name === 'sport') return (p) => t(p.sport);
    return undefined;
  }
  if (mod === 'multiport') {
    const t = compilePortList(a, ruleProto);
    if (!t) return undefined;
    if (name === 'dports') return (p) => t(p.dport);
    if (name === 'sports') return (p) => t(p.sport);
    if (name === 'ports') return (p) => t(p.dport) || t(p.sport);
    return undefined;
  }
  if (mod === 'mark' && name === 'mark') {
    const { value, mask } = parseValueMask(a || '0');
    return (p) => ((p.mark & mask) >>> 0) === value;
  }
  if ((mod === 'conntrack' || mod === 'state') && name === 'ctstate') {
    const wanted = a.toUpperCase().split(',');
    return (p) => wanted.includes(p.ct.state) || p.ct.status.some((s) => wanted.includes(s));
  }
  if (mod === 'comment') return () => true;
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
  if (whole) return [(p, env) => whole(m, p, env)];
  const each = mod.evalOption as NonNullable<typeof mod.evalOption>;
  return m.options.map((raw): Test => {
    const o = { ...raw, name: optName(raw) };
    const neg = o.negated;
    const fast = compileOption(name, o, ruleProto);
    // a protocol module never matches a packet of another protocol, negated or not (as the evaluator below)
    if (fast) return (p) => (proto && p.proto !== name ? 'no' : fast(p) !== neg ? 'yes' : 'no');
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
  // -p, -i, -o, -f: always decidable
  const base = (bm: { value: string; negated: boolean } | undefined, get: (p: Packet) => boolean): void => {
    if (!bm) return;
    const neg = bm.negated;
    tests.push((p) => (get(p) !== neg ? 'yes' : 'no'));
  };
  if (rule.protocol) {
    const v = protoName(rule.protocol.value); // "0" is "all"
    base(rule.protocol, (p) => v === 'all' || v === p.proto);
  }
  if (rule.source) tests.push(compileAddrCond(rule.source, (p) => p.src));
  if (rule.destination) tests.push(compileAddrCond(rule.destination, (p) => p.dst));
  if (rule.inInterface) {
    const v = rule.inInterface.value;
    base(rule.inInterface, (p) => ifaceMatches(v, p.inIface));
  }
  if (rule.outInterface) {
    const v = rule.outInterface.value;
    base(rule.outInterface, (p) => ifaceMatches(v, p.outIface));
  }
  base(rule.fragment, () => false);
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

export const NO: { r: Tri; why?: string } = Object.freeze({ r: 'no' });
// Stryker disable next-line all: the walk and ruleMatches only ask whether r is 'no' or 'maybe'
export const YES: { r: Tri; why?: string } = Object.freeze({ r: 'yes' });

const compiled = new WeakMap<Rule, Compiled>();
export function compiledRule(rule: Rule): Compiled {
  let c = compiled.get(rule);
  // Stryker disable next-line ConditionalExpression: a cache (compiling again gives the same test)
  if (!c) compiled.set(rule, (c = compileRule(rule)));
  return c;
}

/** Does this rule match the packet? Exposed for tests and the linter's "would this rule see X" questions. */
export function ruleMatches(rule: Rule, p: Packet, env: EvalEnv, hook: Hook): { matched: boolean; unsupported: string[] } {
  const r = compiledRule(rule).test(p, env, hook);
  return { matched: r.r !== 'no', unsupported: r.r === 'maybe' ? (r.why ?? '').split('; ') : [] };
}
