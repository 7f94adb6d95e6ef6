/**
 * Underlay (checks/underlay.ts) and capacity (checks/capacity.ts), finding by finding, on the real 3-node lab
 * snapshot (test/fixtures/doctor/lab-clean.json: the probes each node sent — busybox ping from the lb_ sandbox,
 * 56 bytes and 1422 bytes (the 1450 overlay MTU), nc to 7946 and 2377 — vxlan0's dstport and MTU, the gossip
 * tables and the manager's tasks) with one fault at a time. A failed ping's output is busybox's ("2 packets
 * transmitted, 0 packets received, 100% packet loss"), as the lab prints it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DoctorNode, Finding } from '../../src/core/doctor';
import { capacity, usableAddresses } from '../../src/core/doctor/checks/capacity';
import { underlay } from '../../src/core/doctor/checks/underlay';
import type { Probe } from '../../src/core/doctor/probes';
import { FIXTURES } from '../helpers';

const TEST_ID = 'qru7ngt575p9svz968elx7f8b';
const lab = (): DoctorNode[] => (JSON.parse(readFileSync(join(FIXTURES, 'doctor', 'lab-clean.json'), 'utf8')) as { nodes: DoctorNode[] }).nodes;
const node = (nodes: DoctorNode[], name: string) => nodes.find((n) => n.name === name) ?? assert.fail(name);
/** node1's pings to node2 across swarmnet-test (to 10.231.0.10 and 10.231.0.14, 56 and 1422 bytes). */
const pings = (nodes: DoctorNode[], size?: number): Probe[] => (node(nodes, 'node1').probes ?? []).filter((p) => p.kind === 'ping' && p.networkId === TEST_ID && p.toNode === 'node2' && (size === undefined || p.arg === size));
const fail = (p: Probe) => Object.assign(p, { ok: false, output: `--- ${p.target} ping statistics ---\n2 packets transmitted, 0 packets received, 100% packet loss` });
const vxlan0 = (nodes: DoctorNode[], name: string) => node(nodes, name).model.namespaces.find((x) => x.name === '1-qru7ngt575')?.interfaces.find((i) => i.name === 'vxlan0') ?? assert.fail('vxlan0');
const run = (nodes: DoctorNode[]) => underlay.run({ nodes });
const at = { node: 'node1', network: 'swarmnet-test', target: { node: 'node1', networkId: TEST_ID } };
const FAILED = (ip: string, size: number) => `ping from lb_qru7ngt57 to ${ip} (${size} bytes): FAILED — --- ${ip} ping statistics --- / 2 packets transmitted, 0 packets received, 100% packet loss`;

test('the clean lab: every probe crossed, vxlan0 uses 4789 everywhere: no underlay finding, nothing skipped', () => {
  assert.equal(pings(lab()).length, 4);
  assert.deepEqual(run(lab()), { findings: [], skipped: [] });
});

test('VXLAN dropped between node1 and node2 (every ping to node2 on swarmnet-test fails) → underlay/overlay-blocked, the whole finding', () => {
  const nodes = lab();
  pings(nodes).forEach(fail);
  const expected: Finding = {
    ...at,
    code: 'underlay/overlay-blocked',
    severity: 'error',
    message: 'no overlay address on node2 answers node1 on swarmnet-test: VXLAN (udp/4789) between node1 (198.18.0.1) and node2 is dropped on the underlay or by a firewall',
    symptom: 'tasks on node1 cannot reach tasks on node2 over swarmnet-test: timeouts',
    evidence: [{ label: 'probes from node1 to node2', source: 'ping from the load-balancer sandbox', rows: [FAILED('10.231.0.10', 56), FAILED('10.231.0.10', 1422), FAILED('10.231.0.14', 56), FAILED('10.231.0.14', 1422)] }],
  };
  assert.deepEqual(run(nodes), { findings: [expected], skipped: [] });
});

test('one small ping to node2 still answered: not blocked (and its big pings answered: no MTU finding either); the port named is vxlan0\'s own', () => {
  const nodes = lab();
  fail(pings(nodes, 56)[0]);
  fail(pings(nodes, 1422)[0]);
  assert.deepEqual(run(nodes).findings, []);
  const blocked = lab();
  pings(blocked).forEach(fail);
  vxlan0(blocked, 'node1').vxlan = { ...vxlan0(blocked, 'node1').vxlan!, dstport: 4790 };
  const f = run(blocked).findings;
  assert.equal(f[0].message, 'no overlay address on node2 answers node1 on swarmnet-test: VXLAN (udp/4790) between node1 (198.18.0.1) and node2 is dropped on the underlay or by a firewall');
  assert.deepEqual(f.map((x) => `${x.node} ${x.code}`), ['node1 underlay/overlay-blocked', 'node1 underlay/vxlan-port-differs']);
});

test('small pings cross, overlay-MTU pings do not → underlay/mtu with vxlan0\'s MTU and the 50 bytes VXLAN adds', () => {
  const nodes = lab();
  pings(nodes, 1422).forEach(fail);
  const f = run(nodes).findings;
  assert.deepEqual(f.map((x) => ({ ...x, evidence: undefined })), [
    {
      ...at,
      code: 'underlay/mtu',
      severity: 'error',
      message: 'small packets cross the overlay from node1 to node2, packets of the overlay MTU (1450) do not: the underlay path carries less than 1500 bytes',
      symptom: 'small requests work, large responses and uploads hang (TLS handshakes, HTTP bodies): lower the overlay MTU (`--opt com.docker.network.driver.mtu`) or fix the underlay',
      evidence: undefined,
    },
  ]);
  assert.deepEqual(f[0].evidence[0].rows, [
    'ping from lb_qru7ngt57 to 10.231.0.10 (56 bytes): ok — 2 packets transmitted, 1 packets received, 50% packet loss / round-trip min/avg/max = 0.076/0.076/0.076 ms',
    FAILED('10.231.0.10', 1422),
    'ping from lb_qru7ngt57 to 10.231.0.14 (56 bytes): ok — 2 packets transmitted, 2 packets received, 0% packet loss / round-trip min/avg/max = 0.045/0.051/0.058 ms',
    FAILED('10.231.0.14', 1422),
  ]);
  vxlan0(nodes, 'node1').mtu = 1400;
  assert.match(run(nodes).findings[0].message, /overlay MTU \(1400\) do not: the underlay path carries less than 1450 bytes$/);
  node(nodes, 'node1').model.namespaces = node(nodes, 'node1').model.namespaces.filter((x) => x.name !== '1-qru7ngt575');
  assert.match(run(nodes).findings[0].message, /overlay MTU \(1450\) do not: the underlay path carries less than 1500 bytes$/, 'no vxlan0 seen: the default 1450');
});

test('no overlay-MTU pings were sent: nothing to say about the MTU', () => {
  const nodes = lab();
  node(nodes, 'node1').probes = (node(nodes, 'node1').probes ?? []).filter((p) => p.arg !== 1422);
  assert.deepEqual(run(nodes).findings, []);
  pings(nodes, 56).forEach(fail);
  assert.deepEqual(run(nodes).findings.map((f) => f.code), ['underlay/overlay-blocked']);
});

test('pings are grouped by network and node: failing pings to node3, or on ingress, do not make node2 blocked on swarmnet-test', () => {
  const nodes = lab();
  for (const p of node(nodes, 'node1').probes ?? []) if (p.kind === 'ping' && (p.toNode === 'node3' || p.networkId !== TEST_ID) && p.arg === 56) fail(p);
  assert.deepEqual(run(nodes).findings.map((f) => `${f.network} ${f.message.split(':')[0]}`), [
    'ingress no overlay address on node2 answers node1 on ingress',
    'ingress no overlay address on node3 answers node1 on ingress',
    'swarmnet-test no overlay address on node3 answers node1 on swarmnet-test',
  ]);
});

test('7946/tcp from node1 to node2 refused → underlay/gossip-port; 2377/tcp from node3 to the manager → underlay/manager-port, whole findings', () => {
  const nodes = lab();
  const gossip = node(nodes, 'node1').probes?.find((p) => p.kind === 'tcp' && p.toNode === 'node2') ?? assert.fail('probe');
  Object.assign(gossip, { ok: false, output: 'nc: 198.18.0.2 (198.18.0.2:7946): Connection refused' });
  const mgr = node(nodes, 'node3').probes?.find((p) => p.kind === 'tcp' && p.arg === 2377) ?? assert.fail('probe');
  Object.assign(mgr, { ok: false, output: '' });
  assert.deepEqual(run(nodes).findings, [
    {
      code: 'underlay/gossip-port',
      severity: 'error',
      node: 'node1',
      message: 'node1 cannot open 198.18.0.2:7946/tcp on node2 (gossip (7946/tcp) to node2)',
      symptom: 'gossip (NetworkDB, memberlist) between these nodes fails: their overlay, DNS and VIP tables drift apart',
      evidence: [{ label: 'probe', source: 'TCP connect from the node', rows: ['tcp from host to 198.18.0.2 (port 7946): FAILED — nc: 198.18.0.2 (198.18.0.2:7946): Connection refused'] }],
      target: { node: 'node1' },
    },
    {
      code: 'underlay/manager-port',
      severity: 'error',
      node: 'node3',
      message: 'node3 cannot open 198.18.0.1:2377/tcp on node1 (manager API (2377/tcp) to 198.18.0.1)',
      symptom: 'this node cannot reach the manager: it goes Down in `docker node ls` and gets no new tasks',
      evidence: [{ label: 'probe', source: 'TCP connect from the node', rows: ['tcp from host to 198.18.0.1 (port 2377): FAILED'] }],
      target: { node: 'node3' },
    },
  ]);
});

test('vxlan0 of swarmnet-test on node3 with dstport 4790 → underlay/vxlan-port-differs on node3 (the odd one out), the whole finding', () => {
  const nodes = lab();
  vxlan0(nodes, 'node3').vxlan = { ...vxlan0(nodes, 'node3').vxlan!, dstport: 4790 };
  const odd = (n: string, port: number, major: number, rows: string[]): Finding => ({
    code: 'underlay/vxlan-port-differs',
    severity: 'error',
    node: n,
    network: 'swarmnet-test',
    message: `vxlan0 of swarmnet-test on ${n} uses udp/${port}, the other nodes ${major}`,
    symptom: `${n} and the others send VXLAN to ports the other side does not listen on: no overlay traffic between them`,
    evidence: [{ label: 'vxlan0 dstport per node', source: 'ip -d link', rows }],
    target: { node: n, networkId: TEST_ID },
  });
  assert.deepEqual(run(nodes), { findings: [odd('node3', 4790, 4789, ['node1: 4789', 'node2: 4789', 'node3: 4790'])], skipped: [] });
  // two of three on 4790: node1 is the odd one
  vxlan0(nodes, 'node2').vxlan = { ...vxlan0(nodes, 'node2').vxlan!, dstport: 4790 };
  assert.deepEqual(run(nodes).findings, [odd('node1', 4789, 4790, ['node1: 4789', 'node2: 4790', 'node3: 4790'])]);
  // a node whose vxlan0 was not seen is not counted
  delete vxlan0(nodes, 'node1').vxlan;
  assert.deepEqual(run(nodes).findings, []);
});

test('skipped, saying why: a node that sent no probes; ESP for an encrypted overlay (once, not per node)', () => {
  const nodes = lab();
  delete node(nodes, 'node2').probes;
  node(nodes, 'node3').model.networks.find((n) => n.id === TEST_ID)!.encrypted = true;
  assert.deepEqual(run(nodes), {
    findings: [],
    skipped: [
      { check: 'underlay', node: 'node2', reason: 'no probes were run from this node (snapshot, --no-probes, or no command access)' },
      { check: 'underlay', reason: "ESP (IP protocol 50) for encrypted overlays is not probed (no reply to wait for): the firewall check judges the nodes' rules for it" },
    ],
  });
});

test('usableAddresses: the subnet less network, broadcast and gateway; nothing for /31, /32 or what is not a prefix', () => {
  assert.equal(usableAddresses('10.231.0.0/24'), 253);
  assert.equal(usableAddresses('10.231.0.0/29'), 5);
  assert.equal(usableAddresses('10.231.0.0/30'), 1);
  assert.equal(usableAddresses('10.0.0.0/16'), 65533);
  assert.equal(usableAddresses('0.0.0.0/0'), 2 ** 32 - 3);
  for (const c of ['10.0.0.0/31', '10.0.0.0/32', '10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0', '10.0.0.0/x', '10.0.0.0/24.5']) assert.equal(usableAddresses(c), 0, c);
});

/** The lab with swarmnet-test narrowed to 10.231.0.0/28 (13 usable): the snapshot's addresses in it are 10 (.2 .3 .5 .6 .8 .9 .10 .12 .13 .14). */
function narrowed(): DoctorNode[] {
  const nodes = lab();
  for (const n of nodes) for (const x of n.model.networks) if (x.id === TEST_ID) x.subnets = [{ subnet: '10.231.0.0/28' }];
  return nodes;
}
const cap = (nodes: DoctorNode[]) => capacity.run({ nodes }).findings;

test('capacity on the lab narrowed to a /28: 10 of 13 in use is fine; 12 (90 %) → capacity/subnet-nearly-full; 13 → capacity/subnet-full, whole findings', () => {
  let nodes = narrowed();
  assert.deepEqual(cap(nodes), []);
  const peer = (ip: string) => ({ key: `k${ip}`, owner: 'x', value: { endpointIp: `${ip}/24`, endpointMac: '02:42:0a:e7:00:ff', tunnelEndpointIp: '198.18.0.2' } });
  node(nodes, 'node2').gossip?.networks[TEST_ID].overlayPeers?.push(peer('10.231.0.4'));
  assert.deepEqual(cap(nodes), [], '11 of 13');
  node(nodes, 'node2').gossip?.networks[TEST_ID].overlayPeers?.push(peer('10.231.0.7'));
  const inUse = ['10.231.0.10', '10.231.0.12', '10.231.0.13', '10.231.0.14', '10.231.0.2', '10.231.0.3', '10.231.0.4', '10.231.0.5', '10.231.0.6', '10.231.0.7', '10.231.0.8', '10.231.0.9'];
  assert.deepEqual(cap(nodes), [
    {
      code: 'capacity/subnet-nearly-full',
      severity: 'warning',
      node: 'node1',
      network: 'swarmnet-test',
      message: 'swarmnet-test 10.231.0.0/28: 12 of 13 addresses in use (tasks, load-balancer endpoints, VIPs)',
      symptom: 'a scale-up or rolling update (which needs new addresses before old ones are freed) can run out of addresses',
      evidence: [{ label: 'addresses in use on 10.231.0.0/28', source: 'gossip tables, docker network inspect, services', rows: inUse }],
      target: { node: 'node1', networkId: TEST_ID },
    },
  ]);
  node(nodes, 'node2').gossip?.networks[TEST_ID].overlayPeers?.push(peer('10.231.0.11'));
  const full = cap(nodes);
  assert.deepEqual(full.map((f) => [f.code, f.severity, f.message, f.symptom]), [
    ['capacity/subnet-full', 'error', 'swarmnet-test 10.231.0.0/28: 13 of 13 addresses in use (tasks, load-balancer endpoints, VIPs)', 'new tasks on this network stay pending ("could not find an available IP", in a manager\'s log only)'],
  ]);
  // reported on the manager; without one, on the first node
  nodes = nodes.slice(1);
  assert.deepEqual(cap(nodes).map((f) => [f.node, f.target.node]), [['node2', 'node2']]);
});

test('capacity counts each source of addresses: endpoint rows and their VIPs, the node\'s own endpoints and services, the manager\'s VIPs and tasks not ended', () => {
  const two = (add: (nodes: DoctorNode[]) => void, what: string) => {
    const nodes = narrowed();
    add(nodes);
    assert.deepEqual(cap(nodes).map((f) => f.message), ['swarmnet-test 10.231.0.0/28: 12 of 13 addresses in use (tasks, load-balancer endpoints, VIPs)'], what);
  };
  const ep = (ip: string, vip = '') => ({ key: `e${ip}`, owner: 'x', value: { name: 'n', serviceName: '', serviceId: '', virtualIp: vip, endpointIp: ip, taskAliases: [], serviceDisabled: false } });
  two((n) => node(n, 'node3').gossip?.networks[TEST_ID].endpoints?.push(ep('10.231.0.4'), ep('10.231.0.7')), 'endpoint_table addresses');
  two((n) => node(n, 'node3').gossip?.networks[TEST_ID].endpoints?.push(ep('10.231.0.4', '10.231.0.7/24')), 'endpoint_table VIPs');
  const local = (n: DoctorNode[]) => node(n, 'node2').model.networks.find((x) => x.id === TEST_ID) ?? assert.fail('net');
  two((n) => local(n).endpoints.push({ name: 'c1', ipv4: '10.231.0.4/24' } as never, { name: 'c2', ipv4: '10.231.0.7/24' } as never), 'the network\'s endpoints on a node');
  two((n) => local(n).services.push({ name: 'a', vip: '10.231.0.4', tasks: [] }, { name: 'b', vip: '10.231.0.7', tasks: [] }), 'the network\'s services on a node');
  const svc = (n: DoctorNode[]) => node(n, 'node1').model.services[0];
  two((n) => svc(n).vips.push({ networkId: TEST_ID, addr: '10.231.0.4/24' }, { networkId: TEST_ID, addr: '10.231.0.7/24' }), 'the manager\'s VIPs');
  two((n) => svc(n).tasks.push({ id: 'p'.repeat(25), nodeId: 'x', state: 'pending', addresses: ['10.231.0.4/24', '10.231.0.7/24'] }), 'a task waiting for its node holds its addresses');
  // what does not count: ended tasks, a VIP on another network, a row without a VIP
  const nodes = narrowed();
  svc(nodes).tasks.push({ id: 's'.repeat(25), nodeId: 'x', state: 'shutdown', addresses: ['10.231.0.4/24'] }, { id: 'f'.repeat(25), nodeId: 'x', state: 'failed', addresses: ['10.231.0.7/24'] });
  svc(nodes).vips.push({ networkId: 'other', addr: '10.231.0.11/24' });
  node(nodes, 'node3').gossip?.networks[TEST_ID].endpoints?.push(ep('10.231.0.2'));
  local(nodes).endpoints.push({ name: 'c3' } as never);
  assert.deepEqual(cap(nodes), []);
});

test('capacity judges each subnet of a network on its own; a /31 (no usable address) is not judged', () => {
  const nodes = narrowed();
  for (const n of nodes) for (const x of n.model.networks) if (x.id === TEST_ID) x.subnets = [{ subnet: '10.231.0.0/31' }, { subnet: '10.231.0.0/28' }, { subnet: '10.231.0.16/28' }];
  for (const ip of ['10.231.0.4', '10.231.0.7']) node(nodes, 'node1').gossip?.networks[TEST_ID].overlayPeers?.push({ key: ip, owner: 'x', value: { endpointIp: ip, endpointMac: 'm', tunnelEndpointIp: 'v' } });
  assert.deepEqual(cap(nodes).map((f) => f.message), ['swarmnet-test 10.231.0.0/28: 12 of 13 addresses in use (tasks, load-balancer endpoints, VIPs)']);
});

test('the doctor limited to one network: failed pings on another network give no underlay finding', () => {
  const nodes = lab();
  pings(nodes).forEach(fail);
  assert.deepEqual(underlay.run({ nodes, network: 'ingress' }).findings, []);
  assert.deepEqual(underlay.run({ nodes, network: 'swarmnet-test' }).findings.map((f) => f.code), ['underlay/overlay-blocked']);
});

test('capacity: tasks that ended (shutdown, failed, rejected, complete, orphaned, remove) release their addresses; a local service without a VIP and a VIP without an address count nothing', () => {
  const nodes = narrowed();
  const svc = node(nodes, 'node1').model.services[0];
  const ended = ['shutdown', 'failed', 'rejected', 'complete', 'orphaned', 'remove'];
  // each holds the same two free addresses: any one of them counted would make 12 of 13
  ended.forEach((state, i) => svc.tasks.push({ id: `${i}`.repeat(25), nodeId: 'x', state, addresses: ['10.231.0.4/24', '10.231.0.7/24'] }));
  svc.vips.push({ networkId: TEST_ID, addr: '' });
  node(nodes, 'node1').model.networks.find((x) => x.id === TEST_ID)?.services.push({ name: 'novip', tasks: [] });
  assert.deepEqual(cap(nodes), []);
  // the same task running would count
  svc.tasks[svc.tasks.length - 1].state = 'running';
  assert.deepEqual(cap(nodes).map((f) => f.code), ['capacity/subnet-nearly-full']);
});

test('blocked with no overlay namespace seen, or a vxlan0 without its VXLAN details: the default port 4789 is named', () => {
  const a = lab();
  pings(a).forEach(fail);
  node(a, 'node1').model.namespaces = node(a, 'node1').model.namespaces.filter((x) => x.name !== '1-qru7ngt575');
  assert.match(run(a).findings[0].message, /VXLAN \(udp\/4789\)/);
  const b = lab();
  pings(b).forEach(fail);
  delete vxlan0(b, 'node1').vxlan;
  assert.match(run(b).findings[0].message, /VXLAN \(udp\/4789\)/);
});

test('one small ping answered and one lost, every MTU-sized one lost → underlay/mtu (not blocked)', () => {
  const nodes = lab();
  fail(pings(nodes, 56)[0]);
  pings(nodes, 1422).forEach(fail);
  assert.deepEqual(run(nodes).findings.map((f) => f.code), ['underlay/mtu']);
});

test('capacity on the clean lab: nothing found, nothing skipped; nodes without gossip, without the network\'s gossip or without the network are read without harm; the manager reports it wherever it is listed', () => {
  assert.deepEqual(capacity.run({ nodes: lab() }), { findings: [], skipped: [] });
  const nodes = narrowed();
  for (const ip of ['10.231.0.4', '10.231.0.7']) node(nodes, 'node1').gossip?.networks[TEST_ID].overlayPeers?.push({ key: ip, owner: 'x', value: { endpointIp: ip, endpointMac: 'm', tunnelEndpointIp: 'v' } });
  delete node(nodes, 'node2').gossip;
  delete node(nodes, 'node3').gossip?.networks[TEST_ID];
  const bare: DoctorNode = { ...node(nodes, 'node3'), name: 'bare', gossip: undefined, model: { ...node(nodes, 'node3').model, swarm: undefined, networks: [] } };
  const f = capacity.run({ nodes: [bare, node(nodes, 'node2'), node(nodes, 'node3'), node(nodes, 'node1')] }).findings;
  assert.deepEqual(f.map((x) => [x.code, x.node, x.target.node]), [['capacity/subnet-nearly-full', 'node1', 'node1']]);
});

test('capacity: VIPs on another network are not this subnet\'s, even at addresses inside it', () => {
  const nodes = narrowed();
  node(nodes, 'node1').model.services[0].vips.push({ networkId: 'other', addr: '10.231.0.4/24' }, { networkId: 'other', addr: '10.231.0.7/24' });
  assert.deepEqual(cap(nodes), []);
});
