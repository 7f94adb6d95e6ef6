// Golden traces of the three seed scenarios, through the real iptables parser (src/core/iptables/parse.ts) and
// the real ipvsadm parser. The kernel of this machine has no IPVS: the IPVS state of every trace here comes from
// ipvsadm outputs captured on real swarm nodes (seed outputs), which the test names say.
// Regenerate the golden files with UPDATE_GOLDEN=1 and review the diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatTrace } from '../../src/core/trace/format';
import { parseDump } from '../../src/core/trace/parseDump';
import { loadScenarioDir } from '../../src/core/trace/scenarioDir';
import { prepareScenario, trace, withDockerUserWhatIf, type PreparedScenario } from '../../src/core/trace/tracer';
import type { Hop, TracePath, TraceRequest, TraceResult } from '../../src/core/trace/types';

const FIX = join(__dirname, '..', 'fixtures', 'trace');

function load(name: string): PreparedScenario {
  return prepareScenario(loadScenarioDir(join(FIX, name)), parseDump);
}

function golden(scenario: string, file: string, r: TraceResult): void {
  const text = formatTrace(r);
  const path = join(FIX, scenario, file);
  // In CI a golden is compared, never written: UPDATE_GOLDEN there would turn the test into write-then-compare.
  if (process.env.UPDATE_GOLDEN && process.env.CI) assert.fail('UPDATE_GOLDEN is refused when CI is set: regenerate goldens locally, check them (golden-*.checks.json), commit');
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) {
    if (process.env.UPDATE_GOLDEN !== '1') assert.fail(`golden file ${path} is missing (run with UPDATE_GOLDEN=1 to create it)`);
    writeFileSync(path, text);
  }
  assert.equal(text, readFileSync(path, 'utf8'), `trace differs from ${file}`);
}

/** Every path from the root to a leaf, as the hop lists along it. */
function leafPaths(p: TracePath, prefix: Hop[] = []): Hop[][] {
  const here = [...prefix, ...p.hops];
  if (p.branches.length === 0) return [here];
  return p.branches.flatMap((b) => leafPaths(b.path, here));
}

/** One line per hop: "node/ns kind: title | rule texts that decided or were taken | rewrites". */
function hopLine(h: Hop): string {
  const rules = h.rules.filter((r) => r.position !== 0).map((r) => `${r.table}/${r.chain} ${r.text.replace(/\s+/g, ' ').trim()}`);
  return `${h.node}/${h.namespace} ${h.kind}: ${h.title} | ${rules.join(' ; ')} | ${h.rewrites.map((w) => `${w.kind} ${w.from}→${w.to}`).join(' ')}`;
}

/** The expected steps, in order, each matched by a later hop than the previous one. */
function assertSteps(hops: Hop[], steps: RegExp[], label: string): void {
  const lines = hops.map(hopLine);
  let at = 0;
  for (const s of steps) {
    const i = lines.findIndex((l, k) => k >= at && s.test(l));
    assert.ok(i >= 0, `${label}: step ${s} not found after hop ${at}:\n${lines.slice(at).join('\n')}`);
    at = i + 1;
  }
}

const ERRORS = (p: PreparedScenario): string[] => p.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.source}: ${d.message}`);

// ipSpace -------------------------------------------------------------------------------------------------

const ipspaceReq: TraceRequest = { from: '203.0.113.10', to: '192.168.33.2:8080', proto: 'tcp' };

/** The routing-mesh path of the ipSpace seed text up to the overlay, common to all three backends. */
const ipspaceMesh = [
  /^node1\/host enter: arrives at node1 on eth1/,
  /^node1\/host netfilter: PREROUTING .*nat\/PREROUTING -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS ; nat\/DOCKER-INGRESS -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172\.18\.0\.2:8080 \| DNAT 192\.168\.33\.2:8080→172\.18\.0\.2:8080/,
  /^node1\/host routing: routing decision: forward via docker_gwbridge/,
  /^node1\/host netfilter: FORWARD .*filter\/FORWARD -A FORWARD -j DOCKER-USER ; filter\/DOCKER-USER -A DOCKER-USER -j RETURN ; filter\/FORWARD -A FORWARD -j DOCKER-INGRESS ; filter\/DOCKER-INGRESS -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT/,
  /^node1\/host bridge: docker_gwbridge: port veth5a1c → ingress_sbox\/eth1/,
  /^node1\/ingress_sbox netfilter: PREROUTING .*mangle\/PREROUTING -A PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x100\/0xffffffff \| MARK 0x0→0x100/,
  /^node1\/ingress_sbox routing: routing decision: local/,
  /^node1\/ingress_sbox netfilter: INPUT/,
  /^node1\/ingress_sbox ipvs: IPVS FWM 256 \(0x100\) rr \(LOCAL_IN\)/,
];

test('ipspace golden (IPVS state from captured real ipvsadm -ln; kernel here has no IPVS): published 8080 → FWM 256 → 3 replicas on 3 nodes, pre-28 filter (per-bridge rules in FORWARD, no DOCKER-FORWARD/ipset) with the Swarm DOCKER-INGRESS chain after DOCKER-USER', () => {
  const p = load('ipspace');
  assert.deepEqual(ERRORS(p), []);
  const r = trace(p, ipspaceReq);
  golden('ipspace', 'golden-published-8080.txt', r);
  assert.deepEqual(r.summary, ['delivered to 10.0.0.7:80 in node2/task-10.0.0.7', 'delivered to 10.0.0.8:80 in node1/fc8de92089a5', 'delivered to 10.0.0.9:80 in node3/task-10.0.0.9']);
  assert.deepEqual(r.path.branches.map((b) => b.label), ['IPVS → 10.0.0.7', 'IPVS → 10.0.0.8', 'IPVS → 10.0.0.9']);
  const ipvsHop = r.path.hops.find((h) => h.kind === 'ipvs');
  assert.match(ipvsHop?.detail.join('\n') ?? '', /any of 10\.0\.0\.7:0 \(Masq w1\), 10\.0\.0\.8:0 \(Masq w1\), 10\.0\.0\.9:0 \(Masq w1\)/);
  const [to7, to8, to9] = leafPaths(r.path);
  const snat = /^node1\/ingress_sbox netfilter: POSTROUTING .*nat\/POSTROUTING -A POSTROUTING -d 10\.0\.0\.0\/24 -m ipvs --ipvs -j SNAT --to-source 10\.0\.0\.2 \| SNAT 203\.0\.113\.10:40000→10\.0\.0\.2:40000/;
  const remote = (ip: string, node: string, vtep: string, task: string): RegExp[] => [
    ...ipspaceMesh,
    new RegExp(`^node1/ingress_sbox routing: IPVS Masq to ${ip.replace(/\./g, '\\.')}:8080 via eth0`),
    snat,
    /^node1\/ingress_sbox veth: veth eth0 → 1-kyr5v5lidn\/veth0/,
    /^node1\/1-kyr5v5lidn bridge: br0: port vxlan0 \(vxlan\)/,
    new RegExp(`^node1/1-kyr5v5lidn vxlan: vxlan0 VNI 4096: FDB 02:42:0a:00:00:0${ip.slice(-1)} dst ${vtep.replace(/\./g, '\\.')} → UDP 4789`),
    /^node1\/host netfilter: underlay OUTPUT/,
    new RegExp(`^node1/host underlay: underlay: node1 → ${node}`),
    new RegExp(`^${node}/1-kyr5v5lidn vxlan: decapsulated on vxlan0 \\(VNI 4096\\)`),
    new RegExp(`^${node}/1-kyr5v5lidn bridge: br0: port veth1 → ${task}/eth0`),
    new RegExp(`^${node}/${task} netfilter: PREROUTING .*-j REDIRECT --to-ports 80 \\| REDIRECT ${ip.replace(/\./g, '\\.')}:8080→${ip.replace(/\./g, '\\.')}:80`),
    new RegExp(`^${node}/${task} deliver: delivered to a local socket ${ip.replace(/\./g, '\\.')}:80`),
    new RegExp(`^${node}/${task} reply: reply path \\(conntrack\\)`),
  ];
  assertSteps(to7, remote('10.0.0.7', 'node2', '192.168.33.3', 'task-10.0.0.7'), 'to 10.0.0.7');
  assertSteps(to9, remote('10.0.0.9', 'node3', '192.168.33.4', 'task-10.0.0.9'), 'to 10.0.0.9');
  assertSteps(
    to8,
    [
      ...ipspaceMesh,
      /^node1\/ingress_sbox routing: IPVS Masq to 10\.0\.0\.8:8080 via eth0/,
      snat,
      /^node1\/ingress_sbox veth: veth eth0 → 1-kyr5v5lidn\/veth0/,
      /^node1\/1-kyr5v5lidn bridge: br0: port veth1 → fc8de92089a5\/eth0/,
      /^node1\/fc8de92089a5 netfilter: PREROUTING .*ipspace-task|REDIRECT 10\.0\.0\.8:8080→10\.0\.0\.8:80/,
      /^node1\/fc8de92089a5 deliver: delivered to a local socket 10\.0\.0\.8:80/,
    ],
    'to 10.0.0.8',
  );
  // Rules carry their dump line: the REDIRECT of the real task capture is line 7 of its file.
  const redirect = to8.flatMap((h) => h.rules).find((x) => x.text.includes('REDIRECT'));
  assert.deepEqual([redirect?.source, redirect?.line], ['ipspace-task-fc8de92089a5.nat.S.txt', 7]);
  // The reply goes back through node1's FORWARD by the DOCKER-INGRESS reply rule.
  const reply = to7[to7.length - 1];
  assert.match(reply.detail.join('\n'), /ACCEPT by DOCKER-INGRESS #2: -A DOCKER-INGRESS -p tcp -m state --state RELATED,ESTABLISHED -m tcp --sport 8080 -j ACCEPT/);
});

test('ipspace, Docker ≤27 filter with DOCKER-INGRESS only in nat (real ipspace-swarm-host.filter.S.txt on node1): FORWARD policy DROP stops the packet, and the trace says so', () => {
  const s = loadScenarioDir(join(FIX, 'ipspace'));
  const node1 = s.nodes.find((n) => n.model.name === 'node1');
  const host = node1?.dumps.host;
  assert.ok(host);
  host.rules = host.rules.map((d) => (d.source === 'assembled-host.filter.S.txt' ? { text: readFileSync(join(FIX, 'ipspace', 'ipspace-swarm-host.filter.S.txt'), 'utf8'), source: 'ipspace-swarm-host.filter.S.txt' } : d));
  const r = trace(prepareScenario(s, parseDump), ipspaceReq);
  assert.deepEqual(r.summary, ['DROPPED in node1/host: filter/FORWARD policy DROP (no rule accepted the packet)']);
  const fwd = r.path.hops.find((h) => h.kind === 'netfilter' && h.title.startsWith('FORWARD'));
  assert.equal(fwd?.verdict, 'DROP');
  assert.deepEqual(
    fwd?.rules.map((x) => `${x.chain} ${x.position === 0 ? x.text : `#${x.position}`} ${x.effect}`),
    ['FORWARD #1 jump DOCKER-USER', 'DOCKER-USER #1 RETURN to FORWARD', 'FORWARD #2 jump DOCKER-ISOLATION-STAGE-1', 'DOCKER-ISOLATION-STAGE-1 #3 RETURN to FORWARD', 'FORWARD #4 jump DOCKER', 'FORWARD -P FORWARD DROP policy DROP'],
  );
  assert.equal(fwd?.rules.at(-1)?.source, 'ipspace-swarm-host.filter.S.txt');
  assert.equal(fwd?.rules.at(-1)?.line, 2);
});

test('what-if DOCKER-USER DROP (ipspace, IPVS from captured ipvsadm): the FORWARD hop verdict becomes DROP and names the rule; an allowed source still reaches all 3 backends', () => {
  const text = readFileSync(join(FIX, 'ipspace', 'whatif-docker-user-drop.rules'), 'utf8');
  const base = load('ipspace');
  const w = withDockerUserWhatIf(base, parseDump, text, 'what-if whatif-docker-user-drop.rules');
  assert.equal(w.rules, 4);
  assert.deepEqual(w.diagnostics.filter((d) => d.severity === 'error'), []);
  const r = trace(w.prepared, ipspaceReq);
  golden('ipspace', 'golden-whatif-docker-user-drop.txt', r);
  const fwd = r.path.hops.find((h) => h.kind === 'netfilter' && h.title.startsWith('FORWARD'));
  assert.equal(fwd?.verdict, 'DROP');
  const decided = fwd?.rules.find((x) => x.decided);
  assert.equal(decided?.chain, 'DOCKER-USER');
  assert.equal(decided?.position, 3);
  assert.equal(decided?.text, '-A DOCKER-USER -p tcp -m conntrack --ctorigdst 192.168.33.2 --ctorigdstport 8080 -j DROP');
  assert.equal(decided?.source, 'what-if whatif-docker-user-drop.rules');
  assert.equal(decided?.line, 4);
  assert.deepEqual(r.summary, ['DROPPED in node1/host: filter/DOCKER-USER rule #3: -A DOCKER-USER -p tcp -m conntrack --ctorigdst 192.168.33.2 --ctorigdstport 8080 -j DROP']);
  // Without the what-if the same packet is accepted at that hop (the verdict change is the what-if's doing).
  const live = trace(base, ipspaceReq).path.hops.find((h) => h.kind === 'netfilter' && h.title.startsWith('FORWARD'));
  assert.equal(live?.verdict, 'ACCEPT');
  // An allowed client: DOCKER-USER #2 returns, the packet goes on to the three backends.
  const ok = trace(w.prepared, { ...ipspaceReq, from: '198.51.100.7' });
  assert.equal(ok.summary.filter((x) => x.startsWith('delivered')).length, 3);
  const okFwd = ok.path.hops.find((h) => h.kind === 'netfilter' && h.title.startsWith('FORWARD'));
  assert.ok(okFwd?.rules.some((x) => x.chain === 'DOCKER-USER' && x.position === 2 && x.effect === 'RETURN to FORWARD'));
  // The reply of the allowed connection passes the proposed chain by its RELATED,ESTABLISHED rule.
  assert.ok(ok.path.branches.every((b) => !b.path.hops.some((h) => h.kind === 'reply' && h.verdict === 'DROP')));
});

// NeuVector -----------------------------------------------------------------------------------------------

test('neuvector golden (IPVS state from captured real ipvsadm -ln; kernel here has no IPVS): 1080 → ingress_sbox REDIRECT to 80 → FWM 300 → the task on the other node, Docker ≥28 filter layout with ipset', () => {
  const p = load('neuvector');
  assert.deepEqual(ERRORS(p), []);
  const r = trace(p, { from: '203.0.113.10', to: '192.0.2.11:1080', proto: 'tcp' });
  golden('neuvector', 'golden-published-1080.txt', r);
  assert.deepEqual(r.summary, ['delivered to 10.255.0.5:80 in nv-node2/nginx.1']);
  const [only] = leafPaths(r.path);
  assertSteps(
    only,
    [
      /^nv-node1\/host enter/,
      /^nv-node1\/host netfilter: PREROUTING .*nat\/DOCKER-INGRESS 0 0 DNAT tcp -- \* \* 0\.0\.0\.0\/0 0\.0\.0\.0\/0 tcp dpt:1080 to:172\.18\.0\.2:1080 \| DNAT 192\.0\.2\.11:1080→172\.18\.0\.2:1080/,
      /^nv-node1\/host routing: routing decision: forward via docker_gwbridge/,
      /^nv-node1\/host netfilter: FORWARD .*filter\/FORWARD -A FORWARD -j DOCKER-USER ; filter\/DOCKER-USER -A DOCKER-USER -j RETURN ; filter\/FORWARD -A FORWARD -j DOCKER-INGRESS ; filter\/DOCKER-INGRESS -A DOCKER-INGRESS -p tcp -m tcp --dport 1080 -j ACCEPT \|/,
      /^nv-node1\/host bridge: docker_gwbridge: port veth7f3a → ingress_sbox\/eth1/,
      /^nv-node1\/ingress_sbox netfilter: PREROUTING .*MARK set 0x12c ; nat\/PREROUTING 9 576 REDIRECT .*redir ports 80 \| MARK 0x0→0x12c REDIRECT 172\.18\.0\.2:1080→172\.18\.0\.2:80/,
      /^nv-node1\/ingress_sbox routing: routing decision: local/,
      /^nv-node1\/ingress_sbox ipvs: IPVS FWM 300 \(0x12c\) rr \(LOCAL_IN\)/,
      /^nv-node1\/ingress_sbox routing: IPVS Masq to 10\.255\.0\.5:80 via eth0/,
      /^nv-node1\/ingress_sbox netfilter: POSTROUTING .*ipvs to:10\.255\.0\.3 \| SNAT 203\.0\.113\.10:40000→10\.255\.0\.3:40000/,
      /^nv-node1\/ingress_sbox veth: veth eth0 → 2-8vty8k3pej\/veth2/,
      /^nv-node1\/2-8vty8k3pej bridge: br0: port vxlan1 \(vxlan\)/,
      /^nv-node1\/2-8vty8k3pej vxlan: vxlan1 VNI 4096: FDB 02:42:0a:ff:00:05 dst 192\.0\.2\.12 → UDP 4789/,
      /^nv-node1\/host underlay: underlay: nv-node1 → nv-node2/,
      /^nv-node2\/1-8vty8k3pej vxlan: decapsulated on vxlan0/,
      /^nv-node2\/1-8vty8k3pej bridge: br0: port veth0 → nginx\.1\/eth0/,
      /^nv-node2\/nginx\.1 deliver: delivered to a local socket 10\.255\.0\.5:80/,
      /^nv-node2\/nginx\.1 reply/,
    ],
    'neuvector',
  );
  // Counters of the real -nvL captures are carried with the rules.
  const mark = only.flatMap((h) => h.rules).find((x) => x.text.includes('MARK set 0x12c'));
  assert.deepEqual(mark?.counters, { packets: 87, bytes: 5874 });
  // The reply is accepted in the ≥28 layout by DOCKER-INGRESS's sport rule, before DOCKER-FORWARD's ipset rule.
  assert.match(only[only.length - 1].detail.join('\n'), /ACCEPT by DOCKER-INGRESS #2: -A DOCKER-INGRESS -p tcp -m tcp --sport 1080 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT/);
  // No "unsupported match" guesses: the ipset contents were known.
  assert.deepEqual(only.flatMap((h) => h.uncertain).filter((u) => /unsupported/.test(u)), []);
});

test('neuvector, Docker ≥28 layout: a NEW packet to an unpublished port on docker_gwbridge is dropped in DOCKER-FORWARD → DOCKER by the ipset-guarded rule', () => {
  const s = loadScenarioDir(join(FIX, 'neuvector'));
  const nat = s.nodes[0].dumps.host.rules.find((d) => d.source === 'neuvector-host.nat.DOCKER-INGRESS.nvL.txt');
  assert.ok(nat);
  // An extra published port DNATed by nat but (deliberately) not accepted by filter DOCKER-INGRESS.
  nat.text = nat.text.replace(' 176K', '    0     0 DNAT       tcp  --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:2080 to:172.18.0.2:2080\n 176K');
  const r = trace(prepareScenario(s, parseDump), { from: '203.0.113.10', to: '192.0.2.11:2080' });
  const fwd = r.path.hops.find((h) => h.kind === 'netfilter' && h.title.startsWith('FORWARD'));
  assert.equal(fwd?.verdict, 'DROP');
  assert.deepEqual(
    fwd?.rules.map((x) => `${x.chain}#${x.position} ${x.effect}`),
    ['FORWARD#1 jump DOCKER-USER', 'DOCKER-USER#1 RETURN to FORWARD', 'FORWARD#2 jump DOCKER-INGRESS', 'DOCKER-INGRESS#3 RETURN to FORWARD', 'FORWARD#3 jump DOCKER-FORWARD', 'DOCKER-FORWARD#2 jump DOCKER-ISOLATION-STAGE-1', 'DOCKER-ISOLATION-STAGE-1#3 RETURN to DOCKER-FORWARD', 'DOCKER-FORWARD#3 jump DOCKER', 'DOCKER#2 DROP'],
  );
  assert.match(r.summary[0], /DROPPED in nv-node1\/host: filter\/DOCKER rule #2: -A DOCKER ! -i docker_gwbridge -o docker_gwbridge -j DROP/);
});

// schoolofdevops ------------------------------------------------------------------------------------------

test('schoolofdevops golden (IPVS state from captured real ipvsadm, printed without -n; kernel here has no IPVS): task → redis VIP 10.0.0.5 → mangle OUTPUT MARK → FWM 256 → SNAT -m ipvs → vxlan0 FDB', () => {
  const p = load('schoolofdevops');
  assert.deepEqual(ERRORS(p), []);
  const r = trace(p, { from: 'worker.1', to: 'redis:6379', proto: 'tcp' });
  golden('schoolofdevops', 'golden-vip-redis.txt', r);
  assert.equal(r.path.branches.length, 5, 'one branch per real server rr could pick');
  const [to6, to9, ...unknown] = leafPaths(r.path);
  const steps = (ip: string, vtep: string): RegExp[] => [
    /^sod-node1\/task-10\.0\.0\.11 enter: sent by a process in task-10\.0\.0\.11/,
    /^sod-node1\/task-10\.0\.0\.11 netfilter: OUTPUT .*mangle\/OUTPUT 0 0 MARK all -- \* \* 0\.0\.0\.0\/0 10\.0\.0\.5 MARK set 0x100 \| MARK 0x0→0x100/,
    /^sod-node1\/task-10\.0\.0\.11 ipvs: IPVS FWM 256 \(0x100\) rr \(LOCAL_OUT\)/,
    new RegExp(`^sod-node1/task-10\\.0\\.0\\.11 routing: IPVS Masq to ${ip.replace(/\./g, '\\.')}:6379 via eth0`),
    /^sod-node1\/task-10\.0\.0\.11 netfilter: POSTROUTING .*ipvs to:10\.0\.0\.11 \| SNAT/,
    /^sod-node1\/task-10\.0\.0\.11 veth: veth eth0 → 1-b2c4e6a8c0\/veth0/,
    /^sod-node1\/1-b2c4e6a8c0 bridge: br0: port vxlan0 \(vxlan\)/,
    new RegExp(`^sod-node1/1-b2c4e6a8c0 vxlan: vxlan0 VNI 4097: FDB 02:42:0a:00:00:0${ip.slice(-1)} dst ${vtep.replace(/\./g, '\\.')} → UDP 4789`),
    new RegExp(`^sod-node1/host exit: underlay: VTEP ${vtep.replace(/\./g, '\\.')} is not a traced node`),
  ];
  assertSteps(to6, steps('10.0.0.6', '159.89.39.105'), 'to redis.1');
  assertSteps(to9, steps('10.0.0.9', '165.227.64.215'), 'to redis.2');
  // Backends printed by name with no known address are said to be unknown, never invented.
  assert.deepEqual(
    unknown.map((hops) => hops[hops.length - 1].title),
    ['backend e89fbe75fb1a.vote: address unknown', 'backend 0b0309771045: address unknown', 'backend redis.5.oag34plamnmptoby9b0y: address unknown'],
  );
  assert.ok(r.summary.includes('left sod-node1: VXLAN sent to 159.89.39.105, which is not among the traced nodes'));
});

test('ipspace task → task across ov0 (real ov0 FDB and neighbour captures): br0 → vxlan0 FDB dst 192.168.33.3 → node2 overlay → the task; an address no node holds is dropped at the remote br0', () => {
  const p = load('ipspace');
  const r = trace(p, { from: 'fc8de92089a5', to: '192.168.1.4:80' });
  golden('ipspace', 'golden-task-to-task-ov0.txt', r);
  assert.deepEqual(r.summary, ['delivered to 192.168.1.4:80 in node2/task-192.168.1.4']);
  assertSteps(
    r.path.hops,
    [
      /^node1\/fc8de92089a5 enter: sent by a process in fc8de92089a5/,
      /^node1\/fc8de92089a5 routing: routing decision: out via eth1/,
      /^node1\/fc8de92089a5 veth: veth eth1 → 1-3e0ykh53lm\/veth2/,
      /^node1\/1-3e0ykh53lm bridge: br0: port vxlan0 \(vxlan\)/,
      /^node1\/1-3e0ykh53lm vxlan: vxlan0 VNI 4097: FDB 02:42:c0:a8:01:04 dst 192\.168\.33\.3 → UDP 4789/,
      /^node1\/host underlay: underlay: node1 → node2 \(192\.168\.33\.3\)/,
      /^node2\/1-3e0ykh53lm vxlan: decapsulated on vxlan0 \(VNI 4097\)/,
      /^node2\/1-3e0ykh53lm bridge: br0: port veth3 → task-192\.168\.1\.4\/eth0/,
      /^node2\/task-192\.168\.1\.4 deliver: delivered to a local socket 192\.168\.1\.4:80/,
    ],
    'task to task',
  );
  const vx = r.path.hops.find((h) => h.kind === 'vxlan');
  assert.ok(vx?.detail.includes('neighbour entry 192.168.1.4 lladdr 02:42:c0:a8:01:04'));
  assert.ok(vx?.detail.includes('bridge fdb: 02:42:c0:a8:01:04 dev vxlan0 dst 192.168.33.3 self permanent'));
  // 192.168.1.5 is in node1's FDB (→ node2) but no namespace of node2 in the model holds it.
  const gone = trace(p, { from: 'fc8de92089a5', to: '192.168.1.5:80' });
  assert.deepEqual(gone.summary, ['DROPPED in node2/1-3e0ykh53lm: 192.168.1.5 is not attached to br0 on node2 (frame came from vxlan0)']);
});
