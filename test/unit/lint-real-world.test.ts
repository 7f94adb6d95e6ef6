/**
 * The linter on inputs people published and machines produced (issue 14):
 *  - real-world rule sets: every `# expect:` finding is reported (same line, same code, error or warning) and no
 *    error/warning is reported that the reviewer did not expect (info hints are free; `# expect-info:` is neutral);
 *  - real dumps (Docker's, ufw's, fail2ban's own rules, lab captures): no error/warning unless a `# expect:` says so.
 * Expectations were written from Docker's documented behaviour before the linter was run on these files; see
 * docs/lint-corpus.md. The same loader and scoring rule drive `npx tsx scripts/lint-score.ts`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CorpusEntry, FileScore } from '../../scripts/lint-score';
import { REAL_DUMPS, REAL_WORLD, lintEntry, loadDir, logicalStarts, parseEntry, scoreEntry } from '../../scripts/lint-score';

const sets = loadDir(REAL_WORLD);
const dumps = loadDir(REAL_DUMPS);

function explain(s: FileScore): string {
  const fmt = (d: { span: { line: number }; severity: string; code: string; message: string }): string => `  ${d.span.line + 1} ${d.severity} ${d.code}: ${d.message}`;
  return [...s.fn.map((e) => `  missing ${e.line} ${e.code} — ${e.why}`), ...s.fp.map((d) => `unexpected:\n${fmt(d)}`)].join('\n');
}

test('corpus size: at least 40 real-world sets in both forms, at least 25 real dumps', () => {
  assert.ok(sets.length >= 40, `only ${sets.length} real-world sets`);
  const forms = new Set(sets.map((s) => s.headers.get('form')?.[0]?.trim()));
  assert.ok(forms.has('commands'), 'no command-line set');
  assert.ok(forms.has('save') || forms.has('S'), 'no iptables-save / -S set');
  assert.ok(dumps.length >= 25, `only ${dumps.length} dumps`);
});

test('every corpus file names its source; sets say intent and form; expectations point at rule lines', () => {
  const check = (e: CorpusEntry, needsIntent: boolean): void => {
    assert.ok(e.headers.get('source')?.[0], `${e.name}: no # source:`);
    if (needsIntent) {
      assert.ok(e.headers.get('intent')?.[0], `${e.name}: no # intent:`);
      assert.match(e.headers.get('form')?.[0] ?? '', /^(commands|save|S)\b/, `${e.name}: # form: must be commands, save or S`);
    }
    const lines = e.text.split('\n');
    for (const x of [...e.expect, ...e.expectInfo]) {
      const l = lines[x.line - 1] ?? '';
      assert.ok(l.trim() !== '' && !/^#\s*[a-z-]+:/.test(l), `${e.name}: expectation on line ${x.line} points at "${l}"`);
      assert.match(x.code, /^[a-z-]+\/([a-z-]+|\*)$/, `${e.name}: bad code ${x.code}`);
    }
  };
  for (const s of sets) check(s, true);
  for (const d of dumps) check(d, false);
});

test('scoring: same logical line and code match, other codes and lines do not, expect-info is neutral', () => {
  const text = '# source: x\n# expect: 4 a/b — w\n# expect-info: 5 c/d — w\niptables -A X \\\n  -j DROP\nfoo\n';
  const e = parseEntry('t', text);
  assert.deepEqual(logicalStarts(text).slice(4, 7), [4, 4, 6]);
  const d = (line1: number, code: string, severity: 'error' | 'warning' | 'info' = 'warning') => ({ code, severity, message: 'm', span: { line: line1 - 1, start: 0, end: 1 }, fixes: [] });
  const s = scoreEntry(e, [d(5, 'a/b'), d(6, 'a/b'), d(4, 'c/d'), d(6, 'x/y', 'info')]);
  assert.equal(s.tp.length, 1);
  assert.equal(s.fp.length, 1, 'a/b on line 6 is another command');
  assert.equal(s.neutral.length, 1);
  assert.equal(s.hintsOther.length, 1);
  const miss = scoreEntry(e, [d(4, 'a/b', 'info')]);
  assert.equal(miss.fn.length, 1, 'an expected finding reported only as info is still missing');
  assert.equal(miss.onlyHinted.length, 1);
});

for (const s of sets) {
  test(`real-world/${s.name}: expected findings reported, nothing unexpected`, () => {
    const score = lintEntry(s);
    assert.ok(score.fn.length === 0 && score.fp.length === 0, `${s.headers.get('source')?.[0]}\n${explain(score)}`);
  });
}

for (const d of dumps) {
  test(`real-dumps/${d.name}: no error or warning on generated rules`, () => {
    const score = lintEntry(d);
    assert.ok(score.fn.length === 0 && score.fp.length === 0, `${d.headers.get('source')?.[0]}\n${explain(score)}`);
  });
}
