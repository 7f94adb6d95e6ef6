/**
 * Netfilter evaluator: walks a packet through the iptables tables of one network namespace hook by hook, in
 * kernel priority order, following jumps, gotos, returns and policies. It reports every rule that matched
 * (with counters and source line), the verdict and the rewrites (DNAT/SNAT/MASQUERADE/REDIRECT/MARK).
 * Matches it cannot decide (rate limits, owner, unknown ipset contents, ...) are reported as
 * "unsupported match X: treated as may-match" and the rule is taken, never silently guessed.
 */
import type { Diagnostic } from '../diagnostics';
import type { Chain, Rule, RuleOption, Ruleset, TableName } from '../iptables/model';
import { BUILTIN_CHAINS } from '../iptables/model';
import type { MatchEnv } from '../iptables/matches';
import { addrTypes } from '../iptables/matches/util';
import { compiledRule, YES } from './match';
import type { Packet } from './packet';
import { compiledChain, packetKeys, ruleText, skipTo, STRIDE, type CompiledChain, type PacketKeys } from './prefilter';
import { addUnsupported, applyMark, applyNat, NON_TERMINAL_TARGETS, TERMINAL_UNSUPPORTED } from './targets';

export { ruleMatches } from './match';

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

/** Whether an address is local to the namespace (addrtype LOCAL). */
export function isLocalAddress(ip: string, env: EvalEnv): boolean {
  return addrTypes(ip, env).has('LOCAL');
}

// ---------------------------------------------------------------------------------------------------------
// Walking

const MAX_DEPTH = 64;

interface Frame {
  ref: ChainRef;
  c: CompiledChain;
  next: number;
}

/** Targets whose options the walk reads. */
const OPTION_TARGETS = new Set(['MARK', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'CT', 'NOTRACK']);
const NO_OPTIONS: RuleOption[] = Object.freeze([]) as unknown as RuleOption[];

/** Shared empty list for hits without unsupported matches (most of them); extended by copy, never in place. */
const NONE: string[] = Object.freeze([]) as unknown as string[];


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
  if (table === 'nat' && p.ct.state !== 'NEW') return natBinding(rules, hook, p, env, rewrites, result);
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
      const r = applyMark(options, p, hit);
      p = r.packet;
      rewrites.push({ ...r.rewrite, table, chain: hit.chain, rule: hit.text });
      continue;
    }
    if (upper === 'DNAT' || upper === 'SNAT' || upper === 'MASQUERADE' || upper === 'REDIRECT') {
      if (table !== 'nat') addUnsupported(hit, `${upper} outside the nat table`);
      const r = applyNat(upper, options, p, hit, hook, env);
      p = r.packet;
      rewrites.push({ ...r.rewrite, table, chain: hit.chain, rule: hit.text });
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

/**
 * A packet after the first one of its connection does not traverse nat: conntrack applies the translation the
 * first packet got. For an ESTABLISHED/RELATED packet in the original direction that binding is computed from the
 * rules as they are now (the first packet's walk, not shown as hits); untracked and invalid packets get none.
 */
function natBinding(rules: NamespaceRules, hook: Hook, p: Packet, env: EvalEnv, rewrites: Rewrite[], result: TableResult): { result: TableResult; packet: Packet } {
  result.status = 'nat-skipped';
  const note = `nat ${hook} not traversed: only the first packet of a connection (ctstate NEW) sees the nat table; conntrack applies its bindings`;
  if ((p.ct.state !== 'ESTABLISHED' && p.ct.state !== 'RELATED') || p.ct.dir !== 'ORIGINAL') {
    result.notes.push(note);
    return { result, packet: p };
  }
  const bindings: Rewrite[] = [];
  const first = evalTable(rules, 'nat', hook, { ...p, ct: { ...p.ct, state: 'NEW' } }, env, bindings);
  const bound = first.packet;
  if (bindings.length === 0) {
    result.notes.push(`${note} (the connection's first packet got no translation here)`);
    return { result, packet: p };
  }
  for (const rw of bindings) rewrites.push({ ...rw, rule: rw.rule ? `conntrack binding of: ${rw.rule}` : undefined });
  result.notes.push(`${note}: ${bindings.map((rw) => `${rw.kind} ${rw.from} → ${rw.to}`).join(', ')} (the binding its first packet got from the current rules)`);
  return { result, packet: { ...bound, ct: { ...bound.ct, state: p.ct.state } } };
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

