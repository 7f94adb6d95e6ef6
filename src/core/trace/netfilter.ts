/**
 * Netfilter evaluator: walks a packet through the iptables tables of one network namespace hook by hook, in
 * kernel priority order, following jumps, gotos, returns and policies. It reports every rule that matched
 * (with counters and source line), the verdict and the rewrites (DNAT/SNAT/MASQUERADE/REDIRECT/MARK).
 * Matches it cannot decide (rate limits, owner, unknown ipset contents, ...) are reported as
 * "unsupported match X: treated as may-match" and the rule is taken, never silently guessed.
 */
import type { TableName } from '../iptables/model';
import { addrTypes } from '../iptables/matches/util';
import { compiledRule, YES } from './match';
import type { Packet } from './packet';
import { compiledChain, packetKeys, ruleText, skipTo, STRIDE, type CompiledChain } from './prefilter';
import { addUnsupported, applyMark, applyNat, NON_TERMINAL_TARGETS, TERMINAL_UNSUPPORTED } from './targets';
import { HOOK_TABLES, NamespaceRules, type ChainRef, type EvalEnv, type Hit, type Hook, type HookResult, type PolicyHit, type Rewrite, type RuleHit, type TableResult, type Verdict } from './nsRules';

export { ruleMatches } from './match';
export { HOOK_TABLES, NamespaceRules } from './nsRules';
export type { AddressOnIface, ChainRef, EvalEnv, Hit, Hook, HookResult, PolicyHit, Rewrite, RuleHit, TableResult, Verdict } from './nsRules';

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

/** Shared empty list for hits without unsupported matches (most of them); extended by copy, never in place. */
const NONE: string[] = Object.freeze([]) as unknown as string[];

/** One table's walk at one hook: the chain stack, the packet as rewritten so far, what was found. */
interface Walk {
  rules: NamespaceRules;
  table: TableName;
  hook: Hook;
  env: EvalEnv;
  rewrites: Rewrite[];
  result: TableResult;
  builtin: ChainRef;
  stack: Frame[];
  p: Packet;
}

function evalTable(rules: NamespaceRules, table: TableName, hook: Hook, pkt: Packet, env: EvalEnv, rewrites: Rewrite[]): { result: TableResult; packet: Packet } {
  const result: TableResult = { table, chain: hook, status: 'evaluated', verdict: 'ACCEPT', hits: [], notes: [] };
  if (table === 'nat' && pkt.ct.state !== 'NEW') return natBinding(rules, hook, pkt, env, rewrites, result);
  if (!rules.hasTable(table) && rules.allTables) {
    // iptables-save prints every table in use; this one has no chains in this namespace.
    result.status = 'not-in-use';
    return { result, packet: pkt };
  }
  if (!rules.hasTable(table)) {
    result.status = 'not-captured';
    result.notes.push(`table ${table} was not captured for this namespace: ${hook} assumed to ACCEPT`);
    return { result, packet: pkt };
  }
  const builtin = rules.chain(table, hook);
  if (!builtin) {
    result.status = 'not-captured';
    result.notes.push(`chain ${table}/${hook} is not in the captured dump: assumed empty with policy ACCEPT`);
    return { result, packet: pkt };
  }
  const w: Walk = { rules, table, hook, env, rewrites, result, builtin, stack: [{ ref: builtin, c: compiledChain(builtin), next: 0 }], p: pkt };
  walkChains(w);
  return { result, packet: w.p };
}

/** Rule by rule through the chains on the stack until a verdict, the end of the builtin chain (its policy), or the bound. */
function walkChains(w: Walk): void {
  let keys = packetKeys(w.p);
  let evaluated = 0;
  for (;;) {
    // never empty here: popping the last frame (end of the builtin chain, RETURN, goto) ends the walk
    const frame = w.stack[w.stack.length - 1] as Frame;
    const cc = frame.c;
    frame.next = skipTo(cc, frame.next, cc.rules.length, keys);
    if (frame.next >= cc.rules.length) {
      if (popFrame(w)) return;
      continue;
    }
    const idx = frame.next++;
    if (++evaluated > 1_000_000) {
      w.result.notes.push('rule walk exceeded 1,000,000 evaluations: stopped (loop in the ruleset?)');
      return;
    }
    const how = cc.pre[idx * STRIDE + 9];
    const m = how === 0 || (how === 2 && keys.v4) ? YES : (cc.tests[idx] ??= compiledRule(cc.rules[idx])).test(w.p, w.env, w.hook);
    if (m.r === 'no') continue;
    const hit = ruleHit(w, frame, idx, m);
    w.result.hits.push(hit);
    const before = w.p;
    if (takeTarget(w, cc, idx, hit)) return;
    // Stryker disable next-line ConditionalExpression: the keys of an unchanged packet are the same keys (recomputing them is only slower)
    if (w.p !== before) keys = packetKeys(w.p);
  }
}

/**
 * The record of a rule that matched. Everything comes from the compiled chain's flat arrays: the Rule object is
 * only read for target options (MARK, NAT, CT), which keeps long walks from touching scattered objects.
 */
function ruleHit(w: Walk, frame: Frame, idx: number, m: { r: string; why?: string }): RuleHit {
  const rule = frame.c.rules[idx];
  return {
    kind: 'rule',
    table: w.table,
    chain: frame.ref.chain.name,
    position: idx + 1,
    text: ruleText(rule),
    source: frame.ref.source,
    line: rule.line + 1,
    counters: rule.counters,
    target: rule.target?.name ?? '',
    // Stryker disable next-line StringLiteral: every way through takeTarget sets the effect
    effect: '',
    unsupported: m.r === 'maybe' ? (m.why ?? '').split('; ').map((w) => `unsupported match ${w}: treated as may-match`) : NONE,
    decided: false,
  };
}

/** The builtin chain's policy decides (its end reached, or RETURN from it). */
function takePolicy(w: Walk): void {
  const { builtin, result } = w;
  const pol = (builtin.chain.policy ?? 'ACCEPT').toUpperCase();
  if (builtin.chain.policy === undefined) result.notes.push(`policy of ${w.table}/${w.hook} not in the dump: assumed ACCEPT`);
  const hit: PolicyHit = {
    kind: 'policy',
    table: w.table,
    chain: w.hook,
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
}

/** Leaves the current chain; leaving the builtin chain takes its policy. True when the walk ends. */
function popFrame(w: Walk): boolean {
  w.stack.pop();
  if (w.stack.length > 0) return false;
  takePolicy(w);
  return true;
}

/** The hit gives the table's verdict. */
function decide(w: Walk, hit: RuleHit, verdict: Verdict): true {
  w.result.verdict = verdict;
  w.result.decidedBy = hit;
  return true;
}

/** Takes the matched rule's target. True when the table's walk ends here (a verdict, or the builtin's policy). */
function takeTarget(w: Walk, cc: CompiledChain, idx: number, hit: RuleHit): boolean {
  const tname = hit.target;
  const upper = tname.toUpperCase();
  const options = cc.rules[idx].target?.options ?? [];
  if (tname === '') {
    hit.effect = 'no target (counting rule): continue';
    return false;
  }
  if (upper === 'ACCEPT' || upper === 'DROP' || upper === 'REJECT') {
    hit.effect = upper;
    return decide(w, hit, upper);
  }
  if (upper === 'RETURN') {
    w.stack.pop();
    if (w.stack.length === 0) {
      hit.effect = `RETURN from builtin chain: policy`;
      takePolicy(w);
      return true;
    }
    hit.effect = `RETURN to ${w.stack[w.stack.length - 1].ref.chain.name}`;
    return false;
  }
  if (upper === 'MARK') {
    const r = applyMark(options, w.p, hit);
    w.p = r.packet;
    w.rewrites.push({ ...r.rewrite, table: w.table, chain: hit.chain, rule: hit.text });
    return false;
  }
  if (upper === 'DNAT' || upper === 'SNAT' || upper === 'MASQUERADE' || upper === 'REDIRECT') {
    if (w.table !== 'nat') addUnsupported(hit, `${upper} outside the nat table`);
    const r = applyNat(upper, options, w.p, hit, w.hook, w.env);
    w.p = r.packet;
    w.rewrites.push({ ...r.rewrite, table: w.table, chain: hit.chain, rule: hit.text });
    return decide(w, hit, 'ACCEPT');
  }
  if (NON_TERMINAL_TARGETS.has(upper)) {
    hit.effect = `${upper}: continue`;
    if (upper === 'NOTRACK' || (upper === 'CT' && options.some((o) => o.name === 'notrack'))) {
      w.p = { ...w.p, ct: { ...w.p.ct, state: 'UNTRACKED' } };
      hit.effect = `${upper}: packet untracked`;
    }
    return false;
  }
  if (upper === 'QUEUE' || upper === 'NFQUEUE') {
    hit.effect = `${upper}: handed to a userspace program, verdict unknown`;
    addUnsupported(hit, `target ${upper}: verdict decided in userspace`);
    return decide(w, hit, 'QUEUE');
  }
  if (TERMINAL_UNSUPPORTED.has(upper)) {
    hit.effect = `unsupported target ${upper}: treated as ACCEPT`;
    addUnsupported(hit, `unsupported target ${upper}`);
    return decide(w, hit, 'ACCEPT');
  }
  return jump(w, cc, idx, hit, cc.rules[idx].target?.goto === true);
}

/** A jump or goto to a user chain; a chain not in the dump is treated as empty. True when the walk ends here. */
function jump(w: Walk, cc: CompiledChain, idx: number, hit: RuleHit, isGoto: boolean): boolean {
  const tname = hit.target;
  // Jump targets resolved once per rule for this ruleset (compiled chains are shared by what-if copies).
  let jc = cc.jumps;
  if (!jc || jc.owner !== w.rules) jc = cc.jumps = { owner: w.rules, refs: new Array<ChainRef | null | undefined>(cc.tests.length).fill(undefined) };
  let next = jc.refs[idx];
  if (next === undefined) next = jc.refs[idx] = w.rules.chain(w.table, tname) ?? null;
  if (!next) {
    hit.effect = `${isGoto ? 'goto' : 'jump'} ${tname}: chain not in the dump, treated as empty (RETURN)`;
    addUnsupported(hit, `chain ${tname} not captured`);
    return isGoto && popFrame(w);
  }
  if (w.stack.length >= MAX_DEPTH) {
    hit.effect = `jump ${tname}: chain nesting deeper than ${MAX_DEPTH}, stopped`;
    w.result.notes.push(hit.effect);
    return decide(w, hit, 'DROP');
  }
  hit.effect = `${isGoto ? 'goto' : 'jump'} ${tname}`;
  if (isGoto) w.stack.pop();
  w.stack.push({ ref: next, c: compiledChain(next), next: 0 });
  return false;
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
      out.notes.push(RAW_NOTE);
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

