/**
 * Holdout 5 (test/fixtures/lint/holdout5): published rule sets from public code the linter was never tuned on, with
 * expectations written and committed before the linter was run on them (docs/lint-holdout.md, "Holdout 5"). This test
 * checks their FORMAT and their independence from the earlier sets, and prints the score: a score is a measurement
 * reported in the docs, so the linter's findings never fail this test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HOLDOUT, REAL_WORLD, lintEntry, loadDir, totals } from '../../scripts/lint-score';

const LINT = join(HOLDOUT, '..');
const HOLDOUT5 = join(LINT, 'holdout5');
/** Sets built before this one: the corpus the linter was tuned on, the spent holdouts and the parallel holdout 6. */
const EARLIER = [REAL_WORLD, HOLDOUT, ...['holdout2', 'holdout3', 'holdout4', 'holdout6'].map((d) => join(LINT, d))];

const sets = loadDir(HOLDOUT5);

/** Where a set was published: its code index ids and its URLs (the `# source:` line). */
function sourcesOf(dir: string): { name: string; ids: string[]; urls: string[] }[] {
  if (!existsSync(dir)) return [];
  return loadDir(dir).map((s) => {
    const source = s.headers.get('source')?.[0] ?? '';
    return {
      name: s.name,
      ids: [...source.matchAll(/code index id (\d+)/g)].map((m) => m[1]),
      urls: [...source.matchAll(/https?:\/\/[^\s);]+/g)].map((m) => m[0]),
    };
  });
}

test('holdout5: at least 30 sets, both forms (6+ restore or -S texts), every file has source/intent/form headers', () => {
  assert.ok(sets.length >= 30, `only ${sets.length} holdout5 sets`);
  const forms = sets.map((s) => s.headers.get('form')?.[0]?.trim());
  assert.ok(forms.includes('commands'), 'no command-line set');
  assert.ok(forms.filter((f) => f === 'save' || f === 'S').length >= 6, 'fewer than 6 iptables-save / -S sets');
  for (const s of sets) {
    for (const key of ['source', 'intent', 'form']) assert.ok(s.headers.get(key)?.[0]?.trim(), `${s.name}: no # ${key}:`);
    assert.match(s.headers.get('form')?.[0] ?? '', /^(commands|save|S)$/, `${s.name}: bad # form:`);
    const ctx = s.headers.get('context')?.[0];
    if (ctx) assert.ok(s.context, `${s.name}: context ${ctx} not loaded`);
  }
});

test('holdout5: a third to a half of the sets expect a finding; the rest are traps for false positives', () => {
  const withFindings = sets.filter((s) => s.expect.length > 0).length;
  assert.ok(withFindings * 3 >= sets.length && withFindings * 2 <= sets.length + 2, `${withFindings} of ${sets.length} sets expect a finding`);
});

test('holdout5: expectations point at lines that exist and are not comments or blank; clean lines carry no expectation', () => {
  for (const s of sets) {
    const lines = s.text.split('\n');
    for (const e of [...s.expect, ...s.expectInfo]) {
      const l = lines[e.line - 1];
      assert.ok(l !== undefined && l.trim() !== '' && !l.trim().startsWith('#'), `${s.name}: expectation on line ${e.line} points at ${JSON.stringify(l)}`);
      assert.ok(!s.clean.has(e.line), `${s.name}: line ${e.line} is both expected and clean`);
      assert.match(e.code, /^[a-z-]+\/(\*|[a-z-]+)$/, `${s.name}: bad code ${e.code}`);
    }
    for (const line of s.clean) {
      const l = lines[line - 1];
      assert.ok(l !== undefined && l.trim() !== '' && !l.trim().startsWith('#'), `${s.name}: clean line ${line} points at ${JSON.stringify(l)}`);
    }
  }
});

test('holdout5 sources are new: every set names one, none is cited by the corpus, holdouts 1-4 or holdout 6, none twice', () => {
  const earlier = EARLIER.flatMap(sourcesOf);
  const seenIds = new Set(earlier.flatMap((s) => s.ids));
  const seenUrls = new Set(earlier.flatMap((s) => s.urls));
  const mine = sourcesOf(HOLDOUT5);
  for (const s of mine) {
    assert.ok(s.ids.length + s.urls.length > 0, `${s.name}: the source names no code index id and no URL`);
    for (const id of s.ids) assert.ok(!seenIds.has(id), `${s.name} reuses source id ${id}`);
    for (const url of s.urls) assert.ok(!seenUrls.has(url), `${s.name} reuses source ${url}`);
  }
  const ids = mine.flatMap((s) => s.ids);
  assert.equal(new Set(ids).size, ids.length, 'holdout5 cites one source twice');
});

test('holdout5 score (printed, not asserted)', () => {
  const t = totals(sets.map(lintEntry));
  console.log(`holdout5: ${sets.length} sets, TP ${t.tp} FP ${t.fp} FN ${t.fn}, precision ${t.precision.toFixed(2)}, recall ${t.recall.toFixed(2)}`);
});
