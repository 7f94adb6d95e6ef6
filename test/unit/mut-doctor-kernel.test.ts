/**
 * Kernel vs gossip (checks/kernelPeers.ts), finding by finding, on the snapshot of the real 3-node lab
 * (test/fixtures/doctor/lab-clean.json: node1's overlay namespace 1-qru7ngt575 of swarmnet-test, its vxlan0 FDB
 * and neighbour rows as `bridge fdb show` / `ip neigh show` printed them, and node1's overlay_peer_table) with one
 * fault at a time; and on the ipspace capture of the shared seeds (an overlay namespace's printed FDB and
 * neighbours). Each expected finding (message, evidence rows, fix argv) is written out by hand from those rows,
 * not computed by the code under test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DoctorNode, Finding } from '../../src/core/doctor';
import { kernelPeers } from '../../src/core/doctor/checks/kernelPeers';
import type { NamespaceInfo } from '../../src/core/model';
import { parseFdbText, parseIpLinkText, parseNeighText } from '../../src/core/parsers/iproute';
import { FIXTURES, seed } from '../helpers';

const TEST_ID = 'qru7ngt575p9svz968elx7f8b';
const NS = '1-qru7ngt575';
const lab = (): DoctorNode[] => (JSON.parse(readFileSync(join(FIXTURES, 'doctor', 'lab-clean.json'), 'utf8')) as { nodes: DoctorNode[] }).nodes;
const node = (nodes: DoctorNode[], name: string) => nodes.find((n) => n.name === name) ?? assert.fail(name);
const ns = (n: DoctorNode): NamespaceInfo => n.model.namespaces.find((x) => x.name === NS) ?? assert.fail(NS);
const run = (nodes: DoctorNode[]) => kernelPeers.run({ nodes });
const NSENTER = ['nsenter', `--net=/var/run/docker/netns/${NS}`, '--'];

/** node1's evidence blocks as the snapshot's rows read (remote peers: VTEP not 198.18.0.1). */
const PEERS_NODE1 = [
  '10.231.0.17/24 mac 02:42:0a:e7:00:11 vtep 198.18.0.3 (owner ae6267d2f745)',
  '10.231.0.10/24 mac 02:42:0a:e7:00:0a vtep 198.18.0.2 (owner 6c6491854f0d)',
  '10.231.0.19/24 mac 02:42:0a:e7:00:13 vtep 198.18.0.3 (owner ae6267d2f745)',
  '10.231.0.14/24 mac 02:42:0a:e7:00:0e vtep 198.18.0.2 (owner 6c6491854f0d)',
  '10.231.0.16/24 mac 02:42:0a:e7:00:10 vtep 198.18.0.3 (owner ae6267d2f745)',
  '10.231.0.5/24 mac 02:42:0a:e7:00:05 vtep 198.18.0.2 (owner 6c6491854f0d)',
  '10.231.0.3/24 mac 02:42:0a:e7:00:03 vtep 198.18.0.2 (owner 6c6491854f0d)',
  '10.231.0.18/24 mac 02:42:0a:e7:00:12 vtep 198.18.0.3 (owner ae6267d2f745)',
];
const FDB_NODE1 = [
  '02:42:0a:e7:00:11 dev vxlan0 dst 198.18.0.3 self permanent',
  '02:42:0a:e7:00:10 dev vxlan0 dst 198.18.0.3 self permanent',
  '02:42:0a:e7:00:12 dev vxlan0 dst 198.18.0.3 self permanent',
  '02:42:0a:e7:00:13 dev vxlan0 dst 198.18.0.3 self permanent',
  '02:42:0a:e7:00:0a dev vxlan0 dst 198.18.0.2 self permanent',
  '02:42:0a:e7:00:05 dev vxlan0 dst 198.18.0.2 self permanent',
  '02:42:0a:e7:00:03 dev vxlan0 dst 198.18.0.2 self permanent',
  '02:42:0a:e7:00:0e dev vxlan0 dst 198.18.0.2 self permanent',
];
const NEIGH_NODE1 = [
  '10.231.0.10 dev vxlan0 lladdr 02:42:0a:e7:00:0a PERMANENT',
  '10.231.0.16 dev vxlan0 lladdr 02:42:0a:e7:00:10 PERMANENT',
  '10.231.0.19 dev vxlan0 lladdr 02:42:0a:e7:00:13 PERMANENT',
  '10.231.0.18 dev vxlan0 lladdr 02:42:0a:e7:00:12 PERMANENT',
  '10.231.0.14 dev vxlan0 lladdr 02:42:0a:e7:00:0e PERMANENT',
  '10.231.0.3 dev vxlan0 lladdr 02:42:0a:e7:00:03 PERMANENT',
  '10.231.0.5 dev vxlan0 lladdr 02:42:0a:e7:00:05 PERMANENT',
  '10.231.0.17 dev vxlan0 lladdr 02:42:0a:e7:00:11 PERMANENT',
];
const evidence = (fdb = FDB_NODE1, neigh = NEIGH_NODE1) => [
  { label: 'overlay_peer_table of swarmnet-test on node1 (remote rows)', source: 'diagnostic server /gettable', rows: PEERS_NODE1 },
  { label: `FDB on vxlan0 in ${NS}`, source: `bridge fdb show (ns ${NS})`, rows: fdb },
  { label: `neighbours on vxlan0 in ${NS}`, source: `ip neigh show (ns ${NS})`, rows: neigh },
];
const SYMPTOM_FDB = 'packets to that task leave with no VXLAN destination: connections to it time out, intermittently when the neighbour entry stays (moby#52661)';
const base = { node: 'node1', network: 'swarmnet-test', target: { node: 'node1', namespace: NS, networkId: TEST_ID } };
const fdbFix = (title?: string) => ({ title: title ?? 'repair the kernel entry', node: 'node1', commands: [[...NSENTER, 'bridge', 'fdb', 'replace', '02:42:0a:e7:00:0a', 'dev', 'vxlan0', 'dst', '198.18.0.2', 'self', 'permanent']] });
const neighFix = (title?: string) => ({ title: title ?? 'repair the kernel entry', node: 'node1', commands: [[...NSENTER, 'ip', 'neigh', 'replace', '10.231.0.10', 'lladdr', '02:42:0a:e7:00:0a', 'dev', 'vxlan0', 'nud', 'permanent']] });
/** node1's vxlan0 FDB row for 10.231.0.10 (on node2). */
const fdb0a = (nodes: DoctorNode[]) => ns(node(nodes, 'node1')).fdb.find((f) => f.mac === '02:42:0a:e7:00:0a' && f.dst) ?? assert.fail('fdb row');
const neigh10 = (nodes: DoctorNode[]) => ns(node(nodes, 'node1')).neighbors.find((n) => n.dst === '10.231.0.10') ?? assert.fail('neigh row');

test('the clean lab: no kernel finding and nothing skipped on any node or network', () => {
  assert.deepEqual(run(lab()), { findings: [], skipped: [] });
});

test('FDB row of 10.231.0.10 deleted on node1 (the master br0 row stays) → kernel/fdb-missing, the whole finding', () => {
  const nodes = lab();
  ns(node(nodes, 'node1')).fdb = ns(node(nodes, 'node1')).fdb.filter((f) => !(f.mac === '02:42:0a:e7:00:0a' && f.dst));
  const expected: Finding = {
    ...base,
    code: 'kernel/fdb-missing',
    severity: 'error',
    message: `no FDB entry for 10.231.0.10 (02:42:0a:e7:00:0a) on vxlan0 in ${NS}: the gossip says it lives on node2 (198.18.0.2)`,
    symptom: SYMPTOM_FDB,
    evidence: evidence(FDB_NODE1.filter((r) => !r.startsWith('02:42:0a:e7:00:0a'))),
    fix: fdbFix('bridge fdb replace 02:42:0a:e7:00:0a … dst 198.18.0.2'),
  };
  assert.deepEqual(run(nodes), { findings: [expected], skipped: [] });
});

test('an FDB row on vxlan0 without `self`, or on another device, does not count as the driver\'s row → kernel/fdb-missing', () => {
  for (const change of [(f: { flags: string[] }) => (f.flags = []), (f: { dev: string }) => (f.dev = 'br0')]) {
    const nodes = lab();
    change(fdb0a(nodes));
    assert.deepEqual(run(nodes).findings.map((f) => f.code), ['kernel/fdb-missing']);
  }
});

test('FDB row of 10.231.0.10 pointing at 198.18.0.99 → kernel/fdb-wrong-vtep naming both VTEPs', () => {
  const nodes = lab();
  fdb0a(nodes).dst = '198.18.0.99';
  const expected: Finding = {
    ...base,
    code: 'kernel/fdb-wrong-vtep',
    severity: 'error',
    message: 'FDB entry for 10.231.0.10 (02:42:0a:e7:00:0a) points at 198.18.0.99, but the gossip says node2 (198.18.0.2)',
    symptom: 'packets to that task are sent to the wrong node and dropped there: connections to it time out',
    evidence: evidence(FDB_NODE1.map((r) => (r.startsWith('02:42:0a:e7:00:0a') ? '02:42:0a:e7:00:0a dev vxlan0 dst 198.18.0.99 self permanent' : r))),
    fix: fdbFix('bridge fdb replace 02:42:0a:e7:00:0a … dst 198.18.0.2'),
  };
  assert.deepEqual(run(nodes).findings, [expected]);
});

test('two FDB rows for one MAC: a wrong one beside the right permanent one is no finding; the right one not permanent → kernel/fdb-not-permanent', () => {
  const nodes = lab();
  const f = fdb0a(nodes);
  ns(node(nodes, 'node1')).fdb.push({ ...f, dst: '198.18.0.99' });
  assert.deepEqual(run(nodes).findings, []);
  f.state = 'reachable';
  const got = run(nodes).findings;
  assert.deepEqual(got.map((x) => [x.code, x.severity, x.message, x.symptom]), [
    ['kernel/fdb-not-permanent', 'warning', 'FDB entry for 10.231.0.10 (02:42:0a:e7:00:0a) → 198.18.0.2 is not permanent: it can age out', 'connections to that task fail once the entry ages out'],
  ]);
  assert.deepEqual(got[0].fix, fdbFix());
});

test('an FDB row the kernel prints with an upper-case MAC is the same row (no finding)', () => {
  const nodes = lab();
  fdb0a(nodes).mac = '02:42:0A:E7:00:0A';
  assert.deepEqual(run(nodes).findings, []);
});

test('neighbour entry 10.231.0.10 deleted on node1 → kernel/neigh-missing, the whole finding', () => {
  const nodes = lab();
  ns(node(nodes, 'node1')).neighbors = ns(node(nodes, 'node1')).neighbors.filter((n) => n.dst !== '10.231.0.10');
  const expected: Finding = {
    ...base,
    code: 'kernel/neigh-missing',
    severity: 'error',
    message: `no neighbour entry for 10.231.0.10 on vxlan0 in ${NS} (expected lladdr 02:42:0a:e7:00:0a, owner node2)`,
    symptom: 'the overlay answers no ARP for remote tasks (proxy ARP from the gossip): connections to that task fail',
    evidence: evidence(FDB_NODE1, NEIGH_NODE1.filter((r) => !r.startsWith('10.231.0.10 '))),
    fix: neighFix('ip neigh replace 10.231.0.10 lladdr 02:42:0a:e7:00:0a'),
  };
  assert.deepEqual(run(nodes).findings, [expected]);
});

test('neighbour entry 10.231.0.5 gone from vxlan0 while the br0 entry for it stays (as in the snapshot) → kernel/neigh-missing: only vxlan0 counts', () => {
  const nodes = lab();
  const n1 = ns(node(nodes, 'node1'));
  assert.ok(n1.neighbors.some((n) => n.dst === '10.231.0.5' && n.dev === 'br0'));
  n1.neighbors = n1.neighbors.filter((n) => !(n.dst === '10.231.0.5' && n.dev === 'vxlan0'));
  assert.deepEqual(run(nodes).findings.map((f) => [f.code, f.message]), [['kernel/neigh-missing', `no neighbour entry for 10.231.0.5 on vxlan0 in ${NS} (expected lladdr 02:42:0a:e7:00:05, owner node2)`]]);
});

test('neighbour entry 10.231.0.10 with another MAC → kernel/neigh-wrong-mac; the right MAC in upper case is no finding', () => {
  const nodes = lab();
  neigh10(nodes).lladdr = '02:42:0a:e7:00:99';
  const got = run(nodes).findings;
  assert.deepEqual(got.map((x) => [x.code, x.severity, x.message, x.symptom]), [
    ['kernel/neigh-wrong-mac', 'error', 'neighbour entry for 10.231.0.10 has lladdr 02:42:0a:e7:00:99, the gossip says 02:42:0a:e7:00:0a', 'frames for that task carry the wrong MAC: connections to it fail'],
  ]);
  assert.deepEqual(got[0].fix, neighFix());
  assert.deepEqual(got[0].target, base.target);
  neigh10(nodes).lladdr = '02:42:0A:E7:00:0A';
  assert.deepEqual(run(nodes).findings, []);
  delete neigh10(nodes).lladdr;
  assert.equal(run(nodes).findings[0]?.code, 'kernel/neigh-wrong-mac', 'an entry without lladdr (INCOMPLETE/FAILED) is not the right MAC');
});

test('neighbour entry 10.231.0.10 STALE (or with no state) → kernel/neigh-not-permanent, saying which', () => {
  const nodes = lab();
  neigh10(nodes).state = ['STALE'];
  const got = run(nodes).findings;
  assert.deepEqual(got.map((x) => [x.code, x.severity, x.message, x.symptom]), [
    ['kernel/neigh-not-permanent', 'warning', 'neighbour entry for 10.231.0.10 is STALE', 'the entry can go stale and be re-resolved through a network that has no ARP responder'],
  ]);
  assert.deepEqual(got[0].fix, neighFix());
  neigh10(nodes).state = [];
  assert.equal(run(nodes).findings[0]?.message, 'neighbour entry for 10.231.0.10 is not permanent');
  neigh10(nodes).state = ['REACHABLE', 'PERMANENT'];
  assert.deepEqual(run(nodes).findings, []);
});

test('a peer row whose VTEP is no gathered node: the message names the VTEP as the owner', () => {
  const nodes = lab();
  const row = node(nodes, 'node1').gossip?.networks[TEST_ID].overlayPeers?.find((r) => r.value.endpointIp === '10.231.0.10/24') ?? assert.fail('row');
  row.value.tunnelEndpointIp = '198.18.0.9';
  const got = run(nodes).findings.filter((f) => f.node === 'node1');
  assert.deepEqual(got.map((f) => [f.code, f.message]), [['kernel/fdb-wrong-vtep', 'FDB entry for 10.231.0.10 (02:42:0a:e7:00:0a) points at 198.18.0.2, but the gossip says 198.18.0.9 (198.18.0.9)']]);
  assert.deepEqual(got[0].fix?.commands, [[...NSENTER, 'bridge', 'fdb', 'replace', '02:42:0a:e7:00:0a', 'dev', 'vxlan0', 'dst', '198.18.0.9', 'self', 'permanent']]);
});

test('the node\'s own rows (VTEP = its address) are not compared: node1\'s local tasks have no vxlan0 rows and give no finding', () => {
  const nodes = lab();
  const own = node(nodes, 'node1').gossip?.networks[TEST_ID].overlayPeers?.filter((r) => r.value.tunnelEndpointIp === '198.18.0.1') ?? [];
  assert.equal(own.length, 4);
  for (const r of own) assert.ok(!ns(node(nodes, 'node1')).fdb.some((f) => f.mac === r.value.endpointMac && f.dev === 'vxlan0' && f.dst));
  assert.deepEqual(run(nodes).findings, []);
});

test('stale permanent FDB and neighbour rows on node2 for an address no peer row has → kernel/fdb-stale and kernel/neigh-stale with delete commands', () => {
  const nodes = lab();
  const n2 = ns(node(nodes, 'node2'));
  n2.fdb.push({ mac: '02:42:0a:e7:00:fe', dev: 'vxlan0', dst: '198.18.0.3', flags: ['self'], state: 'permanent' });
  n2.neighbors.push({ dst: '10.231.0.254', dev: 'vxlan0', lladdr: '02:42:0a:e7:00:fe', state: ['PERMANENT'] });
  const got = run(nodes).findings;
  const target = { node: 'node2', namespace: NS, networkId: TEST_ID };
  assert.deepEqual(
    got.map((f) => ({ code: f.code, severity: f.severity, node: f.node, network: f.network, message: f.message, symptom: f.symptom, fix: f.fix, target: f.target })),
    [
      {
        code: 'kernel/fdb-stale',
        severity: 'warning',
        node: 'node2',
        network: 'swarmnet-test',
        message: 'FDB entry 02:42:0a:e7:00:fe dev vxlan0 dst 198.18.0.3 self permanent matches no peer in the gossip: left over from a task that is gone',
        symptom: 'a new task that gets this MAC/address is unreachable from here (traffic goes to the old node)',
        fix: { title: 'bridge fdb del 02:42:0a:e7:00:fe dev vxlan0 dst 198.18.0.3', node: 'node2', commands: [[...NSENTER, 'bridge', 'fdb', 'del', '02:42:0a:e7:00:fe', 'dev', 'vxlan0', 'dst', '198.18.0.3', 'self']] },
        target,
      },
      {
        code: 'kernel/neigh-stale',
        severity: 'warning',
        node: 'node2',
        network: 'swarmnet-test',
        message: 'neighbour entry 10.231.0.254 dev vxlan0 lladdr 02:42:0a:e7:00:fe PERMANENT matches no peer in the gossip: left over from a task that is gone',
        symptom: 'a new task that gets this address is unreachable from here (wrong MAC)',
        fix: { title: 'ip neigh del 10.231.0.254 dev vxlan0', node: 'node2', commands: [[...NSENTER, 'ip', 'neigh', 'del', '10.231.0.254', 'dev', 'vxlan0']] },
        target,
      },
    ],
  );
  // the evidence shows the stale rows next to the gossip
  assert.equal(got[0].evidence[0].label, 'overlay_peer_table of swarmnet-test on node2 (remote rows)');
  assert.ok(got[0].evidence[1].rows.includes('02:42:0a:e7:00:fe dev vxlan0 dst 198.18.0.3 self permanent'));
  assert.ok(got[0].evidence[2].rows.includes('10.231.0.254 dev vxlan0 lladdr 02:42:0a:e7:00:fe PERMANENT'));
});

test('learned (not permanent) vxlan0 rows for unknown addresses, and rows on br0, are not stale findings; an upper-case MAC of a known peer is not stale', () => {
  const nodes = lab();
  const n2 = ns(node(nodes, 'node2'));
  n2.fdb.push({ mac: '02:42:0a:e7:00:fe', dev: 'vxlan0', dst: '198.18.0.3', flags: ['self'], state: '' });
  n2.neighbors.push({ dst: '10.231.0.254', dev: 'vxlan0', lladdr: '02:42:0a:e7:00:fe', state: ['STALE'] });
  n2.neighbors.push({ dst: '10.231.0.253', dev: 'br0', lladdr: '02:42:0a:e7:00:fd', state: ['PERMANENT'] });
  n2.fdb.push({ mac: '02:42:0A:E7:00:11', dev: 'vxlan0', dst: '198.18.0.3', flags: ['self'], state: 'permanent' });
  assert.deepEqual(run(nodes).findings, []);
});

test('an FDB row of a remote peer on its own VTEP node: the remote peers of node2 are those not on 198.18.0.2, and a stale row for node2\'s own MAC is reported', () => {
  const nodes = lab();
  // a permanent vxlan0 row for node2's own task 10.231.0.10 (MAC …:0a): node2 is its VTEP, so no remote row has that MAC
  ns(node(nodes, 'node2')).fdb.push({ mac: '02:42:0a:e7:00:0a', dev: 'vxlan0', dst: '198.18.0.1', flags: ['self'], state: 'permanent' });
  assert.deepEqual(run(nodes).findings.map((f) => `${f.node} ${f.code}`), ['node2 kernel/fdb-stale']);
});

test('what cannot be compared is skipped, saying why: gossip not read (its reason), no overlay_peer_table for the network, no swarm address; a node without the network is not mentioned', () => {
  const nodes = lab();
  delete node(nodes, 'node1').gossip;
  node(nodes, 'node1').gossipSkipped = 'the diagnostic server is off';
  delete node(nodes, 'node2').gossip?.networks[TEST_ID].overlayPeers;
  delete node(nodes, 'node3').model.swarm;
  const r = run(nodes);
  assert.deepEqual(r.findings, []);
  assert.deepEqual(r.skipped, [
    { check: 'kernel', node: 'node1', reason: 'ingress: the diagnostic server is off' },
    { check: 'kernel', node: 'node3', reason: 'ingress: the node has no swarm address' },
    { check: 'kernel', node: 'node1', reason: 'swarmnet-test: the diagnostic server is off' },
    { check: 'kernel', node: 'node2', reason: 'swarmnet-test: overlay_peer_table not read' },
    { check: 'kernel', node: 'node3', reason: 'swarmnet-test: the node has no swarm address' },
  ]);
  // without the overlay namespace (no task of the network on the node), nothing is compared and nothing said
  for (const n of nodes) n.model.namespaces = n.model.namespaces.filter((x) => x.name !== NS);
  assert.deepEqual(run(nodes).skipped.filter((s) => s.reason.startsWith('swarmnet-test')), []);
});

test('a node without its overlay namespace gives no finding even when its gossip names remote peers', () => {
  const nodes = lab();
  const n1 = node(nodes, 'node1');
  n1.model.namespaces = n1.model.namespaces.filter((x) => x.name !== NS);
  assert.deepEqual(run(nodes), { findings: [], skipped: [] });
});

test('two FDB rows for 10.231.0.10, both at wrong VTEPs → one kernel/fdb-wrong-vtep naming both', () => {
  const nodes = lab();
  const f = fdb0a(nodes);
  f.dst = '198.18.0.98';
  ns(node(nodes, 'node1')).fdb.push({ ...f, dst: '198.18.0.99' });
  assert.deepEqual(run(nodes).findings.map((x) => x.message), ['FDB entry for 10.231.0.10 (02:42:0a:e7:00:0a) points at 198.18.0.98, 198.18.0.99, but the gossip says node2 (198.18.0.2)']);
});

test('two neighbour entries for 10.231.0.10: one with the right MAC is enough; two wrong MACs are both named; one PERMANENT is enough', () => {
  const nodes = lab();
  const n = neigh10(nodes);
  ns(node(nodes, 'node1')).neighbors.push({ ...n, lladdr: '02:42:0a:e7:00:99', state: ['STALE'] });
  assert.deepEqual(run(nodes).findings, []);
  n.lladdr = '02:42:0a:e7:00:98';
  assert.deepEqual(run(nodes).findings.map((x) => x.message), ['neighbour entry for 10.231.0.10 has lladdr 02:42:0a:e7:00:98, 02:42:0a:e7:00:99, the gossip says 02:42:0a:e7:00:0a']);
});

test('neighbour entries STALE and NOARP (no PERMANENT) → kernel/neigh-not-permanent naming the first\'s states; the evidence rows are as ip neigh prints them', () => {
  const nodes = lab();
  const n = neigh10(nodes);
  n.state = ['STALE', 'NOARP'];
  ns(node(nodes, 'node1')).neighbors.push({ ...n, state: ['REACHABLE'] });
  const f = run(nodes).findings;
  assert.deepEqual(f.map((x) => x.message), ['neighbour entry for 10.231.0.10 is STALE NOARP']);
  assert.ok(f[0].evidence[2].rows.includes('10.231.0.10 dev vxlan0 lladdr 02:42:0a:e7:00:0a STALE NOARP'));
  // no state, no lladdr: the row has neither (and no trailing space)
  n.state = [];
  delete n.lladdr;
  assert.ok(run(nodes).findings[0].evidence[2].rows.includes('10.231.0.10 dev vxlan0'));
});

test('vxlan0\'s own multicast rows (`33:33:00:00:00:01 dev vxlan0 self permanent`, no VTEP, as the snapshot shows them on br0 and the veths) are not the driver\'s: no stale finding', () => {
  const nodes = lab();
  ns(node(nodes, 'node2')).fdb.push({ mac: '33:33:00:00:00:01', dev: 'vxlan0', flags: ['self'], state: 'permanent' }, { mac: '01:00:5e:00:00:01', dev: 'vxlan0', flags: ['self'], state: 'permanent' });
  assert.deepEqual(run(nodes).findings, []);
});

test('a stale FDB row that also names a master, and one learned (not permanent): the evidence prints each as bridge fdb does', () => {
  const nodes = lab();
  const n2 = ns(node(nodes, 'node2'));
  n2.fdb.push({ mac: '02:42:0a:e7:00:fe', dev: 'vxlan0', dst: '198.18.0.3', master: 'br0', flags: ['self'], state: 'permanent' });
  n2.fdb.push({ mac: '02:42:0a:e7:00:fd', dev: 'vxlan0', dst: '198.18.0.3', flags: ['self'], state: '' });
  const f = run(nodes).findings;
  assert.deepEqual(f.map((x) => x.message), ['FDB entry 02:42:0a:e7:00:fe dev vxlan0 dst 198.18.0.3 master br0 self permanent matches no peer in the gossip: left over from a task that is gone']);
  assert.ok(f[0].evidence[1].rows.includes('02:42:0a:e7:00:fd dev vxlan0 dst 198.18.0.3 self'));
});

test('a node whose gossip lacks the network: kernel check skipped there, saying the table was not read', () => {
  const nodes = lab();
  delete node(nodes, 'node2').gossip?.networks[TEST_ID];
  assert.deepEqual(run(nodes).skipped, [{ check: 'kernel', node: 'node2', reason: 'swarmnet-test: overlay_peer_table not read' }]);
});

/**
 * The ipspace capture (shared seeds): the overlay namespace 1-3e0ykh53lm of ov0 (192.168.1.0/24) on a node of a
 * 3-node swarm (manager 192.168.33.2), its `bridge fdb show dev vxlan0` and `ip neigh show dev vxlan0` as printed:
 * tasks 192.168.1.4 and .5 on 192.168.33.3. The gossip rows are what the overlay driver programmed those from.
 */
function ipspace(peers: [string, string][]): DoctorNode[] {
  const d: never[] = [];
  const id = '3e0ykh53lmipspace00000000';
  const nsInfo: NamespaceInfo = {
    name: '1-3e0ykh53lm', path: '/var/run/docker/netns/1-3e0ykh53lm', kind: 'overlay', containers: [], routes: [], peers: {},
    interfaces: parseIpLinkText(seed('ipspace-overlay-1-3e0ykh53lm.vxlan0.ip-d-link.txt'), 'ip -d link', d),
    fdb: parseFdbText(seed('ipspace-overlay-1-3e0ykh53lm.fdb.txt'), 'bridge fdb', d),
    neighbors: parseNeighText(seed('ipspace-overlay-1-3e0ykh53lm.neigh.txt'), 'ip neigh', d),
  };
  assert.deepEqual(d, []);
  const model = {
    name: 'ipspace-node', swarm: { nodeId: 'n', nodeAddr: '192.168.33.2', localNodeState: 'active', controlAvailable: true, remoteManagers: [] },
    networks: [{ id, name: 'ov0', driver: 'overlay', scope: 'swarm', subnets: [{ subnet: '192.168.1.0/24' }], vxlanIds: [4097], attachable: false, ingress: false, internal: false, encrypted: false, peers: [], endpoints: [], services: [] }],
    namespaces: [nsInfo], services: [], diagnostics: [], discoveredAt: '2026-12-06T00:00:00Z',
  } as unknown as DoctorNode['model'];
  const overlayPeers = peers.map(([ip, vtep]) => ({ key: `k${ip}`, owner: vtep, value: { endpointIp: `${ip}/24`, endpointMac: `02:42:${ip.split('.').map((b) => Number(b).toString(16).padStart(2, '0')).join(':')}`, tunnelEndpointIp: vtep } }));
  return [{ name: 'ipspace-node', model, ipvs: {}, mangle: {}, gossip: { networks: { [id]: { overlayPeers } } } }];
}

test('captured ipspace overlay namespace: the gossip rows for 192.168.1.4 and .5 on 192.168.33.3 match the printed FDB and neighbours (no finding); a third task with no rows → fdb-missing and neigh-missing', () => {
  assert.deepEqual(run(ipspace([['192.168.1.4', '192.168.33.3'], ['192.168.1.5', '192.168.33.3']])), { findings: [], skipped: [] });
  const f = run(ipspace([['192.168.1.4', '192.168.33.3'], ['192.168.1.5', '192.168.33.3'], ['192.168.1.6', '192.168.33.4']])).findings;
  const cmd = ['nsenter', '--net=/var/run/docker/netns/1-3e0ykh53lm', '--'];
  assert.deepEqual(f.map((x) => [x.code, x.message, x.fix?.commands]), [
    ['kernel/fdb-missing', 'no FDB entry for 192.168.1.6 (02:42:c0:a8:01:06) on vxlan0 in 1-3e0ykh53lm: the gossip says it lives on 192.168.33.4 (192.168.33.4)', [[...cmd, 'bridge', 'fdb', 'replace', '02:42:c0:a8:01:06', 'dev', 'vxlan0', 'dst', '192.168.33.4', 'self', 'permanent']]],
    ['kernel/neigh-missing', 'no neighbour entry for 192.168.1.6 on vxlan0 in 1-3e0ykh53lm (expected lladdr 02:42:c0:a8:01:06, owner 192.168.33.4)', [[...cmd, 'ip', 'neigh', 'replace', '192.168.1.6', 'lladdr', '02:42:c0:a8:01:06', 'dev', 'vxlan0', 'nud', 'permanent']]],
  ]);
  assert.deepEqual(f[0].evidence[1].rows, ['02:42:c0:a8:01:04 dev vxlan0 dst 192.168.33.3 self permanent', '02:42:c0:a8:01:05 dev vxlan0 dst 192.168.33.3 self permanent']);
  assert.deepEqual(f[0].evidence[2].rows, ['192.168.1.5 dev vxlan0 lladdr 02:42:c0:a8:01:05 PERMANENT', '192.168.1.4 dev vxlan0 lladdr 02:42:c0:a8:01:04 PERMANENT']);
});

test('captured ipspace overlay namespace: the gossip no longer has 192.168.1.5 → its printed FDB and neighbour rows are stale, with the delete commands', () => {
  const f = run(ipspace([['192.168.1.4', '192.168.33.3']])).findings;
  const cmd = ['nsenter', '--net=/var/run/docker/netns/1-3e0ykh53lm', '--'];
  assert.deepEqual(f.map((x) => [x.code, x.fix?.commands]), [
    ['kernel/fdb-stale', [[...cmd, 'bridge', 'fdb', 'del', '02:42:c0:a8:01:05', 'dev', 'vxlan0', 'dst', '192.168.33.3', 'self']]],
    ['kernel/neigh-stale', [[...cmd, 'ip', 'neigh', 'del', '192.168.1.5', 'dev', 'vxlan0']]],
  ]);
});

test('a stale FDB row with several flags prints them all, as bridge fdb does (`self extern_learn`)', () => {
  const nodes = lab();
  ns(node(nodes, 'node2')).fdb.push({ mac: '02:42:0a:e7:00:fe', dev: 'vxlan0', dst: '198.18.0.3', flags: ['self', 'extern_learn'], state: 'permanent' });
  assert.deepEqual(run(nodes).findings.map((x) => x.message), ['FDB entry 02:42:0a:e7:00:fe dev vxlan0 dst 198.18.0.3 self extern_learn permanent matches no peer in the gossip: left over from a task that is gone']);
});
