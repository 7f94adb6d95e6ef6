/**
 * ./src/core/lint/order.ts's scan finds duplicates and shadowed rules through one index by condition, making a
 * rule's conditions+target key only once another rule shares its most selective condition. The reference is the scan
 * it replaced, kept here: a map of every rule's key and a map of the shadowing candidates. Both must give the same
 * findings on every chain of the lint fixtures, the bench's file and random rules whose conditions collide (equally
 * selective conditions written in any order, targets that differ only in an option).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { logicalLines, newLineState, parseLogicalLine } from '../../src/core/iptables/parse';
import type { Rule } from '../../src/core/iptables/model';
import { computeFacts, fullKey, type RuleFacts } from '../../src/core/lint/facts';
import { chainFindings, subsetOf, type NeverRuns, type ScanPass } from '../../src/core/lint/order';
import { makeRules } from '../fixtures/lint/generate';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.(rules|sh|txt|md|v4)$/.test(n) ? [p] : [];
  });
}

/** The text's rules with their facts, per table and chain, in text order. */
function chains(text: string): Map<string, { rule: Rule; f: RuleFacts }[]> {
  const out = new Map<string, { rule: Rule; f: RuleFacts }[]>();
  const state = newLineState('filter');
  for (const ll of logicalLines(text)) {
    const res = parseLogicalLine(ll, state);
    for (const r of [res, ...(res.more ?? [])]) {
      if (!r.rule) continue;
      const k = `${r.rule.table} ${r.rule.chain}`;
      out.set(k, [...(out.get(k) ?? []), { rule: r.rule, f: computeFacts(r.rule, r) }]);
    }
  }
  return out;
}

/** Random rules over a few conditions of equal selectivity, each written in a random order. */
function collidingRules(n: number, seed: number): string {
  let s = seed;
  const rnd = (k: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % k;
  };
  const parts = [
    () => `-m set --match-set list${rnd(2)} src`,
    () => `-s 10.0.${rnd(2)}.0/24`,
    () => `-i eth${rnd(2)}`,
    () => `-o br-+`,
    () => `-m conntrack --ctstate NEW`,
    () => `-m comment --comment "c${rnd(3)}"`,
  ];
  const targets = ['-j ACCEPT', '-j DROP', `-j LOG --log-prefix "p${rnd(2)} "`, '-j REJECT --reject-with icmp-port-unreachable', '-j REJECT --reject-with tcp-reset'];
  const lines = ['*filter', ':DOCKER-USER - [0:0]'];
  for (let i = 0; i < n; i++) {
    const chosen = parts.filter(() => rnd(2) === 0).map((p) => p());
    // (a condition always: an unconditional terminal rule would end the scan of the chain)
    if (chosen.length === 0) chosen.push('-i eth0');
    for (let k = chosen.length - 1; k > 0; k--) {
      const j = rnd(k + 1);
      [chosen[k], chosen[j]] = [chosen[j], chosen[k]];
    }
    const port = rnd(3) === 0 ? ` -p tcp -m tcp --dport ${80 + rnd(2)}` : '';
    lines.push(`-A DOCKER-USER${port} ${chosen.join(' ')} ${targets[rnd(targets.length)]}`.replace(/ +/g, ' '));
  }
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/** The scan as it was: every rule's key in one map, the candidates in another (all rules the user's, none variable). */
function reference(facts: Map<Rule, RuleFacts>, chain: string, rules: Rule[]): NeverRuns[] {
  const out: NeverRuns[] = [];
  let uncond: Rule | undefined;
  const firstOfKey = new Map<string, Rule>();
  const candidates = new Map<string, Rule[]>();
  for (const rule of rules) {
    const f = facts.get(rule);
    if (!f || rule.position === Infinity) continue;
    if (uncond) {
      const noop = f.conds.length === 0 && rule.target?.name === 'RETURN' && uncond.target?.name === 'RETURN';
      if (!noop) out.push({ rule, chain, kind: 'after-unconditional', by: uncond });
      continue;
    }
    const dup = firstOfKey.get(fullKey(rule, f));
    if (!dup) firstOfKey.set(fullKey(rule, f), rule);
    if (dup) out.push({ rule, chain, kind: 'duplicate', by: dup });
    else {
      let by: Rule | undefined;
      for (const c of f.conds) {
        by = candidates.get(c)?.find((x) => subsetOf(facts.get(x) as RuleFacts, f));
        if (by) break;
      }
      if (by && by !== rule) out.push({ rule, chain, kind: 'shadowed', by });
    }
    if (!f.terminal || f.stateful) continue;
    if (f.conds.length === 0) uncond = rule;
    else candidates.set(f.keyCond, [...(candidates.get(f.keyCond) ?? []), rule]);
  }
  return out;
}

function compare(text: string): { rules: number; duplicates: number; shadowed: number } {
  let rules = 0;
  let duplicates = 0;
  let shadowed = 0;
  for (const [name, list] of chains(text)) {
    const facts = new Map(list.map((x) => [x.rule, x.f]));
    const pass: ScanPass = { facts, text: '', baseRules: new Set(), generated: new Set() };
    // (rules with shell variables are left out: whether the scan judges them depends on the rest of the script)
    const plain = list.filter((x) => !x.f.variable).map((x) => x.rule);
    const found: NeverRuns[] = [];
    chainFindings(pass, name, plain, found);
    assert.deepEqual(found, reference(facts, name, plain), name);
    rules += plain.length;
    duplicates += found.filter((n) => n.kind === 'duplicate').length;
    shadowed += found.filter((n) => n.kind === 'shadowed').length;
  }
  return { rules, duplicates, shadowed };
}

test('the scan finds what the scan with a map of every key found, on the fixtures and the bench file', () => {
  let total = { rules: 0, duplicates: 0, shadowed: 0 };
  for (const text of [...files('test/fixtures/lint').map((f) => readFileSync(f, 'utf8')), makeRules(2000)]) {
    const r = compare(text);
    total = { rules: total.rules + r.rules, duplicates: total.duplicates + r.duplicates, shadowed: total.shadowed + r.shadowed };
  }
  assert.ok(total.rules > 5000 && total.duplicates > 20 && total.shadowed > 20, JSON.stringify(total));
});

test('the scan finds what the scan with a map of every key found, on random rules whose conditions collide', () => {
  let total = { rules: 0, duplicates: 0, shadowed: 0 };
  for (let seed = 1; seed <= 20; seed++) {
    const r = compare(collidingRules(300, seed));
    total = { rules: total.rules + r.rules, duplicates: total.duplicates + r.duplicates, shadowed: total.shadowed + r.shadowed };
  }
  // (the rules collide: many are duplicates or shadowed)
  assert.ok(total.duplicates > 50 && total.shadowed > 200, JSON.stringify(total));
});

test('rules with the same conditions written in another order have the same most selective condition', () => {
  const a = chains('-A X -m set --match-set a src -p tcp --dport 80 -j DROP\n').get('filter X')?.[0];
  const b = chains('-A X -p tcp --dport 80 -m set --match-set a src -j DROP\n').get('filter X')?.[0];
  const c = chains('-A X -o eth1 -i eth0 -j DROP\n-A X -i eth0 -o eth1 -j DROP\n').get('filter X');
  assert.ok(a && b && c);
  // --match-set and --dport are equally selective: the first in sorted order is the key either way
  assert.equal(a.f.keyCond, 'm:set:match-set=a src');
  assert.equal(b.f.keyCond, a.f.keyCond);
  assert.equal(c[0].f.keyCond, 'i:eth0');
  assert.equal(c[1].f.keyCond, 'i:eth0');
});
