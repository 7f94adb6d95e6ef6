/**
 * The broken lint corpus (test/fixtures/lint/broken), held to what a user sees: each file's expected finding is on
 * the line that is wrong (lines written here by reading each file, before running the linter), no other error or
 * warning appears (an `allow` entry names any second finding that is right too), and the preferred fix is judged
 * by "no finding with that code remains on that rule" (the rule followed to its line after the fix), not by the
 * finding's message text.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintRules } from '../../src/core/lint';
import { applyEdits, LINT_FIXTURES, loadCorpusFile } from './lint-helpers';

const BROKEN = join(LINT_FIXTURES, 'broken');

/** file → 1-based line of the expected finding, and other findings (code@line) that are also right. */
const EXPECTED: Record<string, { line: number; allow?: string[] }> = {
  // appended after Docker's RETURN (≤ 28.2.1): both appends are unreachable
  'after-return.rules': { line: 3, allow: ['docker-user/after-return@2'] },
  // both appends land after Docker's RETURN: the first is unreachable too
  'append-after-docker-return.rules': { line: 4, allow: ['docker-user/after-return@3'] },
  'docker-chain.rules': { line: 2 },
  'docker-forward-v28.rules': { line: 2 },
  'docker-ingress-filter.rules': { line: 2 },
  'docker-isolation.rules': { line: 2 },
  'dport-after-dnat.rules': { line: 4 },
  'drop-2377.rules': { line: 3 },
  'drop-7946-udp.rules': { line: 3 },
  'drop-covers-overlay.rules': { line: 4 },
  'drop-datapath-custom.rules': { line: 4 },
  'drop-esp.rules': { line: 2 },
  'drop-vxlan.rules': { line: 3 },
  'duplicate.rules': { line: 4 },
  'forward-append.rules': { line: 2 },
  'forward-save.rules': { line: 5 },
  'host-ip-after-dnat.rules': { line: 4 },
  'input-default-deny.rules': { line: 7 },
  'input-policy-drop.rules': { line: 3 },
  'input-published-from-dump.rules': { line: 11 },
  'input-published.rules': { line: 3 },
  // the two appends land after Docker's RETURN (≤ 28.2.1); -I puts the DROP on top, before the ESTABLISHED RETURN
  'insert-after-append.rules': { line: 4, allow: ['docker-user/after-return@2', 'docker-user/after-return@3', 'docker-user/missing-established@4'] },
  'missing-established-cmd.rules': { line: 2 },
  'missing-established.rules': { line: 3 },
  // an unconditional DROP with only some sources let back: all container egress is cut too
  'shadowed-drop.rules': { line: 4, allow: ['docker-user/cuts-egress@3'] },
  'shadowed-subset.rules': { line: 4 },
  'syntax-bad-address.rules': { line: 2 },
  'syntax-truncated.rules': { line: 2 },
  'syntax-unknown-option.rules': { line: 2 },
  'unknown-bridge.rules': { line: 4 },
  'unknown-interface.rules': { line: 4 },
  'unknown-subnet.rules': { line: 4 },
};

const codeMatches = (expect: string, code: string): boolean => (expect.endsWith('/*') ? code.startsWith(expect.slice(0, -1)) : code === expect);

test('every broken corpus file has a written expected line here (a new file needs one)', () => {
  const files = readdirSync(BROKEN).filter((f) => f.endsWith('.rules')).sort();
  assert.deepEqual(files.filter((f) => !EXPECTED[f]), []);
});

for (const [file, exp] of Object.entries(EXPECTED)) {
  test(`broken/${file}: ${exp.line}: the expected code, and no other error or warning`, () => {
    const c = loadCorpusFile(BROKEN, file);
    const expect = c.expect ?? '';
    const res = lintRules(c.text, c.context);
    const shown = res.diagnostics.map((d) => `${d.span.line + 1}: ${d.severity} ${d.code}`);
    const hit = res.diagnostics.find((d) => codeMatches(expect, d.code) && d.span.line + 1 === exp.line);
    assert.ok(hit, `expected ${expect} on line ${exp.line}; got:\n${shown.join('\n')}`);
    const unexpected = res.diagnostics.filter((d) => d.severity !== 'info' && d !== hit && !(exp.allow ?? []).includes(`${d.code}@${d.span.line + 1}`));
    assert.deepEqual(unexpected.map((d) => `${d.span.line + 1}: ${d.severity} ${d.code}`), [], `unexpected findings in ${file}`);
    const fix = hit.fixes[0];
    if (!fix) return;
    // Follow the rule to its line after the fix (it may move), then: no finding with that code on it.
    const ruleText = c.text.split('\n')[hit.span.line];
    const fixed = applyEdits(c.text, fix.edits);
    assert.notEqual(fixed, c.text);
    const after = lintRules(fixed, c.context);
    const fixedLines = fixed.split('\n');
    const ruleLines = fixedLines.flatMap((l, i) => (l === ruleText ? [i] : []));
    const left = after.diagnostics.filter((d) => d.code === hit.code && (ruleLines.includes(d.span.line) || d.span.line === hit.span.line));
    assert.deepEqual(left.map((d) => `${d.span.line + 1}: ${d.code}`), [], `fix "${fix.title}" left ${hit.code} on the rule:\n${fixed}`);
    assert.deepEqual(after.diagnostics.filter((d) => d.severity === 'error'), [], `the fix introduced an error:\n${fixed}`);
    // a fix that moves a rule deletes it where it was: no rule line is there more often than before, unless new
    const count = (t: string): Map<string, number> => t.split('\n').filter((l) => l.trim() && !l.startsWith('#')).reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
    const before = count(c.text);
    for (const [l, n] of count(fixed)) if (before.has(l)) assert.ok(n <= (before.get(l) ?? 0), `fix "${fix.title}" leaves ${JSON.stringify(l)} ${n} times:\n${fixed}`);
  });
}
