/**
 * The lint HOLDOUT (test/fixtures/lint/holdout): published rule sets the linter was never tuned on, with expectations
 * written before the linter was run on them (docs/lint-holdout.md). This test checks the holdout's FORMAT only and
 * prints the score: the score is a measurement reported in the docs, so the linter's findings never fail this test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOLDOUT, lintEntry, loadDir, totals } from '../../scripts/lint-score';

const sets = loadDir(HOLDOUT);

test('holdout: at least 15 sets, both forms, every file has source/intent/form headers', () => {
  assert.ok(sets.length >= 15, `only ${sets.length} holdout sets`);
  const forms = new Set(sets.map((s) => s.headers.get('form')?.[0]?.trim()));
  assert.ok(forms.has('commands'), 'no command-line set');
  assert.ok(forms.has('save') || forms.has('S'), 'no iptables-save / -S set');
  for (const s of sets) {
    for (const key of ['source', 'intent', 'form']) assert.ok(s.headers.get(key)?.[0]?.trim(), `${s.name}: no # ${key}:`);
    assert.match(s.headers.get('form')?.[0] ?? '', /^(commands|save|S)$/, `${s.name}: bad # form:`);
  }
});

test('holdout: expectations point at lines that exist and are not comments or blank', () => {
  for (const s of sets) {
    const lines = s.text.split('\n');
    for (const e of [...s.expect, ...s.expectInfo]) {
      const l = lines[e.line - 1];
      assert.ok(l !== undefined && l.trim() !== '' && !l.trim().startsWith('#'), `${s.name}: expectation on line ${e.line} points at ${JSON.stringify(l)}`);
    }
  }
});

test('holdout score (printed, not asserted)', () => {
  const t = totals(sets.map(lintEntry));
  console.log(`holdout: ${sets.length} sets, TP ${t.tp} FP ${t.fp} FN ${t.fn}, precision ${t.precision.toFixed(2)}, recall ${t.recall.toFixed(2)}`);
});
