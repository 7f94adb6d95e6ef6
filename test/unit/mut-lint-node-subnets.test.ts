/**
 * node/unknown-subnet and node/matches-network (src/core/lint/rules/nodeSubnets.ts): DOCKER-USER addresses against
 * the node's Docker networks (node-aware mode). Expected answers written from the node context's networks (the
 * lab's shape: bridge 172.17/16, ingress 10.0.0/24, overlays) before running the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LintContext } from '../../src/core/lint/types';
import { at, one, raw } from './mut-lint-helpers';

const NETS: LintContext['networks'] = [
  { name: 'bridge', driver: 'bridge', subnets: ['172.17.0.0/16'] },
  { name: 'ingress', driver: 'overlay', subnets: ['10.0.0.0/24'], ingress: true },
  { name: 'ov0', driver: 'overlay', subnets: ['10.0.1.0/24'] },
  { name: 'ov2', driver: 'overlay', subnets: ['10.0.2.0/24'] },
  { name: 'mv', driver: 'macvlan', subnets: ['10.0.3.0/24'] },
  { name: 'nodrv', subnets: ['10.0.4.0/24'] },
];
const CTX: LintContext = { nodeName: 'm1', interfaces: [{ name: 'eth0', addresses: ['192.168.33.2/24'] }], networks: NETS };

test('unknown-subnet: a private DOCKER-USER destination that is no network of the node and not the host\'s LAN', () => {
  const lines = [
    'iptables -I DOCKER-USER -d 172.30.0.0/16 -j DROP', // no network there
    'iptables -I DOCKER-USER -d 192.168.33.0/24 -j DROP', // the host's LAN
    'iptables -I DOCKER-USER ! -d 172.30.0.0/16 -j DROP', // negated
    'iptables -I DOCKER-USER -d 8.8.8.8 -j DROP', // public
    'iptables -I DOCKER-USER -s 172.30.0.0/16 -j DROP', // a source
    'iptables -I INPUT -d 172.30.0.0/16 -j DROP', // not DOCKER-USER
    'iptables -I DOCKER-USER -d 10.0.1.0/24 -j DROP', // ov0
    'iptables -D DOCKER-USER -d 172.31.0.0/16 -j DROP',
    'iptables -t nat -I DOCKER-USER -d 172.29.0.0/16 -j DROP',
  ];
  const ds = raw(`${lines.join('\n')}\n`, 'node/unknown-subnet', CTX);
  assert.deepEqual(at(ds), ['1:27-40']);
  assert.equal(ds[0].severity, 'warning');
  assert.equal(ds[0].message, '172.30.0.0/16 matches no Docker network on node m1 (networks: bridge 172.17.0.0/16, ingress 10.0.0.0/24, ov0 10.0.1.0/24, ov2 10.0.2.0/24, mv 10.0.3.0/24, nodrv 10.0.4.0/24): this rule never matches container traffic there.');
  const anon = one(`${lines[0]}\n`, 'node/unknown-subnet', { ...CTX, nodeName: undefined });
  assert.match(anon.message, / on the selected node \(networks: /);
  // without networks in the context nothing is judged
  assert.deepEqual(raw(`${lines[0]}\n`, 'node/unknown-subnet', { nodeName: 'm1' }), []);
});

test('matches-network: a DROP/REJECT range that covers overlay, ingress or other networks (at most three named, then …)', () => {
  const lines = [
    'iptables -I DOCKER-USER -d 10.0.0.0/8 -j DROP',
    'iptables -I DOCKER-USER -s 10.0.0.0/16 -j REJECT',
    'iptables -I DOCKER-USER -d 10.0.0.0/24 -j DROP', // exactly the ingress network: meant, not "also"
    'iptables -I DOCKER-USER -d 10.0.0.0/8 -j ACCEPT', // not a deny
    'iptables -I DOCKER-USER ! -d 10.0.0.0/8 -j DROP', // negated
    'iptables -I DOCKER-USER -d 10.0.4.0/23 -j DROP', // one network, no driver
    'iptables -I DOCKER-USER -d 10.0.2.0/23 -j DROP', // ov2 and mv
  ];
  const ds = raw(`${lines.join('\n')}\n`, 'node/matches-network', CTX);
  assert.deepEqual(at(ds), ['1:27-37', '2:27-38', '6:27-38', '7:27-38']);
  assert.ok(ds.every((d) => d.severity === 'info' && d.fixes.length === 0));
  assert.deepEqual(ds.map((d) => d.message), [
    'This DROP also matches ingress traffic to 10.0.0.0/24 of network ingress, overlay traffic to 10.0.1.0/24 of network ov0, overlay traffic to 10.0.2.0/24 of network ov2, … on node m1.',
    'This REJECT also matches ingress traffic from 10.0.0.0/24 of network ingress, overlay traffic from 10.0.1.0/24 of network ov0, overlay traffic from 10.0.2.0/24 of network ov2, … on node m1.',
    'This DROP also matches Docker traffic to 10.0.4.0/24 of network nodrv on node m1.',
    'This DROP also matches overlay traffic to 10.0.2.0/24 of network ov2, macvlan traffic to 10.0.3.0/24 of network mv on node m1.',
  ]);
});
