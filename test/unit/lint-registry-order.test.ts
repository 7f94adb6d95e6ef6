/**
 * A DROP that takes replies through its --ctorig* match is said once, by docker-user/ctorig-without-ctdir, and not
 * again by docker-user/missing-established: the latter asks the former's predicate (repliesThroughCtorig), not the
 * diagnostics of the pass, so the two may run in either order of the registry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintRules } from '../../src/core/lint/engine';
import { LINT_RULES } from '../../src/core/lint/rules/index';
import type { LintRule } from '../../src/core/lint/rule';
import { loadDir, REAL_WORLD } from '../../scripts/lint-score';

const TEXT = [
  '*filter',
  ':DOCKER-USER - [0:0]',
  // takes the replies of the containers' tcp connections (original destination port 443 is not 22): both checks' case
  '-A DOCKER-USER -i eth0 -p tcp -m conntrack ! --ctorigdstport 22 -j DROP',
  '-A DOCKER-USER -i eth0 ! -s 198.51.100.0/24 -j DROP',
  '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN',
  'COMMIT',
].join('\n');

function withSwapped<T>(run: () => T): T {
  const rules = LINT_RULES as LintRule[];
  const a = rules.findIndex((r) => r.code === 'docker-user/ctorig-without-ctdir');
  const b = rules.findIndex((r) => r.code === 'docker-user/missing-established');
  assert.ok(a >= 0 && b >= 0);
  [rules[a], rules[b]] = [rules[b], rules[a]];
  try {
    return run();
  } finally {
    [rules[a], rules[b]] = [rules[b], rules[a]];
  }
}

test('a --ctorig* DROP that takes replies is said once, as ctorig-without-ctdir; the plain DROP as missing-established', () => {
  const codes = (line: number) => lintRules(TEXT).diagnostics.filter((d) => d.span.line === line && d.code.startsWith('docker-user/')).map((d) => d.code);
  assert.deepEqual(codes(2), ['docker-user/ctorig-without-ctdir']);
  assert.deepEqual(codes(3), ['docker-user/missing-established']);
});

test('the same findings with the two checks in the other order of the registry (example and real-world corpus)', () => {
  const texts = [TEXT, ...loadDir(REAL_WORLD).map((e) => e.text)];
  const before = texts.map((t) => lintRules(t).diagnostics);
  const after = withSwapped(() => texts.map((t) => lintRules(t).diagnostics));
  assert.deepEqual(after, before);
});
