/**
 * The doctor's load-balancer and routing-mesh checks on CAPTURED real outputs (this kernel has no IPVS): the
 * NeuVector 2-node swarm of the shared seeds — ingress_sbox `ipvsadm -Ln` (FWM 300 → 10.255.0.5), its mangle
 * listing (PREROUTING dpt:1080 MARK 0x12c, OUTPUT 10.255.0.2 MARK 0x12c) and the host's nat DOCKER-INGRESS
 * (dpt:1080 → 172.18.0.2:1080). The service facts (nginx, VIP 10.255.0.2, LocalLBIndex 300, task 10.255.0.5,
 * published 1080:80) are the ones the seed README states. Faults are injected into those texts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks, type DoctorNode } from '../../src/core/doctor';
import type { NodeModel } from '../../src/core/model';
import { seed } from '../helpers';

const INGRESS_ID = 'ingressneuvector000000000';
const TASK_ID = 'nginxtask1neuvector000000';

function node(over: { ipvs?: string; mangle?: string; nat?: string; taskIp?: string } = {}): DoctorNode {
  const model: NodeModel = {
    name: 'neuvector-node1',
    swarm: { nodeId: 'n1', nodeAddr: '192.168.1.10', localNodeState: 'active', controlAvailable: true, remoteManagers: [] },
    networks: [{ id: INGRESS_ID, name: 'ingress', driver: 'overlay', scope: 'swarm', subnets: [{ subnet: '10.255.0.0/16' }], vxlanIds: [4096], attachable: false, ingress: true, internal: false, encrypted: false, peers: [], endpoints: [], services: [{ name: 'nginx', vip: '10.255.0.2', localLbIndex: 300, tasks: [{ name: 'nginx.1', endpointIp: '10.255.0.5' }] }] }],
    namespaces: [{ name: 'ingress_sbox', path: '/var/run/docker/netns/ingress_sbox', kind: 'ingress_sbox', containers: [], interfaces: [], fdb: [], neighbors: [], routes: [], peers: {} }],
    services: [{ id: 's1', name: 'nginx', mode: 'replicated', replicas: 1, ports: [{ protocol: 'tcp', targetPort: 80, publishedPort: 1080, publishMode: 'ingress' }], vips: [{ networkId: INGRESS_ID, addr: '10.255.0.2/16' }], tasks: [{ id: TASK_ID, nodeId: 'n2', state: 'running', addresses: [`${over.taskIp ?? '10.255.0.5'}/16`] }] }],
    diagnostics: [],
    discoveredAt: '2026-12-05T00:00:00Z',
  };
  return {
    name: model.name,
    model,
    gossipSkipped: 'not part of the captured outputs',
    ipvs: { ingress_sbox: over.ipvs ?? seed('neuvector-ingress_sbox.ipvsadm-ln.txt') },
    mangle: { ingress_sbox: over.mangle ?? seed('neuvector-ingress_sbox.mangle.nvL.txt') },
    hostNat: over.nat ?? seed('neuvector-host.nat.DOCKER-INGRESS.nvL.txt'),
  };
}
const codes = (n: DoctorNode) => runChecks({ nodes: [n] }).findings.map((f) => f.code).sort();
const without = (text: string, re: RegExp) => text.split('\n').filter((l) => !re.test(l)).join('\n');

test('captured outputs (NeuVector, no IPVS here): the clean routing mesh gives no finding', () => {
  const r = runChecks({ nodes: [node()] });
  assert.deepEqual(r.findings, []);
  assert.ok(!r.skipped.some((s) => s.check === 'lb' || s.check === 'ingress'), JSON.stringify(r.skipped));
});

test('captured outputs: a real server no running task has → lb/backend-stale (and the real task → lb/backend-missing)', () => {
  assert.deepEqual(codes(node({ taskIp: '10.255.0.9' })), ['lb/backend-missing', 'lb/backend-stale']);
});

test('captured outputs: the FWM service gone from IPVS → lb/fwm-missing', () => {
  const ipvs = seed('neuvector-ingress_sbox.ipvsadm-ln.txt').split('\n').slice(0, 3).join('\n');
  assert.deepEqual(codes(node({ ipvs })), ['lb/fwm-missing']);
});

test('captured outputs: the VIP MARK rule gone from mangle → lb/mark-missing', () => {
  assert.deepEqual(codes(node({ mangle: without(seed('neuvector-ingress_sbox.mangle.nvL.txt'), /10\.255\.0\.2 /) })), ['lb/mark-missing']);
});

test('captured outputs: the DOCKER-INGRESS DNAT removed → ingress/dnat-missing with a fix that re-creates it', () => {
  const r = runChecks({ nodes: [node({ nat: without(seed('neuvector-host.nat.DOCKER-INGRESS.nvL.txt'), /DNAT/) })] });
  assert.deepEqual(r.findings.map((f) => f.code), ['ingress/dnat-missing']);
  // no DNAT left to copy the ingress_sbox address from: no guessed fix
  assert.equal(r.findings[0].fix, undefined);
});

test('captured outputs: the published-port MARK removed from ingress_sbox → ingress/mark-missing', () => {
  assert.deepEqual(codes(node({ mangle: without(seed('neuvector-ingress_sbox.mangle.nvL.txt'), /dpt:1080/) })), ['ingress/mark-missing']);
});

test('a kernel without IPVS (as on the lab): the load-balancer checks are skipped, saying why, not reported', () => {
  const r = runChecks({ nodes: [node({ ipvs: "Can't initialize ipvs: Protocol not available\nAre you sure that IP Virtual Server is built in the kernel or as module?\n" })] });
  assert.deepEqual(r.findings, []);
  assert.ok(r.skipped.some((s) => s.check === 'lb' && /IPVS/.test(s.reason)));
});

/** The host's whole `iptables-save` (what the doctor reads now): the captured DNAT in nat, and the filter table's own
 * DOCKER-INGRESS chain as Docker writes it for a published port (ACCEPT to and from 1080, then RETURN). */
function hostSave(nat: string[]): string {
  return [
    '*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ':DOCKER-INGRESS - [0:0]',
    '-A FORWARD -j DOCKER-INGRESS',
    '-A DOCKER-INGRESS -p tcp -m tcp --dport 1080 -j ACCEPT',
    '-A DOCKER-INGRESS -p tcp -m state --state RELATED,ESTABLISHED -m tcp --sport 1080 -j ACCEPT',
    '-A DOCKER-INGRESS -j RETURN', 'COMMIT',
    '*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ':DOCKER-INGRESS - [0:0]',
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS',
    ...nat,
    '-A DOCKER-INGRESS -j RETURN', 'COMMIT', '',
  ].join('\n');
}

test('the host nat read from a whole iptables-save: the DNAT found in nat; filter\'s own DOCKER-INGRESS chain is not taken for nat', () => {
  const dnat = '-A DOCKER-INGRESS -p tcp -m tcp --dport 1080 -j DNAT --to-destination 172.18.0.2:1080';
  assert.deepEqual(codes(node({ nat: hostSave([dnat]) })), []);
  const r = runChecks({ nodes: [node({ nat: hostSave([]) })] });
  assert.deepEqual(r.findings.map((f) => f.code), ['ingress/dnat-missing']);
  // the evidence shows nat's rules only
  assert.ok(!JSON.stringify(r.findings[0].evidence).includes('--dport 1080 -j ACCEPT'), JSON.stringify(r.findings[0].evidence));
});
