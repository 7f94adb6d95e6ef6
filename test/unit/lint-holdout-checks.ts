/**
 * The checks every lint holdout's test makes (test/unit/lint-holdout*.test.ts): the FORMAT of its sets, that its
 * sources are new, and its score printed, not asserted (a score is a measurement reported in the docs, so the
 * linter's findings never fail these tests). Not a *.test.ts file: the holdout tests call it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOLDOUT, lintEntry, loadDir, totals } from '../../scripts/lint-score';

type Set_ = ReturnType<typeof loadDir>[number];
export const LINT = join(HOLDOUT, '..');

/** Where a set was published: its code index ids and URLs (the `# source:` line), its form and the author it names. */
export function sourcesOf(dir: string): { name: string; form: string; who: string; ids: string[]; urls: string[] }[] {
  if (!existsSync(dir)) return [];
  return loadDir(dir).map((s) => {
    const source = s.headers.get('source')?.[0] ?? '';
    return {
      name: s.name,
      form: s.headers.get('form')?.[0]?.trim() ?? '',
      who: /\(([^,;)\s]+)/.exec(source)?.[1] ?? '',
      ids: [...source.matchAll(/code index id (\d+)/g)].map((m) => m[1]),
      urls: [...source.matchAll(/https?:\/\/[^\s);]+/g)].map((m) => m[0].replace(/[.,;]+$/, '')),
    };
  });
}

/** Every line an expectation or a `# clean:` names exists and is not a comment or blank; a clean line carries no expectation. */
export function checkExpectationLines(sets: Set_[]): void {
  const real = (l: string | undefined) => l !== undefined && l.trim() !== '' && !l.trim().startsWith('#');
  for (const s of sets) {
    const lines = s.text.split('\n');
    for (const e of [...s.expect, ...s.expectInfo]) {
      assert.ok(real(lines[e.line - 1]), `${s.name}: expectation on line ${e.line} points at ${JSON.stringify(lines[e.line - 1])}`);
      assert.ok(!s.clean.has(e.line), `${s.name}: line ${e.line} is both expected and clean`);
    }
    for (const n of s.clean) assert.ok(real(lines[n - 1]), `${s.name}: clean line ${n} points at ${JSON.stringify(lines[n - 1])}`);
  }
}

/** The format tests of a holdout: size, both forms (at least `minRestore` save / -S sets), headers, lines, documented codes. */
export function formatTests(label: string, sets: Set_[], opts: { minimum: number; minRestore: number }): void {
  test(`${label}: at least ${opts.minimum} sets, both forms (${opts.minRestore}+ save / -S), every file has source/intent/form headers`, () => {
    assert.ok(sets.length >= opts.minimum, `only ${sets.length} ${label} sets`);
    const forms = sets.map((s) => s.headers.get('form')?.[0]?.trim());
    assert.ok(forms.includes('commands'), 'no command-line set');
    assert.ok(forms.filter((f) => f === 'save' || f === 'S').length >= opts.minRestore, `fewer than ${opts.minRestore} iptables-save / -S sets`);
    for (const s of sets) {
      for (const key of ['source', 'intent', 'form']) assert.ok(s.headers.get(key)?.[0]?.trim(), `${s.name}: no # ${key}:`);
      assert.match(s.headers.get('form')?.[0] ?? '', /^(commands|save|S)$/, `${s.name}: bad # form:`);
      const ctx = s.headers.get('context')?.[0];
      if (ctx) assert.ok(s.context, `${s.name}: context ${ctx} not loaded`);
    }
  });
  test(`${label}: expectations point at lines that exist and are not comments or blank; clean lines carry no expectation`, () => checkExpectationLines(sets));
  test(`${label}: expected codes are documented codes (or a documented prefix with /*)`, () => {
    const doc = readFileSync(join(LINT, '..', '..', '..', 'docs', 'lint-codes.md'), 'utf8');
    const codes = new Set([...doc.matchAll(/^\| `([a-z-]+\/[a-z*-]+)` \|/gm)].map((m) => m[1]));
    for (const s of sets) {
      for (const e of s.expect) assert.ok(codes.has(e.code) || e.code.endsWith('/*') || e.code.startsWith('syntax/'), `${s.name}: # expect: ${e.code} is not a documented code`);
      for (const e of s.expectInfo) assert.ok(codes.has(e.code) || e.code.endsWith('/*') || e.code.startsWith('syntax/'), `${s.name}: # expect-info: ${e.code} is not a documented code`);
    }
  });
}

/**
 * The holdout's sources are new: no code index id or URL that an earlier set cites, and none cited twice (`twice`:
 * how two sets of one source are told apart — never, by their form, or by the author a thread's source line names).
 */
export function sourceTest(label: string, dir: string, earlierDirs: string[], twice: 'never' | 'form' | 'author' = 'never'): void {
  test(`${label} sources are new: no code index id or URL of the earlier sets, and no source twice`, () => {
    const earlier = earlierDirs.flatMap(sourcesOf);
    const seenIds = new Set(earlier.flatMap((s) => s.ids));
    const seenUrls = new Set(earlier.flatMap((s) => s.urls));
    const mine = sourcesOf(dir);
    assert.ok(mine.length > 0, `${label}: no sets`);
    for (const s of mine) {
      assert.ok(s.ids.length + s.urls.length > 0, `${s.name}: the source names no code index id and no URL`);
      for (const id of s.ids) assert.ok(!seenIds.has(id), `${s.name} reuses source id ${id}`);
      for (const url of s.urls) assert.ok(!seenUrls.has(url), `${s.name} reuses source ${url}`);
    }
    const key = (s: (typeof mine)[number]) => `${s.ids[0] ?? s.urls[0]}${twice === 'form' ? ` ${s.form}` : twice === 'author' ? ` ${s.who}` : ''}`;
    const keys = mine.map(key);
    assert.equal(new Set(keys).size, keys.length, `${label} cites one source twice`);
  });
}

/** The score, printed (a measurement, never asserted). */
export function scoreTest(label: string, sets: Set_[]): void {
  test(`SCORE ${label} (printed, not asserted)`, () => {
    const t = totals(sets.map(lintEntry));
    console.log(`${label}: ${sets.length} sets, TP ${t.tp} FP ${t.fp} FN ${t.fn}, precision ${t.precision.toFixed(2)}, recall ${t.recall.toFixed(2)}`);
  });
}

/** The corpus and the holdouts before holdout n, plus the other holdout of its round (built at the same time). */
export function earlierSets(n: number, sibling?: number): string[] {
  const before = Array.from({ length: n - 1 }, (_, k) => (k === 0 ? 'holdout' : `holdout${k + 1}`));
  return ['real-world', ...before, ...(sibling ? [`holdout${sibling}`] : [])].map((d) => join(LINT, d));
}

/**
 * All the tests of a blind holdout of sessions 8 on: format, independence from the earlier sets and its sibling of the
 * round, for the code-index rounds a third to a half of the sets with a finding, and the printed score.
 */
export function holdoutTests(n: number, opts: { sibling: number; twice?: 'never' | 'form' | 'author'; findingsShare?: boolean; partial?: { sets: number } }): void {
  const label = `holdout${n}`;
  const dir = join(LINT, label);
  const sets = loadDir(dir);
  // a partial holdout (its builder ran out of time) is checked at the size it has, and said so in its doc
  formatTests(label, sets, opts.partial ? { minimum: opts.partial.sets, minRestore: 0 } : { minimum: n >= 9 ? 25 : 30, minRestore: n === 10 ? 4 : 6 });
  if (opts.findingsShare) {
    test(`${label}: a third to a half of the sets expect a finding; the rest are traps for false positives`, () => {
      const withFindings = sets.filter((s) => s.expect.length > 0).length;
      assert.ok(withFindings * 3 >= sets.length && withFindings * 2 <= sets.length + 2, `${withFindings} of ${sets.length} sets expect a finding`);
    });
  }
  sourceTest(label, dir, earlierSets(n, opts.sibling), opts.twice);
  scoreTest(label, sets);
}
