/**
 * DNS vs tasks (checks/dns.ts), finding by finding, on the embedded-DNS answers of the real 3-node lab snapshot
 * (test/fixtures/doctor/lab-clean.json: busybox nslookup against 127.0.0.11 from a task sandbox on each node;
 * web's VIP on swarmnet-test 10.231.0.2, its six running tasks, echo's VIP 10.231.0.9) with one fault at a time.
 * The NXDOMAIN text is busybox's as the lab prints it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DoctorNode, Finding } from '../../src/core/doctor';
import { dns } from '../../src/core/doctor/checks/dns';
import type { DnsQuery } from '../../src/core/doctor/dns';
import { FIXTURES } from '../helpers';

const TEST_ID = 'qru7ngt575p9svz968elx7f8b';
const SANDBOX = '1c3711c199f6';
const WEB_TASKS = ['10.231.0.16', '10.231.0.17', '10.231.0.3', '10.231.0.5', '10.231.0.6', '10.231.0.8'];
const NXDOMAIN = "Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n** server can't find web: NXDOMAIN\n";
const lab = (): DoctorNode[] => (JSON.parse(readFileSync(join(FIXTURES, 'doctor', 'lab-clean.json'), 'utf8')) as { nodes: DoctorNode[] }).nodes;
const node = (nodes: DoctorNode[], name: string) => nodes.find((n) => n.name === name) ?? assert.fail(name);
const query = (nodes: DoctorNode[], name: string, on = 'node1'): DnsQuery => node(nodes, on).dns?.find((q) => q.name === name) ?? assert.fail(name);
const only = (nodes: DoctorNode[], on: string) => nodes.map((n) => (n.name === on ? n : { ...n, dns: [] }));
const run = (nodes: DoctorNode[]) => dns.run({ nodes });
const at = { node: 'node1', network: 'swarmnet-test', target: { node: 'node1', namespace: SANDBOX, networkId: TEST_ID } };

test('the clean lab: every answer matches the manager\'s VIPs and running tasks', () => {
  assert.deepEqual(run(lab()), { findings: [], skipped: [] });
});

test('web NXDOMAIN from node1\'s task sandbox → dns/nxdomain, the whole finding with busybox\'s output and the expected VIP as evidence', () => {
  const nodes = lab();
  Object.assign(query(nodes, 'web'), { output: NXDOMAIN, addresses: [], nxdomain: true });
  const expected: Finding = {
    ...at,
    code: 'dns/nxdomain',
    severity: 'error',
    message: `web is NXDOMAIN from node1 (${SANDBOX}), though web has a VIP on swarmnet-test: 10.231.0.2`,
    symptom: 'clients on node1 cannot resolve web: "could not resolve host" until the gossip is repaired (moby#53141)',
    evidence: [
      { label: `web from task sandbox ${SANDBOX} on node1`, source: 'busybox web 127.0.0.11 (nsenter)', rows: ['Server:\t\t127.0.0.11', 'Address:\t127.0.0.11:53', "** server can't find web: NXDOMAIN"] },
      { label: 'expected (manager: VIP and running tasks)', source: 'docker API /services, /tasks', rows: ['10.231.0.2'] },
    ],
  };
  assert.deepEqual(run(only(nodes, 'node1')), { findings: [expected], skipped: [] });
});

test('tasks.web NXDOMAIN → dns/nxdomain saying web has running tasks, listing them; no dns/missing-task beside it', () => {
  const nodes = lab();
  Object.assign(query(nodes, 'tasks.web'), { output: NXDOMAIN.replace('find web', 'find tasks.web'), addresses: [], nxdomain: true });
  const f = run(only(nodes, 'node1')).findings;
  assert.deepEqual(f.map((x) => [x.code, x.message]), [['dns/nxdomain', `tasks.web is NXDOMAIN from node1 (${SANDBOX}), though web has running tasks on swarmnet-test: ${WEB_TASKS.join(', ')}`]]);
  assert.equal(f[0].symptom, 'clients on node1 cannot resolve tasks.web: "could not resolve host" until the gossip is repaired (moby#53141)');
  assert.deepEqual(f[0].evidence[1].rows, WEB_TASKS);
});

test('tasks.web answering a gone task 10.231.0.249 → dns/stale-task; lacking 10.231.0.5 → dns/missing-task (warning)', () => {
  const nodes = lab();
  query(nodes, 'tasks.web').addresses = [...WEB_TASKS.filter((a) => a !== '10.231.0.5'), '10.231.0.249'];
  const f = run(only(nodes, 'node1')).findings;
  assert.deepEqual(
    f.map((x) => ({ ...x, evidence: x.evidence.map((e) => e.label) })),
    [
      { ...at, code: 'dns/stale-task', severity: 'error', message: 'tasks.web from node1 answers 10.231.0.249, which no running task of web has', symptom: 'some lookups of tasks.web on node1 lead to an address nothing listens on: timeouts', evidence: [`tasks.web from task sandbox ${SANDBOX} on node1`, 'expected (manager: VIP and running tasks)'] },
      { ...at, code: 'dns/missing-task', severity: 'warning', message: 'tasks.web from node1 lacks 10.231.0.5', symptom: 'clients on node1 never reach 10.231.0.5 by name', evidence: [`tasks.web from task sandbox ${SANDBOX} on node1`, 'expected (manager: VIP and running tasks)'] },
    ],
  );
});

test('web answering another address than its VIP → dns/wrong-vip (and the VIP missing from the answer)', () => {
  const nodes = lab();
  query(nodes, 'web').addresses = ['10.231.0.99'];
  assert.deepEqual(run(only(nodes, 'node1')).findings.map((x) => [x.code, x.severity, x.message]), [
    ['dns/wrong-vip', 'error', 'web from node1 answers 10.231.0.99, which is not the VIP of web (10.231.0.2)'],
    ['dns/missing-task', 'warning', 'web from node1 lacks 10.231.0.2'],
  ]);
});

test('a dnsrr service (no VIP): its name must answer exactly its running tasks', () => {
  const nodes = lab();
  const web = node(nodes, 'node1').model.services.find((s) => s.name === 'web') ?? assert.fail('web');
  web.vips = [];
  query(nodes, 'web').addresses = [...WEB_TASKS];
  assert.deepEqual(run(only(nodes, 'node1')).findings, []);
  query(nodes, 'web').addresses = WEB_TASKS.slice(1);
  assert.deepEqual(run(only(nodes, 'node1')).findings.map((x) => x.message), ['web from node1 lacks 10.231.0.16']);
});

test('the VIP is the one on the queried network: web\'s ingress VIP 10.0.0.5 is not its swarmnet-test answer', () => {
  const nodes = lab();
  query(nodes, 'web').addresses = ['10.0.0.5'];
  assert.deepEqual(run(only(nodes, 'node1')).findings.map((x) => x.code), ['dns/wrong-vip', 'dns/missing-task']);
});

test('a service with nothing running: NXDOMAIN is right (no finding); an answer is stale, and the evidence says nothing runs', () => {
  const nodes = lab();
  for (const t of node(nodes, 'node1').model.services.find((s) => s.name === 'web')?.tasks ?? []) t.state = 'shutdown';
  Object.assign(query(nodes, 'tasks.web'), { addresses: [], nxdomain: true });
  assert.deepEqual(run(only(nodes, 'node1')).findings, []);
  Object.assign(query(nodes, 'tasks.web'), { addresses: ['10.231.0.3'], nxdomain: false });
  const f = run(only(nodes, 'node1')).findings;
  assert.deepEqual(f.map((x) => x.code), ['dns/stale-task']);
  assert.deepEqual(f[0].evidence[1].rows, ['(no address: nothing running)']);
});

test('what is not judged: a query with no answer read, a query on a network out of scope or unknown; a worker\'s service list does not give the expected VIP', () => {
  const nodes = lab();
  delete query(nodes, 'web').addresses;
  query(nodes, 'echo').networkId = 'zzzzzzzzzzzzzzzzzzzzzzzzz';
  query(nodes, 'echo').addresses = ['10.9.9.9'];
  assert.deepEqual(run(only(nodes, 'node1')).findings, []);
  const scoped = lab();
  query(scoped, 'tasks.web').addresses = ['10.231.0.249'];
  assert.deepEqual(dns.run({ nodes: only(scoped, 'node1'), network: 'ingress' }).findings, []);
  // node2 (a worker) lists web with another VIP: ignored, the manager's is expected
  const w = lab();
  node(w, 'node2').model.services = structuredClone(node(w, 'node1').model.services).map((s) => ({ ...s, vips: s.vips.map((v) => ({ ...v, addr: '10.231.0.250/24' })) }));
  assert.deepEqual(run(w).findings, []);
});

test('the evidence\'s source names the tool (nslookup when none recorded) and an answer with no output has no rows', () => {
  const nodes = lab();
  const q = query(nodes, 'web');
  q.addresses = ['10.231.0.99'];
  delete q.tool;
  delete q.output;
  const f = run(only(nodes, 'node1')).findings[0];
  assert.deepEqual(f.evidence[0], { label: `web from task sandbox ${SANDBOX} on node1`, source: 'nslookup web 127.0.0.11 (nsenter)', rows: [] });
});

test('no manager among the nodes: DNS is skipped, saying why; a node with no sandbox to query from says its own reason', () => {
  const nodes = lab();
  query(nodes, 'web', 'node2').addresses = ['10.231.0.99'];
  assert.deepEqual(dns.run({ nodes: nodes.slice(1) }), { findings: [], skipped: [{ check: 'dns', reason: 'no manager among the nodes: the expected answers need the service and task lists' }] });
  node(nodes, 'node3').dnsSkipped = 'no task sandbox on node3 to query 127.0.0.11 from';
  delete node(nodes, 'node3').dns;
  const r = run(nodes);
  assert.deepEqual(r.skipped, [{ check: 'dns', node: 'node3', reason: 'no task sandbox on node3 to query 127.0.0.11 from' }]);
  assert.deepEqual(r.findings.map((f) => `${f.node} ${f.code}`), ['node2 dns/wrong-vip', 'node2 dns/missing-task']);
});

test('two stale and two missing addresses are all named; a dnsrr service\'s expected tasks are listed in order', () => {
  const nodes = lab();
  query(nodes, 'tasks.web').addresses = ['10.231.0.16', '10.231.0.17', '10.231.0.3', '10.231.0.5', '10.231.0.248', '10.231.0.249'];
  assert.deepEqual(run(only(nodes, 'node1')).findings.map((x) => [x.message, x.symptom]), [
    ['tasks.web from node1 answers 10.231.0.248, 10.231.0.249, which no running task of web has', 'some lookups of tasks.web on node1 lead to an address nothing listens on: timeouts'],
    ['tasks.web from node1 lacks 10.231.0.6, 10.231.0.8', 'clients on node1 never reach 10.231.0.6, 10.231.0.8 by name'],
  ]);
  const rr = lab();
  (node(rr, 'node1').model.services.find((s) => s.name === 'web') ?? assert.fail('web')).vips = [];
  query(rr, 'web').addresses = ['10.231.0.99'];
  assert.deepEqual(run(only(rr, 'node1')).findings[0].evidence[1].rows, WEB_TASKS);
});

test('a query for a service the manager does not list, and nodes without swarm information or without DNS answers, are passed over', () => {
  const nodes = lab();
  const q = query(nodes, 'web');
  node(nodes, 'node1').dns?.push({ ...q, name: 'ghost', service: 'ghost', addresses: [], nxdomain: true });
  const bare: DoctorNode = { ...node(nodes, 'node2'), name: 'bare', model: { ...node(nodes, 'node2').model, swarm: undefined } };
  delete bare.dns;
  assert.deepEqual(dns.run({ nodes: [bare, ...only(nodes, 'node1')] }), { findings: [], skipped: [] });
});

test('a dnsrr service (no VIP) answering a gone task by its name → dns/stale-task "no running task", not a wrong VIP; its NXDOMAIN says it has running tasks', () => {
  const nodes = lab();
  (node(nodes, 'node1').model.services.find((s) => s.name === 'web') ?? assert.fail('web')).vips = [];
  query(nodes, 'web').addresses = [...WEB_TASKS, '10.231.0.249'];
  assert.deepEqual(run(only(nodes, 'node1')).findings.map((x) => [x.code, x.message]), [['dns/stale-task', 'web from node1 answers 10.231.0.249, which no running task of web has']]);
  Object.assign(query(nodes, 'web'), { addresses: [], nxdomain: true });
  assert.deepEqual(run(only(nodes, 'node1')).findings.map((x) => x.message), [`web is NXDOMAIN from node1 (${SANDBOX}), though web has running tasks on swarmnet-test: ${WEB_TASKS.join(', ')}`]);
});

test('a worker listed before the manager, with a stale copy of the service list: the manager\'s VIP is still the expected answer', () => {
  const nodes = lab();
  node(nodes, 'node2').model.services = structuredClone(node(nodes, 'node1').model.services).map((s) => ({ ...s, vips: s.vips.map((v) => ({ ...v, addr: '10.231.0.250/24' })) }));
  const order = [node(nodes, 'node2'), node(nodes, 'node1'), node(nodes, 'node3')];
  assert.deepEqual(dns.run({ nodes: order }).findings, []);
});
