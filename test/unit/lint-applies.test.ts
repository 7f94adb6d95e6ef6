/**
 * A check that says which rule lines it can report on (LintRule.appliesTo) is given only those lines. The answer
 * must be a necessary condition of every finding: over every corpus of the repository (real-world sets, all
 * holdouts, dumps, the broken files, the bench file), a lint whose checks are given every line reports exactly what
 * the preselected lint reports. And the answers kept with a cached line follow the node context.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Linter, lintRules } from '../../src/core/lint/engine';
import { LINT_RULES } from '../../src/core/lint/rules/index';
import { parseEntry } from '../../scripts/lint-score';
import type { LintContext } from '../../src/core/lint/types';
import { makeRules } from '../fixtures/lint/generate';

const LINT = resolve(__dirname, '..', 'fixtures', 'lint');

/** Every text of the lint fixtures, with its node context when its header names one. */
function corpusTexts(): { name: string; text: string; context?: LintContext }[] {
  const out: { name: string; text: string; context?: LintContext }[] = [];
  for (const d of readdirSync(LINT, { withFileTypes: true })) {
    if (!d.isDirectory() || d.name === 'contexts') continue;
    const dir = join(LINT, d.name);
    for (const f of readdirSync(dir).filter((x) => /\.(rules|txt|sh)$/.test(x))) {
      const text = readFileSync(join(dir, f), 'utf8');
      let context: LintContext | undefined;
      try {
        context = parseEntry(f, text, dir).context;
      } catch {
        // (the broken-files and good-files corpora have headers of their own: linted without a context)
      }
      out.push({ name: `${d.name}/${f}`, text, context });
    }
  }
  return out;
}

test('the checks that preselect their lines: the ones the edit path needs (a registry change is seen here)', () => {
  const preselecting = LINT_RULES.filter((r) => r.appliesTo).map((r) => r.code);
  for (const code of ['docker-user/swarm-port', 'rules/interface-wildcard', 'swarm/match-after-dnat', 'docker-user/ctorig-without-ctdir', 'docker-user/cuts-egress', 'swarm/not-docker-user', 'docker-user/accept-all', 'syntax/target-typo', 'syntax/variable-value']) {
    assert.ok(preselecting.includes(code), code);
  }
  assert.ok(preselecting.length <= 31, 'a line mask has 31 bits');
});

test('preselected lines = every line: the same findings on every corpus file', () => {
  const texts = corpusTexts();
  for (const e of texts) assert.deepEqual(lintRules(e.text, e.context), lintRules(e.text, e.context, { everyLine: true }), e.name);
  assert.ok(texts.length >= 600, `${texts.length} corpus files`);
});

test('preselected lines = every line: the 5,000-rule bench file and a dense file of every shape', () => {
  const bench = makeRules(5000, 3);
  assert.deepEqual(lintRules(bench), lintRules(bench, undefined, { everyLine: true }));
  const shapes = ['-i br-', '-o veth*', '-i eth0,eth1', '-i !eth0', '-p esp', '-p udp --dport 4789', '-p tcp --dport 2377', '-d 203.0.113.5 -p tcp --dport 80', '-m conntrack --ctorigdstport 8080', '-p tcp --dport 443'];
  const lines = ['*filter', ':DOCKER-USER - [0:0]'];
  for (const chain of ['DOCKER-USER', 'FORWARD', 'INPUT', 'DOCKER']) {
    for (const s of shapes) for (const t of ['DROP', 'REJECT', 'ACCEPT', 'RETURN']) lines.push(`-A ${chain} ${s} -j ${t}`);
  }
  lines.push('-A DOCKER-USER -j DROP', 'COMMIT');
  const text = lines.join('\n');
  assert.deepEqual(lintRules(text), lintRules(text, undefined, { everyLine: true }));
  const script = lines.filter((l) => l.startsWith('-A')).map((l) => `iptables ${l}`).join('\n');
  assert.deepEqual(lintRules(script), lintRules(script, undefined, { everyLine: true }));
});

test('a cached line asks again when the node context changes (a data path port of its own)', () => {
  const text = '*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -p udp --dport 4790 -j DROP\nCOMMIT\n';
  const linter = new Linter();
  const codes = () => linter.lint(text).diagnostics.map((d) => d.code);
  assert.ok(!codes().includes('docker-user/swarm-port'));
  linter.setContext({ swarmPorts: { dataPathPort: 4790 } });
  assert.ok(codes().includes('docker-user/swarm-port'));
  linter.setContext(undefined);
  assert.ok(!codes().includes('docker-user/swarm-port'));
});
