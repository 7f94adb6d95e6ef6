/**
 * Which rules never run, per chain in effective order (shared by rules/shadowed, rules/duplicate and
 * docker-user/after-return): a rule after an unconditional terminal rule, the second copy of a rule, or a rule
 * whose packets an earlier terminal rule with a subset of its conditions always takes. Linear: shadowing
 * candidates are indexed by their most selective condition.
 */
import type { Rule } from '../iptables/model';
import { TEMPLATE, fullKey, type FactsOf, type RuleFacts } from './facts';
import type { Pass } from './pass';
import { isMine } from './pass';

export interface NeverRuns {
  rule: Rule;
  chain: string;
  kind: 'after-unconditional' | 'duplicate' | 'shadowed';
  /** The rule that decides first. */
  by: Rule;
}

const cache = new WeakMap<Pass, NeverRuns[]>();

/** Names of the shell variables in the rule's conditions. */
function variables(rule: Rule): string[] {
  const args = [rule.chain, rule.target?.name ?? '', ...[rule.source, rule.destination, rule.inInterface, rule.outInterface].map((b) => b?.value ?? '')];
  for (const m of rule.matches) for (const o of m.options) args.push(...o.args);
  return args.flatMap((a) => [...a.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((x) => x[1]));
}

/** Every variable of the rule keeps one value through the script (set once, not a loop or `read` variable). */
function stable(p: Pick<Pass, 'text'>, rule: Rule): boolean {
  // a template's placeholders (`{{ item.port }}`) take a value per item of its loop
  if (TEMPLATE.test(rule.text)) return false;
  return variables(rule).every((v) => {
    if (new RegExp(`\\b(for|read)\\b[^\\n]*\\b${v}\\b`).test(p.text)) return false;
    return (p.text.match(new RegExp(`^\\s*(export\\s+|local\\s+|readonly\\s+)?${v}=`, 'gm')) ?? []).length <= 1;
  });
}

export function subsetOf(small: RuleFacts, big: RuleFacts): boolean {
  return small.conds.length <= big.conds.length && small.conds.every((c) => big.conds.includes(c));
}

/** What the scan needs of a lint pass. */
export type ScanPass = Pick<Pass, 'facts' | 'text' | 'baseRules' | 'generated'>;

/**
 * What the scan keeps under a most selective condition (./facts.ts keyCond), for the rules whose keyCond it is: the
 * first rule of each conditions+target key among them, and the terminal ones (the shadowing candidates). Rules with
 * the same key have the same keyCond, so a rule's duplicate is in its own slot; what shadows it is in the slots of
 * its conditions, which the scan looks up anyway. A slot holds its one rule until a second comes: only then are
 * their keys made (in a large file most rules have a condition of their own, an address or a port, and making and
 * hashing every rule's key took a tenth of a cold lint). test/unit/lint-order-keys.test.ts checks the scan against
 * the one it replaced (a map of every rule's key, and a map of the candidates).
 */
interface Slot {
  first: Rule | Map<string, Rule>;
  candidates?: Rule[];
}

/** The first earlier rule of the slot with `rule`'s key; `rule` is recorded when there is none. */
function firstOfKey(facts: FactsOf, slot: Slot, rule: Rule, f: RuleFacts): Rule | undefined {
  if (!(slot.first instanceof Map)) {
    const only = slot.first;
    const of = facts.get(only);
    slot.first = new Map(of ? [[fullKey(only, of), only]] : []);
  }
  const key = fullKey(rule, f);
  const first = slot.first.get(key);
  if (first === undefined) slot.first.set(key, rule);
  return first;
}

/** The first of the candidates whose conditions are a subset of `f`'s. */
function firstSubset(facts: FactsOf, candidates: readonly Rule[] | undefined, f: RuleFacts): Rule | undefined {
  for (const x of candidates ?? []) {
    const xf = facts.get(x);
    if (xf && subsetOf(xf, f)) return x;
  }
  return undefined;
}

/** The reference: scans one chain in order (orderMemo.ts keeps its findings up to date between runs). */
export function chainFindings(p: ScanPass, chainName: string, rules: Rule[], out: NeverRuns[]): void {
  let uncond: Rule | undefined;
  const slots = new Map<string, Slot>();
  for (const rule of rules) {
    const f = p.facts.get(rule);
    if (!f) continue;
    // rules with shell variables are compared by their text when the variables keep one value
    const judged = !f.variable || stable(p, rule);
    const mine = isMine(p, rule) && judged;
    if (rule.position === Infinity) continue; // `-I CHAIN "$n"`: where it lands is unknown
    if (uncond) {
      // a RETURN after an unconditional RETURN changes nothing either way (scripts often append one "to be sure")
      const noop = f.conds.length === 0 && rule.target?.name === 'RETURN' && uncond.target?.name === 'RETURN';
      if (isMine(p, rule) && !noop) out.push({ rule, chain: chainName, kind: 'after-unconditional', by: uncond });
      continue;
    }
    // the rule's own slot, and for a rule of the user's the first earlier candidate that shadows it
    let own: Slot | undefined;
    let by: Rule | undefined;
    if (mine) {
      for (const c of f.conds) {
        const slot = slots.get(c);
        if (c === f.keyCond) own = slot;
        by ??= firstSubset(p.facts, slot?.candidates, f);
      }
    }
    if (!mine || f.conds.length === 0) own = slots.get(f.keyCond);
    const dup = own ? firstOfKey(p.facts, own, rule, f) : undefined;
    if (!own) slots.set(f.keyCond, (own = { first: rule }));
    if (mine && dup) out.push({ rule, chain: chainName, kind: 'duplicate', by: dup });
    else if (mine && by && by !== rule) out.push({ rule, chain: chainName, kind: 'shadowed', by });
    if (!f.terminal || f.stateful || !judged) continue;
    if (f.conds.length === 0) uncond = rule;
    // (`[rule]`, not a push to an empty array: that takes room for 17)
    else if (own.candidates) own.candidates.push(rule);
    else own.candidates = [rule];
  }
}

export function neverRuns(p: Pass): NeverRuns[] {
  let out = cache.get(p);
  if (out) return out;
  out = [];
  for (const table of p.ruleset.tables.values()) {
    for (const chain of table.chains.values()) {
      // nat DOCKER holds Docker's DNAT rules for published ports: its own, never the user's mistake (a text that
      // quotes two of them, from before and after a change, holds no rule that never runs)
      if (table.name === 'nat' && chain.name === 'DOCKER') continue;
      if (p.order) out.push(...p.order.findings(p, table.name, chain));
      else chainFindings(p, chain.name, chain.rules, out);
    }
  }
  cache.set(p, out);
  return out;
}
