/**
 * Duplicates are found by ./src/core/lint/order.ts's FirstOfKey, which makes a rule's conditions+target key only
 * once another rule shares its most selective condition. The reference is a map of every rule's key: both must name
 * the same first rule for every rule of every chain, on the lint fixtures, the bench's file and random rules whose
 * conditions collide (equally selective conditions written in any order, targets that differ only in an option).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { logicalLines, newLineState, parseLogicalLine } from '../../src/core/iptables/parse';
import type { Rule } from '../../src/core/iptables/model';
import { computeFacts, fullKey, type RuleFacts } from '../../src/core/lint/facts';
import { FirstOfKey } from '../../src/core/lint/order';
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

function compare(text: string): { rules: number; duplicates: number } {
  let rules = 0;
  let duplicates = 0;
  for (const list of chains(text).values()) {
    const facts = new Map(list.map((x) => [x.rule, x.f]));
    const index = new FirstOfKey(facts);
    const reference = new Map<string, Rule>();
    for (const { rule, f } of list) {
      const key = fullKey(rule, f);
      const expected = reference.get(key);
      if (!expected) reference.set(key, rule);
      assert.equal(index.firstOf(rule, f), expected, rule.text);
      rules++;
      if (expected) duplicates++;
    }
  }
  return { rules, duplicates };
}

test('FirstOfKey names the same first rule as a map of every key, on the fixtures and the bench file', () => {
  let total = { rules: 0, duplicates: 0 };
  for (const text of [...files('test/fixtures/lint').map((f) => readFileSync(f, 'utf8')), makeRules(2000)]) {
    const r = compare(text);
    total = { rules: total.rules + r.rules, duplicates: total.duplicates + r.duplicates };
  }
  assert.ok(total.rules > 5000 && total.duplicates > 20, `${total.rules} rules, ${total.duplicates} duplicates`);
});

test('FirstOfKey names the same first rule as a map of every key, on random rules whose conditions collide', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const r = compare(collidingRules(300, seed));
    // (most rules share their most selective condition with others; many are duplicates, many are not)
    assert.ok(r.duplicates > 30 && r.rules - r.duplicates > 30, `seed ${seed}: ${r.rules} rules, ${r.duplicates} duplicates`);
  }
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
