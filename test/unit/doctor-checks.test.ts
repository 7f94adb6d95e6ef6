/**
 * The doctor's checks on a snapshot of the real 3-node lab (gathered by `swarmnet doctor --save`: discovery,
 * NetworkDB through the engine's diagnostic server, kernel tables), clean and with one fault injected at a time.
 * Each fault must be found with its code on the node that holds the wrong row, and nowhere else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecks, type DoctorNode } from '../../src/core/doctor';
import { FIXTURES } from '../helpers';

function lab(): DoctorNode[] {
  return (JSON.parse(readFileSync(join(FIXTURES, 'doctor', 'lab-clean.json'), 'utf8')) as { nodes: DoctorNode[] }).nodes;
}
const byName = (nodes: DoctorNode[], name: string): DoctorNode => nodes.find((n) => n.name === name) ?? assert.fail(name);
const net = (nodes: DoctorNode[]) => byName(nodes, 'node1').model.networks.find((n) => n.name === 'swarmnet-test') ?? assert.fail('swarmnet-test');
const overlayNs = (n: DoctorNode, id: string) => n.model.namespaces.find((ns) => ns.name === `1-${id.slice(0, 10)}`) ?? assert.fail('overlay ns');
const codes = (nodes: DoctorNode[]) => runChecks({ nodes }).findings.map((f) => `${f.node} ${f.code}`).sort();
/** A remote peer of node1 on swarmnet-test (a row whose VTEP is node2). */
function remotePeer(nodes: DoctorNode[]) {
  const n1 = byName(nodes, 'node1');
  const rows = n1.gossip?.networks[net(nodes).id].overlayPeers ?? assert.fail('no overlay_peer_table');
  return rows.find((r) => r.value.tunnelEndpointIp === byName(nodes, 'node2').model.swarm?.nodeAddr) ?? assert.fail('no remote row');
}

test('the clean lab snapshot: gossip was read on all three nodes and no check finds anything', () => {
  const nodes = lab();
  for (const n of nodes) assert.ok(n.gossip && Object.keys(n.gossip.networks).length >= 2, `${n.name}: gossip not in the snapshot`);
  const r = runChecks({ nodes });
  assert.deepEqual(r.findings, []);
  // IPVS is absent in this kernel: the load-balancer and routing-mesh checks say they were skipped, and why
  assert.ok(r.skipped.some((s) => s.check === 'ingress' && /IPVS is absent/.test(s.reason)));
});

test('FDB row deleted on node1 → kernel/fdb-missing on node1 with a bridge fdb replace fix', () => {
  const nodes = lab();
  const row = remotePeer(nodes);
  const ns = overlayNs(byName(nodes, 'node1'), net(nodes).id);
  ns.fdb = ns.fdb.filter((f) => f.mac.toLowerCase() !== row.value.endpointMac);
  assert.deepEqual(codes(nodes), ['node1 kernel/fdb-missing']);
  const f = runChecks({ nodes }).findings[0];
  assert.deepEqual(f.fix?.commands, [['nsenter', `--net=/var/run/docker/netns/${ns.name}`, '--', 'bridge', 'fdb', 'replace', row.value.endpointMac, 'dev', 'vxlan0', 'dst', row.value.tunnelEndpointIp, 'self', 'permanent']]);
  assert.equal(f.fix?.node, 'node1');
});

test('FDB row with a wrong VTEP on node1 → kernel/fdb-wrong-vtep', () => {
  const nodes = lab();
  const row = remotePeer(nodes);
  const ns = overlayNs(byName(nodes, 'node1'), net(nodes).id);
  for (const f of ns.fdb) if (f.mac.toLowerCase() === row.value.endpointMac && f.dst) f.dst = '198.18.0.99';
  assert.deepEqual(codes(nodes), ['node1 kernel/fdb-wrong-vtep']);
});

test('neighbour entry missing on node3 → kernel/neigh-missing on node3', () => {
  const nodes = lab();
  const n1rows = byName(nodes, 'node3').gossip?.networks[net(nodes).id].overlayPeers ?? assert.fail('rows');
  const row = n1rows.find((r) => r.value.tunnelEndpointIp !== byName(nodes, 'node3').model.swarm?.nodeAddr) ?? assert.fail('remote');
  const ns = overlayNs(byName(nodes, 'node3'), net(nodes).id);
  ns.neighbors = ns.neighbors.filter((n) => n.dst !== row.value.endpointIp.split('/')[0]);
  assert.deepEqual(codes(nodes), ['node3 kernel/neigh-missing']);
});

test('stale FDB + neighbour rows for an address no task has → kernel/fdb-stale and kernel/neigh-stale on that node', () => {
  const nodes = lab();
  const ns = overlayNs(byName(nodes, 'node2'), net(nodes).id);
  ns.fdb.push({ mac: '02:42:0a:e7:00:fe', dev: 'vxlan0', dst: '198.18.0.3', flags: ['self'], state: 'permanent' });
  ns.neighbors.push({ dst: '10.231.0.254', dev: 'vxlan0', lladdr: '02:42:0a:e7:00:fe', state: ['PERMANENT'] });
  assert.deepEqual(codes(nodes), ['node2 kernel/fdb-stale', 'node2 kernel/neigh-stale']);
});

test('a NetworkDB row missing on one node only → gossip/missing-row on that node (the owner still has it)', () => {
  const nodes = lab();
  const g = byName(nodes, 'node3').gossip?.networks[net(nodes).id] ?? assert.fail('gossip');
  const owned = g.endpoints?.find((r) => r.owner !== g.peers?.find((p) => p.ip === '198.18.0.3')?.name) ?? assert.fail('row');
  g.endpoints = g.endpoints?.filter((r) => r.key !== owned.key);
  assert.deepEqual(codes(nodes), ['node3 gossip/missing-row']);
});

test('a stale NetworkDB endpoint row (a task that is not running) on every node → gossip/stale-endpoint on each', () => {
  const nodes = lab();
  const id = net(nodes).id;
  const owner = byName(nodes, 'node1').gossip?.clusterPeers?.find((p) => p.ip === '198.18.0.1')?.name ?? assert.fail('owner');
  for (const n of nodes) {
    n.gossip?.networks[id].endpoints?.push({ key: 'f'.repeat(64), owner, value: { name: 'web.9.zzzzzzzzzzzzzzzzzzzzzzzzz', serviceName: 'web', serviceId: 'x', virtualIp: '10.231.0.2', endpointIp: '10.231.0.200', taskAliases: [], serviceDisabled: false } });
  }
  // the owner (node1) holds it too, so the tables agree: it is the task list that says the row is stale
  assert.deepEqual(codes(nodes), ['node1 gossip/stale-endpoint', 'node2 gossip/stale-endpoint', 'node3 gossip/stale-endpoint']);
});

test('a node that left the network gossip → gossip/not-a-peer on it, seen from each other node', () => {
  const nodes = lab();
  const id = net(nodes).id;
  const name3 = byName(nodes, 'node1').gossip?.clusterPeers?.find((p) => p.ip === '198.18.0.3')?.name ?? assert.fail('node3 name');
  for (const n of nodes) {
    const g = n.gossip?.networks[id];
    if (g && n.name !== 'node3') g.peers = g.peers?.filter((p) => p.name !== name3);
  }
  const c = codes(nodes);
  assert.deepEqual(c.filter((x) => x.includes('not-a-peer')), ['node3 gossip/not-a-peer', 'node3 gossip/not-a-peer']);
});

test('a full overlay subnet (a /29: 5 usable addresses, all in use) → capacity/subnet-full', () => {
  const nodes = lab();
  const id = net(nodes).id;
  for (const n of nodes) {
    delete n.dns; // the answers name addresses outside the narrowed subnet
    for (const x of n.model.networks) if (x.id === id) x.subnets = [{ subnet: '10.231.0.0/29' }];
  }
  const rows = byName(nodes, 'node1').gossip?.networks[id].overlayPeers ?? assert.fail('rows');
  for (const last of [2, 3, 4, 5, 6]) rows.push({ key: `fill${last}`, owner: rows[0].owner, value: { endpointIp: `10.231.0.${last}/29`, endpointMac: `02:42:0a:e7:00:0${last}`, tunnelEndpointIp: rows[0].value.tunnelEndpointIp } });
  const r = runChecks({ nodes });
  assert.ok(r.findings.some((f) => f.code === 'capacity/subnet-full' && /5 of 5/.test(f.message)), r.findings.map((f) => f.message).join('\n'));
});

test('gossip unreadable (diagnostic port off): no finding, and the report says which checks were skipped and why', () => {
  const nodes = lab();
  for (const n of nodes) {
    delete n.gossip;
    n.gossipSkipped = 'the diagnostic server is off ("network-diagnostic-port" is not set in /etc/docker/daemon.json): gossip checks skipped';
  }
  const r = runChecks({ nodes });
  assert.deepEqual(r.findings, []);
  assert.ok(r.skipped.filter((s) => /diagnostic server is off/.test(s.reason)).length >= 3);
  assert.ok(r.skipped.some((s) => s.check === 'kernel'));
});

test('embedded DNS: busybox nslookup output as the lab prints it is read to its answer addresses, NXDOMAIN recognised', async () => {
  const { answerAddresses } = await import('../../src/core/doctor/dns');
  const out = 'Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nNon-authoritative answer:\nName:\ttasks.web\nAddress: 10.231.0.16\nName:\ttasks.web\nAddress: 10.231.0.5\n\nNon-authoritative answer:\n';
  assert.deepEqual(answerAddresses('busybox', out), { addresses: ['10.231.0.16', '10.231.0.5'], nxdomain: false });
  assert.deepEqual(answerAddresses('busybox', "Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n** server can't find nosuch: NXDOMAIN\n"), { addresses: [], nxdomain: true });
});

test('embedded DNS on the lab snapshot: answers were read from a task sandbox on every node; a gone task in tasks.web → dns/stale-task, NXDOMAIN → dns/nxdomain', () => {
  const nodes = lab();
  for (const n of nodes) assert.ok((n.dns ?? []).some((q) => q.name === 'tasks.web' && (q.addresses ?? []).length > 0), `${n.name}: no DNS answers in the snapshot`);
  const q2 = byName(nodes, 'node2').dns?.find((q) => q.name === 'tasks.web') ?? assert.fail('query');
  q2.addresses = [...(q2.addresses ?? []), '10.231.0.249'].sort();
  const q3 = byName(nodes, 'node3').dns?.find((q) => q.name === 'web') ?? assert.fail('query');
  q3.addresses = [];
  q3.nxdomain = true;
  assert.deepEqual(codes(nodes), ['node2 dns/stale-task', 'node3 dns/nxdomain']);
});
