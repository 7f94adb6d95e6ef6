/**
 * docker-user/missing-established, its quick fix and the filled-in negation path (session 12): what the fix inserts
 * and where, when it is withheld, and which DROPs with a reader-filled `! -s` are judged. Expected edits written from
 * how iptables places rules: `-I CHAIN [N]` puts the new rule above, so the ESTABLISHED accept is inserted after the
 * DROP's line (it runs later, landing on top); in a restore file it goes before the DROP's line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintRules } from '../../src/core/lint/engine';

const fixes = (text: string) => lintRules(text).diagnostics
  .filter((d) => d.code === 'docker-user/missing-established')
  .map((d) => ({ line: d.span.line, severity: d.severity, edits: d.fixes.map((f) => f.edits.map((e) => `${e.range.start.line}:${e.range.start.character} ${e.newText}`)) }));

test('the fix of an inserted DROP: the ESTABLISHED accept inserted after it, at the same position, with the same prefix', () => {
  assert.deepEqual(fixes('iptables -I DOCKER-USER -i eth0 -j DROP\n'), [{ line: 0, severity: 'warning', edits: [['1:0 iptables -I DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n']] }]);
  assert.deepEqual(fixes('sudo iptables -I DOCKER-USER 2 -i eth0 -j DROP\n')[0].edits, [['1:0 sudo iptables -I DOCKER-USER 2 -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n']]);
  assert.match(lintRules('iptables -I DOCKER-USER -i eth0 -j REJECT\n').diagnostics.find((d) => d.code === 'docker-user/missing-established')?.message ?? '', /^This REJECT runs before/);
});

test('the fix of an appended DROP: before it in a restore file; withheld for a command when Docker\'s RETURN is only assumed', () => {
  const restore = '*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -i eth0 -j DROP\n-A DOCKER-USER -j RETURN\nCOMMIT\n';
  assert.deepEqual(fixes(restore), [{ line: 2, severity: 'warning', edits: [['2:0 -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n']] }]);
  assert.deepEqual(fixes('iptables -A DOCKER-USER -i eth0 -j DROP\n'), [{ line: 0, severity: 'warning', edits: [] }]);
});

test('findings come in line order; a DROP in a chain DOCKER-USER does not jump to, or one a RELATED,ESTABLISHED accept precedes, is not reported; one in a chain it jumps to is, with no fix', () => {
  const two = 'iptables -I DOCKER-USER -i eth0 -p tcp -j DROP\niptables -I DOCKER-USER -i eth0 -p udp -j DROP\n';
  assert.deepEqual(fixes(two).map((f) => f.line), [0, 1]);
  assert.deepEqual(fixes('iptables -I DOCKER-USER -i eth0 -j DROP\niptables -I DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n'), []);
  assert.deepEqual(fixes('iptables -N MINE\niptables -A MINE -i eth0 -j DROP\niptables -I FORWARD -j MINE\n').map((f) => f.line), []);
  // (reached from DOCKER-USER the DROP takes the replies arriving on eth0 too: holdout 51's FILTERS chain)
  assert.deepEqual(fixes('iptables -N MINE\niptables -A MINE -i eth0 -j DROP\niptables -I DOCKER-USER -j MINE\n'), [{ line: 1, severity: 'warning', edits: [] }]);
});

test('a filled-in negated source: judged with a stand-in address only when the rule names no destination', () => {
  assert.deepEqual(fixes('iptables -I DOCKER-USER -i eth0 ! -s $ADMIN -d 10.0.0.1 -j DROP\n'), []);
  assert.deepEqual(fixes('iptables -I DOCKER-USER -i eth0 ! -s $ADMIN -j REJECT\n').map((f) => f.line), [0]);
  assert.deepEqual(fixes('iptables -I DOCKER-USER -i eth0 ! -s admin-host -j DROP\n').map((f) => f.line), [0]);
  // a literal negated address goes the usual way; a filled-in source that is not negated names one host: not judged
  assert.deepEqual(fixes('iptables -I DOCKER-USER -i eth0 ! -s 203.0.113.7 -j DROP\n').map((f) => f.line), [0]);
  assert.deepEqual(fixes('iptables -I DOCKER-USER -i eth0 -s $BAD -j DROP\n'), []);
  // the stand-in is no reply's source: a reply from it would be accepted, so the verdict does not hinge on it
  assert.deepEqual(fixes('iptables -I DOCKER-USER -i eth0 ! -s 192.0.2.77 -j DROP\n').map((f) => f.line), [0]);
  // an ACCEPT with a filled-in negated source is no reply dropper
  assert.deepEqual(fixes('iptables -I DOCKER-USER -i eth0 ! -s $ADMIN -j ACCEPT\n'), []);
});
