/**
 * docker-user/accept-all (src/core/lint/rules/acceptAll.ts): an unconditional ACCEPT in DOCKER-USER, its span and
 * message, and the "use RETURN" fix (which was never produced before these tests: the target's span is `-j ACCEPT`,
 * the rule compared it with `ACCEPT`). Expected answers written from Docker's chain layout before running the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertFix, at, offered, one, raw } from './mut-lint-helpers';

const CODE = 'docker-user/accept-all';
const MSG = "Unconditional ACCEPT in DOCKER-USER: every forwarded packet skips Docker's own rules — network isolation between Docker networks (all versions) and, on Docker ≥ 28, the blocking of direct access to unpublished container ports. Use -j RETURN to hand the packet back to Docker's chains.";

test('accept-all: `$ iptables -I DOCKER-USER -j ACCEPT` (openstack-operator docs, code index id 39280221088): whole line, the RETURN fix', () => {
  const text = '$ iptables -I DOCKER-USER -j ACCEPT\n';
  const d = one(text, CODE);
  assert.deepEqual(d.span, { line: 0, start: 0, end: 35 });
  assert.equal(d.severity, 'warning');
  assert.equal(d.message, MSG);
  assert.deepEqual(d.fixes.map((f) => f.title), ["Use -j RETURN (let Docker's rules decide)"]);
  assertFix(text, d, 0, '$ iptables -I DOCKER-USER -j RETURN\n', undefined, '$ iptables -I DOCKER-USER -j RETURN');
  // RETURN lets Docker decide: no standard flow is dropped by it, so it is offered
  assert.equal(offered(text, CODE)[0].fixes.length, 1);
});

test('accept-all: --jump spelled out and a restore file are fixed too; a quoted target is reported without a fix', () => {
  const long = 'sudo iptables -I DOCKER-USER --jump ACCEPT\n';
  assertFix(long, one(long, CODE), 0, 'sudo iptables -I DOCKER-USER --jump RETURN\n', undefined, 'sudo iptables -I DOCKER-USER --jump RETURN');
  const save = '*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -j ACCEPT\nCOMMIT\n';
  assertFix(save, one(save, CODE), 0, '*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -j RETURN\nCOMMIT\n', undefined, '-A DOCKER-USER -j RETURN');
  const quoted = '*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -j "ACCEPT"\nCOMMIT\n';
  const q = one(quoted, CODE);
  assert.deepEqual(q.span, { line: 2, start: 0, end: 26 });
  assert.deepEqual(q.fixes, []);
});

test('accept-all: not reported: with a condition, a goto, a -D, another table, the node\'s own ACCEPT, a listing without interfaces', () => {
  const text = [
    'iptables -I DOCKER-USER -i eth0 -j ACCEPT',
    'iptables -I DOCKER-USER -g ACCEPT_CHAIN',
    'iptables -D DOCKER-USER -j ACCEPT',
    'iptables -t nat -I DOCKER-USER -j ACCEPT',
    'iptables -I DOCKER-USER -j RETURN',
    'iptables -A FORWARD -j ACCEPT',
  ].join('\n');
  assert.deepEqual(at(raw(`${text}\n`, CODE)), []);
  // (inserted at the top of FORWARD in a text about Docker, the unconditional ACCEPT is this code's: session 21)
  assert.deepEqual(at(raw(`${text.replace('-A FORWARD', '-I FORWARD')}\n`, CODE)), ['6:12-19']);
  assert.deepEqual(raw('iptables -I DOCKER-USER -i eth0 -j DROP\n', CODE, { filterRules: '-N DOCKER-USER\n-A DOCKER-USER -j ACCEPT\n' }), []);
  const nl = 'Chain DOCKER-USER (1 references)\ntarget     prot opt source               destination\nACCEPT     all  --  0.0.0.0/0            0.0.0.0/0\n';
  assert.deepEqual(raw(nl, CODE), []);
  // with -v the interface columns say "*": unconditional; a listing gets no fix
  const nvl = 'Chain DOCKER-USER (1 references)\n pkts bytes target     prot opt in     out     source               destination\n    0     0 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0\n';
  const ds = raw(nvl, CODE);
  assert.deepEqual(at(ds), ['3:4-77']);
  assert.deepEqual(ds[0].fixes, []);
});
