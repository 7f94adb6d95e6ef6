/**
 * A node cut off from the gossip (7946 blocked both ways) as the real lab showed it to CI on 2026-12-07: node1 and
 * node2 no longer listed node3 as a network peer; node3 no longer listed node2 (and still listed node1); node3 had
 * dropped the rows node1 and node2 own, and they had dropped node3's. The doctor then reported node2 as
 * `gossip/not-a-peer` (from node3's view) and 13 `gossip/missing-row` per side. Expected here, written before the
 * change: the cut-off node is the one more of the others leave out, so the findings are node3's only (one per view
 * that leaves it out, both networks); rows between nodes that are not peers are not compared (the membership finding
 * is their cause); rows between nodes that are peers still are. On the lab's snapshot (lab-clean.json).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DoctorNode } from '../../src/core/doctor';
import { gossipAgreement } from '../../src/core/doctor/checks/gossipAgreement';
import { gossipMembership } from '../../src/core/doctor/checks/gossipMembership';
import { gossipTasks } from '../../src/core/doctor/checks/gossipTasks';
import { FIXTURES } from '../helpers';

const NETS = ['qru7ngt575p9svz968elx7f8b', 'jmfcxcaq7jtmijisz50xjtbxi']; // swarmnet-test, ingress
const NAME = { node1: '18cf9a3ce65c', node2: '6c6491854f0d', node3: 'ae6267d2f745' } as const;
type NodeName = keyof typeof NAME;
const lab = (): DoctorNode[] => (JSON.parse(readFileSync(join(FIXTURES, 'doctor', 'lab-clean.json'), 'utf8')) as { nodes: DoctorNode[] }).nodes;
const node = (nodes: DoctorNode[], name: NodeName) => nodes.find((n) => n.name === name) ?? assert.fail(name);
/** The gossip checks' findings (the kernel's FDB is not edited here: the kernel checks would see it as stale). */
const gossipFindings = (nodes: DoctorNode[]) => [gossipMembership, gossipAgreement, gossipTasks].flatMap((c) => c.run({ nodes }).findings);
const codes = (nodes: DoctorNode[]) => gossipFindings(nodes).map((f) => `${f.node} ${f.code}`).sort();

/** `observer` no longer lists `gone` as a peer, and has dropped the rows `gone` owns, on both networks. */
function leaveOut(nodes: DoctorNode[], observer: NodeName, gone: NodeName): void {
  for (const id of NETS) {
    const g = node(nodes, observer).gossip?.networks[id] ?? assert.fail(`${observer} ${id}`);
    assert.ok(g.peers?.some((p) => p.name === NAME[gone]), `${observer} listed ${gone} before`);
    g.peers = g.peers?.filter((p) => p.name !== NAME[gone]);
    g.endpoints = g.endpoints?.filter((r) => r.owner !== NAME[gone]);
    g.overlayPeers = g.overlayPeers?.filter((r) => r.owner !== NAME[gone]);
  }
}

test('the state CI met (node3 cut off; node3 still lists node1, not node2): only node3 is not a peer, once per view that leaves it out; no row is called missing', () => {
  const nodes = lab();
  leaveOut(nodes, 'node1', 'node3');
  leaveOut(nodes, 'node2', 'node3');
  leaveOut(nodes, 'node3', 'node2');
  for (const id of NETS) {
    // node3 had dropped node1's rows too (its tables lag its peer list)
    const g = node(nodes, 'node3').gossip?.networks[id] ?? assert.fail('node3');
    g.endpoints = g.endpoints?.filter((r) => r.owner !== NAME.node1);
    g.overlayPeers = g.overlayPeers?.filter((r) => r.owner !== NAME.node1);
  }
  assert.deepEqual(codes(nodes), Array(4).fill('node3 gossip/not-a-peer'));
});

test('node3 cut off both ways (no one lists it, it lists no one): four node3 findings, nothing on node1 or node2', () => {
  const nodes = lab();
  for (const o of ['node1', 'node2'] as const) {
    leaveOut(nodes, o, 'node3');
    leaveOut(nodes, 'node3', o);
  }
  const findings = gossipFindings(nodes);
  assert.deepEqual(findings.map((f) => `${f.node} ${f.code}`), Array(4).fill('node3 gossip/not-a-peer'));
  assert.deepEqual(findings.map((f) => /but (node\d)'s gossip/.exec(f.message)?.[1]).sort(), ['node1', 'node1', 'node2', 'node2']);
});

test('a split between node1 and node3 only (node2 lists both): neither is more cut off, so each is reported from the other\'s view', () => {
  const nodes = lab();
  leaveOut(nodes, 'node1', 'node3');
  leaveOut(nodes, 'node3', 'node1');
  assert.deepEqual(codes(nodes), [...Array(2).fill('node1 gossip/not-a-peer'), ...Array(2).fill('node3 gossip/not-a-peer')]);
});

test('rows are still compared between peers while a third node is cut off: a row node1 lost that node2 owns is missing on node1', () => {
  const nodes = lab();
  for (const o of ['node1', 'node2'] as const) {
    leaveOut(nodes, o, 'node3');
    leaveOut(nodes, 'node3', o);
  }
  const g1 = node(nodes, 'node1').gossip?.networks[NETS[0]] ?? assert.fail('node1');
  const before = g1.endpoints?.length ?? 0;
  g1.endpoints = g1.endpoints?.filter((r, i) => r.owner !== NAME.node2 || i !== g1.endpoints?.findIndex((x) => x.owner === NAME.node2));
  assert.equal(g1.endpoints?.length, before - 1, 'one row of node2 taken from node1');
  assert.deepEqual(codes(nodes), ['node1 gossip/missing-row', ...Array(4).fill('node3 gossip/not-a-peer')]);
});
