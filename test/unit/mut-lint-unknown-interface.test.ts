/**
 * node/unknown-interface (src/core/lint/rules/unknownInterface.ts): `-i`/`-o` naming an interface the node does not
 * have, with the closest name as a fix when exactly one is within two edits. Expected answers written from the
 * node's interface list before running the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestName } from '../../src/core/lint/rules/unknownInterface';
import type { LintContext } from '../../src/core/lint/types';
import { assertFix, at, raw } from './mut-lint-helpers';

const CODE = 'node/unknown-interface';
const CTX: LintContext = { nodeName: 'm1', interfaces: ['lo', 'eth0', 'eth1', 'docker0', 'docker_gwbridge', 'veth1a2b', 'br-0123456789ab'].map((name) => ({ name })) };
const LIST = 'Interfaces: lo, eth0, eth1, docker0, docker_gwbridge, br-0123456789ab.';

test('unknown-interface: typos, a missing network\'s bridge, a negated match, an unknown wildcard; the fix names the one closest interface', () => {
  const lines = [
    'iptables -I DOCKER-USER -i eht0 -j DROP', // typo of eth0
    'iptables -I DOCKER-USER -i eth2 -j DROP', // eth0 and eth1 equally close: no fix
    'iptables -I DOCKER-USER ! -i ens3 -j DROP', // negated: never fails
    'iptables -I DOCKER-USER -o br-ffffffffffff -j DROP', // another node's network
    'iptables -I DOCKER-USER -i eth+ -j DROP', // eth0, eth1 match
    'iptables -I DOCKER-USER -i wg+ -j DROP', // nothing starts with wg
    'iptables -I DOCKER-USER -i $EXT -j DROP', // a variable
    'iptables -I DOCKER-USER -i "eht0" -j DROP', // quoted: reported, not rewritten
    'iptables -D DOCKER-USER -i eht0 -j DROP',
    'iptables -I DOCKER-USER -i veth1a2b -j DROP', // present (veth names are not listed, but known)
  ];
  const text = `${lines.join('\n')}\n`;
  const ds = raw(text, CODE, CTX);
  assert.deepEqual(at(ds), ['1:27-31', '2:27-31', '3:29-33', '4:27-42', '6:27-30', '8:27-33']);
  assert.equal(ds[0].severity, 'warning');
  assert.deepEqual(ds.map((d) => d.message), [
    `There is no interface eht0 on node m1: this match never succeeds there. ${LIST}`,
    `There is no interface eth2 on node m1: this match never succeeds there. ${LIST}`,
    `There is no interface ens3 on node m1: this match never fails there. ${LIST}`,
    `There is no interface br-ffffffffffff on node m1 (br-ffffffffffff is the bridge of a user-defined network that does not exist on this node): this match never succeeds there. ${LIST}`,
    `There is no interface wg+ on node m1: this match never succeeds there. ${LIST}`,
    `There is no interface eht0 on node m1: this match never succeeds there. ${LIST}`,
  ]);
  assert.deepEqual(ds.map((d) => d.fixes.map((f) => f.title)), [['Use eth0 (an interface of node m1)'], [], [], [], [], []]);
  assertFix(text, ds[0], 0, text.replace(lines[0], 'iptables -I DOCKER-USER -i eth0 -j DROP'), CTX, 'iptables -I DOCKER-USER -i eth0 -j DROP');
  // without a node name; without interfaces in the context nothing is judged
  assert.match(raw(`${lines[0]}\n`, CODE, { ...CTX, nodeName: undefined })[0].message, /^There is no interface eht0 on the selected node: /);
  assert.equal(raw(`${lines[0]}\n`, CODE, { ...CTX, nodeName: undefined })[0].fixes[0].title, 'Use eth0 (an interface of the selected node)');
  assert.deepEqual(raw(`${lines[0]}\n`, CODE, { nodeName: 'm1' }), []);
});

test('unknown-interface: at most ten interfaces are listed', () => {
  const many: LintContext = { interfaces: Array.from({ length: 12 }, (_, k) => ({ name: `en${k}` })) };
  const d = raw('iptables -I DOCKER-USER -i wlan7 -j DROP\n', CODE, many)[0];
  assert.match(d.message, /Interfaces: en0, en1, en2, en3, en4, en5, en6, en7, en8, en9\.$/);
});

test('closestName: the single candidate within two edits; ties and far names give none; lengths more than two apart are skipped', () => {
  assert.equal(closestName('eht0', ['eth0', 'docker0']), 'eth0');
  assert.equal(closestName('eth2', ['eth0', 'eth1']), undefined);
  assert.equal(closestName('eth0', ['eth0', 'eth1']), 'eth0');
  assert.equal(closestName('ens33', ['ens3']), 'ens3');
  assert.equal(closestName('wlan0', ['eth0']), undefined); // 3 edits
  assert.equal(closestName('e', ['eth0']), undefined); // length 1 vs 4
  assert.equal(closestName('ab', ['abcd']), 'abcd'); // 2 insertions
  assert.equal(closestName('docker', ['docker0', 'docker_gwbridge']), 'docker0');
  assert.equal(closestName('x', []), undefined);
  // the closer of two candidates wins even after a farther one
  assert.equal(closestName('eth00', ['eth', 'eth0']), 'eth0');
  assert.equal(closestName('kitten', ['sitting']), undefined);
  assert.equal(closestName('kitten', ['sittin']), 'sittin');
});
