/**
 * The doctor's firewall check (src/core/doctor/checks/firewall.ts) on the real lab snapshot
 * (test/fixtures/doctor/lab-clean.json: node1 manager 198.18.0.1, node2/node3 workers) with real host rule sets:
 *  - the lab's own host filter table (Docker 20.10's rules, captured: real-dumps/lab-node1-host-filter.iptables-save.txt);
 *  - a ufw host captured on this machine (real-dumps/ufw-host-swarm-ports.iptables-save.txt: `ufw default deny
 *    incoming`, 22/tcp, 2377/tcp from 10.0.0.0/8 only, 7946 tcp+udp, 4789/udp).
 * Expected answers, written before the check was first run on them:
 *  - Docker's own rules: nothing (INPUT policy ACCEPT, Docker filters only FORWARD).
 *  - the ufw host on the lab's 198.18.0.0/24 addresses: 2377/tcp to the manager node1 is dropped from node2 and
 *    node3 (allowed from 10.0.0.0/8 only) — one error on node1 naming both; 7946 and 4789 pass; replies pass
 *    (ufw accepts ESTABLISHED); nothing on node2/node3 (workers: no 2377 flow to them).
 *  - the same on 10.0.0.0/8 addresses: nothing.
 *  - with swarmnet-test encrypted: ESP (protocol 50) is not allowed by that ufw set: one error per node (each
 *    receives ESP from the two others), decided by the INPUT policy DROP.
 *  - a node whose iptables-save could not be read: skipped with the reason, never a finding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecks, type DoctorNode, type Finding } from '../../src/core/doctor';
import { firewall } from '../../src/core/doctor/checks/firewall';
import { FIXTURES } from '../helpers';

const dump = (f: string) => readFileSync(join(FIXTURES, 'lint', 'real-dumps', f), 'utf8');
const UFW = dump('ufw-host-swarm-ports.iptables-save.txt');
const DOCKER = dump('lab-node1-host-filter.iptables-save.txt');

function lab(rules: string | undefined): DoctorNode[] {
  const nodes = (JSON.parse(readFileSync(join(FIXTURES, 'doctor', 'lab-clean.json'), 'utf8')) as { nodes: DoctorNode[] }).nodes;
  for (const n of nodes) n.hostRules = rules;
  return nodes;
}

/** Moves the lab to other underlay addresses (198.18.0.N → 10.0.0.N) in every place the check reads them. */
function renumber(nodes: DoctorNode[]): DoctorNode[] {
  return JSON.parse(JSON.stringify(nodes).replace(/198\.18\.0\.(\d+)/g, '10.0.0.$1')) as DoctorNode[];
}

const fw = (nodes: DoctorNode[]) => firewall.run({ nodes });
const brief = (f: Finding) => `${f.node} ${f.code} ${f.severity}`;

test("firewall check: Docker 20.10's own host rules let every swarm port through", () => {
  const r = fw(lab(DOCKER));
  assert.deepEqual(r.findings, []);
  assert.deepEqual(r.skipped, []);
});

test('firewall check: a ufw host that allows 2377/tcp from 10.0.0.0/8 only, on 198.18.0.0/24 → the manager drops 2377 from both workers', () => {
  const r = fw(lab(UFW));
  assert.deepEqual(r.findings.map(brief), ['node1 underlay/firewall-blocks error']);
  const f = r.findings[0];
  assert.match(f.message, /^node1's firewall drops manager port 2377\/tcp arriving on node1 from node2 \(198\.18\.0\.2\), node3 \(198\.18\.0\.3\) \(INPUT, policy DROP of filter\/INPUT\)$/);
  assert.match(f.symptom, /node goes Down/);
  // the evidence walks ufw's chains to the policy, with the allow rule for 10.0.0.0/8 not taken
  const rows = f.evidence[0].rows;
  assert.ok(rows.some((x) => x.includes('-j ufw-before-input')), rows.join('\n'));
  assert.equal(rows.at(-1), 'filter/INPUT policy DROP');
});

test('firewall check: the same ufw host on 10.0.0.0/8 → nothing', () => {
  assert.deepEqual(fw(renumber(lab(UFW))).findings, []);
});

test('firewall check: an encrypted overlay on that ufw host → ESP dropped on every node, from both others', () => {
  const nodes = renumber(lab(UFW));
  for (const n of nodes) for (const net of n.model.networks) if (net.name === 'swarmnet-test') net.encrypted = true;
  const r = fw(nodes);
  assert.deepEqual(r.findings.map(brief).sort(), ['node1 underlay/firewall-blocks error', 'node2 underlay/firewall-blocks error', 'node3 underlay/firewall-blocks error']);
  const n2 = r.findings.find((f) => f.node === 'node2') ?? assert.fail('node2');
  assert.equal(n2.message, "node2's firewall drops ESP (IP protocol 50) arriving on node2 from node1 (10.0.0.1), node3 (10.0.0.3) (INPUT, policy DROP of filter/INPUT)");
});

test('firewall check: one DROP of 7946/udp from node2 on node3 (the lab fault) → exactly that flow, that rule', () => {
  const nodes = lab(DOCKER);
  const n3 = nodes.find((n) => n.name === 'node3') ?? assert.fail('node3');
  n3.hostRules = DOCKER.replace('*filter\n', '*filter\n').replace(/(:OUTPUT ACCEPT[^\n]*\n(?::[^\n]*\n)*)/, '$1-A INPUT -s 198.18.0.2/32 -p udp -m udp --dport 7946 -j DROP\n');
  const r = fw(nodes);
  assert.deepEqual(r.findings.map((f) => f.message), ["node3's firewall drops gossip 7946/udp arriving on node3 from node2 (198.18.0.2) (INPUT, filter/INPUT rule 1: -A INPUT -s 198.18.0.2/32 -p udp -m udp --dport 7946 -j DROP)"]);
});

test('firewall check: an undecidable match on the deciding rule → info "may drop", never an error', () => {
  const nodes = lab(DOCKER);
  const n3 = nodes.find((n) => n.name === 'node3') ?? assert.fail('node3');
  n3.hostRules = DOCKER.replace(/(:OUTPUT ACCEPT[^\n]*\n(?::[^\n]*\n)*)/, '$1-A INPUT -p udp -m udp --dport 7946 -m recent --name scanners --rcheck -j DROP\n');
  const r = fw(nodes);
  assert.ok(r.findings.length > 0);
  for (const f of r.findings) {
    assert.equal(f.code, 'underlay/firewall-may-block');
    assert.equal(f.severity, 'info');
  }
});

test('firewall check: a node whose iptables-save was not read is skipped with the reason; the run as a whole keeps its other checks', () => {
  const nodes = lab(DOCKER);
  nodes[1].hostRules = undefined;
  nodes[1].hostRulesSkipped = 'iptables-save: permission denied';
  const r = fw(nodes);
  assert.deepEqual(r.findings, []);
  assert.deepEqual(r.skipped, [{ check: 'underlay', node: 'node2', reason: 'the host firewall was not read (iptables-save: permission denied): its rules on the swarm ports are not judged' }]);
  assert.deepEqual(runChecks({ nodes }).findings, []);
});
