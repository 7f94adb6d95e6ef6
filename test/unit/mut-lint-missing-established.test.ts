/**
 * docker-user/missing-established (src/core/lint/rules/missingEstablished.ts), precisely: which DROP/REJECT takes
 * the replies to container egress, the message's target, and where the RELATED,ESTABLISHED rule is inserted (after
 * an `-I` line, since the later `-I` lands above; before an `-A` line; with the script's own prefix and position).
 * Expected answers written from the conntrack states of a reply (ESTABLISHED, arriving on the external interface)
 * before running the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertFix, at, offered, one, raw } from './mut-lint-helpers';

const CODE = 'docker-user/missing-established';
const ESTABLISHED = '-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN';
const msg = (t: string): string => `This ${t} runs before any \`-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\`: it also drops the replies of connections your containers opened (and of published services' established flows). Accept RELATED,ESTABLISHED first.`;

test('missing-established: Docker docs 2019 "Restrict connections to the Docker daemon": the -I DROP, fixed by an -I after it (with the docs\' own "$ " prompt)', () => {
  // test/fixtures/lint/real-world/docker-docs-2019-ext-if-single-ip.rules (docs.docker.com/network/iptables, 2019)
  const text = '$ iptables -I DOCKER-USER -i ext_if ! -s 192.168.1.1 -j DROP\n';
  const d = one(text, CODE);
  assert.deepEqual(d.span, { line: 0, start: 0, end: 60 });
  assert.equal(d.severity, 'warning');
  assert.equal(d.message, msg('DROP'));
  assert.deepEqual(d.fixes.map((f) => f.title), ['Insert a RELATED,ESTABLISHED RETURN rule before it']);
  assertFix(text, d, 0, `${text}$ iptables -I DOCKER-USER ${ESTABLISHED}\n`);
  // the fix breaks no flow: offered
  assert.equal(offered(text, CODE)[0].fixes.length, 1);
});

test('missing-established: a REJECT inserted at position 1 is named REJECT, the fix keeps the position', () => {
  const text = 'iptables -I DOCKER-USER 1 -i eth0 -p tcp -j REJECT --reject-with tcp-reset\n';
  const d = one(text, CODE);
  assert.deepEqual(d.span, { line: 0, start: 0, end: 74 });
  assert.equal(d.message, msg('REJECT'));
  assertFix(text, d, 0, `${text}iptables -I DOCKER-USER 1 ${ESTABLISHED}\n`);
});

test('missing-established: a script\'s -A DROP gets a fix only where the append runs (Docker ≥ 28.2.2 named)', () => {
  const text = 'iptables -A DOCKER-USER -i eth0 -j DROP\n';
  // Docker version unknown: ≤ 28.2.1 is assumed, the -A lands after Docker's RETURN (after-return says so): no fix here
  const assumed = one(text, CODE);
  assert.deepEqual(assumed.span, { line: 0, start: 0, end: 39 });
  assert.deepEqual(assumed.fixes, []);
  const v28 = one(text, CODE, { engineVersion: '28.2.2' });
  assertFix(text, v28, 0, `iptables -A DOCKER-USER ${ESTABLISHED}\n${text}`, { engineVersion: '28.2.2' });
  // the node's own DOCKER-USER (no RETURN): the append runs, the fix is offered
  const node = { filterRules: '-N DOCKER-USER\n-A FORWARD -j DOCKER-USER\n' };
  assert.equal(one(text, CODE, node).fixes.length, 1);
});

test('missing-established: in a restore file the RELATED,ESTABLISHED line goes before the DROP, without a prefix', () => {
  const text = '*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -i eth0 -s 198.51.100.0/24 -j RETURN\n-A DOCKER-USER -i eth0 -j DROP\n-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n-A DOCKER-USER -j RETURN\nCOMMIT\n';
  const d = one(text, CODE);
  assert.deepEqual(d.span, { line: 3, start: 0, end: 30 });
  assertFix(text, d, 0, text.replace('-A DOCKER-USER -i eth0 -j DROP\n', `-A DOCKER-USER ${ESTABLISHED}\n-A DOCKER-USER -i eth0 -j DROP\n`));
});

test('missing-established: rules that only match a first packet, a node\'s own DROP, a listing without interfaces are not reported', () => {
  assert.deepEqual(raw('iptables -I DOCKER-USER -i eth0 -p tcp --syn -j DROP\niptables -I DOCKER-USER -i eth0 -m conntrack --ctstate NEW -j DROP\n', CODE), []);
  // the DROP is on the node already; the file only adds an ACCEPT: nothing of the file's drops replies
  const node = { filterRules: '-N DOCKER-USER\n-A FORWARD -j DOCKER-USER\n-A DOCKER-USER -i eth0 -j DROP\n' };
  assert.deepEqual(raw('iptables -I DOCKER-USER -i eth0 -s 198.51.100.7 -j ACCEPT\n', CODE, node), []);
  // with the accept first the replies pass
  assert.deepEqual(raw(`iptables -I DOCKER-USER -i eth0 -j DROP\niptables -I DOCKER-USER ${ESTABLISHED}\n`, CODE), []);
  // `iptables -nL` (no -v): interfaces unknown, nothing claimed
  const listing = 'Chain DOCKER-USER (1 references)\ntarget     prot opt source               destination\nDROP       all  --  0.0.0.0/0            0.0.0.0/0\n';
  assert.deepEqual(raw(listing, CODE), []);
  // with -v the same DROP on eth0 is reported (a listing: no fix)
  const verbose = 'Chain DOCKER-USER (1 references)\n pkts bytes target     prot opt in     out     source               destination\n    0     0 DROP       all  --  eth0   *       0.0.0.0/0            0.0.0.0/0\n';
  const ds = raw(verbose, CODE);
  assert.deepEqual(at(ds), ['3:4-77']);
  assert.deepEqual(ds[0].fixes, []);
  // no DOCKER-USER in the file at all
  assert.deepEqual(raw('*filter\n:INPUT DROP [0:0]\n-A INPUT -i eth0 -j DROP\nCOMMIT\n', CODE), []);
});
