/**
 * The doctor at cluster scale (the synthesized 50-node cluster of bench/doctor.ts) and the equivalence of the
 * indexed lookups that the bench needed with the readable reference they replaced.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecks, type DoctorInput, type DoctorNode } from '../../src/core/doctor';
import { gossipNameToNode, nodeByAddr } from '../../src/core/doctor/scope';
import { injectFaults, synthCluster } from '../../bench/lib/doctorCluster';
import { FIXTURES } from '../helpers';

const SMALL = { nodes: 8, networks: 3, services: 12, replicas: 3 };
const lab = (): DoctorNode[] => (JSON.parse(readFileSync(join(FIXTURES, 'doctor', 'lab-clean.json'), 'utf8')) as { nodes: DoctorNode[] }).nodes;

/** The reference: a node search per cluster peer, as first written. */
function gossipNameToNodeReference(input: DoctorInput): Map<string, DoctorNode> {
  const out = new Map<string, DoctorNode>();
  for (const n of input.nodes) {
    for (const p of n.gossip?.clusterPeers ?? []) {
      const owner = nodeByAddr(input, p.ip);
      if (owner && p.name) out.set(p.name, owner);
    }
  }
  return out;
}
const asNames = (m: Map<string, DoctorNode>) => [...m].map(([k, v]) => `${k}=${v.name}`);

test('gossipNameToNode equals its reference: lab snapshot, synthesized cluster, duplicate and unknown addresses', () => {
  const nodes = synthCluster(SMALL);
  // two nodes claiming the same address (the first wins in both), a peer with an address no node has, one with no name
  const s1 = nodes[1].model.swarm;
  if (s1) s1.nodeAddr = nodes[0].model.swarm?.nodeAddr ?? '';
  nodes[2].gossip?.clusterPeers?.push({ name: 'ffffffffffff', ip: '192.0.2.1' }, { name: '', ip: nodes[3].model.swarm?.nodeAddr ?? '' });
  delete nodes[4].model.swarm;
  for (const input of [{ nodes: lab() }, { nodes: synthCluster(SMALL) }, { nodes }]) {
    const got = asNames(gossipNameToNode(input));
    assert.deepEqual(got, asNames(gossipNameToNodeReference(input)));
    assert.ok(got.length >= 3);
  }
});

test('synthesized cluster: clean gives no finding; each injected fault is found with its code on its node, nothing else', () => {
  assert.deepEqual(runChecks({ nodes: synthCluster(SMALL) }).findings, []);
  const big = { nodes: 50, networks: 10, services: 200, replicas: 4 };
  const nodes = synthCluster(big);
  const expected = injectFaults(nodes);
  const got = [...new Set(runChecks({ nodes }).findings.map((f) => `${f.node} ${f.code}`))].sort();
  assert.deepEqual(got, expected);
});

test('kernel check matches FDB MACs case-insensitively and sees a second FDB row for the same MAC (indexed lookup)', () => {
  const nodes = synthCluster(SMALL);
  const ns = nodes[2].model.namespaces.find((x) => x.kind === 'overlay') ?? assert.fail('overlay');
  ns.fdb[0].mac = ns.fdb[0].mac.toUpperCase();
  assert.deepEqual(runChecks({ nodes }).findings, []);
  // the same MAC also towards a wrong VTEP: still the right one present → no finding; only the wrong one → finding
  ns.fdb.push({ ...ns.fdb[1], dst: '198.18.9.9' });
  assert.deepEqual(runChecks({ nodes }).findings, []);
  ns.fdb.splice(1, 1);
  assert.deepEqual(runChecks({ nodes }).findings.map((f) => `${f.node} ${f.code}`), ['node3 kernel/fdb-wrong-vtep']);
});
