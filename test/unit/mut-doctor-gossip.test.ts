/**
 * The gossip checks (membership, agreement row by row and owner, gossip vs tasks), finding by finding, on the
 * snapshot of the real 3-node lab (test/fixtures/doctor/lab-clean.json: NetworkDB as each engine's diagnostic
 * server gave it, the manager's task list) with one fault at a time. The lab's gossip names: node1 18cf9a3ce65c
 * (198.18.0.1), node2 6c6491854f0d (198.18.0.2), node3 ae6267d2f745 (198.18.0.3). Expected findings are written
 * out from the snapshot's rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DoctorNode, Finding } from '../../src/core/doctor';
import { gossipAgreement } from '../../src/core/doctor/checks/gossipAgreement';
import { gossipMembership } from '../../src/core/doctor/checks/gossipMembership';
import { gossipTasks } from '../../src/core/doctor/checks/gossipTasks';
import type { NetworkGossip } from '../../src/core/doctor/types';
import { FIXTURES } from '../helpers';

const TEST_ID = 'qru7ngt575p9svz968elx7f8b';
const INGRESS_ID = 'jmfcxcaq7jtmijisz50xjtbxi';
const N1 = '18cf9a3ce65c';
const N2 = '6c6491854f0d';
const N3 = 'ae6267d2f745';
const lab = (): DoctorNode[] => (JSON.parse(readFileSync(join(FIXTURES, 'doctor', 'lab-clean.json'), 'utf8')) as { nodes: DoctorNode[] }).nodes;
const node = (nodes: DoctorNode[], name: string) => nodes.find((n) => n.name === name) ?? assert.fail(name);
const g = (nodes: DoctorNode[], name: string, id = TEST_ID): NetworkGossip => node(nodes, name).gossip?.networks[id] ?? assert.fail(`${name} gossip`);
/** web.3 (task ue5mjcme5upi94hgwgtwoc2ta on node2, 10.231.0.5): its row key on swarmnet-test. */
const WEB3_KEY = '9fce725c143565';
const isWeb3 = (r: { key: string }) => r.key.startsWith(WEB3_KEY);
const WEB3_EP = `9fce725c1435… web.3.ue5mjcme5upi94hgwgtwoc2ta 10.231.0.5 (owner ${N2})`;
const WEB3_PEER = `9fce725c1435… 10.231.0.5/24 02:42:0a:e7:00:05 vtep 198.18.0.2 (owner ${N2})`;
const SYMPTOM_EP = 'service discovery and load balancing differ by node: DNS answers or VIP backends miss a task, or name a gone one (NXDOMAIN / connection refused on some nodes only)';
const SYMPTOM_PEER = 'the overlay of this node has no (or a stale) route to that task: connections to it time out from this node only';
const at = (n: string) => ({ node: n, network: 'swarmnet-test', target: { node: n, networkId: TEST_ID } });

test('the clean lab: the three gossip checks find nothing and skip nothing', () => {
  for (const c of [gossipMembership, gossipAgreement, gossipTasks]) assert.deepEqual(c.run({ nodes: lab() }), { findings: [], skipped: [] }, c.id);
});

test('endpoint_table row of web.3 gone on node3 only → gossip/missing-row on node3, with its owner node2\'s row as evidence', () => {
  const nodes = lab();
  g(nodes, 'node3').endpoints = g(nodes, 'node3').endpoints?.filter((r) => !isWeb3(r));
  const expected: Finding = {
    ...at('node3'),
    code: 'gossip/missing-row',
    severity: 'error',
    message: `endpoint_table on node3 lacks ${WEB3_EP}, which its owner node2 holds`,
    symptom: SYMPTOM_EP,
    evidence: [
      { label: 'endpoint_table on node3', source: 'diagnostic server /gettable?tname=endpoint_table', rows: ['(no such row)'] },
      { label: 'endpoint_table on the owner node2', source: '/gettable', rows: [WEB3_EP] },
    ],
  };
  assert.deepEqual(gossipAgreement.run({ nodes }), { findings: [expected], skipped: [] });
});

test('overlay_peer_table row of web.3 gone on node1 → gossip/missing-row on node1 (the overlay symptom)', () => {
  const nodes = lab();
  g(nodes, 'node1').overlayPeers = g(nodes, 'node1').overlayPeers?.filter((r) => !isWeb3(r));
  assert.deepEqual(gossipAgreement.run({ nodes }).findings, [
    {
      ...at('node1'),
      code: 'gossip/missing-row',
      severity: 'error',
      message: `overlay_peer_table on node1 lacks ${WEB3_PEER}, which its owner node2 holds`,
      symptom: SYMPTOM_PEER,
      evidence: [
        { label: 'overlay_peer_table on node1', source: 'diagnostic server /gettable?tname=overlay_peer_table', rows: ['(no such row)'] },
        { label: 'overlay_peer_table on the owner node2', source: '/gettable', rows: [WEB3_PEER] },
      ],
    },
  ]);
});

test('web.3\'s row dropped by its owner node2 (and node3) but kept by node1 → gossip/stale-row on node1 only', () => {
  const nodes = lab();
  for (const n of ['node2', 'node3']) g(nodes, n).endpoints = g(nodes, n).endpoints?.filter((r) => !isWeb3(r));
  assert.deepEqual(gossipAgreement.run({ nodes }).findings, [
    {
      ...at('node1'),
      code: 'gossip/stale-row',
      severity: 'error',
      message: `endpoint_table on node1 still holds ${WEB3_EP}, which its owner node2 no longer has`,
      symptom: SYMPTOM_EP,
      evidence: [
        { label: 'endpoint_table on node1', source: 'diagnostic server /gettable?tname=endpoint_table', rows: [WEB3_EP] },
        { label: 'endpoint_table on the owner node2', source: '/gettable', rows: ['(no such row)'] },
      ],
    },
  ]);
});

test('web.3\'s row with another address on node3 → gossip/row-differs on node3, both rows in the message', () => {
  const nodes = lab();
  const row = g(nodes, 'node3').endpoints?.find(isWeb3) ?? assert.fail('row');
  row.value = { ...row.value, endpointIp: '10.231.0.55' };
  const mine = `9fce725c1435… web.3.ue5mjcme5upi94hgwgtwoc2ta 10.231.0.55 (owner ${N2})`;
  assert.deepEqual(gossipAgreement.run({ nodes }).findings, [
    {
      ...at('node3'),
      code: 'gossip/row-differs',
      severity: 'error',
      message: `endpoint_table row 9fce725c1435… differs on node3 from its owner node2: ${mine} vs ${WEB3_EP}`,
      symptom: SYMPTOM_EP,
      evidence: [
        { label: 'endpoint_table on node3', source: 'diagnostic server /gettable?tname=endpoint_table', rows: [mine] },
        { label: 'endpoint_table on the owner node2', source: '/gettable', rows: [WEB3_EP] },
      ],
    },
  ]);
});

test('a difference outside the described fields (the task alias, the VIP) is a difference too', () => {
  const nodes = lab();
  const row = g(nodes, 'node1').endpoints?.find(isWeb3) ?? assert.fail('row');
  row.value = { ...row.value, taskAliases: ['000000000000'] };
  assert.deepEqual(gossipAgreement.run({ nodes }).findings.map((f) => `${f.node} ${f.code}`), ['node1 gossip/row-differs']);
});

test('the same key held under another owner on node3 is a difference (entry by entry and owner)', () => {
  const nodes = lab();
  const row = g(nodes, 'node3').endpoints?.find(isWeb3) ?? assert.fail('row');
  row.owner = N3;
  assert.deepEqual(gossipAgreement.run({ nodes }).findings.map((f) => [f.node, f.code, f.message]), [
    ['node3', 'gossip/row-differs', `endpoint_table row 9fce725c1435… differs on node3 from its owner node2: 9fce725c1435… web.3.ue5mjcme5upi94hgwgtwoc2ta 10.231.0.5 (owner ${N3}) vs ${WEB3_EP}`],
  ]);
});

test('a row owned by a name no node lists as a cluster peer, held by node2 and node3 → gossip/orphan-row on each holder, its own row as evidence', () => {
  const nodes = lab();
  const ghost = { key: 'f'.repeat(64), owner: 'deadbeef0000', value: { endpointIp: '10.231.0.77/24', endpointMac: '02:42:0a:e7:00:4d', tunnelEndpointIp: '198.18.0.7' } };
  for (const n of ['node2', 'node3']) g(nodes, n).overlayPeers?.push(structuredClone(ghost));
  const desc = 'ffffffffffff… 10.231.0.77/24 02:42:0a:e7:00:4d vtep 198.18.0.7 (owner deadbeef0000)';
  assert.deepEqual(
    gossipAgreement.run({ nodes }).findings,
    ['node2', 'node3'].map((n) => ({
      ...at(n),
      code: 'gossip/orphan-row',
      severity: 'error',
      message: `overlay_peer_table row ${desc} is owned by a node that is not in the cluster any more`,
      symptom: SYMPTOM_PEER,
      evidence: [{ label: `overlay_peer_table on ${n}`, source: 'diagnostic server /gettable?tname=overlay_peer_table', rows: [desc] }],
    })),
  );
});

test('the doctor run on two of the three nodes: rows owned by the third (a cluster peer, not gathered) are not orphans, and not compared', () => {
  const nodes = lab().slice(0, 2);
  assert.deepEqual(gossipAgreement.run({ nodes }), { findings: [], skipped: [] });
  // even when the two disagree about such a row: no authority to judge by
  g(nodes, 'node2').endpoints = g(nodes, 'node2').endpoints?.filter((r) => r.owner !== N3);
  assert.deepEqual(gossipAgreement.run({ nodes }).findings, []);
  // but a row the gathered owner node1 has and node2 lacks is still missing there
  g(nodes, 'node2').endpoints = g(nodes, 'node2').endpoints?.filter((r) => r.owner !== N1 || r.value.name !== 'web.4.hfa54krqp6z47z0ro5dcssvsu');
  assert.deepEqual(gossipAgreement.run({ nodes }).findings.map((f) => `${f.node} ${f.code}`), ['node2 gossip/missing-row']);
});

test('no cluster peer list anywhere: no row can be called an orphan', () => {
  const nodes = lab();
  for (const n of nodes) {
    if (n.gossip) n.gossip.clusterPeers = [];
    for (const id of [TEST_ID, INGRESS_ID]) g(nodes, n.name, id).peers = [];
  }
  g(nodes, 'node2').overlayPeers?.push({ key: 'f'.repeat(64), owner: 'deadbeef0000', value: { endpointIp: '10.231.0.77/24', endpointMac: '02:42:0a:e7:00:4d', tunnelEndpointIp: '198.18.0.7' } });
  assert.deepEqual(gossipAgreement.run({ nodes }).findings, []);
});

test('a single node\'s tables are not compared with anything: no finding even for an orphan row', () => {
  const nodes = lab().slice(0, 1);
  g(nodes, 'node1').endpoints?.push({ key: 'e'.repeat(64), owner: 'deadbeef0000', value: { name: 'x', serviceName: '', serviceId: '', virtualIp: '', endpointIp: '10.231.0.78', taskAliases: [], serviceDisabled: false } });
  assert.deepEqual(gossipAgreement.run({ nodes }), { findings: [], skipped: [] });
});

test('a node no /networkpeers lists for the network is left out of the comparison (gossip/not-a-peer says it); one whose tables were not read is skipped, saying why', () => {
  const nodes = lab();
  for (const n of nodes) g(nodes, n.name).peers = g(nodes, n.name).peers?.filter((p) => p.name !== N3);
  g(nodes, 'node3').endpoints = [];
  assert.deepEqual(gossipAgreement.run({ nodes }), { findings: [], skipped: [] });
  const fresh = lab();
  delete g(fresh, 'node2').endpoints;
  node(fresh, 'node3').gossipSkipped = 'diagnostic server: timeout';
  delete g(fresh, 'node3').overlayPeers;
  assert.deepEqual(gossipAgreement.run({ nodes: fresh }), {
    findings: [],
    skipped: [
      { check: 'gossip', node: 'node2', reason: 'swarmnet-test endpoint_table: not read' },
      { check: 'gossip', node: 'node3', reason: 'swarmnet-test overlay_peer_table: diagnostic server: timeout' },
    ],
  });
  // a node that does not have the network at all is not mentioned
  const third = lab();
  delete g(third, 'node2').endpoints;
  node(third, 'node2').model.networks = node(third, 'node2').model.networks.filter((n) => n.id !== TEST_ID);
  assert.deepEqual(gossipAgreement.run({ nodes: third }).skipped, []);
});

test('node3 left the network\'s gossip (node1 and node2 no longer list it) → gossip/not-a-peer on node3 as seen from each, the whole finding', () => {
  const nodes = lab();
  for (const n of ['node1', 'node2']) g(nodes, n).peers = g(nodes, n).peers?.filter((p) => p.name !== N3);
  const seen = (other: string, rows: string[]): Finding => ({
    ...at('node3'),
    code: 'gossip/not-a-peer',
    severity: 'error',
    message: `node3 has endpoints on swarmnet-test, but ${other}'s gossip does not list it as a peer of that network`,
    symptom: `${other} does not learn node3's tasks (and the other way round): no overlay route between them, DNS and VIPs miss those tasks`,
    evidence: [{ label: `network peers of swarmnet-test as ${other} sees them`, source: '/networkpeers', rows }],
  });
  const first = (n: string) => g(nodes, n).peers?.map((p) => `${p.name} ${p.ip}`) ?? [];
  assert.deepEqual(gossipMembership.run({ nodes }), { findings: [seen('node1', first('node1')), seen('node2', first('node2'))], skipped: [] });
  assert.deepEqual(first('node1'), [`${N1} 198.18.0.1`, `${N2} 198.18.0.2`]);
});

test('gossip/not-a-peer is judged only between nodes that both have the overlay namespace, a gossip name, and (the other) a peer list', () => {
  const drop = () => {
    const nodes = lab();
    for (const n of ['node1', 'node2']) g(nodes, n).peers = g(nodes, n).peers?.filter((p) => p.name !== N3);
    return nodes;
  };
  const codes = (nodes: DoctorNode[]) => gossipMembership.run({ nodes }).findings.map((f) => `${f.node}<-${f.message.split("'s gossip")[0].split('but ')[1]}`);
  let nodes = drop();
  node(nodes, 'node1').model.namespaces = node(nodes, 'node1').model.namespaces.filter((x) => x.name !== '1-qru7ngt575');
  assert.deepEqual(codes(nodes), ['node3<-node2'], 'node1 has no task there: its view is not judged');
  nodes = drop();
  node(nodes, 'node3').model.namespaces = node(nodes, 'node3').model.namespaces.filter((x) => x.name !== '1-qru7ngt575');
  assert.deepEqual(codes(nodes), [], 'node3 has no task there: it need not be a peer');
  nodes = drop();
  delete g(nodes, 'node2').peers;
  assert.deepEqual(codes(nodes), ['node3<-node1'], 'node2\'s peer list was not read');
  nodes = drop();
  for (const n of nodes) if (n.gossip) n.gossip.clusterPeers = n.gossip.clusterPeers?.filter((p) => p.name !== N3);
  assert.deepEqual(codes(nodes), [], 'node3 has no gossip name');
});

test('a stale endpoint_table row (task web.9.zzz… not running) on every node → gossip/stale-endpoint on each, the whole finding', () => {
  const nodes = lab();
  const row = { key: 'f'.repeat(64), owner: N1, value: { name: 'web.9.zzzzzzzzzzzzzzzzzzzzzzzzz', serviceName: 'web', serviceId: 'x', virtualIp: '', endpointIp: '10.231.0.200', taskAliases: [], serviceDisabled: false } };
  for (const n of nodes) g(nodes, n.name).endpoints?.push(structuredClone(row));
  const desc = `web.9.zzzzzzzzzzzzzzzzzzzzzzzzz service web ip 10.231.0.200 vip - (owner ${N1})`;
  const r = gossipTasks.run({ nodes });
  assert.deepEqual(r.skipped, []);
  assert.deepEqual(
    r.findings.map((f) => ({ ...f, evidence: undefined })),
    ['node1', 'node2', 'node3'].map((n) => ({
      ...at(n),
      code: 'gossip/stale-endpoint',
      severity: 'error',
      message: `endpoint_table row ${desc} is for task zzzzzzzzzzzzzzzzzzzzzzzzz, which is not running`,
      symptom: 'DNS for web (tasks.web) and its VIP can still send clients to 10.231.0.200: timeouts or refused connections for some requests',
      evidence: undefined,
    })),
  );
  const ev = r.findings[0].evidence;
  assert.equal(ev.length, 1);
  assert.equal(ev[0].label, 'endpoint_table of swarmnet-test on node1');
  assert.equal(ev[0].source, 'diagnostic server /gettable?tname=endpoint_table');
  assert.equal(ev[0].rows.length, 10);
  assert.ok(ev[0].rows.includes(desc));
  assert.ok(ev[0].rows.includes(`web.3.ue5mjcme5upi94hgwgtwoc2ta service web ip 10.231.0.5 vip 10.231.0.2 (owner ${N2})`));
});

test('rows that are no task\'s (the ingress-endpoint rows: no service; a name without a task id) are never stale endpoints', () => {
  const nodes = lab();
  const ingressRows = g(nodes, 'node1', INGRESS_ID).endpoints?.filter((r) => r.value.name === 'ingress-endpoint') ?? [];
  assert.equal(ingressRows.length, 3);
  g(nodes, 'node1').endpoints?.push({ key: 'a'.repeat(64), owner: N1, value: { name: 'web.9.zzzzzzzzzzzzzzzzzzzzzzzzz', serviceName: '', serviceId: '', virtualIp: '', endpointIp: '10.231.0.201', taskAliases: [], serviceDisabled: false } });
  g(nodes, 'node1').endpoints?.push({ key: 'b'.repeat(64), owner: N1, value: { name: 'web-9', serviceName: 'web', serviceId: '', virtualIp: '', endpointIp: '10.231.0.202', taskAliases: [], serviceDisabled: false } });
  assert.deepEqual(gossipTasks.run({ nodes }).findings, []);
});

test('task web.3 failed (the manager says so) while its rows stay → gossip/stale-endpoint for its rows on both networks on every node', () => {
  const nodes = lab();
  const t = node(nodes, 'node1').model.services.flatMap((s) => s.tasks).find((x) => x.id === 'ue5mjcme5upi94hgwgtwoc2ta') ?? assert.fail('task');
  t.state = 'failed';
  assert.deepEqual(gossipTasks.run({ nodes }).findings.map((f) => `${f.network} ${f.node} ${f.code} ${f.message.split(' ')[2]}`), [
    'ingress node1 gossip/stale-endpoint web.3.ue5mjcme5upi94hgwgtwoc2ta',
    'ingress node2 gossip/stale-endpoint web.3.ue5mjcme5upi94hgwgtwoc2ta',
    'ingress node3 gossip/stale-endpoint web.3.ue5mjcme5upi94hgwgtwoc2ta',
    'swarmnet-test node1 gossip/stale-endpoint web.3.ue5mjcme5upi94hgwgtwoc2ta',
    'swarmnet-test node2 gossip/stale-endpoint web.3.ue5mjcme5upi94hgwgtwoc2ta',
    'swarmnet-test node3 gossip/stale-endpoint web.3.ue5mjcme5upi94hgwgtwoc2ta',
  ]);
});

test('running task web.3 with no endpoint_table row on any node → gossip/missing-endpoint on its node (node2), the whole finding', () => {
  const nodes = lab();
  for (const n of nodes) g(nodes, n.name).endpoints = g(nodes, n.name).endpoints?.filter((r) => !isWeb3(r));
  const expected: Finding = {
    ...at('node2'),
    code: 'gossip/missing-endpoint',
    severity: 'error',
    message: 'running task web ue5mjcme5upi94hgwgtwoc2ta (10.231.0.5) has no endpoint_table row on any node (read on node1, node2, node3)',
    symptom: "web's name and VIP never lead to 10.231.0.5; `tasks.web` lacks it",
    evidence: [{ label: 'running task (manager)', source: 'docker API /tasks', rows: ['web ue5mjcme5upi94hgwgtwoc2ta 10.231.0.5 node ejnpmyo7nxutjrr5k6ujm8a3y'] }],
  };
  assert.deepEqual(gossipTasks.run({ nodes }), { findings: [expected], skipped: [] });
});

test('gossip/missing-endpoint: only nodes that read the table and have the network\'s namespace count; a task on no gathered node is reported on the first reader', () => {
  const nodes = lab();
  for (const n of nodes) g(nodes, n.name).endpoints = g(nodes, n.name).endpoints?.filter((r) => !isWeb3(r));
  delete g(nodes, 'node1').endpoints;
  node(nodes, 'node3').model.namespaces = node(nodes, 'node3').model.namespaces.filter((x) => x.name !== '1-qru7ngt575');
  // node3 still holds every other row: it does not count as a reader without the namespace
  const t = node(nodes, 'node1').model.services.flatMap((s) => s.tasks).find((x) => x.id === 'ue5mjcme5upi94hgwgtwoc2ta') ?? assert.fail('task');
  t.nodeId = 'nosuchnode0000000000000000';
  const f = gossipTasks.run({ nodes }).findings;
  assert.deepEqual(f.map((x) => [x.node, x.code, x.message, x.target]), [
    ['node2', 'gossip/missing-endpoint', 'running task web ue5mjcme5upi94hgwgtwoc2ta (10.231.0.5) has no endpoint_table row on any node (read on node2)', { node: 'node2', networkId: TEST_ID }],
  ]);
  // nobody read the table: nothing can be said to be missing
  delete g(nodes, 'node2').endpoints;
  assert.deepEqual(gossipTasks.run({ nodes }).findings, []);
});

test('without a manager among the nodes gossip-vs-tasks is skipped, saying why, even with a stale row', () => {
  const nodes = lab().slice(1);
  g(nodes, 'node2').endpoints?.push({ key: 'f'.repeat(64), owner: N1, value: { name: 'web.9.zzzzzzzzzzzzzzzzzzzzzzzzz', serviceName: 'web', serviceId: 'x', virtualIp: '', endpointIp: '10.231.0.200', taskAliases: [], serviceDisabled: false } });
  assert.deepEqual(gossipTasks.run({ nodes }), { findings: [], skipped: [{ check: 'gossip-tasks', reason: 'no manager among the nodes: the task list is only served by managers' }] });
});

test('no /networkpeers read on any node: every node that read its tables takes part (a row node3 lacks is still missing there)', () => {
  const nodes = lab();
  for (const n of nodes) delete g(nodes, n.name).peers;
  g(nodes, 'node3').endpoints = g(nodes, 'node3').endpoints?.filter((r) => !isWeb3(r));
  assert.deepEqual(gossipAgreement.run({ nodes }).findings.map((f) => `${f.node} ${f.code}`), ['node3 gossip/missing-row']);
});

test('a node whose gossip lacks the network, and a node with no gossip at all, are neither compared nor a crash (each check)', () => {
  const nodes = lab();
  delete node(nodes, 'node2').gossip?.networks[TEST_ID];
  delete node(nodes, 'node3').gossip;
  node(nodes, 'node3').gossipSkipped = 'diagnostic server off';
  g(nodes, 'node1').endpoints?.push({ key: 'f'.repeat(64), owner: N1, value: { name: 'web.9.zzzzzzzzzzzzzzzzzzzzzzzzz', serviceName: 'web', serviceId: 'x', virtualIp: '', endpointIp: '10.231.0.200', taskAliases: [], serviceDisabled: false } });
  assert.deepEqual(gossipAgreement.run({ nodes }).findings, []);
  assert.deepEqual(gossipMembership.run({ nodes }).findings, []);
  assert.deepEqual(gossipTasks.run({ nodes }).findings.map((f) => `${f.node} ${f.code}`), ['node1 gossip/stale-endpoint']);
  // web.3's row gone where it was read (node1 only): missing, read on node1
  g(nodes, 'node1').endpoints = g(nodes, 'node1').endpoints?.filter((r) => !isWeb3(r) && r.key !== 'f'.repeat(64));
  assert.deepEqual(gossipTasks.run({ nodes }).findings.map((f) => f.message), ['running task web ue5mjcme5upi94hgwgtwoc2ta (10.231.0.5) has no endpoint_table row on any node (read on node1)']);
});

test('cluster peer lists not read anywhere (absent, not empty): no row is called an orphan', () => {
  const nodes = lab();
  for (const n of nodes) {
    delete n.gossip?.clusterPeers;
    for (const id of [TEST_ID, INGRESS_ID]) g(nodes, n.name, id).peers = [];
  }
  g(nodes, 'node2').overlayPeers?.push({ key: 'f'.repeat(64), owner: 'deadbeef0000', value: { endpointIp: '10.231.0.77/24', endpointMac: '02:42:0a:e7:00:4d', tunnelEndpointIp: '198.18.0.7' } });
  assert.deepEqual(gossipAgreement.run({ nodes }).findings, []);
});

test('a node that dropped itself from its own peer list is not judged by its own view: node3 is reported by node1 and node2 only', () => {
  const nodes = lab();
  for (const n of nodes) g(nodes, n.name).peers = g(nodes, n.name).peers?.filter((p) => p.name !== N3);
  assert.deepEqual(gossipMembership.run({ nodes }).findings.map((f) => f.message.split(', but ')[1]), [
    "node1's gossip does not list it as a peer of that network",
    "node2's gossip does not list it as a peer of that network",
  ]);
});

test('gossip/missing-endpoint with a node that has no swarm information among the nodes: the task is still placed on its node', () => {
  const nodes = lab();
  for (const n of nodes) g(nodes, n.name).endpoints = g(nodes, n.name).endpoints?.filter((r) => !isWeb3(r));
  const bare: DoctorNode = { ...node(nodes, 'node3'), name: 'bare', gossip: undefined, model: { ...node(nodes, 'node3').model, swarm: undefined, namespaces: [] } };
  assert.deepEqual(gossipTasks.run({ nodes: [bare, ...nodes] }).findings.map((f) => `${f.node} ${f.code}`), ['node2 gossip/missing-endpoint']);
});
