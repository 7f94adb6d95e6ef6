/**
 * The doctor on the real 3-node lab, one fault injected at a time into the kernel, the underlay or the gossip of
 * real nodes, each expected (written before running) to be found with its code on the node that holds the fault;
 * after a fix the same check passes and a real packet crosses again. Every fault is undone in a finally block.
 * (The routing-mesh and IPVS faults need IPVS, which this kernel lacks: they are tested on captured outputs in
 * test/unit/doctor-lb.test.ts.) This folder runs after the other lab tests: a fault here must not disturb them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connectNode } from '../../src/core/connect';
import type { NodeConnection } from '../../src/core/discovery';
import { applyFix, runDoctor, type DoctorReport, type Finding } from '../../src/core/doctor';
import { checkHostKey } from '../../src/core/transport/knownHosts';
import { labNodeConfig, readLab, type LabFile, type LabNode } from '../../src/cli/nodes';
import { LAB_JSON, requireLab } from '../helpers';

let lab: LabFile;
const conns: NodeConnection[] = [];

const sh = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8', timeout: 30000 });
const node = (name: string): LabNode & { advertiseAddr: string } => {
  const n = lab.nodes.find((x) => x.name === name) ?? assert.fail(name);
  return { ...n, advertiseAddr: n.advertiseAddr ?? assert.fail(`${name}: no advertiseAddr`) };
};
/** A command in a node's own network + mount namespace (its "host"). */
const onNode = (n: LabNode, argv: string[]) => sh('nsenter', ['--target', String(n.dockerdPid), '--mount', '--net', '--', ...argv]);
/** A command in one of a node's Docker namespaces. */
const inNs = (n: LabNode, ns: string, argv: string[]) => onNode(n, ['nsenter', `--net=/var/run/docker/netns/${ns}`, '--', ...argv]);
const docker = (n: LabNode, args: string[]) => sh('docker', ['-H', `unix://${n.dockerSocket}`, ...args]);
const codes = (r: DoctorReport) => r.findings.map((f) => `${f.node} ${f.code}`).sort();
const netId = () => docker(node('node1'), ['network', 'inspect', '-f', '{{.ID}}', lab.network]).trim();
const overlayNs = () => `1-${netId().slice(0, 10)}`;

/** Remote peers in a node's overlay namespace, read with iproute2 (not our parsers): ip, mac, vtep. */
function remotePeers(n: LabNode): { ip: string; mac: string; vtep: string }[] {
  const neigh = JSON.parse(inNs(n, overlayNs(), ['ip', '-j', 'neigh', 'show', 'dev', 'vxlan0'])) as { dst: string; lladdr?: string }[];
  const fdb = JSON.parse(inNs(n, overlayNs(), ['bridge', '-j', 'fdb', 'show', 'dev', 'vxlan0'])) as { mac: string; dst?: string; state?: string }[];
  return neigh.flatMap((x) => {
    const f = fdb.find((e) => e.mac === x.lladdr && e.dst && e.state === 'permanent');
    return f?.dst && x.lladdr ? [{ ip: x.dst, mac: x.lladdr, vtep: f.dst }] : [];
  });
}

/** A real packet across the overlay: ping from the node's load-balancer sandbox (its own address on the network). */
function overlayPing(n: LabNode, ip: string): boolean {
  try {
    inNs(n, `lb_${netId().slice(0, 9)}`, ['busybox', 'ping', '-c', '2', '-W', '1', ip]);
    return true;
  } catch {
    return false;
  }
}

async function doctor(probes = false): Promise<DoctorReport> {
  return (await runDoctor(conns, { probes })).report;
}

before(async () => {
  requireLab();
  lab = await readLab(LAB_JSON);
  const known = readFileSync(lab.knownHosts, 'utf8');
  const verify = (i: { host: string; port: number; keyType: string; key: Buffer }) => checkHostKey(known, i.host, i.port, i.keyType, i.key).status === 'match';
  conns.push(...(await Promise.all(lab.nodes.map((n) => connectNode(labNodeConfig(n), { verifyHostKey: verify, timeoutMs: 15000 })))));
});

after(async () => {
  await Promise.all(conns.map((c) => c.close()));
});

test('lab: the clean lab gives no finding in 20 runs (with underlay probes), and reads the gossip of every node', async () => {
  for (let i = 0; i < 20; i++) {
    const r = await doctor(true);
    assert.deepEqual(codes(r), [], `run ${i + 1}:\n${r.findings.map((f) => f.message).join('\n')}`);
    assert.ok(!r.skipped.some((s) => s.check.startsWith('gossip')), `gossip skipped: ${JSON.stringify(r.skipped)}`);
  }
});

test('lab: FDB row deleted on node1 → kernel/fdb-missing on node1; its fix, confirmed, restores it and a real ping crosses again', async () => {
  const n1 = node('node1');
  const peer = remotePeers(n1).find((p) => p.vtep === node('node2').advertiseAddr) ?? assert.fail('no node2 peer');
  inNs(n1, overlayNs(), ['bridge', 'fdb', 'del', peer.mac, 'dev', 'vxlan0', 'dst', peer.vtep, 'self']);
  try {
    assert.equal(overlayPing(n1, peer.ip), false, 'with the row gone the ping should fail');
    const r = await doctor();
    assert.deepEqual(codes(r), ['node1 kernel/fdb-missing']);
    const f = r.findings[0] as Finding & { fix: NonNullable<Finding['fix']> };
    assert.ok(f.fix && f.fix.node === 'node1');
    const out = await applyFix(conns, f);
    assert.ok(out.gone, `still found after the fix: ${JSON.stringify(out.log)}`);
    assert.deepEqual(codes(out.after), []);
    assert.equal(overlayPing(n1, peer.ip), true, 'after the fix a real ping crosses the overlay again');
  } finally {
    inNs(n1, overlayNs(), ['bridge', 'fdb', 'replace', peer.mac, 'dev', 'vxlan0', 'dst', peer.vtep, 'self', 'permanent']);
  }
});

test('lab: FDB row with a wrong VTEP on node2 → kernel/fdb-wrong-vtep on node2; its fix makes a real ping cross again', async () => {
  const n2 = node('node2');
  const peer = remotePeers(n2).find((p) => p.vtep === node('node3').advertiseAddr) ?? assert.fail('no node3 peer');
  inNs(n2, overlayNs(), ['bridge', 'fdb', 'replace', peer.mac, 'dev', 'vxlan0', 'dst', node('node1').advertiseAddr, 'self', 'permanent']);
  try {
    assert.equal(overlayPing(n2, peer.ip), false, 'frames for that task go to the wrong node');
    const r = await doctor();
    assert.deepEqual(codes(r), ['node2 kernel/fdb-wrong-vtep']);
    const out = await applyFix(conns, r.findings[0] as Finding & { fix: NonNullable<Finding['fix']> });
    assert.ok(out.gone, `still found after the fix: ${JSON.stringify(out.log)}`);
    assert.equal(overlayPing(n2, peer.ip), true, 'after the fix a real ping crosses the overlay again');
  } finally {
    inNs(n2, overlayNs(), ['bridge', 'fdb', 'replace', peer.mac, 'dev', 'vxlan0', 'dst', peer.vtep, 'self', 'permanent']);
  }
  assert.deepEqual(codes(await doctor()), []);
});

test('lab: stale FDB + neighbour rows for an address no task has on node3 → kernel/fdb-stale and kernel/neigh-stale on node3; both fixes clear them', async () => {
  const n3 = node('node3');
  const mac = '02:42:0a:e7:00:fd';
  inNs(n3, overlayNs(), ['bridge', 'fdb', 'add', mac, 'dev', 'vxlan0', 'dst', node('node2').advertiseAddr, 'self', 'permanent']);
  inNs(n3, overlayNs(), ['ip', 'neigh', 'add', '10.231.0.253', 'lladdr', mac, 'dev', 'vxlan0', 'nud', 'permanent']);
  try {
    const r = await doctor();
    assert.deepEqual(codes(r), ['node3 kernel/fdb-stale', 'node3 kernel/neigh-stale']);
    for (const f of r.findings) await applyFix(conns, f as Finding & { fix: NonNullable<Finding['fix']> });
    assert.deepEqual(codes(await doctor()), []);
  } finally {
    try {
      inNs(n3, overlayNs(), ['bridge', 'fdb', 'del', mac, 'dev', 'vxlan0', 'dst', node('node2').advertiseAddr, 'self']);
    } catch {
      /* already removed by the fix */
    }
    try {
      inNs(n3, overlayNs(), ['ip', 'neigh', 'del', '10.231.0.253', 'dev', 'vxlan0']);
    } catch {
      /* already removed by the fix */
    }
  }
});

test('lab: neighbour entry missing on node2 → kernel/neigh-missing on node2; its fix, then a real ping crosses', async () => {
  const n2 = node('node2');
  const peer = remotePeers(n2)[0] ?? assert.fail('no peer');
  inNs(n2, overlayNs(), ['ip', 'neigh', 'del', peer.ip, 'dev', 'vxlan0']);
  try {
    const r = await doctor();
    assert.deepEqual(codes(r), ['node2 kernel/neigh-missing']);
    const out = await applyFix(conns, r.findings[0] as Finding & { fix: NonNullable<Finding['fix']> });
    assert.ok(out.gone, `still found after the fix: ${JSON.stringify(out.log)}`);
    assert.equal(overlayPing(n2, peer.ip), true, 'after the fix a real ping crosses the overlay again');
  } finally {
    inNs(n2, overlayNs(), ['ip', 'neigh', 'replace', peer.ip, 'lladdr', peer.mac, 'dev', 'vxlan0', 'nud', 'permanent']);
  }
});

/** Inserts a rule into a node's own INPUT chain, runs fn, deletes the rule (always). */
async function withInputRule<T>(n: LabNode, rule: string[], fn: () => Promise<T>): Promise<T> {
  onNode(n, ['iptables', '-I', 'INPUT', ...rule]);
  try {
    return await fn();
  } finally {
    onNode(n, ['iptables', '-D', 'INPUT', ...rule]);
  }
}

/** The packet counter of the rule a test inserted at the top of a node's INPUT (read with iptables, not our parsers). */
function firstInputRulePackets(n: LabNode): number {
  const line = onNode(n, ['iptables', '-nvxL', 'INPUT', '1']).trim();
  return Number(line.split(/\s+/)[0]);
}

test('lab: 4789/udp from node2 dropped at node3 → underlay/overlay-blocked on node2 and node3 (both overlays), and node3\'s firewall named as the cause', async () => {
  const r = await withInputRule(node('node3'), ['-s', node('node2').advertiseAddr, '-p', 'udp', '--dport', '4789', '-j', 'DROP'], () => doctor(true));
  assert.deepEqual(codes(r), ['node2 underlay/overlay-blocked', 'node2 underlay/overlay-blocked', 'node3 underlay/firewall-blocks', 'node3 underlay/overlay-blocked', 'node3 underlay/overlay-blocked']);
  assert.ok(r.findings.every((f) => /node[23]/.test(f.message)));
  const fw = r.findings.find((f) => f.code === 'underlay/firewall-blocks') ?? assert.fail('no firewall finding');
  assert.match(fw.message, /drops VXLAN 4789\/udp arriving on node3 from node2 \(198\.18\.0\.2\) \(INPUT, filter\/INPUT rule 1: -A INPUT -s 198\.18\.0\.2\/32 -p udp -m udp --dport 4789 -j DROP\)/);
  assert.deepEqual(codes(await doctor(true)), []);
});

test('lab: 7946/tcp from node2 dropped at node3 → underlay/gossip-port on node2 (the probe), underlay/firewall-blocks on node3 (the rule)', async () => {
  const r = await withInputRule(node('node3'), ['-s', node('node2').advertiseAddr, '-p', 'tcp', '--dport', '7946', '-j', 'DROP'], () => doctor(true));
  assert.deepEqual(codes(r), ['node2 underlay/gossip-port', 'node3 underlay/firewall-blocks']);
});

test('lab: 7946/udp from node2 dropped at node3 (no probe can see it) → underlay/firewall-blocks on node3; the kernel counts real gossip packets on that rule', async () => {
  const n3 = node('node3');
  await withInputRule(n3, ['-s', node('node2').advertiseAddr, '-p', 'udp', '--dport', '7946', '-j', 'DROP'], async () => {
    const r = await doctor(true);
    assert.deepEqual(codes(r), ['node3 underlay/firewall-blocks']);
    assert.match(r.findings[0].message, /^node3's firewall drops gossip 7946\/udp arriving on node3 from node2 \(198\.18\.0\.2\) \(INPUT, filter\/INPUT rule 1: /);
    // the oracle: memberlist on node2 really sends UDP to node3:7946 and the kernel drops it on that rule
    let packets = 0;
    for (let i = 0; i < 20 && packets === 0; i++) {
      await new Promise((res) => setTimeout(res, 500));
      packets = firstInputRulePackets(n3);
    }
    assert.ok(packets > 0, 'no gossip packet from node2 hit the DROP rule within 10 s');
  });
  assert.deepEqual(codes(await doctor()), []);
});

test('lab: the underlay MTU lowered on node3\'s link → underlay/mtu (small packets cross, overlay-MTU packets do not)', async () => {
  const n3 = node('node3');
  const links = JSON.parse(onNode(n3, ['ip', '-j', 'addr', 'show'])) as { ifname: string; mtu: number; addr_info: { local: string }[] }[];
  const link = links.find((l) => l.addr_info.some((a) => a.local === n3.advertiseAddr)) ?? assert.fail('no underlay link');
  onNode(n3, ['ip', 'link', 'set', 'dev', link.ifname, 'mtu', '1400']);
  let r: DoctorReport;
  try {
    r = await doctor(true);
  } finally {
    onNode(n3, ['ip', 'link', 'set', 'dev', link.ifname, 'mtu', String(link.mtu)]);
  }
  const c = codes(r);
  assert.ok(c.includes('node1 underlay/mtu') && c.includes('node2 underlay/mtu'), c.join('\n'));
  assert.ok(c.every((x) => x.endsWith('underlay/mtu')), c.join('\n'));
  assert.deepEqual(codes(await doctor(true)), []);
});

/** A protobuf EndpointRecord (fields 1–5: name, service name, service id, VIP, endpoint IP), base64. */
function endpointRecord(fields: string[]): string {
  const parts = fields.flatMap((v, i) => {
    const b = Buffer.from(v);
    return [Buffer.from([((i + 1) << 3) | 2, b.length]), b];
  });
  return Buffer.concat(parts).toString('base64');
}

test('lab: a stale NetworkDB endpoint created through node1\'s diagnostic API → gossip/stale-endpoint on every node', async () => {
  assert.ok(lab.diagPort, 'the lab enables the diagnostic port');
  const id = netId();
  // a key of its own per run: NetworkDB keeps a deleted entry's tombstone for a while, and the same key is refused then
  const key = `swarmnet-doctor-test-stale-endpoint-${process.pid}-${Date.now()}`;
  const value = encodeURIComponent(endpointRecord(['web.9.zzzzzzzzzzzzzzzzzzzzzzzzz', 'web', 'zzzzzzzzzzzzzzzzzzzzzzzzz', '', '10.231.0.250']));
  const diag = (path: string) => onNode(node('node1'), ['curl', '-s', `http://127.0.0.1:${lab.diagPort}${path}`]);
  diag(`/createentry?tname=endpoint_table&nid=${id}&key=${key}&value=${value}`);
  try {
    let c: string[] = [];
    for (let i = 0; i < 20; i++) {
      c = codes(await doctor());
      if (c.length === 3) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.deepEqual(c, ['node1 gossip/stale-endpoint', 'node2 gossip/stale-endpoint', 'node3 gossip/stale-endpoint']);
  } finally {
    diag(`/deleteentry?tname=endpoint_table&nid=${id}&key=${key}`);
  }
});

/** Removes a leftover network (a previous run's) and waits until the manager no longer lists it. */
async function removeNetwork(n: LabNode, name: string): Promise<void> {
  for (let i = 0; i < 30; i++) {
    try {
      docker(n, ['network', 'inspect', name]);
    } catch {
      return; // gone
    }
    try {
      docker(n, ['network', 'rm', name]);
    } catch {
      /* still in use by tasks being removed, or being removed: retry */
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  assert.fail(`network ${name} could not be removed`);
}

test('lab: a full overlay subnet (a /29 with more tasks than addresses) → capacity/subnet-full', async () => {
  const n1 = node('node1');
  const [net, svc] = ['swarmnet-doctor-full', 'swarmnet-doctor-fill'];
  try {
    docker(n1, ['service', 'rm', svc]);
  } catch {
    /* no leftover */
  }
  await removeNetwork(n1, net);
  docker(n1, ['network', 'create', '-d', 'overlay', '--subnet', '10.250.0.0/29', net]);
  try {
    docker(n1, ['service', 'create', '--detach', '--name', svc, '--no-resolve-image', '--replicas', '6', '--network', net, lab.image ?? assert.fail('lab.json has no image'), 'sleep', '3600']);
    let c: string[] = [];
    for (let i = 0; i < 40 && !c.includes('node1 capacity/subnet-full'); i++) {
      await new Promise((r) => setTimeout(r, 1000));
      c = codes((await runDoctor(conns, { probes: false, network: net })).report);
    }
    assert.ok(c.includes('node1 capacity/subnet-full'), c.join('\n'));
  } finally {
    try {
      docker(n1, ['service', 'rm', svc]);
    } catch {
      /* not created */
    }
    await removeNetwork(n1, net);
  }
});

/** Blocks gossip (7946 tcp+udp, both ways) between a node and the others in that node's own namespace. */
function gossipBlock(n: LabNode, others: string[], op: '-I' | '-D'): void {
  for (const a of others) {
    for (const p of ['tcp', 'udp']) {
      onNode(n, ['iptables', op, 'INPUT', '-s', a, '-p', p, '--dport', '7946', '-j', 'DROP']);
      onNode(n, ['iptables', op, 'OUTPUT', '-d', a, '-p', p, '--dport', '7946', '-j', 'DROP']);
    }
  }
}

async function until(what: string, ms: number, ok: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

test('lab: a node that left the network\'s gossip (7946 cut both ways) → gossip/not-a-peer on it and the firewall rules that cut it, nothing on the others; it rejoins when gossip flows again', async () => {
  const n3 = node('node3');
  const others = [node('node1').advertiseAddr, node('node2').advertiseAddr];
  const peersSeenBy1 = () => onNode(node('node1'), ['curl', '-s', `http://127.0.0.1:${lab.diagPort}/networkpeers?nid=${netId()}&json`]);
  // every finding is node3's: the peers' views and tables follow from its cut (they drop it at their own pace)
  const onlyNode3 = (c: string[]) => c.includes('node3 gossip/not-a-peer') && c.every((x) => x === 'node3 gossip/not-a-peer' || x === 'node3 underlay/firewall-blocks');
  gossipBlock(n3, others, '-I');
  try {
    await until('node1 to drop node3 from the network peers', 60_000, async () => !peersSeenBy1().includes(n3.advertiseAddr));
    let c: string[] = [];
    // the views settle within a few seconds of each other (the CI run of 2026-12-07 met node3 with node2 dropped, node1 not yet)
    for (let i = 0; i < 20 && !onlyNode3(c); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 1000));
      c = codes(await doctor());
    }
    assert.ok(onlyNode3(c), c.join('\n'));
    // the cause, from node3's own rules: 7946 tcp and udp, in and out, to and from node1 and node2 (one rule each)
    assert.equal(c.filter((x) => x === 'node3 underlay/firewall-blocks').length, 8, c.join('\n'));
  } finally {
    gossipBlock(n3, others, '-D');
  }
  await until('node3 back in node1\'s network peers and a clean report', 90_000, async () => peersSeenBy1().includes(n3.advertiseAddr) && codes(await doctor()).length === 0);
});

test('lab: a diagnostic port nothing listens on → no finding; the report says which checks were skipped and why', async () => {
  const r = (await runDoctor(conns, { probes: false, diagPort: 1 })).report;
  assert.deepEqual(codes(r), []);
  for (const n of ['node1', 'node2', 'node3']) assert.ok(r.skipped.some((s) => s.node === n && /nothing answers on 127\.0\.0\.1:1/.test(s.reason)), JSON.stringify(r.skipped));
  assert.ok(r.skipped.some((s) => s.check === 'kernel'), 'the kernel-vs-gossip check says it was skipped');
});
