/**
 * Edge cases of the DOCKER-USER order rules that the per-rule files do not reach (after-return, insert-order,
 * missing-established): scripts that mix `sudo iptables` and `iptables`, counting rules without a target, a
 * restore file's DOCKER-USER, an ipset whose members the linter cannot know. Expected answers written from
 * iptables' semantics before running the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertFix, at, raw } from './mut-lint-helpers';

test('after-return: the RETURN is re-appended the way the LAST append is written (a script that mixes sudo and plain iptables)', () => {
  const text = 'sudo iptables -A DOCKER-USER -i eth0 -s 203.0.113.7 -j ACCEPT\niptables -A DOCKER-USER -i eth0 -j DROP\n';
  const ds = raw(text, 'docker-user/after-return');
  assert.deepEqual(at(ds), ['1:0-61', '2:0-39']);
  assertFix(text, ds[1], 0, 'sudo iptables -D DOCKER-USER -j RETURN\nsudo iptables -A DOCKER-USER -i eth0 -s 203.0.113.7 -j ACCEPT\niptables -A DOCKER-USER -i eth0 -j DROP\niptables -A DOCKER-USER -j RETURN\n');
});

test('insert-order: a counting rule without a target before the -I is no exception (and no crash)', () => {
  // `iptables -A INPUT -s 192.168.1.0/24` counts the LAN's packets (iptables -nvL shows them): no -j
  const text = 'iptables -A INPUT -s 192.168.1.0/24 -p tcp --dport 22\niptables -A INPUT -s 192.168.1.0/24 -p tcp --dport 22 -j ACCEPT\niptables -I INPUT -p tcp --dport 22 -j DROP\n';
  const ds = raw(text, 'rules/insert-order');
  assert.deepEqual(at(ds), ['3:9-11']);
  assert.match(ds[0].message, /the exception written before it \(line 2\)/);
});

test('insert-order: in a restore file an -I into DOCKER-USER is fixed by -A (there is no Docker RETURN in a file\'s own chain)', () => {
  const text = '*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n-I DOCKER-USER -i eth0 -p tcp --dport 3306 -j DROP\n-A DOCKER-USER -j RETURN\nCOMMIT\n';
  const ds = raw(text, 'rules/insert-order');
  assert.deepEqual(at(ds), ['4:0-2']);
  assert.deepEqual(ds[0].fixes.map((f) => f.title), ['Append (-A) so the rule keeps its place in file order']);
  assertFix(text, ds[0], 0, text.replace('-I DOCKER-USER -i eth0', '-A DOCKER-USER -i eth0'), undefined, '-A DOCKER-USER -i eth0 -p tcp --dport 3306 -j DROP');
});

test('missing-established: a DROP after an ipset RETURN is not claimed (the set\'s members are unknown: replies may come from them)', () => {
  // the shape of test/fixtures/lint/real-world/github-cloudflare-ipset-docker-user.rules
  const text = 'iptables -I DOCKER-USER -i eth0 -j DROP\niptables -I DOCKER-USER -i eth0 -m set --match-set allowed src -j RETURN\n';
  assert.deepEqual(raw(text, 'docker-user/missing-established'), []);
  // without the set the DROP takes the replies
  assert.deepEqual(at(raw('iptables -I DOCKER-USER -i eth0 -j DROP\n', 'docker-user/missing-established')), ['1:0-39']);
});
