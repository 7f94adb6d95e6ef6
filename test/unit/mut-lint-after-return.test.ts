/**
 * docker-user/after-return (src/core/lint/rules/afterReturn.ts), precisely: line, span, severity, message, the
 * fixes' edits and what they leave. Inputs are real-world shapes (sources named); the expected answers were written
 * from Docker's behaviour (≤ 28.2.1 ends DOCKER-USER with `-A DOCKER-USER -j RETURN`, 28.2.2 leaves it empty)
 * before running the linter.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { LintContext } from '../../src/core/lint/types';
import { LINT_FIXTURES } from './lint-helpers';
import { assertFix, at, offered, one, raw } from './mut-lint-helpers';

const CODE = 'docker-user/after-return';
const NODE_A = JSON.parse(readFileSync(join(LINT_FIXTURES, 'contexts', 'node-a.json'), 'utf8')) as LintContext;

// test/fixtures/lint/real-world/github-lxc-docker-8080-de.rules (German LXC deployment guide): the ACCEPT for the
// proxy is inserted on top, the DROP for everyone else appended after Docker's RETURN
const LXC = 'iptables -I DOCKER-USER -p tcp --dport 8080 -s 10.0.0.10 -j ACCEPT\niptables -A DOCKER-USER -p tcp --dport 8080 -j DROP\n';

test('after-return: an -A DROP after the assumed RETURN, on its whole line, with both fixes before the safety check', () => {
  const d = one(LXC, CODE);
  assert.deepEqual(d.span, { line: 1, start: 0, end: 51 });
  assert.equal(d.severity, 'warning');
  assert.equal(d.message, 'Docker up to 28.2.1 creates DOCKER-USER with a final `-A DOCKER-USER -j RETURN` (28.2.2 and later leave it empty): `-A` appends after it, so this rule is never reached. Use -I, or delete the RETURN and re-append it after your rules.');
  assert.equal(d.related, undefined);
  assert.deepEqual(d.fixes.map((f) => f.title), ["Delete Docker's RETURN before appending and re-append it after the last rule", 'Insert (-I) instead of append']);
  // delete the RETURN just before the first append, re-append it after the last one
  assertFix(LXC, d, 0, 'iptables -I DOCKER-USER -p tcp --dport 8080 -s 10.0.0.10 -j ACCEPT\niptables -D DOCKER-USER -j RETURN\niptables -A DOCKER-USER -p tcp --dport 8080 -j DROP\niptables -A DOCKER-USER -j RETURN\n');
  // -I replaces exactly the `-A` of the one append
  assertFix(LXC, d, 1, 'iptables -I DOCKER-USER -p tcp --dport 8080 -s 10.0.0.10 -j ACCEPT\niptables -I DOCKER-USER -p tcp --dport 8080 -j DROP\n', undefined, 'iptables -I DOCKER-USER -p tcp --dport 8080 -j DROP');
});

test('after-return: the -I fix is not offered when it would put the DROP above the ACCEPT inserted before it', () => {
  const ds = offered(LXC, CODE);
  assert.deepEqual(at(ds), ['2:0-51']);
  assert.deepEqual(ds[0].fixes.map((f) => f.title), ["Delete Docker's RETURN before appending and re-append it after the last rule"]);
});

// Docker docs "Restrict connections to the Docker daemon" with the 2025 ESTABLISHED rule (docker/docs#21708),
// written as a script that appends the allow and the DROP (a shape seen in many hardening guides)
const DOCS = 'sudo iptables -I DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\nsudo iptables -A DOCKER-USER -i eth0 -s 203.0.113.7 -j ACCEPT\nsudo iptables -A DOCKER-USER -i eth0 -j DROP\n';

test('after-return: every append is reported; the RETURN is deleted before the first APPEND (not the -I) and re-appended after the last, with the script\'s own prefix', () => {
  const ds = raw(DOCS, CODE);
  assert.deepEqual(at(ds), ['2:0-61', '3:0-44']);
  for (const d of ds) {
    // two appends: -I for one of them would reverse their order, so only the delete/re-append fix
    assert.deepEqual(d.fixes.map((f) => f.title), ["Delete Docker's RETURN before appending and re-append it after the last rule"]);
    assertFix(DOCS, d, 0, 'sudo iptables -I DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\nsudo iptables -D DOCKER-USER -j RETURN\nsudo iptables -A DOCKER-USER -i eth0 -s 203.0.113.7 -j ACCEPT\nsudo iptables -A DOCKER-USER -i eth0 -j DROP\nsudo iptables -A DOCKER-USER -j RETURN\n');
  }
  // the fix keeps every flow that worked: offered
  assert.deepEqual(offered(DOCS, CODE).map((d) => d.fixes.length), [1, 1]);
});

test('after-return: with the node\'s own rules the message names the node (or just "the node")', () => {
  const ds = raw(DOCS, CODE, NODE_A);
  assert.deepEqual(at(ds), ['2:0-61', '3:0-44']);
  const d = ds[1];
  assert.equal(d.message, 'the node manager1 already ends DOCKER-USER with `-j RETURN`: `-A` appends after it, so this rule is never reached. Use -I, or delete the RETURN and re-append it after your rules.');
  const anonymous: LintContext = { ...NODE_A, nodeName: undefined };
  assert.match(raw(DOCS, CODE, anonymous)[1].message, /^the node already ends DOCKER-USER with `-j RETURN`: `-A` appends after it/);
});

test('after-return: on Docker 28.2.2 (no RETURN) or a node whose DOCKER-USER is empty, nothing is reported', () => {
  assert.deepEqual(raw(DOCS, CODE, { engineVersion: '28.2.2' }), []);
  assert.deepEqual(raw(DOCS, CODE, { filterRules: '-N DOCKER-USER\n-A FORWARD -j DOCKER-USER\n' }), []);
});

// an iptables-save dump of a Docker 27 node with a user rule appended after Docker's RETURN (the shape of
// test/fixtures/lint/real-world/docker-docs-pr8357-redis-chains.rules once applied)
const DUMP = `# Generated by iptables-save v1.8.7 on Sat Dec  5 10:00:00 2026
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A DOCKER-USER -j RETURN
-A DOCKER-USER -i eth0 -p tcp --dport 5432 -j DROP
COMMIT
`;

test('after-return: in a dump, the rule after DOCKER-USER\'s RETURN names the RETURN\'s line, points at it, and offers no fix', () => {
  const d = one(DUMP, CODE);
  assert.deepEqual(d.span, { line: 9, start: 0, end: 50 });
  assert.equal(d.severity, 'warning');
  assert.equal(d.message, "Never reached: DOCKER-USER returns unconditionally on line 9 (`-j RETURN`), so Docker's own rules decide before this rule is evaluated.");
  assert.deepEqual(d.related, [{ span: { line: 8, start: 0, end: 24 }, message: 'the final RETURN' }]);
  assert.deepEqual(d.fixes, []);
  // reported once, as after-return, not also as shadowed
  assert.deepEqual(raw(DUMP, 'rules/shadowed'), []);
});

test('after-return: a proposal\'s OWN final RETURN, an unconditional ACCEPT, or a RETURN in another chain is rules/shadowed, not after-return', () => {
  const own = '*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -j RETURN\n-A DOCKER-USER -i eth0 -p tcp --dport 5432 -j DROP\nCOMMIT\n';
  assert.deepEqual(raw(own, CODE), []);
  assert.deepEqual(at(raw(own, 'rules/shadowed')), ['4:0-50']);
  const accept = DUMP.replace('-A DOCKER-USER -j RETURN', '-A DOCKER-USER -j ACCEPT');
  assert.deepEqual(raw(accept, CODE), []);
  assert.deepEqual(at(raw(accept, 'rules/shadowed')), ['10:0-50']);
  const other = DUMP.replace(':DOCKER-USER - [0:0]', ':DOCKER-USER - [0:0]\n:MYCHAIN - [0:0]').replace('-A DOCKER-USER -i eth0', '-A MYCHAIN -j RETURN\n-A MYCHAIN -i eth0');
  assert.deepEqual(raw(other, CODE), []);
  assert.deepEqual(at(raw(other, 'rules/shadowed')), ['12:0-46']);
});

test('after-return: an -A in the else branch of `if RETURN exists; then -I …; else -A …; fi` is not claimed (github-harden-drop-before-return)', () => {
  // test/fixtures/lint/real-world/github-harden-drop-before-return.rules, lines 11-16
  const text = `return_line=$(iptables -L DOCKER-USER -n --line-numbers | awk '$2=="RETURN"{print $1; exit}')
if [ -n "$return_line" ]; then
  iptables -I DOCKER-USER "$return_line" -j DROP
else
  iptables -A DOCKER-USER -i eth0 -j DROP
fi
`;
  assert.deepEqual(raw(text, CODE), []);
  // the same append outside the if is reported
  assert.deepEqual(at(raw('iptables -A DOCKER-USER -i eth0 -j DROP\n', CODE)), ['1:0-39']);
});
