/**
 * The lint HOLDOUTS (test/fixtures/lint/holdout, holdout2, holdout3, holdout4): published rule sets the linter was not tuned on, with
 * expectations written before the linter was run on them (docs/lint-holdout.md). This test checks their FORMAT only
 * and prints the scores: a score is a measurement reported in the docs, so the linter's findings never fail this test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HOLDOUT, HOLDOUT2, lintEntry, loadDir, totals } from '../../scripts/lint-score';

/** Holdout 3: measured once (docs/lint-holdout.md, "Holdout 3"), never tuned on. */
const HOLDOUT3 = join(HOLDOUT, '..', 'holdout3');
/** Holdout 4: measured once (docs/lint-holdout.md, "Holdout 4"), never tuned on. */
const HOLDOUT4 = join(HOLDOUT, '..', 'holdout4');

for (const [label, dir, minimum] of [['holdout', HOLDOUT, 15], ['holdout2', HOLDOUT2, 25], ['holdout3', HOLDOUT3, 40], ['holdout4', HOLDOUT4, 40]] as const) {
  const sets = loadDir(dir);

  test(`${label}: at least ${minimum} sets, both forms, every file has source/intent/form headers`, () => {
    assert.ok(sets.length >= minimum, `only ${sets.length} ${label} sets`);
    const forms = new Set(sets.map((s) => s.headers.get('form')?.[0]?.trim()));
    assert.ok(forms.has('commands'), 'no command-line set');
    assert.ok(forms.has('save') || forms.has('S'), 'no iptables-save / -S set');
    for (const s of sets) {
      for (const key of ['source', 'intent', 'form']) assert.ok(s.headers.get(key)?.[0]?.trim(), `${s.name}: no # ${key}:`);
      assert.match(s.headers.get('form')?.[0] ?? '', /^(commands|save|S)$/, `${s.name}: bad # form:`);
      const ctx = s.headers.get('context')?.[0];
      if (ctx) assert.ok(s.context, `${s.name}: context ${ctx} not loaded`);
    }
  });

  test(`${label}: expectations point at lines that exist and are not comments or blank; clean lines carry no expectation`, () => {
    for (const s of sets) {
      const lines = s.text.split('\n');
      for (const e of [...s.expect, ...s.expectInfo]) {
        const l = lines[e.line - 1];
        assert.ok(l !== undefined && l.trim() !== '' && !l.trim().startsWith('#'), `${s.name}: expectation on line ${e.line} points at ${JSON.stringify(l)}`);
        assert.ok(!s.clean.has(e.line), `${s.name}: line ${e.line} is both expected and clean`);
      }
    }
  });

  test(`${label} score (printed, not asserted)`, () => {
    const t = totals(sets.map(lintEntry));
    console.log(`${label}: ${sets.length} sets, TP ${t.tp} FP ${t.fp} FN ${t.fn}, precision ${t.precision.toFixed(2)}, recall ${t.recall.toFixed(2)}`);
  });
}

test('holdout2 sources are not sets of the corpus or of holdout 1 (code index ids and URLs differ)', () => {
  const ids = (dir: string): string[] => loadDir(dir).flatMap((s) => [...(s.headers.get('source')?.[0] ?? '').matchAll(/code index id (\d+)/g)].map((m) => m[1]));
  const seen = new Set([...ids(join(HOLDOUT, '..', 'real-world')), ...ids(HOLDOUT)]);
  const mine = ids(HOLDOUT2);
  assert.ok(mine.length >= 25);
  for (const id of mine) assert.ok(!seen.has(id), `holdout2 reuses source id ${id}`);
  assert.equal(new Set(mine).size, mine.length, 'holdout2 cites one source twice');
  assert.ok(existsSync(join(HOLDOUT2, 'contexts')));
});

/** Where a set was published: its code index ids and its URLs (the `# source:` line). */
function sourcesOf(dir: string): { name: string; form: string; ids: string[]; urls: string[] }[] {
  return loadDir(dir).map((s) => {
    const source = s.headers.get('source')?.[0] ?? '';
    return {
      name: s.name,
      form: s.headers.get('form')?.[0]?.trim() ?? '',
      ids: [...source.matchAll(/code index id (\d+)/g)].map((m) => m[1]),
      urls: [...source.matchAll(/https?:\/\/[^\s)]+/g)].map((m) => m[0]),
    };
  });
}

test('holdout3 sources are new: no code index id or URL of the corpus, holdout 1 or holdout 2; one source twice only in two forms', () => {
  const earlier = [join(HOLDOUT, '..', 'real-world'), HOLDOUT, HOLDOUT2].flatMap(sourcesOf);
  const seenIds = new Set(earlier.flatMap((s) => s.ids));
  const seenUrls = new Set(earlier.flatMap((s) => s.urls));
  const mine = sourcesOf(HOLDOUT3);
  for (const s of mine) {
    assert.ok(s.ids.length + s.urls.length > 0, `${s.name}: the source names no code index id and no URL`);
    for (const id of s.ids) assert.ok(!seenIds.has(id), `${s.name} reuses source id ${id}`);
    for (const url of s.urls) assert.ok(!seenUrls.has(url), `${s.name} reuses source ${url}`);
  }
  const byId = new Map<string, string[]>();
  for (const s of mine) for (const id of s.ids) byId.set(id, [...(byId.get(id) ?? []), s.form]);
  for (const [id, forms] of byId) assert.equal(new Set(forms).size, forms.length, `holdout3 cites ${id} twice in the same form`);
  assert.ok(existsSync(join(HOLDOUT3, 'contexts')));
});

test('holdout4 sources are new: no code index id or URL of the corpus or of holdouts 1-3, and no source twice', () => {
  const earlier = [join(HOLDOUT, '..', 'real-world'), HOLDOUT, HOLDOUT2, HOLDOUT3].flatMap(sourcesOf);
  const seenIds = new Set(earlier.flatMap((s) => s.ids));
  const seenUrls = new Set(earlier.flatMap((s) => s.urls));
  const mine = sourcesOf(HOLDOUT4);
  assert.ok(mine.length >= 40, `only ${mine.length} holdout4 sets`);
  for (const s of mine) {
    assert.ok(s.ids.length + s.urls.length > 0, `${s.name}: the source names no code index id and no URL`);
    for (const id of s.ids) assert.ok(!seenIds.has(id), `${s.name} reuses source id ${id}`);
    for (const url of s.urls) assert.ok(!seenUrls.has(url), `${s.name} reuses source ${url}`);
  }
  const ids = mine.flatMap((s) => s.ids);
  assert.equal(new Set(ids).size, ids.length, 'holdout4 cites one source twice');
  assert.ok(existsSync(join(HOLDOUT4, 'contexts')));
});
