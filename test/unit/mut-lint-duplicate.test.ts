/**
 * rules/duplicate (src/core/lint/rules/duplicate.ts), precisely: which copy is reported, the first copy it names
 * (a line of the file, or the node's current rules), the delete fix and what it leaves. Expected answers written
 * from iptables' semantics (`-I` inserts at the top, so of two identical `-I` lines the LAST one ends up first).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LINT_FIXTURES } from './lint-helpers';
import { assertFix, at, one, raw } from './mut-lint-helpers';

const CODE = 'rules/duplicate';

test('duplicate: the second copy in a rule file, pointing at the first; the fix deletes exactly that line', () => {
  // test/fixtures/lint/broken/duplicate.rules: a script that was run twice wrote the DROP twice
  const text = readFileSync(join(LINT_FIXTURES, 'broken', 'duplicate.rules'), 'utf8');
  const d = one(text, CODE);
  assert.deepEqual(d.span, { line: 3, start: 0, end: 41 });
  assert.equal(d.severity, 'warning');
  assert.equal(d.message, 'Duplicate of the rule on line 3: the same match and target twice in DOCKER-USER; the second copy never changes anything.');
  assert.deepEqual(d.related, [{ span: { line: 2, start: 0, end: 41 }, message: 'first copy' }]);
  assert.deepEqual(d.fixes.map((f) => f.title), ['Delete the duplicate line']);
  assertFix(text, d, 0, text.replace('-A DOCKER-USER -s 198.51.100.0/24 -j DROP\n', ''), undefined, '-A DOCKER-USER -s 198.51.100.0/24 -j DROP');
});

test('duplicate: two identical -I lines: the line written SECOND is the duplicate (two blind builders put it there, holdouts 2 and 17), though its copy ends up first in the chain', () => {
  // the README shape of many hardening scripts run twice without `iptables -C … ||` guards
  const text = 'iptables -I DOCKER-USER -i eth0 -p tcp --dport 3306 -j DROP\niptables -I DOCKER-USER -i eth0 -p tcp --dport 3306 -j DROP\n';
  const d = one(text, CODE);
  assert.deepEqual(d.span, { line: 1, start: 0, end: 59 });
  assert.equal(d.message, 'Duplicate of the rule on line 1: the same match and target twice in DOCKER-USER; the second copy never changes anything.');
  assert.deepEqual(d.related, [{ span: { line: 0, start: 0, end: 59 }, message: 'first copy' }]);
  assertFix(text, d, 0, 'iptables -I DOCKER-USER -i eth0 -p tcp --dport 3306 -j DROP\n');
});

test('duplicate: the first copy on the first line is "line 1", pointed at', () => {
  const text = '-A DOCKER-USER -s 198.51.100.0/24 -j DROP\n-A DOCKER-USER -s 198.51.100.0/24 -j DROP\n';
  const d = one(text, CODE);
  assert.deepEqual(d.span, { line: 1, start: 0, end: 41 });
  assert.equal(d.message, 'Duplicate of the rule on line 1: the same match and target twice in DOCKER-USER; the second copy never changes anything.');
  assert.deepEqual(d.related, [{ span: { line: 0, start: 0, end: 41 }, message: 'first copy' }]);
});

test('duplicate: the script re-run on a node that already has the rule names "the node\'s current rules", no related line', () => {
  const ctx = { filterRules: '-N DOCKER-USER\n-A FORWARD -j DOCKER-USER\n-A DOCKER-USER -i eth0 -p tcp -m tcp --dport 3306 -j DROP\n' };
  const text = 'iptables -A DOCKER-USER -i eth0 -p tcp --dport 3306 -j DROP\n';
  const d = one(text, CODE, ctx);
  assert.deepEqual(d.span, { line: 0, start: 0, end: 59 });
  assert.equal(d.message, "Duplicate of the rule on the node's current rules: the same match and target twice in DOCKER-USER; the second copy never changes anything.");
  assert.equal(d.related, undefined);
  assertFix(text, d, 0, '', ctx);
  // the node's copy alone is not the user's: nothing to report
  assert.deepEqual(raw('iptables -A DOCKER-USER -i eth0 -p tcp --dport 443 -j DROP\n', CODE, ctx), []);
});

test('duplicate: in an `iptables -nvL` listing it is reported without a fix (a listing is read-only output)', () => {
  const text = `Chain DOCKER-USER (1 references)
 pkts bytes target     prot opt in     out     source               destination
    0     0 DROP       tcp  --  eth0   *       0.0.0.0/0            0.0.0.0/0            tcp dpt:3306
    0     0 DROP       tcp  --  eth0   *       0.0.0.0/0            0.0.0.0/0            tcp dpt:3306
  120  9000 RETURN     all  --  *      *       0.0.0.0/0            0.0.0.0/0
`;
  const ds = raw(text, CODE);
  assert.deepEqual(at(ds), ['4:4-101']);
  assert.equal(ds[0].message, 'Duplicate of the rule on line 3: the same match and target twice in DOCKER-USER; the second copy never changes anything.');
  assert.deepEqual(ds[0].fixes, []);
});
