/**
 * rules/shadowed (src/core/lint/rules/shadowed.ts), precisely: after an unconditional -j/-g rule, and after a
 * terminal rule with a subset of the conditions, with the deciding rule named by line (or as the node's current
 * rules) and pointed at. Expected answers written from iptables' first-match semantics before running the linter.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LINT_FIXTURES } from './lint-helpers';
import { at, one, raw } from './mut-lint-helpers';

const CODE = 'rules/shadowed';

test('shadowed: the DROP after a rule file\'s own final RETURN (github-vrrp-rules-v4-return-before-drop)', () => {
  // test/fixtures/lint/real-world/github-vrrp-rules-v4-return-before-drop.rules, its DOCKER-USER lines
  const text = `*filter
:DOCKER-USER - [0:0]
-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A DOCKER-USER -s 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16 -j ACCEPT
-A DOCKER-USER -p tcp -m conntrack --ctorigdstport 80 --ctdir ORIGINAL -j ACCEPT
-A DOCKER-USER -p tcp -m conntrack --ctorigdstport 443 --ctdir ORIGINAL -j ACCEPT
-A DOCKER-USER -j RETURN
-A DOCKER-USER -j DROP
COMMIT
`;
  const d = one(text, CODE);
  assert.deepEqual(d.span, { line: 7, start: 0, end: 22 });
  assert.equal(d.severity, 'warning');
  assert.equal(d.message, 'Never reached: the rule on line 7 (`-j RETURN` without conditions) takes every packet in DOCKER-USER before this one.');
  assert.deepEqual(d.related, [{ span: { line: 6, start: 0, end: 24 }, message: 'the rule that decides first' }]);
  assert.deepEqual(d.fixes, []);
  // it is the file's own RETURN, not Docker's: not after-return
  assert.deepEqual(raw(text, 'docker-user/after-return'), []);
});

test('`iptables -S DOCKER-USER` output pasted as a file: its unconditional RETURN is the one Docker up to 28.2.1 adds, so what follows is after-return, not shadowed (holdout 13, forgefleet)', () => {
  const text = '-A DOCKER-USER -j RETURN\n-A DOCKER-USER -i eth0 -j DROP\n';
  assert.deepEqual(raw(text, CODE), []);
  const d = one(text, 'docker-user/after-return');
  assert.deepEqual(d.span, { line: 1, start: 0, end: 30 });
  assert.equal(d.severity, 'warning');
  assert.equal(d.message, "Never reached: DOCKER-USER returns unconditionally on line 1 (`-j RETURN`), so Docker's own rules decide before this rule is evaluated.");
  // the same lines in the user's own restore file: the user's RETURN, so rules/shadowed
  assert.equal(raw(`*filter\n:DOCKER-USER - [0:0]\n${text}COMMIT\n`, CODE).length, 1);
});

test('shadowed: after an unconditional goto, the message says -g', () => {
  const text = '*filter\n:DOCKER-USER - [0:0]\n:ADMIN - [0:0]\n-A DOCKER-USER -g ADMIN\n-A DOCKER-USER -i eth0 -j DROP\nCOMMIT\n';
  const d = one(text, CODE);
  assert.deepEqual(d.span, { line: 4, start: 0, end: 30 });
  assert.equal(d.message, 'Never reached: the rule on line 4 (`-g ADMIN` without conditions) takes every packet in DOCKER-USER before this one.');
  assert.deepEqual(d.related, [{ span: { line: 3, start: 0, end: 23 }, message: 'the rule that decides first' }]);
});

test('shadowed: the node already drops everything in DOCKER-USER (a hardening script\'s fallback ran before): the script\'s later append never runs', () => {
  // github-harden-drop-before-return.rules' `iptables -A DOCKER-USER -j DROP`, already on the node
  const ctx = { filterRules: '-N DOCKER-USER\n-A FORWARD -j DOCKER-USER\n-A DOCKER-USER -j DROP\n' };
  const d = one('iptables -A DOCKER-USER -s 10.0.0.0/8 -j ACCEPT\n', CODE, ctx);
  assert.deepEqual(d.span, { line: 0, start: 0, end: 47 });
  assert.equal(d.message, "Never reached: the rule on the node's current rules (`-j DROP` without conditions) takes every packet in DOCKER-USER before this one.");
  assert.equal(d.related, undefined);
});

test('shadowed: an earlier DROP with a subset of the conditions (broken/shadowed-subset.rules)', () => {
  const text = readFileSync(join(LINT_FIXTURES, 'broken', 'shadowed-subset.rules'), 'utf8');
  const d = one(text, CODE);
  assert.deepEqual(d.span, { line: 3, start: 0, end: 89 });
  assert.equal(d.message, "Never reached: the earlier rule on line 3 (`-j DROP`) matches every packet this rule matches (its conditions are a subset of this rule's).");
  assert.deepEqual(d.related, [{ span: { line: 2, start: 0, end: 71 }, message: 'the rule that decides first' }]);
  assert.deepEqual(d.fixes, []);
});

test('shadowed: a subset rule on the node decides first: named as the node\'s current rules', () => {
  const ctx = { filterRules: '-N DOCKER-USER\n-A FORWARD -j DOCKER-USER\n-A DOCKER-USER -i eth0 -j DROP\n' };
  const d = one('iptables -A DOCKER-USER -i eth0 -p tcp --dport 5432 -j ACCEPT\n', CODE, ctx);
  assert.deepEqual(d.span, { line: 0, start: 0, end: 61 });
  assert.equal(d.severity, 'warning');
  assert.equal(d.message, "Never reached: the earlier rule on the node's current rules (`-j DROP`) matches every packet this rule matches (its conditions are a subset of this rule's).");
  assert.equal(d.related, undefined);
});

test('shadowed: a wider rule with the same verdict first makes the rule redundant, not lost: info (holdout 5: `-i tun+ -j ACCEPT` then `-i tun+ -o tun+ -j ACCEPT`)', () => {
  const same = (text: string) => raw(text, CODE).map((d) => `${d.span.line + 1} ${d.severity}`);
  assert.deepEqual(same('-A FORWARD -i tun+ -j ACCEPT\n-A FORWARD -i tun+ -o tun+ -j ACCEPT\n'), ['2 info']);
  assert.match(raw('-A FORWARD -i tun+ -j ACCEPT\n-A FORWARD -i tun+ -o tun+ -j ACCEPT\n', CODE)[0].message, /same verdict, so nothing is lost: this rule is redundant\.$/);
  // REJECT behind a wider DROP: denied either way
  assert.deepEqual(same('-A INPUT -s 10.0.0.0/8 -j DROP\n-A INPUT -s 10.0.0.0/8 -p tcp --dport 22 -j REJECT\n'), ['2 info']);
  // a rate limit behind a wider ACCEPT is void: the limit was the point (es-shibasito: `--dport 80 -m limit … -j ACCEPT`)
  assert.deepEqual(same('-A INPUT -p tcp --dport 80 -j ACCEPT\n-A INPUT -p tcp --dport 80 -m limit --limit 25/minute -j ACCEPT\n'), ['2 warning']);
  // another verdict, or a goto, is a lost intent
  assert.deepEqual(same('-A INPUT -s 10.0.0.0/8 -j ACCEPT\n-A INPUT -s 10.0.0.0/8 -p tcp --dport 22 -j DROP\n'), ['2 warning']);
  assert.deepEqual(same(':X - [0:0]\n-A INPUT -s 10.0.0.0/8 -g X\n-A INPUT -s 10.0.0.0/8 -p tcp --dport 22 -g X\n'), ['3 warning']);
});

test('shadowed: a rule whose conditions are NOT a superset of the earlier one is not reported', () => {
  const text = '*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -i eth0 -p tcp --dport 5432 -j DROP\n-A DOCKER-USER -i eth0 -j DROP\nCOMMIT\n';
  assert.deepEqual(at(raw(text, CODE)), []);
});
