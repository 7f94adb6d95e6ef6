/** lintContextFromModel: the node facts the extension sends to the server, built from a discovered NodeModel. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeModel } from '../../src/core/model';
import { lintContextFromModel } from '../../src/core/lint/fromModel';
import { lintRules } from '../../src/core/lint/engine';
import { readSwarmInfo } from '../../src/core/parsers/docker';

const node: NodeModel = {
  name: 'manager1',
  swarm: { nodeId: 'n1', nodeAddr: '192.168.33.2', localNodeState: 'active', controlAvailable: true, remoteManagers: [{ nodeId: 'n1', addr: '192.168.33.2:2377' }, { nodeId: 'n2', addr: '192.168.33.3:2377' }] },
  networks: [
    { id: 'abc', name: 'ingress', driver: 'overlay', scope: 'swarm', subnets: [{ subnet: '10.0.0.0/24' }], vxlanIds: [4096], attachable: false, ingress: true, internal: false, encrypted: false, peers: [{ name: 'w1', ip: '192.168.33.4' }], endpoints: [], services: [] },
    { id: 'def', name: 'ov0', driver: 'overlay', scope: 'swarm', subnets: [{ subnet: '10.0.1.0/24' }, { subnet: 'fd00::/64' }], vxlanIds: [4097], attachable: true, ingress: false, internal: false, encrypted: true, peers: [], endpoints: [], services: [] },
  ],
  namespaces: [
    {
      name: 'host', path: '/proc/1/ns/net', kind: 'host', containers: [], fdb: [], neighbors: [], routes: [], peers: {},
      interfaces: [
        { ifindex: 1, name: 'lo', flags: [], addresses: [{ family: 'inet', address: '127.0.0.1', prefixLen: 8 }] },
        { ifindex: 2, name: 'eth0', flags: [], addresses: [{ family: 'inet', address: '192.168.33.2', prefixLen: 24 }, { family: 'inet6', address: 'fe80::1', prefixLen: 64 }] },
        { ifindex: 3, name: 'docker_gwbridge', flags: [], addresses: [{ family: 'inet', address: '172.18.0.1', prefixLen: 16 }] },
      ],
    },
  ],
  services: [{ id: 's1', name: 'web', mode: 'replicated', ports: [{ protocol: 'tcp', targetPort: 80, publishedPort: 8080, publishMode: 'ingress' }], vips: [], tasks: [] }],
  diagnostics: [],
  discoveredAt: '2026-11-23T10:00:00Z',
};

test('lintContextFromModel maps interfaces, networks, published ports, peers and the swarm ports', () => {
  const withVxlan: NodeModel = { ...node, namespaces: [...node.namespaces, { name: '1-abc', path: '/var/run/docker/netns/1-abc', kind: 'overlay', containers: [], fdb: [], neighbors: [], routes: [], peers: {}, interfaces: [{ ifindex: 5, name: 'vxlan0', flags: [], addresses: [], vxlan: { id: 4096, dstport: 5789 } }] }] };
  const ctx = lintContextFromModel(withVxlan, [], '-A DOCKER-USER -j RETURN\n');
  assert.deepEqual(ctx.interfaces?.map((i) => i.name), ['lo', 'eth0', 'docker_gwbridge']);
  assert.deepEqual(ctx.interfaces?.[1].addresses, ['192.168.33.2/24', 'fe80::1/64']);
  assert.deepEqual(ctx.networks?.map((n) => [n.name, n.subnets, n.ingress, n.encrypted]), [['ingress', ['10.0.0.0/24'], true, false], ['ov0', ['10.0.1.0/24', 'fd00::/64'], false, true]]);
  assert.deepEqual(ctx.publishedPorts, [{ port: 8080, protocol: 'tcp', targetPort: 80, mode: 'ingress', service: 'web' }]);
  assert.ok(ctx.nodeAddresses?.includes('192.168.33.2'));
  assert.deepEqual(ctx.peerAddresses?.sort(), ['192.168.33.3', '192.168.33.4']);
  assert.deepEqual(ctx.swarmPorts, { controlPort: 2377, dataPathPort: 5789 });
  assert.equal(ctx.filterRules, '-A DOCKER-USER -j RETURN\n');
});

test('the built context drives node-aware findings', () => {
  const ctx = lintContextFromModel(node);
  const res = lintRules('iptables -A INPUT -p tcp --dport 8080 -j DROP\niptables -A INPUT -p esp -j DROP\n', ctx);
  assert.ok(res.diagnostics.some((d) => d.code === 'swarm/input-published-port' && /service web/.test(d.message)));
  const esp = res.diagnostics.find((d) => d.code === 'swarm/cuts-control-plane');
  assert.equal(esp?.severity, 'error', 'ov0 is encrypted: ESP matters');
});

test('Docker version and firewall backend from the node: nftables has no DOCKER-USER (said instead of linting), 28.2.2 has no RETURN', () => {
  const text = 'iptables -A DOCKER-USER -i eth0 -j DROP\n';
  const nft = lintRules(text, { nodeName: 'n1', engineVersion: '29.0.1', firewallBackend: 'nftables' }).diagnostics;
  assert.deepEqual(nft.map((d) => d.code), ['docker/nftables-backend']);
  assert.equal(nft[0].severity, 'warning');
  assert.match(nft[0].message, /no DOCKER-USER chain/);
  assert.match(nft[0].message, /29\.0\.1/);
  const ipt = lintRules(text, { firewallBackend: 'iptables', engineVersion: '27.5.1' }).diagnostics.map((d) => d.code);
  assert.ok(ipt.includes('docker-user/after-return') && !ipt.includes('docker/nftables-backend'));
  assert.ok(!lintRules(text, { engineVersion: '28.2.2' }).diagnostics.some((d) => d.code === 'docker-user/after-return'));
  // the discovered node's /info facts reach the context
  const ctx = lintContextFromModel({ name: 'n1', engineVersion: '29.0.1', firewallBackend: 'nftables', networks: [], namespaces: [], services: [] } as unknown as NodeModel);
  assert.equal(ctx.engineVersion, '29.0.1');
  assert.equal(ctx.firewallBackend, 'nftables');
});

test('/info FirewallBackend is read from the engine (28.1+)', () => {
  assert.equal(readSwarmInfo({ ServerVersion: '28.1.0', FirewallBackend: { Driver: 'iptables+firewalld' } }).firewallBackend, 'iptables+firewalld');
  assert.equal(readSwarmInfo({ ServerVersion: '27.5.1' }).firewallBackend, undefined);
});
