/**
 * computeFacts keeps a rule's conditions sorted as it finds them (./src/core/lint/facts.ts, class Conditions) instead
 * of sorting them per rule: the list must equal the conditions as Array.prototype.sort() orders them, on every rule
 * line of the lint fixtures (real-world sets, holdouts, dumps) and of the bench's generated file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { logicalLines, newLineState, parseLogicalLine } from '../../src/core/iptables/parse';
import { computeFacts } from '../../src/core/lint/facts';
import { makeRules } from '../fixtures/lint/generate';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.(rules|sh|txt|md|v4)$/.test(n) ? [p] : [];
  });
}

test('the conditions computeFacts keeps in order equal the same conditions sorted, on every rule of the fixtures and the bench file', () => {
  const texts = [...files('test/fixtures/lint').map((f) => readFileSync(f, 'utf8')), makeRules(2000)];
  let rules = 0;
  let multi = 0;
  for (const text of texts) {
    const state = newLineState('filter');
    for (const ll of logicalLines(text)) {
      const res = parseLogicalLine(ll, state);
      for (const r of [res, ...(res.more ?? [])]) {
        if (!r.rule) continue;
        const { conds } = computeFacts(r.rule, r);
        assert.deepEqual(conds, [...conds].sort(), r.rule.text);
        rules++;
        if (conds.length > 2) multi++;
      }
    }
  }
  // (the check is about something: thousands of rules, most with several conditions)
  assert.ok(rules > 5000 && multi > 2000, `${rules} rules, ${multi} with 3+ conditions`);
});
