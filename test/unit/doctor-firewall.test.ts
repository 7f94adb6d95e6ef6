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

/** The lab's Docker host rules with extra lines at the top of the filter table's rules. */
function dockerWith(...lines: string[]): string {
  return DOCKER.replace(/(:OUTPUT ACCEPT[^\n]*\n(?::[^\n]*\n)*)/, `$1${lines.map((l) => `${l}\n`).join('')}`);
}
const nodeNamed = (nodes: DoctorNode[], name: string) => nodes.find((n) => n.name === name) ?? assert.fail(name);

test('firewall check: a rule on the interface that holds the swarm address (-i eth0) applies; one on another interface does not', () => {
  const nodes = lab(DOCKER);
  const n2 = nodeNamed(nodes, 'node2');
  // the host namespace need not come first in the model
  n2.model.namespaces = [...n2.model.namespaces.filter((ns) => ns.kind !== 'host'), ...n2.model.namespaces.filter((ns) => ns.kind === 'host')];
  n2.hostRules = dockerWith('-A INPUT -i eth0 -p udp -m udp --dport 7946 -j DROP');
  assert.deepEqual(fw(nodes).findings.map((f) => f.message), ["node2's firewall drops gossip 7946/udp arriving on node2 from node1 (198.18.0.1), node3 (198.18.0.3) (INPUT, filter/INPUT rule 1: -A INPUT -i eth0 -p udp -m udp --dport 7946 -j DROP)"]);
  n2.hostRules = dockerWith('-A INPUT -i docker0 -p udp -m udp --dport 7946 -j DROP');
  assert.deepEqual(fw(nodes).findings, []);
});

test('firewall check: a manager known only from the workers\' remote-manager list still gets 2377/tcp; a worker never does', () => {
  const nodes = lab(UFW);
  nodeNamed(nodes, 'node1').model.swarm = { ...(nodeNamed(nodes, 'node1').model.swarm ?? assert.fail('swarm')), controlAvailable: false };
  assert.deepEqual(fw(nodes).findings.map(brief), ['node1 underlay/firewall-blocks error']);
  for (const n of nodes) if (n.model.swarm) n.model.swarm.remoteManagers = [];
  assert.deepEqual(fw(nodes).findings, [], 'nobody is a manager now: no 2377 flow at all');
});

test('firewall check: VXLAN is judged on the port vxlan0 really uses (a custom data-path port), not 4789', () => {
  const nodes = lab(DOCKER);
  for (const n of nodes) for (const ns of n.model.namespaces) for (const i of ns.interfaces) if (i.name === 'vxlan0' && i.vxlan) i.vxlan.dstport = 4790;
  nodeNamed(nodes, 'node3').hostRules = dockerWith('-A INPUT -p udp -m udp --dport 4789 -j DROP');
  assert.deepEqual(fw(nodes).findings, []);
  nodeNamed(nodes, 'node3').hostRules = dockerWith('-A INPUT -p udp -m udp --dport 4790 -j DROP');
  assert.deepEqual(fw(nodes).findings.map((f) => f.message), ["node3's firewall drops VXLAN 4790/udp arriving on node3 from node1 (198.18.0.1), node2 (198.18.0.2) (INPUT, filter/INPUT rule 1: -A INPUT -p udp -m udp --dport 4790 -j DROP)"]);
  assert.match(fw(nodes).findings[0].symptom, /^overlay traffic between these nodes is dropped/);
});

test('firewall check: no overlay network → no VXLAN flow; 7946 and 2377 are still judged', () => {
  const nodes = lab(dockerWith('-A INPUT -p udp -m udp --dport 4789 -j DROP'));
  for (const n of nodes) n.model.networks = n.model.networks.filter((x) => x.driver !== 'overlay');
  assert.deepEqual(fw(nodes).findings, []);
});

test('firewall check: a default-deny INPUT that opens the swarm ports but forgets ESTABLISHED → the replies of 7946/tcp and 2377/tcp die on the way back', () => {
  const nodes = lab(DOCKER);
  nodeNamed(nodes, 'node2').hostRules = dockerWith('-A INPUT -p tcp -m tcp --dport 7946 -j ACCEPT', '-A INPUT -p udp -m udp --dport 7946 -j ACCEPT', '-A INPUT -p udp -m udp --dport 4789 -j ACCEPT').replace(':INPUT ACCEPT', ':INPUT DROP');
  const r = fw(nodes);
  assert.deepEqual(r.findings.map((f) => f.message).sort(), [
    "node2's firewall drops replies of gossip 7946/tcp arriving on node2 from node1 (198.18.0.1), node3 (198.18.0.3) (INPUT, policy DROP of filter/INPUT)",
    "node2's firewall drops replies of manager port 2377/tcp arriving on node2 from node1 (198.18.0.1) (INPUT, policy DROP of filter/INPUT)",
  ]);
  const rows = r.findings.find((f) => f.message.includes('7946'))?.evidence[0];
  assert.deepEqual(rows, { label: 'INPUT path of replies of gossip 7946/tcp on node2', source: 'iptables-save, evaluated', rows: ['filter/INPUT policy DROP'] });
});

test('firewall check: a REJECT in the sender\'s OUTPUT → "rejects … leaving"', () => {
  const nodes = lab(DOCKER);
  nodeNamed(nodes, 'node1').hostRules = dockerWith('-A OUTPUT -d 198.18.0.3/32 -p udp -m udp --dport 4789 -j REJECT --reject-with icmp-port-unreachable');
  const r = fw(nodes);
  assert.deepEqual(r.findings.map((f) => f.message), ["node1's firewall rejects VXLAN 4789/udp leaving node1 for node3 (198.18.0.3) (OUTPUT, filter/OUTPUT rule 1: -A OUTPUT -d 198.18.0.3/32 -p udp -m udp --dport 4789 -j REJECT --reject-with icmp-port-unreachable)"]);
  assert.deepEqual(r.findings[0].evidence[0].rows, ['filter/OUTPUT #1 -A OUTPUT -d 198.18.0.3/32 -p udp -m udp --dport 4789 -j REJECT --reject-with icmp-port-unreachable → REJECT']);
  assert.deepEqual(r.findings[0].target, { node: 'node1' });
});

test('firewall check: an undecidable match on a logging rule changes nothing (error stays error); on the deciding rule it is "may drop" with the match named', () => {
  for (const target of ['LOG --log-prefix "gossip "', 'NFLOG', 'ULOG', 'AUDIT --type drop', 'TRACE']) {
    const nodes = lab(DOCKER);
    nodeNamed(nodes, 'node3').hostRules = dockerWith(`-A INPUT -p udp -m udp --dport 7946 -m recent --name scanners --rcheck -j ${target}`, '-A INPUT -s 198.18.0.2/32 -p udp -m udp --dport 7946 -j DROP');
    assert.deepEqual(fw(nodes).findings.map(brief), ['node3 underlay/firewall-blocks error'], target);
  }
  const nodes = lab(DOCKER);
  nodeNamed(nodes, 'node3').hostRules = dockerWith('-A INPUT -s 198.18.0.2/32 -p udp -m udp --dport 7946 -m recent --name scanners --rcheck -j DROP');
  const [f, ...rest] = fw(nodes).findings;
  assert.deepEqual(rest, []);
  assert.equal(f.message, "node3's firewall may drop gossip 7946/udp arriving on node3 from node2 (198.18.0.2) (INPUT, filter/INPUT rule 1: -A INPUT -s 198.18.0.2/32 -p udp -m udp --dport 7946 -m recent --name scanners --rcheck -j DROP)");
  assert.match(f.symptom, /^if that rule matches: memberlist probes .* It uses matches the evaluator cannot decide \(.*recent.*\): check it by hand$/);
});

test('firewall check: a node with no swarm address is skipped with the reason', () => {
  const nodes = lab(DOCKER);
  nodeNamed(nodes, 'node3').model.swarm = undefined;
  const r = fw(nodes);
  assert.deepEqual(r.skipped, [{ check: 'underlay', node: 'node3', reason: 'the node has no swarm address (not in a swarm, or its engine did not say): its firewall is not judged' }]);
});

test('firewall check: a peer cut off entirely (-s peer -j DROP) → every swarm flow named with its own consequence', () => {
  const nodes = lab(DOCKER);
  for (const n of nodes) for (const net of n.model.networks) if (net.name === 'swarmnet-test') net.encrypted = true;
  nodeNamed(nodes, 'node1').hostRules = dockerWith('-A INPUT -s 198.18.0.2/32 -j DROP');
  const r = fw(nodes);
  const byFlow = Object.fromEntries(r.findings.map((f) => [/drops (.*) arriving/.exec(f.message)?.[1] ?? f.message, f.symptom]));
  assert.deepEqual(Object.keys(byFlow).sort(), ['ESP (IP protocol 50)', 'VXLAN 4789/udp', 'gossip 7946/tcp', 'gossip 7946/udp', 'manager port 2377/tcp', 'replies of gossip 7946/tcp']);
  assert.equal(byFlow['manager port 2377/tcp'], 'the sender cannot reach this manager: Raft and node heartbeats fail, the node goes Down in `docker node ls` and gets no new tasks');
  assert.equal(byFlow['gossip 7946/tcp'], 'NetworkDB cannot sync its tables over TCP (push/pull): overlay peers, service VIPs and DNS drift apart between these nodes');
  assert.equal(byFlow['gossip 7946/udp'], 'memberlist probes and NetworkDB broadcasts go over UDP: nodes flap as suspect/failed ("Was able to connect … over TCP but UDP probes failed" in dockerd\'s log) and table updates arrive late or never');
  assert.equal(byFlow['VXLAN 4789/udp'], 'overlay traffic between these nodes is dropped: tasks on one cannot reach tasks on the other (timeouts), the routing mesh cannot forward to tasks there');
  assert.equal(byFlow['ESP (IP protocol 50)'], 'encrypted overlay traffic between these nodes is dropped: tasks on encrypted networks cannot reach each other across them');
  for (const f of r.findings) assert.ok(f.message.includes('from node2 (198.18.0.2) (INPUT, filter/INPUT rule 1: -A INPUT -s 198.18.0.2/32 -j DROP)'), f.message);
  assert.equal(firewall.id, 'underlay');
  assert.equal(firewall.title, "the nodes' own firewalls let the swarm's ports through (2377/tcp to managers, 7946/tcp+udp, VXLAN, ESP)");
});

test('firewall check: ports as the kernel sees them — ephemeral source ports for TCP and VXLAN, 7946 for gossip UDP, SYN only on the first packet', () => {
  const nodes = lab(DOCKER);
  // a hardened host: new TCP only from unprivileged ports, UDP gossip only from 7946, VXLAN from any port
  nodeNamed(nodes, 'node3').hostRules = dockerWith(
    '-A INPUT -p tcp -m tcp --sport 1024:65535 --dport 7946 --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT',
    '-A INPUT -p tcp -m tcp --dport 7946 --tcp-flags FIN,SYN,RST,ACK SYN -j DROP',
    '-A INPUT -p udp -m udp --sport 7946 --dport 7946 -j ACCEPT',
    '-A INPUT -p udp -m udp --dport 7946 -j DROP',
    '-A INPUT -p udp -m udp --sport 0:1023 --dport 4789 -j DROP',
  );
  assert.deepEqual(fw(nodes).findings, []);
  // a rule that drops SYN-ACKs: the replies of node3's own connections die, its peers' requests do not
  nodeNamed(nodes, 'node3').hostRules = dockerWith('-A INPUT -p tcp -m tcp --sport 7946 --tcp-flags SYN,ACK SYN,ACK -j DROP');
  assert.deepEqual(fw(nodes).findings.map((f) => f.message), ["node3's firewall drops replies of gossip 7946/tcp arriving on node3 from node1 (198.18.0.1), node2 (198.18.0.2) (INPUT, filter/INPUT rule 1: -A INPUT -p tcp -m tcp --sport 7946 --tcp-flags SYN,ACK SYN,ACK -j DROP)"]);
});

test('firewall check: managers by their own word or by any node\'s remote-manager list (one is enough)', () => {
  const nodes = lab(UFW);
  for (const n of nodes) if (n.model.swarm) n.model.swarm.remoteManagers = [];
  assert.deepEqual(fw(nodes).findings.map(brief), ['node1 underlay/firewall-blocks error'], 'node1 says it is a manager');
  const n1 = nodeNamed(nodes, 'node1').model.swarm ?? assert.fail('swarm');
  n1.controlAvailable = false;
  const n3 = nodeNamed(nodes, 'node3').model.swarm ?? assert.fail('swarm');
  n3.remoteManagers = [{ nodeId: n1.nodeId, addr: '198.18.0.1:2377' }];
  assert.deepEqual(fw(nodes).findings.map(brief), ['node1 underlay/firewall-blocks error'], 'only node3 lists node1');
});

test('firewall check: VXLAN on 4789 when the receiver has no overlay namespace to read the port from; no host namespace in the model → rules without interfaces still judged', () => {
  const nodes = lab(DOCKER);
  const n3 = nodeNamed(nodes, 'node3');
  n3.model.namespaces = n3.model.namespaces.filter((ns) => ns.kind !== 'overlay' && ns.kind !== 'host');
  n3.hostRules = dockerWith('-A INPUT -p udp -m udp --dport 4789 -j DROP');
  assert.deepEqual(fw(nodes).findings.map((f) => f.message), ["node3's firewall drops VXLAN 4789/udp arriving on node3 from node1 (198.18.0.1), node2 (198.18.0.2) (INPUT, filter/INPUT rule 1: -A INPUT -p udp -m udp --dport 4789 -j DROP)"]);
});

test('firewall check: an undecidable jump (not a log) before a clear DROP → "may drop"', () => {
  const nodes = lab(DOCKER);
  nodeNamed(nodes, 'node3').hostRules = dockerWith(':SCAN - [0:0]', '-A INPUT -p udp -m udp --dport 7946 -m recent --name scanners --rcheck -j SCAN', '-A INPUT -s 198.18.0.2/32 -p udp -m udp --dport 7946 -j DROP', '-A SCAN -j RETURN');
  assert.deepEqual(fw(nodes).findings.map(brief), ['node3 underlay/firewall-may-block info']);
});

test('firewall check: a node whose rules were not read and no reason given → "no command access"', () => {
  const nodes = lab(DOCKER);
  nodes[2].hostRules = undefined;
  assert.deepEqual(fw(nodes).skipped.map((s) => s.reason), ['the host firewall was not read (no command access): its rules on the swarm ports are not judged']);
});
