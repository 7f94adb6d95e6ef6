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
function stable(p: Pass, rule: Rule): boolean {
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

/**
 * The first rule of each conditions+target key (./facts.ts `fullKey`), in chain order. Rules with the same key have
 * the same most selective condition, so the rules are grouped by that first, and a rule's key is made only once a
 * second rule joins its group: in a large file most rules have a condition of their own (an address, a port), and
 * making and hashing every rule's key took a tenth of a cold lint. test/unit/lint-order-keys.test.ts checks it
 * against a map of every rule's key.
 */
export class FirstOfKey {
  private groups = new Map<string, Rule | Map<string, Rule>>();

  constructor(private readonly facts: FactsOf) {}

  /** The first rule added with `rule`'s key, or undefined when `rule` is the first (it is then recorded). */
  firstOf(rule: Rule, f: RuleFacts): Rule | undefined {
    const group = this.groups.get(f.keyCond);
    if (group === undefined) {
      this.groups.set(f.keyCond, rule);
      return undefined;
    }
    const keys = group instanceof Map ? group : this.keysOf(group);
    if (keys !== group) this.groups.set(f.keyCond, keys);
    const key = fullKey(rule, f);
    const first = keys.get(key);
    if (first === undefined) keys.set(key, rule);
    return first;
  }

  private keysOf(only: Rule): Map<string, Rule> {
    const f = this.facts.get(only);
    return new Map(f ? [[fullKey(only, f), only]] : []);
  }
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
export function chainFindings(p: Pass, chainName: string, rules: Rule[], out: NeverRuns[]): void {
  let uncond: Rule | undefined;
  const firstOfKey = new FirstOfKey(p.facts);
  const candidates = new Map<string, Rule[]>();
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
    const dup = firstOfKey.firstOf(rule, f);
    if (mine && dup) out.push({ rule, chain: chainName, kind: 'duplicate', by: dup });
    else if (mine) {
      let by: Rule | undefined;
      for (const c of f.conds) {
        by = firstSubset(p.facts, candidates.get(c), f);
        if (by) break;
      }
      if (by && by !== rule) out.push({ rule, chain: chainName, kind: 'shadowed', by });
    }
    if (!f.terminal || f.stateful || !judged) continue;
    if (f.conds.length === 0) uncond = rule;
    else {
      const list = candidates.get(f.keyCond);
      if (list) list.push(rule);
      else candidates.set(f.keyCond, [rule]);
    }
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
