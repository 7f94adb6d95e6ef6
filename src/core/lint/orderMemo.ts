/**
 * Which rules never run (./order.ts), kept up to date between the runs of one document instead of re-scanned.
 *
 * The reference is order.ts's `chainFindings`, a scan of the chain in order. Re-scanning a 5,000-rule chain on
 * every keystroke was the largest part of a re-lint, while an edit usually changes one rule whose conditions no
 * other rule shares. Such an "isolated" change cannot change another rule's finding (a rule's finding depends on
 * the earlier rules only through the first unconditional terminal rule, the rules with its own conditions+target,
 * and the terminal rules whose most selective condition it has), so only the changed rules are judged, with
 * per-chain indexes of those three. Anything else (no previous run, many changed rules, a changed rule that is
 * unconditional, shares its conditions+target or its most selective condition with another rule, shell variables
 * in the chain, a different kind of document or context) re-scans the chain with the reference.
 * test/unit/lint-incremental.test.ts checks that re-lints after random edits equal fresh lints (which scan).
 */
import type { Chain, Rule } from '../iptables/model';
import type { FactsOf, RuleFacts } from './facts';
import { fullKey } from './facts';
import type { NeverRuns } from './order';
import { chainFindings, subsetOf } from './order';
import type { Pass } from './pass';
import { isMine } from './pass';

/** More changed rules than this: re-scan (the incremental path is for edits, not for a new document). */
const MAX_CHANGED = 64;

interface ChainIndex {
  /** Rules per conditions+target key (duplicates). */
  keyCount: Map<string, number>;
  /** Rules per condition. */
  condCount: Map<string, number>;
  /** Terminal rules with conditions before the first unconditional one, by their most selective condition. */
  candidates: Map<string, Set<Rule>>;
  /** The first unconditional terminal rule. */
  uncond?: Rule;
  /** Rules with a shell variable: whether the scan judges them depends on the whole text (re-scan always). */
  variables: number;
}

interface ChainMemo {
  rules: Rule[];
  /** The facts of the run that left `rules` (a removed rule's facts may not be in the new run's). */
  facts: FactsOf;
  found: Map<Rule, NeverRuns>;
  /** Built on the first update after a scan, then kept up to date. */
  index?: ChainIndex;
}

/** The facts of a rule the scan looks at (it skips rules without facts and `-I CHAIN "$n"` rules). */
function judgedFacts(facts: FactsOf, rule: Rule): RuleFacts | undefined {
  return rule.position === Infinity ? undefined : facts.get(rule);
}

function isCandidate(f: RuleFacts): boolean {
  return f.terminal && !f.stateful;
}

function bump(m: Map<string, number>, k: string, by: number): number {
  const n = (m.get(k) ?? 0) + by;
  if (n === 0) m.delete(k);
  else m.set(k, n);
  return n;
}

function buildIndex(facts: FactsOf, rules: Rule[]): ChainIndex {
  const index: ChainIndex = { keyCount: new Map(), condCount: new Map(), candidates: new Map(), variables: 0 };
  for (const rule of rules) {
    const f = judgedFacts(facts, rule);
    if (!f) continue;
    if (f.variable) index.variables++;
    bump(index.keyCount, fullKey(rule, f), 1);
    for (const c of f.conds) bump(index.condCount, c, 1);
    if (!isCandidate(f) || index.uncond) continue;
    if (f.conds.length === 0) index.uncond = rule;
    else addCandidate(index, rule, f);
  }
  return index;
}

function addCandidate(index: ChainIndex, rule: Rule, f: RuleFacts): void {
  const set = index.candidates.get(f.keyCond);
  if (set) set.add(rule);
  else index.candidates.set(f.keyCond, new Set([rule]));
}

/**
 * Takes a removed (-1) or added (+1) rule into the index; false when the change is not isolated: it may change
 * other rules' findings.
 */
function update(facts: FactsOf, index: ChainIndex, rule: Rule, by: 1 | -1): boolean {
  const f = judgedFacts(facts, rule);
  if (!f) return true;
  if (f.variable) return false;
  const keys = bump(index.keyCount, fullKey(rule, f), by);
  let shared = false;
  for (const c of f.conds) {
    const n = bump(index.condCount, c, by);
    if (c === f.keyCond && n + (by < 0 ? 1 : 0) > 1) shared = true;
  }
  if (keys + (by < 0 ? 1 : 0) > 1) return false;
  if (!isCandidate(f)) return true;
  if (f.conds.length === 0 || shared) return false;
  if (by < 0) index.candidates.get(f.keyCond)?.delete(rule);
  else if (!index.uncond || (rule.index ?? 0) < (index.uncond.index ?? 0)) addCandidate(index, rule, f);
  return true;
}

/** The finding of one isolated rule, as the scan would make it (no other rule has its conditions+target). */
function judge(p: Pass, chain: string, index: ChainIndex, rule: Rule): NeverRuns | undefined {
  const f = judgedFacts(p.facts, rule);
  if (!f || !isMine(p, rule)) return undefined;
  const at = rule.index ?? 0;
  const u = index.uncond;
  if (u && (u.index ?? 0) < at) {
    const noop = f.conds.length === 0 && rule.target?.name === 'RETURN' && u.target?.name === 'RETURN';
    return noop ? undefined : { rule, chain, kind: 'after-unconditional', by: u };
  }
  for (const c of f.conds) {
    let by: Rule | undefined;
    for (const x of index.candidates.get(c) ?? []) {
      const xf = p.facts.get(x);
      if ((x.index ?? 0) < at && (!by || (x.index ?? 0) < (by.index ?? 0)) && xf && subsetOf(xf, f)) by = x;
    }
    if (by) return { rule, chain, kind: 'shadowed', by };
  }
  return undefined;
}

/** The rules in `now` that are not in `before` and the other way round (equal runs at both ends are skipped). */
function changed(before: Rule[], now: Rule[]): { removed: Rule[]; added: Rule[] } {
  const max = Math.min(before.length, now.length);
  let head = 0;
  while (head < max && before[head] === now[head]) head++;
  let tail = 0;
  while (tail < max - head && before[before.length - 1 - tail] === now[now.length - 1 - tail]) tail++;
  return { removed: before.slice(head, before.length - tail), added: now.slice(head, now.length - tail) };
}

/** One document's never-runs findings per chain, carried from run to run (one instance per Linter). */
export class OrderMemo {
  private chains = new Map<string, ChainMemo>();
  private env: unknown[] = [];

  /** The chain's findings in chain order: updated from the previous run's when the edit allows, else scanned. */
  findings(p: Pass, table: string, chain: Chain): NeverRuns[] {
    const env = [p.kind, p.command, p.pc, p.baseRules.size];
    if (env.some((x, k) => x !== this.env[k])) {
      this.chains.clear();
      this.env = env;
    }
    const key = `${table} ${chain.name}`;
    const memo = this.chains.get(key);
    const found = (memo && this.update(p, chain, memo)) || this.scan(p, key, chain);
    return [...found.values()].sort((a, b) => (a.rule.index ?? 0) - (b.rule.index ?? 0));
  }

  /** The reference scan; its findings are kept for the next run. */
  private scan(p: Pass, key: string, chain: Chain): Map<Rule, NeverRuns> {
    const out: NeverRuns[] = [];
    chainFindings(p, chain.name, chain.rules, out);
    const found = new Map(out.map((n) => [n.rule, n]));
    this.chains.set(key, { rules: chain.rules, facts: p.facts, found });
    return found;
  }

  /** The memo brought up to date, or undefined when the change is not isolated (the memo is then stale). */
  private update(p: Pass, chain: Chain, memo: ChainMemo): Map<Rule, NeverRuns> | undefined {
    const { removed, added } = changed(memo.rules, chain.rules);
    if (removed.length + added.length > MAX_CHANGED) return undefined;
    const index = memo.index ?? buildIndex(memo.facts, memo.rules);
    if (index.variables > 0) return undefined;
    memo.index = undefined; // changed below: valid again only once the update is complete
    for (const r of removed) if (!update(memo.facts, index, r, -1)) return undefined;
    for (const r of added) if (!update(p.facts, index, r, 1)) return undefined;
    for (const r of removed) memo.found.delete(r);
    for (const r of added) {
      const n = judge(p, chain.name, index, r);
      if (n) memo.found.set(r, n);
    }
    memo.rules = chain.rules;
    memo.facts = p.facts;
    memo.index = index;
    return memo.found;
  }
}
