/**
 * Live traces on the real lab swarm: every node discovered over SSH with the core (connectNode + discoverNode),
 * rules gathered live (gatherRules), traced by traceLive — the path the extension and the CLI use. Checked against
 * what the kernel, docker and a real packet say, independently of our code.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { NodeConnection } from '../../src/core/discovery';
import { traceLive, type LiveNode } from '../../src/core/trace/live';
import type { Hop, TracePath } from '../../src/core/trace/types';
import { readLab, type LabFile, type LabNode } from '../../src/cli/nodes';
import { LAB_JSON, requireLab } from '../helpers';
import { connectLabNodes } from './liveNodes';

let lab: LabFile;
const conns: NodeConnection[] = [];
let nodes: LiveNode[] = [];

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', timeout: 20000 });
}

function docker(n: LabNode, args: string[]): string {
  return sh('docker', ['-H', `unix://${n.dockerSocket}`, ...args]);
}

/** A command in a Docker namespace of a lab node, seen from that node's own mount namespace. */
function inNodeNs(n: LabNode, ns: string, argv: string[]): string {
  if (!n.dockerdPid) throw new Error(`${n.name}: no dockerd pid in lab.json`);
  return sh('nsenter', ['--target', String(n.dockerdPid), '--mount', '--', 'nsenter', `--net=/var/run/docker/netns/${ns}`, '--', ...argv]);
}

/** Running tasks of a service on one node with their address on the lab network and sandbox name (from docker, not our code). */
function tasksOn(n: LabNode, service: string, network = lab.network): { id: string; ip: string; sandbox: string; mac: string }[] {
  const ids = docker(n, ['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${service}`]).split('\n').filter(Boolean);
  return ids.flatMap((id) => {
    const info = JSON.parse(docker(n, ['inspect', id]))[0] as { NetworkSettings: { SandboxKey: string; Networks: Record<string, { IPAddress: string; MacAddress: string }> } };
    const net = info.NetworkSettings.Networks[network];
    return net?.IPAddress ? [{ id, ip: net.IPAddress, sandbox: info.NetworkSettings.SandboxKey.split('/').pop() ?? '', mac: net.MacAddress }] : [];
  });
}

function allHops(p: TracePath): Hop[] {
  return [...p.hops, ...p.branches.flatMap((b) => allHops(b.path))];
}

function txPackets(n: LabNode, ns: string, dev: string): number {
  const j = JSON.parse(inNodeNs(n, ns, ['ip', '-s', '-j', 'link', 'show', 'dev', dev])) as { stats64?: { tx: { packets: number } }; stats?: { tx: { packets: number } } }[];
  const s = j[0]?.stats64 ?? j[0]?.stats;
  assert.ok(s, `ip -s -j link of ${dev} in ${n.name}/${ns}`);
  return s.tx.packets;
}

before(async () => {
  requireLab();
  lab = await readLab(LAB_JSON);
  const c = await connectLabNodes(lab);
  conns.push(...c.conns);
  nodes = c.nodes;
});

after(async () => {
  await Promise.all(conns.map((c) => c.close()));
});

test('lab: published port 8080 from an external client — the trace says where the packet stops and, when this kernel has no IPVS, says so instead of naming a backend', async () => {
  const node1 = lab.nodes[0];
  const r = await traceLive(nodes, '203.0.113.7', `${node1.advertiseAddr}:${lab.publishedPort}`);
  const hops = allHops(r.path);
  const ipvsAbsent = r.notes.some((n) => /IPVS is absent in this kernel/.test(n));
  // Independent check of the kernel: ipvsadm in node1's ingress_sbox.
  let ipvsadm = '';
  try {
    ipvsadm = inNodeNs(node1, 'ingress_sbox', ['ipvsadm', '-Ln']);
  } catch (e) {
    ipvsadm = String((e as { stderr?: string }).stderr ?? e);
  }
  assert.equal(ipvsAbsent, /Protocol not available/.test(ipvsadm), `trace notes vs ipvsadm in ingress_sbox: ${ipvsadm.slice(0, 200)}`);
  // IPVS in ingress_sbox balances to the tasks' addresses on the ingress network.
  const webIps = lab.nodes.flatMap((n) => tasksOn(n, 'web', 'ingress').map((t) => t.ip));
  if (ipvsAbsent) {
    assert.equal(r.summary.length, 1, r.summary.join('\n'));
    assert.match(r.summary[0], /^DROPPED in node1\/host: no routing-mesh DNAT for published port 8080 on node1; node1\/ingress_sbox: IPVS is absent in this kernel/);
    const stop = hops.find((h) => h.kind === 'drop');
    assert.equal(stop?.node, 'node1');
    assert.equal(stop?.namespace, 'host');
    assert.match(stop?.title ?? '', /published port 8080 \(service web\): routing mesh not programmed on node1/);
    // Nothing invented: no IPVS choice, no backend, no delivery.
    assert.equal(hops.filter((h) => h.kind === 'ipvs' || h.kind === 'deliver').length, 0);
    assert.equal(r.path.branches.length, 0);
    // The nat hop shows the live rules that were walked (Docker's PREROUTING jump) with their counters.
    const pre = hops.find((h) => h.kind === 'netfilter' && h.title.startsWith('PREROUTING'));
    assert.ok(pre?.rules.some((x) => x.text === '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER' && x.counters !== undefined));
  } else {
    // A kernel with IPVS: the trace reaches the ingress_sbox FWM service and lists exactly the web tasks as backends.
    const ipvs = hops.find((h) => h.kind === 'ipvs');
    assert.ok(ipvs, 'an IPVS hop');
    const labels = r.path.branches.map((b) => b.label.replace('IPVS → ', '').split(':')[0]);
    assert.deepEqual([...labels].sort(), [...webIps].sort());
  }
});

test('lab: task on node1 → echo task on node3 across the overlay — br0, vxlan0 FDB dst, the remote namespace and task, confirmed by a real packet and the remote veth counters', async () => {
  const [node1, , node3] = lab.nodes;
  const src = tasksOn(node1, 'web')[0];
  const dst = tasksOn(node3, 'echo')[0];
  assert.ok(src && dst, 'a web task on node1 and an echo task on node3');
  const netId = docker(node1, ['network', 'inspect', '--format', '{{.Id}}', lab.network]).trim();
  const ov = `1-${netId.slice(0, 10)}`;
  const r = await traceLive(nodes, src.ip, `${dst.ip}:7000`);
  assert.deepEqual(r.summary, [`delivered to ${dst.ip}:7000 in node3/${dst.sandbox}`]);
  const hops = allHops(r.path);
  const at = (pred: (h: Hop) => boolean, what: string, from = 0): number => {
    const i = hops.findIndex((h, k) => k >= from && pred(h));
    assert.ok(i >= 0, `${what} after hop ${from}:\n${hops.map((h) => `${h.node}/${h.namespace} ${h.kind}: ${h.title}`).join('\n')}`);
    return i;
  };
  let i = at((h) => h.kind === 'enter' && h.node === 'node1' && h.namespace === src.sandbox, 'sent from the node1 task sandbox');
  i = at((h) => h.kind === 'veth' && h.node === 'node1' && h.title.includes(`→ ${ov}/`), `veth into node1/${ov}`, i);
  i = at((h) => h.kind === 'bridge' && h.node === 'node1' && h.namespace === ov && /^br0: port vxlan0/.test(h.title), 'node1 br0 → vxlan0', i);
  const vx = at((h) => h.kind === 'vxlan' && h.node === 'node1' && h.namespace === ov, 'vxlan0 with FDB', i);
  assert.match(hops[vx].title, new RegExp(`FDB ${dst.mac} dst ${node3.advertiseAddr?.replace(/\./g, '\\.')} → UDP 4789`));
  // The FDB entry the trace used is the kernel's: bridge fdb in node1's overlay namespace.
  const fdb = inNodeNs(node1, ov, ['bridge', 'fdb', 'show', 'dev', 'vxlan0']);
  assert.ok(fdb.split('\n').some((l) => l.startsWith(`${dst.mac} dst ${node3.advertiseAddr} `)), `kernel FDB has ${dst.mac} dst ${node3.advertiseAddr}:\n${fdb}`);
  i = at((h) => h.kind === 'underlay' && h.node === 'node1' && h.title.includes('node1 → node3'), 'underlay to node3', vx);
  i = at((h) => h.kind === 'vxlan' && h.node === 'node3' && h.namespace === ov && h.title.startsWith('decapsulated'), `node3/${ov} decapsulation`, i);
  const port = at((h) => h.kind === 'bridge' && h.node === 'node3' && h.namespace === ov && h.title.includes(`→ ${dst.sandbox}/`), 'node3 br0 port to the echo task', i);
  at((h) => h.kind === 'deliver' && h.node === 'node3' && h.namespace === dst.sandbox, 'delivered in the echo task', port);
  const veth = /^br0: port (\S+) →/.exec(hops[port].title)?.[1];
  assert.ok(veth, hops[port].title);
  // A real connection along that path: the echo task answers, and node3's br0 port towards it transmitted packets.
  const before = txPackets(node3, ov, veth);
  const token = `trace-live-${process.pid}`;
  const back = docker(node1, ['exec', src.id, 'sh', '-c', `(echo ${token}; sleep 1) | nc -w 5 ${dst.ip} 7000`]);
  assert.equal(back.trim(), token, 'the echo task on node3 answered over the overlay');
  const afterTx = txPackets(node3, ov, veth);
  assert.ok(afterTx - before >= 3, `${veth} in node3/${ov} transmitted ${afterTx - before} packets (SYN, data, ACKs expected)`);
});
