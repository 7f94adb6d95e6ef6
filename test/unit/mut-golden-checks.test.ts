/**
 * Each golden trace (test/fixtures/trace/<scenario>/golden-*.txt) keeps beside it what was checked independently
 * of the tracer (golden-*.checks.json): the kernel (test/unit/mut-golden-kernel.test.ts), or the seed's own text.
 * This test keeps those records honest: every golden has one, every golden line a check quotes is still in the
 * golden (a golden rewritten by UPDATE_GOLDEN that changes a checked step fails here until it is checked again),
 * every seed quote is in its seed file, every kernel check names a test that exists and reads that golden.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO } from '../helpers';

const FIX = join(__dirname, '..', 'fixtures', 'trace');

interface Check {
  by: 'kernel' | 'seed text' | 'lab';
  test?: string;
  file?: string;
  hops?: number[];
  what: string;
  goldenLines?: string[];
  pairs?: { golden: string; seed: string }[];
}
interface Record_ {
  golden: string;
  checks: Check[];
  delivery: string;
  unchecked: string[];
}

const goldens = readdirSync(FIX).flatMap((d) => (existsSync(join(FIX, d)) && !d.includes('.') ? readdirSync(join(FIX, d)).filter((f) => /^golden-.*\.txt$/.test(f)).map((f) => join(d, f)) : []));

test('there are golden traces to check (the list below is not empty)', () => {
  assert.ok(goldens.length >= 5, goldens.join(', '));
});

for (const g of goldens) {
  test(`${g}: the independent checks beside it still hold for its text`, () => {
    const recPath = join(FIX, g.replace(/\.txt$/, '.checks.json'));
    assert.ok(existsSync(recPath), `${recPath} is missing: say what was checked independently, and what was not`);
    const rec = JSON.parse(readFileSync(recPath, 'utf8')) as Record_;
    const golden = readFileSync(join(FIX, g), 'utf8');
    assert.equal(rec.golden, g.split('/')[1]);
    assert.ok(rec.checks.length > 0 && typeof rec.delivery === 'string' && Array.isArray(rec.unchecked));
    for (const c of rec.checks) {
      assert.ok(c.what.length > 20, 'each check says what it checked');
      for (const l of c.goldenLines ?? []) assert.ok(golden.includes(l), `${g} no longer says ${JSON.stringify(l)}: check it again (${c.by})`);
      if (c.by === 'kernel') {
        assert.ok(c.test && existsSync(join(REPO, c.test)), `kernel check without its test: ${c.test}`);
        assert.ok(readFileSync(join(REPO, c.test), 'utf8').includes(g.split('/')[1]), `${c.test} does not read ${g}`);
        assert.ok((c.goldenLines ?? []).length > 0);
      }
      if (c.by === 'seed text') {
        assert.ok(c.file && (c.pairs ?? []).length > 0);
        const seed = readFileSync(join(FIX, g.split('/')[0], c.file), 'utf8');
        for (const p of c.pairs ?? []) {
          assert.ok(golden.includes(p.golden), `${g} no longer says ${JSON.stringify(p.golden)}`);
          assert.ok(seed.includes(p.seed), `${c.file} does not say ${JSON.stringify(p.seed)}`);
        }
      }
    }
  });
}
