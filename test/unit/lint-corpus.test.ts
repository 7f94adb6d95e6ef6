/**
 * Corpus: every broken file produces its `# expect:` code; good proposals and real dumps (both Docker layouts,
 * the shared seed outputs, our lab captures) produce no errors and no warnings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lintRules } from '../../src/core/lint/engine';
import type { TableName } from '../../src/core/iptables/model';
import { SEEDS, seed } from '../helpers';
import { LINT_FIXTURES, applyEdits, loadCorpusFile } from './lint-helpers';

const BROKEN = join(LINT_FIXTURES, 'broken');
const GOOD = join(LINT_FIXTURES, 'good');
const DUMPS = join(LINT_FIXTURES, 'dumps');

function fmt(ds: { code: string; severity: string; span: { line: number }; message: string }[]): string {
  return ds.map((d) => `${d.span.line + 1}: ${d.severity} ${d.code} ${d.message}`).join('\n');
}

test('broken corpus: at least 25 files, each with a # expect: header', () => {
  const files = readdirSync(BROKEN).filter((f) => f.endsWith('.rules'));
  assert.ok(files.length >= 25, `only ${files.length} files`);
  for (const f of files) assert.ok(loadCorpusFile(BROKEN, f).expect, `${f} has no # expect: line`);
});

for (const f of readdirSync(BROKEN).filter((x) => x.endsWith('.rules')).sort()) {
  test(`broken/${f} produces its expected code`, () => {
    const c = loadCorpusFile(BROKEN, f);
    const expect = c.expect ?? '';
    const res = lintRules(c.text, c.context);
    const hits = res.diagnostics.filter((d) => (expect.endsWith('/*') ? d.code.startsWith(expect.slice(0, -1)) : d.code === expect));
    assert.ok(hits.length > 0, `expected ${expect} in:\n${fmt(res.diagnostics)}`);
    for (const h of hits) {
      assert.ok(h.span.line >= 1, 'diagnostic points at a rule line, not the header');
      assert.ok(h.span.end > h.span.start, `empty span for ${h.code}`);
      assert.ok(h.message.length > 20);
    }
    // applying the preferred fix removes that finding on that line (and adds no error)
    const withFix = hits.find((h) => h.fixes.length > 0);
    if (withFix) {
      const fixed = applyEdits(c.text, withFix.fixes[0].edits);
      assert.notEqual(fixed, c.text);
      const after = lintRules(fixed, c.context);
      const same = after.diagnostics.filter((d) => d.code === withFix.code && d.message === withFix.message);
      assert.equal(same.length, 0, `fix "${withFix.fixes[0].title}" left:\n${fmt(same)}\n--- fixed text:\n${fixed}`);
      const errors = after.diagnostics.filter((d) => d.severity === 'error' && d.code.startsWith('syntax/'));
      assert.deepEqual(errors, [], `fix introduced syntax errors:\n${fixed}`);
    }
  });
}

test('good proposals: no errors, no warnings', () => {
  for (const f of readdirSync(GOOD)) {
    const c = loadCorpusFile(GOOD, f);
    const res = lintRules(c.text, c.context);
    const bad = res.diagnostics.filter((d) => d.severity !== 'info');
    assert.deepEqual(bad, [], `${f}:\n${fmt(bad)}`);
    assert.equal(res.kind, 'proposal', f);
  }
});

function tableOf(name: string): TableName {
  for (const t of ['nat', 'mangle', 'raw', 'security'] as const) if (name.includes(`.${t}.`)) return t;
  return 'filter';
}

test('seed dumps (-S of every table, both bridge layouts, swarm host): no false errors or warnings', () => {
  const files = readdirSync(SEEDS).filter((f) => f.endsWith('.S.txt'));
  assert.ok(files.length >= 8, `expected the seed -S dumps in ${SEEDS}`);
  let rules = 0;
  for (const f of files) {
    const res = lintRules(seed(f), undefined, { defaultTable: tableOf(f) });
    rules += res.ruleCount;
    const bad = res.diagnostics.filter((d) => d.severity !== 'info');
    assert.deepEqual(bad, [], `${f}:\n${fmt(bad)}`);
  }
  assert.ok(rules > 50, `only ${rules} rules linted`);
});

test('seed filter dumps are recognised as dumps (Docker rules are not reported as misplaced)', () => {
  for (const f of ['ipspace-swarm-host.filter.S.txt', 'ipspace-default-bridge.filter.S.txt', 'ipspace-internal-bridge.filter.S.txt']) {
    const res = lintRules(seed(f));
    assert.equal(res.kind, 'dump', f);
    assert.deepEqual(res.diagnostics, [], `${f}:\n${fmt(res.diagnostics)}`);
  }
});

test('Docker ≥ 28 dumps (DOCKER-FORWARD/DOCKER-CT/DOCKER-BRIDGE and the ipset layout) and lab captures: no errors or warnings', () => {
  for (const f of readdirSync(DUMPS)) {
    const res = lintRules(loadCorpusFile(DUMPS, f).text, undefined, { defaultTable: tableOf(f) });
    assert.equal(res.kind, 'dump', f);
    const bad = res.diagnostics.filter((d) => d.severity !== 'info');
    assert.deepEqual(bad, [], `${f}:\n${fmt(bad)}`);
  }
});

test('a user DROP in FORWARD of a real dump is reported as info only; a routing ACCEPT between non-Docker interfaces is not reported', () => {
  const dump = loadCorpusFile(DUMPS, 'lab3-host.iptables-save.txt').text;
  assert.deepEqual(lintRules(dump).diagnostics.filter((x) => x.code === 'swarm/not-docker-user'), []);
  const res = lintRules(dump.replace('-A FORWARD -j DOCKER-ISOLATION-STAGE-1\n', '-A FORWARD -j DOCKER-ISOLATION-STAGE-1\n-A FORWARD -s 203.0.113.0/24 -j DROP\n'));
  const d = res.diagnostics.find((x) => x.code === 'swarm/not-docker-user');
  assert.ok(d, fmt(res.diagnostics));
  assert.equal(d.severity, 'info');
  assert.equal(d.span.line, 12);
});

test('a DROP added to a real dump is still found (dumps are checked, not ignored)', () => {
  const text = loadCorpusFile(DUMPS, 'v28-docker-forward.iptables-save.txt').text.replace(
    ':DOCKER-USER - [0:0]\n',
    ':DOCKER-USER - [0:0]\n-A DOCKER-USER -i eth0 -j DROP\n',
  );
  const res = lintRules(text);
  assert.equal(res.kind, 'dump');
  assert.ok(res.diagnostics.some((d) => d.code === 'docker-user/missing-established' && d.severity === 'warning'), fmt(res.diagnostics));
});
