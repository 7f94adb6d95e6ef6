/**
 * Lint HOLDOUT 6 (test/fixtures/lint/holdout6): rule sets people posted in issue threads, Q&A, blog posts, gists and
 * docs pages, with expectations written before the linter was run on them (docs/lint-holdout6.md). This test checks
 * their FORMAT only and prints the score: a score is a measurement reported in the docs, so the linter's findings
 * never fail this test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOLDOUT, lintEntry, loadDir, totals } from '../../scripts/lint-score';

const LINT = join(HOLDOUT, '..');
const HOLDOUT6 = join(LINT, 'holdout6');
/** The earlier sets whose sources must not be cited again. */
const EARLIER = ['real-world', 'holdout', 'holdout2', 'holdout3', 'holdout4'].map((d) => join(LINT, d));
/** The other helper's holdout of this round, when it is there (its own worktree or the merged tree). */
const SIBLING = [join(LINT, 'holdout5'), '/work/wt/holdout5/test/fixtures/lint/holdout5'].filter((d) => existsSync(d));

const sets = loadDir(HOLDOUT6);

/** Where a set was published: its URLs and code index ids (the `# source:` line). */
function sourcesOf(dir: string): { name: string; ids: string[]; urls: string[]; who: string }[] {
  return loadDir(dir).map((s) => {
    const source = s.headers.get('source')?.[0] ?? '';
    return {
      name: s.name,
      who: /\(([^,;)\s]+)/.exec(source)?.[1] ?? '',
      ids: [...source.matchAll(/code index id (\d+)/g)].map((m) => m[1]),
      urls: [...source.matchAll(/https?:\/\/[^\s)]+/g)].map((m) => m[0].replace(/[.,;]+$/, '')),
    };
  });
}

test('holdout6: at least 30 sets, both forms (at least 6 save / -S), every file has source/intent/form headers', () => {
  assert.ok(sets.length >= 30, `only ${sets.length} holdout6 sets`);
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

test('holdout6: expectations point at lines that exist and are not comments or blank; clean lines carry no expectation', () => {
  for (const s of sets) {
    const lines = s.text.split('\n');
    for (const e of [...s.expect, ...s.expectInfo]) {
      const l = lines[e.line - 1];
      assert.ok(l !== undefined && l.trim() !== '' && !l.trim().startsWith('#'), `${s.name}: expectation on line ${e.line} points at ${JSON.stringify(l)}`);
      assert.ok(!s.clean.has(e.line), `${s.name}: line ${e.line} is both expected and clean`);
    }
    for (const n of s.clean) {
      const l = lines[n - 1];
      assert.ok(l !== undefined && l.trim() !== '' && !l.trim().startsWith('#'), `${s.name}: clean line ${n} points at ${JSON.stringify(l)}`);
    }
  }
});

test('holdout6: expected codes are documented codes (or a /* prefix on expect-info)', () => {
  const doc = readFileSync(join(LINT, '..', '..', '..', 'docs', 'lint-codes.md'), 'utf8');
  const codes = new Set([...doc.matchAll(/^\| `([a-z-]+\/[a-z*-]+)` \|/gm)].map((m) => m[1]));
  for (const s of sets) {
    for (const e of s.expect) assert.ok(codes.has(e.code) || e.code.startsWith('syntax/'), `${s.name}: # expect: ${e.code} is not a documented code`);
    for (const e of s.expectInfo) assert.ok(codes.has(e.code) || e.code.endsWith('/*') || e.code.startsWith('syntax/'), `${s.name}: # expect-info: ${e.code} is not a documented code`);
  }
});

test('holdout6 sources are new: no URL or code index id of the corpus, holdouts 1-4 or holdout 5, and no source twice', () => {
  const earlier = [...EARLIER, ...SIBLING].flatMap(sourcesOf);
  const seenIds = new Set(earlier.flatMap((s) => s.ids));
  const seenUrls = new Set(earlier.flatMap((s) => s.urls));
  const mine = sourcesOf(HOLDOUT6);
  for (const s of mine) {
    assert.ok(s.urls.length > 0, `${s.name}: the source names no URL`);
    for (const id of s.ids) assert.ok(!seenIds.has(id), `${s.name} reuses source id ${id}`);
    for (const url of s.urls) assert.ok(!seenUrls.has(url), `${s.name} reuses source ${url}`);
  }
  // One thread may give two sets (the asker's rules and an answer's), told apart by the author the source line names.
  const first = mine.map((s) => `${s.urls[0]} ${s.who}`);
  assert.equal(new Set(first).size, first.length, 'holdout6 cites one source twice');
});

test('holdout6 score (printed, not asserted)', () => {
  const t = totals(sets.map(lintEntry));
  console.log(`holdout6: ${sets.length} sets, TP ${t.tp} FP ${t.fp} FN ${t.fn}, precision ${t.precision.toFixed(2)}, recall ${t.recall.toFixed(2)}`);
});
