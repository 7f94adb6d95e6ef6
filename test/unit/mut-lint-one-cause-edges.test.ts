/**
 * The edges of "one cause, one finding" and of after-return's severity (src/core/lint/rules/afterReturn.ts,
 * shadowed.ts, insertOrder.ts): which rules an `-I` DROP hides, which DROP takes an exception's packets, and how
 * `iptables -N DOCKER-USER … || iptables -F DOCKER-USER` leaves the chain. Expected answers from netfilter's order
 * of evaluation (first match decides, `-I` lands at position 1) and from the shell (`a || b` runs b when a fails).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintRules } from '../../src/core/lint';
import { leavesDockerUserEmpty } from '../../src/core/lint/rules/afterReturn';

const V28 = { engineVersion: '28.2.2' };
const at = (text: string, code: string, ctx?: typeof V28) => lintRules(text, ctx).diagnostics.filter((d) => d.code === code).map((d) => `${d.span.line + 1} ${d.severity}`);

test('leavesDockerUserEmpty: -N alone, or -N … || -F DOCKER-USER, in the spellings scripts use', () => {
  const yes = [
    'iptables -N DOCKER-USER',
    'iptables -N DOCKER-USER 2>/dev/null || iptables -F DOCKER-USER',
    'iptables -N DOCKER-USER 2>/dev/null ||iptables -F DOCKER-USER',
    'iptables -N DOCKER-USER 2>/dev/null || sudo iptables -F DOCKER-USER',
    'iptables -N DOCKER-USER || /usr/sbin/iptables-legacy -w 5 -t filter --flush DOCKER-USER',
    'iptables -N DOCKER-USER || iptables-nft -w -F DOCKER-USER',
  ];
  const no = [
    'iptables -N DOCKER-USER 2>/dev/null || true',
    'iptables -N DOCKER-USER 2>/dev/null',
    'iptables -N DOCKER-USER || iptables -F DOCKER-USERS',
    'iptables -N DOCKER-USER || iptables -F OTHER',
    'iptables -N DOCKER-USER || iptables -t nat -F DOCKER-USER',
    'iptables -N DOCKER-USER || iptables -X DOCKER-USER',
  ];
  for (const l of yes) assert.equal(leavesDockerUserEmpty(l), true, l);
  for (const l of no) assert.equal(leavesDockerUserEmpty(l), false, l);
});

test('shadowed stays on rules an -I DROP hides that are not its pushed exceptions (written after it, or not exceptions)', () => {
  // written after the inserted DROP: not part of its insert-order finding
  const after = 'iptables -I DOCKER-USER -p tcp --dport 80 -j ACCEPT\niptables -I DOCKER-USER -j DROP\niptables -A DOCKER-USER -s 10.0.0.0/8 -j ACCEPT\n';
  assert.deepEqual(at(after, 'rules/insert-order', V28), ['2 warning']);
  assert.deepEqual(at(after, 'rules/shadowed', V28), ['3 warning']);
  // a DROP written before it is no exception: the inserted DROP pushes nothing, and the hidden DROP is reported
  const drops = 'iptables -A DOCKER-USER -p tcp --dport 22 -j DROP\niptables -I DOCKER-USER -j DROP\n';
  assert.deepEqual(at(drops, 'rules/insert-order', V28), []);
  assert.deepEqual(at(drops, 'rules/shadowed', V28), ['1 warning']);
  // an exception hidden by a DROP whose conditions are a subset (kind "shadowed", not "after-unconditional")
  const subset = 'iptables -I DOCKER-USER -s 10.0.0.5 -p tcp -j ACCEPT\niptables -I DOCKER-USER -s 10.0.0.0/8 -j DROP\n';
  assert.deepEqual(at(subset, 'rules/insert-order', V28), ['2 warning']);
  assert.deepEqual(at(subset, 'rules/shadowed', V28), []);
});

test('after-return: only a DROP/REJECT of the same chain that runs takes an exception\'s packets; LOG and NFLOG are info; a jump is a warning', () => {
  const exc = 'iptables -A DOCKER-USER -i eth0 -s 198.51.100.0/24 -j ACCEPT\n';
  // a DROP in INPUT does not see forwarded packets
  assert.deepEqual(at(`iptables -I INPUT -i eth0 -j DROP\n${exc}`, 'docker-user/after-return'), ['2 info']);
  // a REJECT that runs is named as such
  const rej = lintRules(`iptables -I DOCKER-USER -i eth0 -j REJECT\n${exc}`).diagnostics.find((d) => d.code === 'docker-user/after-return');
  assert.equal(rej?.severity, 'warning');
  assert.match(rej?.message ?? '', /The REJECT on line 1 does run/);
  for (const t of ['LOG --log-prefix x', 'NFLOG']) assert.deepEqual(at(`iptables -A DOCKER-USER -i eth0 -j ${t}\n`, 'docker-user/after-return'), ['1 info'], t);
  assert.deepEqual(at('iptables -N CHK\niptables -A DOCKER-USER -i eth0 -j CHK\n', 'docker-user/after-return'), ['2 warning']);
  assert.deepEqual(at('iptables -A DOCKER-USER -i eth0 -j REJECT\n', 'docker-user/after-return'), ['1 warning']);
});

test('insert-order: only -I DROP/REJECT at a known position pushes exceptions; -A, ACCEPT and positions below the exceptions do not', () => {
  const exc = 'iptables -A DOCKER-USER -s 10.0.0.0/8 -j RETURN\n';
  assert.deepEqual(at(`${exc}iptables -I DOCKER-USER -j REJECT\n`, 'rules/insert-order', V28), ['2 warning']);
  assert.deepEqual(at(`${exc}iptables -A DOCKER-USER -j DROP\n`, 'rules/insert-order', V28), []);
  assert.deepEqual(at(`${exc}iptables -I DOCKER-USER -j ACCEPT\n`, 'rules/insert-order', V28), []);
  // inserted at position 2, below the one exception at position 1
  assert.deepEqual(at(`${exc}iptables -I DOCKER-USER 2 -j DROP\n`, 'rules/insert-order', V28), []);
  // an exception in another chain is not pushed
  assert.deepEqual(at(`iptables -A FORWARD -s 10.0.0.0/8 -j ACCEPT\niptables -I DOCKER-USER -j DROP\n`, 'rules/insert-order', V28), []);
});
