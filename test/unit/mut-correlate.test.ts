/**
 * Correlation across nodes on a fixture model of three lab nodes (addresses, MACs and FDB entries as the lab's real
 * gather output shows them: test/fixtures/discovery/gather-lab-node1.txt has `02:42:0a:00:00:07 dst 198.18.0.2`).
 * lab1 and lab2 are connected; lab3 is known only as a peer of the overlay network. Two overlay networks use the
 * same subnet, so the same MAC exists on both: the network of the FDB entry decides. Expected answers written by hand.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Correlator } from '../../src/core/correlate';
import type { InterfaceInfo, NamespaceInfo, NetworkInfo, NodeModel } from '../../src/core/model';

function ifc(ifindex: number, name: string, mac: string | undefined, ...addrs: string[]): InterfaceInfo {
  return {
    ifindex,
    name,
    mac,
    flags: [],
    addresses: addrs.map((a) => ({ family: a.includes(':') ? 'inet6' : 'inet', address: a, prefixLen: a.includes(':') ? 64 : 24 })),
  };
}

function ns(name: string, kind: NamespaceInfo['kind'], interfaces: InterfaceInfo[], extra: Partial<NamespaceInfo> = {}): NamespaceInfo {
  return { name, path: `/var/run/docker/netns/${name}`, kind, containers: [], interfaces, fdb: [], neighbors: [], routes: [], peers: {}, ...extra };
}

function net(id: string, peers: { name: string; ip: string }[]): NetworkInfo {
  return { id, name: id, driver: 'overlay', scope: 'swarm', subnets: [{ subnet: '10.0.0.0/24' }], vxlanIds: [4097], attachable: false, ingress: false, internal: false, encrypted: false, peers, endpoints: [], services: [] };
}

function node(name: string, nodeAddr: string | undefined, namespaces: NamespaceInfo[], networks: NetworkInfo[] = []): NodeModel {
  return {
    name,
    swarm: nodeAddr ? { nodeId: `id-${name}`, nodeAddr, localNodeState: 'active', controlAvailable: true, remoteManagers: [] } : undefined,
    networks,
    namespaces,
    services: [],
    diagnostics: [],
    discoveredAt: '2026-12-05T00:00:00Z',
  } as NodeModel;
}

const PEERS = [
  { name: 'lab1', ip: '198.18.0.1' },
  { name: 'lab2', ip: '198.18.0.2' },
  { name: 'lab3', ip: '198.18.0.3' },
];

/** lab1: a task on network netB whose MAC equals lab2's task MAC on netA (overlapping subnets). */
const lab1 = node('lab1', '198.18.0.1', [
  ns('host', 'host', [ifc(1, 'lo', '00:00:00:00:00:00', '127.0.0.1'), ifc(2, 'eth0', '52:54:00:00:00:01', '198.18.0.1')]),
  ns('1-netb', 'overlay', [ifc(2, 'br0', '3e:ae:f6:fe:75:85', '10.0.0.1'), ifc(3, 'vxlan0', '3e:ae:f6:fe:75:85')], { networkId: 'netB' }),
  ns('aaaa11112222', 'container', [ifc(1, 'lo', '00:00:00:00:00:00'), ifc(40, 'eth0', '02:42:0A:00:00:07', 'fe80::42:aff:fe00:7', '10.0.0.7')], {
    containers: [{ id: 'c1', name: 'web.1.x' }],
    peers: { 40: { namespace: '1-netb', ifindex: 41, name: 'veth1' } },
  }),
], [net('netB', PEERS)]);

/** lab2: a task on netA (MAC 02:42:0a:00:00:07), one on the docker_gwbridge only, and an interface without MAC. */
const lab2 = node('lab2', '198.18.0.2', [
  ns('1-neta', 'overlay', [ifc(2, 'br0', '1a:1a:1a:1a:1a:1a', '10.0.0.1')], { networkId: 'netA' }),
  ns('bbbb33334444', 'container', [ifc(50, 'eth0', '02:42:0a:00:00:07', '10.0.0.7'), ifc(52, 'eth1', '02:42:ac:12:00:03', '172.18.0.3'), ifc(53, 'tun0', undefined, '10.9.0.1')], {
    containers: [{ id: 'c2', name: 'api.1.y' }, { id: 'c3', name: 'sidecar' }],
    peers: { 50: { namespace: '1-neta', ifindex: 51, name: 'veth2' } },
  }),
], [net('netA', PEERS)]);

/** A node not in the swarm (no nodeAddr) still gives MAC owners. */
const solo = node('solo', undefined, [ns('cccc55556666', 'container', [ifc(60, 'eth0', '02:42:ac:11:00:02', '172.17.0.2')], { containers: [{ id: 'c4', name: 'db' }] })]);

/** Built inside each test, so that a constructor that throws fails the test (not the loading of the file). */
const correlator = (): Correlator => new Correlator([lab1, lab2, solo]);

test('VTEP → node: connected nodes by their swarm address, the others from network peers, marked not connected', () => {
  const corr = correlator();
  assert.equal(corr.nodeForVtep('198.18.0.1'), 'lab1');
  assert.equal(corr.nodeForVtep('198.18.0.2'), 'lab2');
  assert.equal(corr.nodeForVtep('198.18.0.3'), 'lab3 (not connected)');
  assert.equal(corr.nodeForVtep('198.18.0.9'), undefined);
  assert.equal(corr.nodeForVtep(''), undefined, 'a node without swarm adds no empty VTEP');
});

test('FDB entry from the real gather output: dst 198.18.0.2 names lab2, the MAC the task on lab2 (netA)', () => {
  const corr = correlator();
  const r = corr.resolveFdb({ mac: '02:42:0a:00:00:07', dev: 'vxlan0', dst: '198.18.0.2', flags: ['self'], state: 'permanent' }, 'netA');
  assert.deepEqual(r, {
    vtepNode: 'lab2',
    owner: { node: 'lab2', namespace: 'bbbb33334444', interface: 'eth0', containers: ['api.1.y', 'sidecar'], ip: '10.0.0.7' },
  });
});

test('the same MAC on two overlay networks: the FDB entry\'s network decides; without one, the first node seen', () => {
  const corr = correlator();
  const onB = corr.ownerOfMac('02:42:0a:00:00:07', 'netB');
  assert.deepEqual(onB, { node: 'lab1', namespace: 'aaaa11112222', interface: 'eth0', containers: ['web.1.x'], ip: '10.0.0.7' }, 'first IPv4 address, not the IPv6 one; MAC compared in lower case');
  assert.equal(corr.ownerOfMac('02:42:0A:00:00:07', 'netA')?.node, 'lab2', 'upper-case MAC in the query');
  assert.equal(corr.ownerOfMac('02:42:0a:00:00:07')?.node, 'lab1');
  assert.equal(corr.ownerOfMac('02:42:0a:00:00:07', 'netZ')?.node, 'lab1', 'an unknown network falls back to the MAC alone');
});

test('MACs of overlay bridges, vxlan devices, host and lo interfaces belong to no task; non-overlay veths are still owned', () => {
  const corr = correlator();
  assert.equal(corr.ownerOfMac('3e:ae:f6:fe:75:85'), undefined, 'vxlan0/br0 in the overlay namespace');
  assert.equal(corr.ownerOfMac('1a:1a:1a:1a:1a:1a'), undefined);
  assert.equal(corr.ownerOfMac('52:54:00:00:00:01'), undefined, 'host interface');
  assert.equal(corr.ownerOfMac('00:00:00:00:00:00'), undefined, 'lo');
  assert.deepEqual(corr.ownerOfMac('02:42:ac:12:00:03'), { node: 'lab2', namespace: 'bbbb33334444', interface: 'eth1', containers: ['api.1.y', 'sidecar'], ip: '172.18.0.3' });
  assert.equal(corr.ownerOfMac('02:42:ac:12:00:03', 'netA')?.interface, 'eth1', 'gwbridge veth: no network key, found by MAC');
  assert.deepEqual(corr.ownerOfMac('02:42:ac:11:00:02'), { node: 'solo', namespace: 'cccc55556666', interface: 'eth0', containers: ['db'], ip: '172.17.0.2' });
  assert.equal(corr.resolveFdb({ mac: '02:42:ac:11:00:02', dev: 'vxlan0', flags: [] }).vtepNode, undefined, 'no dst: no VTEP');
});

test('a node that is connected wins over a network peer entry of the same address, whichever comes first', () => {
  const peerOnly = node('other', '198.18.0.7', [], [net('netA', [{ name: 'lab2-as-peer', ip: '198.18.0.2' }])]);
  assert.equal(new Correlator([peerOnly, lab2]).nodeForVtep('198.18.0.2'), 'lab2');
  assert.equal(new Correlator([lab2, peerOnly]).nodeForVtep('198.18.0.2'), 'lab2');
  const twoPeers = node('x', undefined, [], [net('n1', [{ name: 'first', ip: '198.18.0.5' }]), net('n2', [{ name: 'second', ip: '198.18.0.5' }, { name: 'noip', ip: '' }])]);
  assert.equal(new Correlator([twoPeers]).nodeForVtep('198.18.0.5'), 'first (not connected)');
  assert.equal(new Correlator([twoPeers]).nodeForVtep(''), undefined);
});

test('an interface with a MAC but no IPv4 address has an owner without ip; the first owner of a MAC on a network stays', () => {
  const v6only = node('v6', undefined, [ns('dddd77778888', 'container', [ifc(70, 'eth0', '02:42:0a:00:00:63', 'fe80::42:aff:fe00:63'), ifc(71, 'eth1', '02:42:0a:00:00:64')], { containers: [{ id: 'c5', name: 'v6.1' }] })]);
  const c = new Correlator([v6only]);
  assert.deepEqual(c.ownerOfMac('02:42:0a:00:00:63'), { node: 'v6', namespace: 'dddd77778888', interface: 'eth0', containers: ['v6.1'], ip: undefined });
  assert.equal(c.ownerOfMac('02:42:0a:00:00:64')?.ip, undefined, 'no addresses at all');
  // the same MAC on netA on two nodes (a stale task left behind): the first node seen keeps it, for the network key too
  const stale = node('lab9', '198.18.0.9', [
    ns('1-neta', 'overlay', [ifc(2, 'br0', '1a:1a:1a:1a:1a:19', '10.0.0.1')], { networkId: 'netA' }),
    ns('eeee99990000', 'container', [ifc(80, 'eth0', '02:42:0a:00:00:07', '10.0.0.7')], { containers: [{ id: 'c9', name: 'api.1.old' }], peers: { 80: { namespace: '1-neta', ifindex: 81, name: 'veth9' } } }),
  ]);
  assert.equal(new Correlator([lab2, stale]).ownerOfMac('02:42:0a:00:00:07', 'netA')?.node, 'lab2');
  assert.equal(new Correlator([stale, lab2]).ownerOfMac('02:42:0a:00:00:07', 'netA')?.node, 'lab9');
});
