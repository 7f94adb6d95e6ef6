/**
 * The recorded mutation figures (mutation/report.json, shown in docs/mutation.md) and the freshness warning that
 * `npm test` prints: the score is killed / (killed + survived) as recorded, and `--stale` names exactly the modules
 * whose source no longer hashes to the recorded value (computed here independently of the script).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO } from '../helpers';

interface ModuleFigures {
  mutants: number;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  score: number;
  sourceHash: string;
  equivalent: { reason?: string }[];
}
const modules = JSON.parse(readFileSync(join(REPO, 'mutation/modules.json'), 'utf8')) as Record<string, { mutate: string[]; tests: string[] }>;
const report = (existsSync(join(REPO, 'mutation/report.json')) ? JSON.parse(readFileSync(join(REPO, 'mutation/report.json'), 'utf8')) : { modules: {} }) as { modules: Record<string, ModuleFigures> };

function hashOf(mutate: string[]): string {
  const h = createHash('sha256');
  for (const f of [...new Set(mutate.map((p) => p.replace(/:\d[\d:-]*$/, '')))].sort()) h.update(`${f}\0`).update(readFileSync(join(REPO, f))).update('\0');
  return h.digest('hex').slice(0, 16);
}

test('every scoped module names files and tests that exist', () => {
  for (const [name, m] of Object.entries(modules)) {
    for (const f of m.mutate) assert.ok(existsSync(join(REPO, f.replace(/:\d[\d:-]*$/, ''))), `${name}: ${f}`);
    for (const t of m.tests) assert.ok(existsSync(join(REPO, t)), `${name}: ${t}`);
  }
});

test('recorded figures add up: score = (killed + timeout) / (killed + timeout + survived + no coverage); equivalent ones have reasons', () => {
  for (const [name, r] of Object.entries(report.modules)) {
    const detected = r.killed + r.timeout;
    const total = detected + r.survived + r.noCoverage;
    assert.equal(r.score, total ? Math.round((1000 * detected) / total) / 10 : 100, name);
    assert.ok(r.mutants >= total + r.equivalent.length, name);
    for (const e of r.equivalent) assert.ok(e.reason && e.reason.length > 10, `${name}: an equivalent mutant without a reason`);
  }
});

test('npm test\'s freshness line names exactly the modules whose source changed or that were never run', () => {
  const out = execFileSync(process.execPath, [join(REPO, 'scripts/mutation.mjs'), '--stale'], { encoding: 'utf8' });
  const expected = Object.entries(modules).flatMap(([name, m]) => (!report.modules[name] ? [`${name} (not run)`] : report.modules[name].sourceHash !== hashOf(m.mutate) ? [`${name} (stale)`] : []));
  if (expected.length === 0) assert.match(out, /every scoped module matches its recorded source hash/);
  else assert.ok(out.includes(`do not match the source of: ${expected.join(', ')} —`), out);
});
