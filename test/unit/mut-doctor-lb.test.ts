/**
 * Load balancer vs tasks and the routing mesh (checks/loadBalancer.ts, checks/ingress.ts), finding by finding, on
 * CAPTURED real outputs (this kernel has no IPVS; the shared seeds, facts from their README):
 * - NeuVector: ingress_sbox `ipvsadm -Ln` FWM 300 → 10.255.0.5, mangle (PREROUTING dpt:1080 MARK 0x12c, OUTPUT
 *   10.255.0.2 MARK 0x12c), host nat DOCKER-INGRESS dpt:1080 → 172.18.0.2:1080; nginx, VIP 10.255.0.2, 1080:80;
 * - ipspace: ingress_sbox FWM 256 → 10.0.0.7/.8/.9, mangle -S (dport 8080 and -d 10.0.0.6 MARK 0x100); websvc 8080:80;
 * - schoolofdevops: a task's `ipvsadm` without -n (names, not addresses); a standalone container's -p 8080 DNAT
 *   (ipspace-swarm-standalone-published), which lives in chain DOCKER, not DOCKER-INGRESS.
 * Faults are injected into those texts or into the task list.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DoctorNode, Finding } from '../../src/core/doctor';
import { ingressMesh } from '../../src/core/doctor/checks/ingress';
import { lbNamespace, loadBalancer } from '../../src/core/doctor/checks/loadBalancer';
import type { NodeModel, ServiceInfo } from '../../src/core/model';
import { seed } from '../helpers';

const INGRESS_ID = 'ingressneuvector000000000';
const NODE = 'neuvector-node1';
const without = (text: string, re: RegExp) => text.split('\n').filter((l) => !re.test(l)).join('\n');

interface Over {
  ipvs?: string;
  mangle?: string;
  nat?: string | null;
  taskIps?: string[];
  /** the network's own view of the service's tasks (docker network inspect --verbose) */
  netTasks?: string[];
  manager?: boolean;
  services?: ServiceInfo[];
  localLbIndex?: number;
  vip?: string;
}

/** The NeuVector node as the seeds show it (nginx's one task, on the other node). */
function neuvector(o: Over = {}): DoctorNode {
  const model: NodeModel = {
    name: NODE,
    swarm: { nodeId: 'n1', nodeAddr: '192.168.1.10', localNodeState: 'active', controlAvailable: o.manager ?? true, remoteManagers: [] },
    networks: [
      {
        id: INGRESS_ID, name: 'ingress', driver: 'overlay', scope: 'swarm', subnets: [{ subnet: '10.255.0.0/16' }], vxlanIds: [4096], attachable: false, ingress: true, internal: false, encrypted: false, peers: [], endpoints: [],
        services: [{ name: 'nginx', vip: o.vip ?? '10.255.0.2', localLbIndex: o.localLbIndex ?? 300, tasks: (o.netTasks ?? ['10.255.0.5']).map((ip, i) => ({ name: `nginx.${i + 1}`, endpointIp: ip })) }],
      },
    ],
    namespaces: [{ name: 'ingress_sbox', path: '/var/run/docker/netns/ingress_sbox', kind: 'ingress_sbox', containers: [], interfaces: [], fdb: [], neighbors: [], routes: [], peers: {} }],
    services: o.services ?? [
      {
        id: 's1', name: 'nginx', mode: 'replicated', replicas: 1, ports: [{ protocol: 'tcp', targetPort: 80, publishedPort: 1080, publishMode: 'ingress' }], vips: [{ networkId: INGRESS_ID, addr: '10.255.0.2/16' }],
        tasks: (o.taskIps ?? ['10.255.0.5']).map((ip, i) => ({ id: `nginxtask${i}neuvector00000000`.slice(0, 25), nodeId: 'n2', state: 'running', addresses: [`${ip}/16`] })),
      },
    ],
    diagnostics: [],
    discoveredAt: '2026-12-05T00:00:00Z',
  };
  const node: DoctorNode = { name: NODE, model, ipvs: { ingress_sbox: o.ipvs ?? seed('neuvector-ingress_sbox.ipvsadm-ln.txt') }, mangle: { ingress_sbox: o.mangle ?? seed('neuvector-ingress_sbox.mangle.nvL.txt') } };
  if (o.nat !== null) node.hostNat = o.nat ?? seed('neuvector-host.nat.DOCKER-INGRESS.nvL.txt');
  return node;
}
const lb = (n: DoctorNode) => loadBalancer.run({ nodes: [n] });
const mesh = (n: DoctorNode) => ingressMesh.run({ nodes: [n] });
const base = { node: NODE, network: 'ingress', target: { node: NODE, namespace: 'ingress_sbox', networkId: INGRESS_ID } };
const ipvsEvidence = (rows: string[], tasks: string[]) => [
  { label: `IPVS FWM 300 in ingress_sbox on ${NODE}`, source: 'ipvsadm -Ln (ns ingress_sbox)', rows },
  { label: 'running tasks of nginx on ingress', source: 'docker API /tasks (manager)', rows: tasks },
];

test('the clean NeuVector capture: no load-balancer or routing-mesh finding, nothing skipped', () => {
  assert.deepEqual(lb(neuvector()), { findings: [], skipped: [] });
  assert.deepEqual(mesh(neuvector()), { findings: [], skipped: [] });
});

test('nginx\'s task moved to 10.255.0.9 while IPVS still has 10.255.0.5 → lb/backend-missing (warning) and lb/backend-stale (error), whole findings', () => {
  const evidence = ipvsEvidence(['-> 10.255.0.5:0 Masq w1'], ['10.255.0.9']);
  const expected: Finding[] = [
    { ...base, code: 'lb/backend-missing', severity: 'warning', message: "nginx's task 10.255.0.9 is not a real server of FWM 300 in ingress_sbox", symptom: `from ${NODE}, the VIP never sends connections to 10.255.0.9`, evidence },
    { ...base, code: 'lb/backend-stale', severity: 'error', message: 'FWM 300 in ingress_sbox still balances to 10.255.0.5, which no running task of nginx has', symptom: `from ${NODE}, some connections to nginx's VIP 10.255.0.2 time out or are refused (1 in 1)`, evidence },
  ];
  assert.deepEqual(lb(neuvector({ taskIps: ['10.255.0.9'] })), { findings: expected, skipped: [] });
});

test('the FWM 300 service gone from the capture → lb/fwm-missing, whole finding', () => {
  const ipvs = seed('neuvector-ingress_sbox.ipvsadm-ln.txt').split('\n').slice(0, 3).join('\n');
  assert.deepEqual(lb(neuvector({ ipvs })).findings, [
    { ...base, code: 'lb/fwm-missing', severity: 'error', message: "no IPVS service for nginx's VIP 10.255.0.2 (FWM 300) in ingress_sbox", symptom: `connections from ${NODE} to nginx's VIP 10.255.0.2 are not load balanced: they time out`, evidence: ipvsEvidence(['(no FWM service)'], ['10.255.0.5']) },
  ]);
});

test('a TCP virtual service on the same number is not the FWM service → lb/fwm-missing', () => {
  const ipvs = seed('neuvector-ingress_sbox.ipvsadm-ln.txt').replace('FWM  300 rr', 'TCP  10.255.0.2:300 rr');
  assert.deepEqual(lb(neuvector({ ipvs })).findings.map((f) => f.code), ['lb/fwm-missing']);
  assert.deepEqual(lb(neuvector({ ipvs: seed('neuvector-ingress_sbox.ipvsadm-ln.txt').replace('FWM  300', 'FWM  301') })).findings.map((f) => f.code), ['lb/fwm-missing']);
});

test('the VIP\'s MARK gone from mangle → lb/mark-missing with the mangle MARK rules as evidence', () => {
  const mangle = without(seed('neuvector-ingress_sbox.mangle.nvL.txt'), /10\.255\.0\.2 /);
  assert.deepEqual(lb(neuvector({ mangle })).findings, [
    {
      ...base,
      code: 'lb/mark-missing',
      severity: 'error',
      message: "no mangle rule in ingress_sbox marks nginx's VIP 10.255.0.2 with FWM 300 (0x12c)",
      symptom: `packets to 10.255.0.2 are not steered into IPVS: the VIP does not answer from ${NODE}`,
      evidence: [
        ...ipvsEvidence(['-> 10.255.0.5:0 Masq w1'], ['10.255.0.5']),
        { label: 'mangle in ingress_sbox', source: 'iptables -t mangle -S (ns ingress_sbox)', rows: ['87  5874 MARK       tcp  --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:1080 MARK set 0x12c'] },
      ],
    },
  ]);
});

test('the VIP marked with another FWM (0x12d), or another address marked with 0x12c → lb/mark-missing; no mangle captured → not judged', () => {
  const m = seed('neuvector-ingress_sbox.mangle.nvL.txt');
  assert.deepEqual(lb(neuvector({ mangle: m.replace('10.255.0.2           MARK set 0x12c', '10.255.0.2           MARK set 0x12d') })).findings.map((f) => f.code), ['lb/mark-missing']);
  assert.deepEqual(lb(neuvector({ mangle: m.replace('10.255.0.2 ', '10.255.0.3 ') })).findings.map((f) => f.code), ['lb/mark-missing']);
  const n = neuvector({ mangle: without(m, /10\.255\.0\.2 /) });
  delete n.mangle.ingress_sbox;
  assert.deepEqual(lb(n), { findings: [], skipped: [] });
});

test('ipspace capture: websvc\'s three tasks are exactly FWM 256\'s real servers (clean); one task replaced → missing and stale "1 in 3"; the -S mangle marks the VIP 10.0.0.6', () => {
  const ipspace = (tasks: string[]) => {
    const n = neuvector({ ipvs: seed('ipspace-ingress_sbox.ipvsadm-ln.txt'), mangle: seed('ipspace-ingress_sbox.mangle.S.txt'), nat: null, vip: '10.0.0.6', localLbIndex: 256, taskIps: tasks, netTasks: tasks });
    n.model.networks[0].subnets = [{ subnet: '10.0.0.0/24' }];
    n.model.services[0].ports = [{ protocol: 'tcp', targetPort: 80, publishedPort: 8080, publishMode: 'ingress' }];
    return n;
  };
  assert.deepEqual(lb(ipspace(['10.0.0.7', '10.0.0.8', '10.0.0.9'])), { findings: [], skipped: [] });
  assert.deepEqual(mesh(ipspace(['10.0.0.7', '10.0.0.8', '10.0.0.9'])), { findings: [], skipped: [] });
  const f = lb(ipspace(['10.0.0.7', '10.0.0.8', '10.0.0.10'])).findings;
  assert.deepEqual(f.map((x) => [x.code, x.message]), [
    ['lb/backend-missing', "nginx's task 10.0.0.10 is not a real server of FWM 256 in ingress_sbox"],
    ['lb/backend-stale', 'FWM 256 in ingress_sbox still balances to 10.0.0.9, which no running task of nginx has'],
  ]);
  assert.equal(f[1].symptom, `from ${NODE}, some connections to nginx's VIP 10.0.0.6 time out or are refused (1 in 3)`);
  assert.deepEqual(f[0].evidence[0].rows, ['-> 10.0.0.7:0 Masq w1', '-> 10.0.0.8:0 Masq w1', '-> 10.0.0.9:0 Masq w1']);
  assert.deepEqual(f[0].evidence[1].rows, ['10.0.0.10', '10.0.0.7', '10.0.0.8']);
});

test('a manager that lists no running task of the service: every real server is stale (the manager is the authority)', () => {
  const n = neuvector();
  n.model.services[0].tasks[0].state = 'shutdown';
  assert.deepEqual(lb(n).findings.map((f) => [f.code, f.message]), [['lb/backend-stale', 'FWM 300 in ingress_sbox still balances to 10.255.0.5, which no running task of nginx has']]);
});

test('no manager among the nodes: the backends expected are the network\'s own view of the service\'s tasks', () => {
  assert.deepEqual(lb(neuvector({ manager: false })), { findings: [], skipped: [] });
  assert.deepEqual(lb(neuvector({ manager: false, netTasks: ['10.255.0.9/16'] })).findings.map((f) => f.message), [
    "nginx's task 10.255.0.9 is not a real server of FWM 300 in ingress_sbox",
    'FWM 300 in ingress_sbox still balances to 10.255.0.5, which no running task of nginx has',
  ]);
});

test('a service without a VIP or without a LocalLBIndex (dnsrr, or the ingress-endpoint entry) is not load balanced: nothing judged', () => {
  assert.deepEqual(lb(neuvector({ localLbIndex: 0, ipvs: '' })), { findings: [], skipped: [] });
  const n = neuvector({ ipvs: seed('neuvector-ingress_sbox.ipvsadm-ln.txt').split('\n').slice(0, 3).join('\n') });
  delete n.model.networks[0].services[0].vip;
  assert.deepEqual(lb(n), { findings: [], skipped: [] });
});

test('no ingress_sbox namespace on the node: neither check looks at it', () => {
  const n = neuvector({ ipvs: '' });
  n.model.namespaces = [];
  assert.deepEqual(lb(n), { findings: [], skipped: [] });
  assert.deepEqual(mesh(n), { findings: [], skipped: [] });
});

test('IPVS that cannot be compared is skipped with the reason: absent from the kernel, ipvsadm not read, no output at all, names instead of addresses (schoolofdevops, without -n)', () => {
  const reasons: [string | undefined, string][] = [
    ["Can't initialize ipvs: Protocol not available\nAre you sure that IP Virtual Server is built in the kernel or as module?\n", 'IPVS is absent in this kernel (ipvsadm: "Protocol not available")'],
    [undefined, 'ipvsadm -Ln not read in ingress_sbox'],
    ['', 'ipvsadm printed nothing (no output captured)'],
    [seed('schoolofdevops-task.ipvsadm.txt'), 'ipvsadm printed names, not addresses (run with -n)'],
  ];
  for (const [text, why] of reasons) {
    const n = neuvector();
    if (text === undefined) delete n.ipvs.ingress_sbox;
    else n.ipvs.ingress_sbox = text;
    assert.deepEqual(lb(n), { findings: [], skipped: [{ check: 'lb', node: NODE, reason: `ingress (ingress_sbox): ${why}` }] }, why);
    assert.deepEqual(mesh(n), { findings: [], skipped: [{ check: 'ingress', node: NODE, reason: `routing mesh not compared: ${why}` }] }, why);
  }
});

test('lbNamespace: ingress_sbox for the ingress network, lb_ and the first 9 characters of the id otherwise', () => {
  assert.equal(lbNamespace({ id: INGRESS_ID, name: 'ingress', subnets: [], ingress: true, encrypted: false }), 'ingress_sbox');
  assert.equal(lbNamespace({ id: 'qru7ngt575p9svz968elx7f8b', name: 'swarmnet-test', subnets: [], ingress: false, encrypted: false }), 'lb_qru7ngt57');
});

test('an internal overlay\'s VIP is judged in its lb_ sandbox (the schoolofdevops FWM 256 listing placed there)', () => {
  const n = neuvector({ ipvs: seed('ipspace-ingress_sbox.ipvsadm-ln.txt'), mangle: '', localLbIndex: 256, vip: '10.0.0.6', taskIps: ['10.0.0.7', '10.0.0.8', '10.0.0.9'] });
  const net = n.model.networks[0];
  Object.assign(net, { id: 'ov0netid00000000000000000', name: 'ov0', ingress: false, subnets: [{ subnet: '10.0.0.0/24' }] });
  n.model.services[0].vips = [{ networkId: net.id, addr: '10.0.0.6/24' }];
  n.model.namespaces = [{ ...n.model.namespaces[0], name: 'lb_ov0netid0', kind: 'lb' }];
  n.ipvs = { lb_ov0netid0: seed('ipspace-ingress_sbox.ipvsadm-ln.txt') };
  n.mangle = { lb_ov0netid0: '-A INPUT -d 10.0.0.6/32 -j MARK --set-xmark 0x100/0xffffffff\n' };
  assert.deepEqual(lb(n), { findings: [], skipped: [] });
  n.mangle = { lb_ov0netid0: '' };
  assert.deepEqual(lb(n).findings.map((f) => [f.code, f.target]), [['lb/mark-missing', { node: NODE, namespace: 'lb_ov0netid0', networkId: 'ov0netid00000000000000000' }]]);
});

test('the DOCKER-INGRESS DNAT for 1080 removed while another published port keeps its DNAT → ingress/dnat-missing with a fix copying that rule\'s ingress_sbox address', () => {
  const api: ServiceInfo = { id: 's2', name: 'api', mode: 'replicated', replicas: 1, ports: [{ protocol: 'tcp', targetPort: 80, publishedPort: 2080, publishMode: 'ingress' }], vips: [], tasks: [] };
  const n = neuvector({ nat: seed('neuvector-host.nat.DOCKER-INGRESS.nvL.txt').replace('dpt:1080 to:172.18.0.2:1080', 'dpt:2080 to:172.18.0.2:2080') });
  n.model.services.push(api);
  n.mangle.ingress_sbox += '\nChain PREROUTING (policy ACCEPT)\n pkts bytes target     prot opt in     out     source               destination\n    0     0 MARK       tcp  --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:2080 MARK set 0x12d\n';
  const expected: Finding = {
    node: NODE,
    network: 'ingress',
    target: { node: NODE },
    code: 'ingress/dnat-missing',
    severity: 'error',
    message: "no DNAT for published tcp port 1080 (nginx) in the host's nat DOCKER-INGRESS chain",
    symptom: `clients connecting to ${NODE}:1080 are not sent into the routing mesh: connection refused or timeout on this node only`,
    evidence: [{ label: `nat DOCKER-INGRESS on ${NODE}`, source: 'iptables -t nat -S', rows: ['0     0 DNAT       tcp  --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:2080 to:172.18.0.2:2080', '176K   11M RETURN     all  --  *      *       0.0.0.0/0            0.0.0.0/0'] }],
    fix: { title: 're-create the DNAT for 1080', node: NODE, commands: [['iptables', '-t', 'nat', '-I', 'DOCKER-INGRESS', '-p', 'tcp', '-m', 'tcp', '--dport', '1080', '-j', 'DNAT', '--to-destination', '172.18.0.2:1080']] },
  };
  assert.deepEqual(mesh(n), { findings: [expected], skipped: [] });
});

test('the published-port MARK gone from ingress_sbox → ingress/mark-missing naming the FWM; with no LocalLBIndex known, any MARK on the port will do', () => {
  const mangle = without(seed('neuvector-ingress_sbox.mangle.nvL.txt'), /dpt:1080/);
  assert.deepEqual(mesh(neuvector({ mangle })).findings, [
    {
      node: NODE,
      network: 'ingress',
      target: { node: NODE, namespace: 'ingress_sbox' },
      code: 'ingress/mark-missing',
      severity: 'error',
      message: 'no mangle MARK in ingress_sbox for published tcp port 1080 (nginx, FWM 300)',
      symptom: `packets to ${NODE}:1080 reach ingress_sbox but are not load balanced: timeout`,
      evidence: [{ label: 'mangle in ingress_sbox', source: 'iptables -t mangle -S (ns ingress_sbox)', rows: ['0     0 MARK       all  --  *      *       0.0.0.0/0            10.255.0.2           MARK set 0x12c'] }],
    },
  ]);
  const wrongMark = seed('neuvector-ingress_sbox.mangle.nvL.txt').replace('dpt:1080 MARK set 0x12c', 'dpt:1080 MARK set 0x12d');
  assert.deepEqual(mesh(neuvector({ mangle: wrongMark })).findings.map((f) => f.code), ['ingress/mark-missing']);
  const noIndex = neuvector({ mangle: wrongMark, localLbIndex: 0 });
  assert.deepEqual(mesh(noIndex).findings, []);
  assert.equal(mesh(neuvector({ mangle, localLbIndex: 0 })).findings[0]?.message, 'no mangle MARK in ingress_sbox for published tcp port 1080 (nginx)');
});

test('a MARK for the port in another chain than PREROUTING does not steer arriving packets → ingress/mark-missing', () => {
  const m = seed('neuvector-ingress_sbox.mangle.nvL.txt').replace('Chain PREROUTING', 'Chain FORWARD');
  assert.deepEqual(mesh(neuvector({ mangle: m })).findings.map((f) => f.code), ['ingress/mark-missing']);
});

test('the only DNAT gone: ingress/dnat-missing with no guessed fix; a standalone container\'s -p 8080 DNAT in chain DOCKER (ipspace capture) is not the routing mesh\'s', () => {
  const r = mesh(neuvector({ nat: without(seed('neuvector-host.nat.DOCKER-INGRESS.nvL.txt'), /DNAT/) }));
  assert.deepEqual(r.findings.map((f) => [f.code, f.fix]), [['ingress/dnat-missing', undefined]]);
  const n = neuvector({ nat: seed('ipspace-swarm-standalone-published.nat.S.txt'), mangle: '-A PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x100/0xffffffff\n', localLbIndex: 256 });
  n.model.services[0].ports = [{ protocol: 'tcp', targetPort: 80, publishedPort: 8080, publishMode: 'ingress' }];
  const f = mesh(n).findings;
  assert.deepEqual(f.map((x) => [x.code, x.message, x.fix]), [['ingress/dnat-missing', "no DNAT for published tcp port 8080 (nginx) in the host's nat DOCKER-INGRESS chain", undefined]]);
  assert.deepEqual(f[0].evidence[0].rows, []);
});

test('a udp published port is not served by the tcp DNAT and MARK of the same number', () => {
  const n = neuvector();
  n.model.services[0].ports.push({ protocol: 'udp', targetPort: 53, publishedPort: 1080, publishMode: 'ingress' });
  const f = mesh(n).findings;
  assert.deepEqual(f.map((x) => [x.code, x.message]), [['ingress/dnat-missing', "no DNAT for published udp port 1080 (nginx) in the host's nat DOCKER-INGRESS chain"]]);
  assert.deepEqual(f[0].fix?.commands, [['iptables', '-t', 'nat', '-I', 'DOCKER-INGRESS', '-p', 'udp', '-m', 'udp', '--dport', '1080', '-j', 'DNAT', '--to-destination', '172.18.0.2:1080']]);
});

test('ports published in host mode, or not published, need no routing-mesh rules; an unset publish mode is ingress (Docker\'s default)', () => {
  const n = neuvector({ nat: '', mangle: '' });
  n.model.services[0].ports = [
    { protocol: 'tcp', targetPort: 80, publishedPort: 1080, publishMode: 'host' },
    { protocol: 'tcp', targetPort: 81 },
  ];
  assert.deepEqual(mesh(n), { findings: [], skipped: [] });
  n.model.services[0].ports = [{ protocol: 'tcp', targetPort: 80, publishedPort: 1080 }];
  assert.deepEqual(mesh(n).findings.map((f) => f.code), ['ingress/dnat-missing', 'ingress/mark-missing']);
});

test('the same published port listed by two managers is judged once; no host nat captured → only the MARK is judged; no mangle → only the DNAT', () => {
  const a = neuvector({ nat: '', mangle: '' });
  const b = { ...neuvector(), name: 'neuvector-node2' };
  assert.deepEqual(ingressMesh.run({ nodes: [a, b] }).findings.map((f) => `${f.node} ${f.code}`), [`${NODE} ingress/dnat-missing`, `${NODE} ingress/mark-missing`]);
  const noNat = neuvector({ nat: null, mangle: '' });
  assert.deepEqual(mesh(noNat).findings.map((f) => f.code), ['ingress/mark-missing']);
  const noMangle = neuvector({ nat: '' });
  delete noMangle.mangle.ingress_sbox;
  assert.deepEqual(mesh(noMangle).findings.map((f) => f.code), ['ingress/dnat-missing']);
});

test('the mangle evidence lists the MARK rules only; a non-DNAT rule on the published port in DOCKER-INGRESS is no DNAT', () => {
  const mangle = '-A PREROUTING -p tcp -m tcp --dport 1080 -j ACCEPT\n-A PREROUTING -p tcp -m tcp --dport 1080 -j MARK --set-xmark 0x12c/0xffffffff\n-A OUTPUT -d 10.255.0.9/32 -j MARK --set-xmark 0x12c/0xffffffff\n';
  const f = lb(neuvector({ mangle })).findings;
  assert.deepEqual(f.map((x) => x.code), ['lb/mark-missing']);
  assert.deepEqual(f[0].evidence[2].rows, ['-A PREROUTING -p tcp -m tcp --dport 1080 -j MARK --set-xmark 0x12c/0xffffffff', '-A OUTPUT -d 10.255.0.9/32 -j MARK --set-xmark 0x12c/0xffffffff']);
  const m = mesh(neuvector({ mangle: '-A PREROUTING -p tcp -m tcp --dport 1080 -j ACCEPT\n', nat: '-A DOCKER-INGRESS -p tcp -m tcp --dport 1080 -j RETURN\n' })).findings;
  assert.deepEqual(m.map((x) => x.code), ['ingress/dnat-missing', 'ingress/mark-missing']);
  assert.deepEqual(m[1].evidence[0].rows, []);
});

test('no manager: the expected backends from the network\'s own view are compared by address, in order', () => {
  const f = lb(neuvector({ manager: false, netTasks: ['10.255.0.9/16', '10.255.0.7/16', '10.255.0.5/16'] })).findings;
  assert.deepEqual(f.map((x) => x.message), ["nginx's task 10.255.0.7 is not a real server of FWM 300 in ingress_sbox", "nginx's task 10.255.0.9 is not a real server of FWM 300 in ingress_sbox"]);
  assert.deepEqual(f[0].evidence[1].rows, ['10.255.0.5', '10.255.0.7', '10.255.0.9']);
});

/** The "" entry docker network inspect --verbose lists on ingress (the ingress-endpoint sandboxes, LocalLBIndex 0, VIP "<nil>"), as the lab's capture shows it. */
const withIngressEndpoint = (n: DoctorNode) => {
  n.model.networks[0].services.unshift({ name: '', vip: '<nil>', localLbIndex: 0, tasks: [{ name: 'ingress-endpoint', endpointIp: '10.255.0.3' }] });
  return n;
};

test('the ingress network\'s "" entry (LocalLBIndex 0) beside nginx: nginx is still judged; another service\'s tasks are not nginx\'s backends', () => {
  assert.deepEqual(lb(withIngressEndpoint(neuvector({ taskIps: ['10.255.0.9'] }))).findings.map((f) => f.code), ['lb/backend-missing', 'lb/backend-stale']);
  const n = withIngressEndpoint(neuvector());
  n.model.services.push({ id: 's2', name: 'api', mode: 'replicated', replicas: 1, ports: [], vips: [{ networkId: INGRESS_ID, addr: '10.255.0.20/16' }], tasks: [{ id: 'apitask1neuvector00000000', nodeId: 'n2', state: 'running', addresses: ['10.255.0.21/16'] }] });
  assert.deepEqual(lb(n), { findings: [], skipped: [] });
});

test('a manager and a worker gathered, nothing of nginx running: the manager is the authority (stale); a node with no swarm information or without the network is passed over', () => {
  const m = neuvector();
  m.model.services[0].tasks[0].state = 'shutdown';
  const w = neuvector({ manager: false });
  w.name = 'worker';
  w.model.networks = [];
  const bare = neuvector();
  bare.name = 'bare';
  bare.model.swarm = undefined;
  bare.model.networks = [];
  assert.deepEqual(loadBalancer.run({ nodes: [bare, w, m] }).findings.map((f) => `${f.node} ${f.code}`), [`${NODE} lb/backend-stale`]);
});

test('mangle and nat rules without a target (a counting rule) are read without harm: not MARK evidence, not a DNAT', () => {
  const mangle = '-A PREROUTING -s 10.0.0.1/32\n-A PREROUTING -p tcp -m tcp --dport 1080 -j MARK --set-xmark 0x12c/0xffffffff\n';
  const f = lb(neuvector({ mangle })).findings;
  assert.deepEqual(f.map((x) => [x.code, x.evidence[2].rows]), [['lb/mark-missing', ['-A PREROUTING -p tcp -m tcp --dport 1080 -j MARK --set-xmark 0x12c/0xffffffff']]]);
  const g = mesh(neuvector({ mangle: '-A PREROUTING -s 10.0.0.1/32\n', nat: '-A DOCKER-INGRESS -p tcp -m tcp --dport 1080\n-A DOCKER-INGRESS -p tcp -m tcp --dport 2080 -j DNAT --to-destination 172.18.0.2:2080\n' })).findings;
  assert.deepEqual(g.map((x) => [x.code, x.evidence[0].rows.length, x.fix?.commands[0].at(-1)]), [
    ['ingress/dnat-missing', 2, '172.18.0.2:1080'],
    ['ingress/mark-missing', 0, undefined],
  ]);
});

test('a PREROUTING MARK with nginx\'s FWM but for another port does not serve 1080 → ingress/mark-missing', () => {
  const m = seed('neuvector-ingress_sbox.mangle.nvL.txt').replace('dpt:1080 MARK', 'dpt:1081 MARK');
  assert.deepEqual(mesh(neuvector({ mangle: m })).findings.map((f) => f.code), ['ingress/mark-missing']);
});

test('a node whose model lacks the ingress network: no FWM known, any MARK on the port will do; a node with namespaces but no ingress_sbox is not judged', () => {
  const n = neuvector({ mangle: seed('neuvector-ingress_sbox.mangle.nvL.txt').replace('MARK set 0x12c', 'MARK set 0x1') });
  n.model.networks = [];
  assert.deepEqual(mesh(n), { findings: [], skipped: [] });
  const o = neuvector({ ipvs: '' });
  o.model.namespaces = [{ ...o.model.namespaces[0], name: 'lb_ingressneu', kind: 'lb' }];
  assert.deepEqual(mesh(o), { findings: [], skipped: [] });
  assert.deepEqual(lb(o), { findings: [], skipped: [] });
});
