/**
 * Discovery against the real lab swarm, checked against `docker inspect` and `ip` run independently here.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connectNode, LOCAL_NODE, type NodeConfig } from '../../src/core/connect';
import { discoverNode, type NodeConnection } from '../../src/core/discovery';
import type { InterfaceInfo, NodeModel } from '../../src/core/model';
import { checkHostKey } from '../../src/core/transport/knownHosts';
import { TransportError } from '../../src/core/transport/types';
import { labNodeConfig, readLab, type LabFile } from '../../src/cli/nodes';
import { LAB_JSON, requireLab } from '../helpers';

let lab: LabFile;
let knownHosts: string;
const verify = (info: { host: string; port: number; keyType: string; key: Buffer }): boolean =>
  checkHostKey(knownHosts, info.host, info.port, info.keyType, info.key).status === 'match';

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8' });
}

/** What docker and ip say, independently of our code, about the local node's tasks on the test network. */
function independentTasks(network: string): { name: string; sandbox: string; ip: string; ethIfindex: number; peerIfindex: number }[] {
  const ids = sh('docker', ['ps', '-q', '--filter', 'label=com.docker.swarm.task.id']).split('\n').filter(Boolean);
  return ids.flatMap((id) => {
    const info = JSON.parse(sh('docker', ['inspect', id]))[0] as { Name: string; NetworkSettings: { SandboxKey: string; Networks: Record<string, { IPAddress: string }> } };
    const net = info.NetworkSettings.Networks[network];
    if (!net) return [];
    const key = info.NetworkSettings.SandboxKey;
    // e.g. "45: eth1@if46: <BROADCAST,..."
    const links = sh('nsenter', [`--net=${key}`, 'ip', '-o', 'addr', 'show']);
    const dev = links.split('\n').find((l) => l.includes(` ${net.IPAddress}/`))?.split(/\s+/)[1];
    assert.ok(dev, `device with ${net.IPAddress} in ${key}`);
    const link = sh('nsenter', [`--net=${key}`, 'ip', '-o', 'link', 'show', 'dev', dev]);
    const m = /^(\d+): [^@]+@if(\d+):/.exec(link);
    assert.ok(m, link);
    return [{ name: info.Name.replace(/^\//, ''), sandbox: key.split('/').pop() ?? '', ip: net.IPAddress, ethIfindex: Number(m[1]), peerIfindex: Number(m[2]) }];
  });
}

function checkModel(m: NodeModel): void {
  const net = JSON.parse(sh('docker', ['network', 'inspect', lab.network]))[0] as { Id: string };
  const ov = m.namespaces.find((n) => n.name === `1-${net.Id.slice(0, 10)}`);
  assert.equal(ov?.kind, 'overlay', 'overlay namespace of the test network');
  assert.equal(ov?.networkId, net.Id);
  assert.equal(m.namespaces.find((n) => n.name === `lb_${net.Id.slice(0, 9)}`)?.kind, 'lb', 'lb_ namespace of the test network');
  assert.equal(m.namespaces.find((n) => n.name === 'ingress_sbox')?.kind, 'ingress_sbox');
  const tasks = independentTasks(lab.network);
  assert.ok(tasks.length >= 1, 'the lab runs tasks on node1');
  for (const t of tasks) {
    const ns = m.namespaces.find((n) => n.name === t.sandbox);
    assert.equal(ns?.kind, 'task', `${t.name} sandbox ${t.sandbox}`);
    assert.ok(ns.containers.some((c) => c.name === t.name));
    const eth = ns.interfaces.find((i) => i.addresses.some((a) => a.address === t.ip));
    assert.equal(eth?.ifindex, t.ethIfindex);
    const peer = ns.peers[t.ethIfindex];
    assert.equal(peer?.namespace, ov.name, `${t.name} pairs with a veth in the overlay namespace`);
    assert.equal(peer.ifindex, t.peerIfindex, 'peer ifindex as `ip link` prints @ifN');
    const brPort: InterfaceInfo | undefined = ov.interfaces.find((i) => i.ifindex === t.peerIfindex);
    assert.equal(brPort?.master, 'br0', 'the peer is a port of the overlay br0');
    assert.equal(ov.peers[t.peerIfindex]?.namespace, t.sandbox, 'pairing is symmetric');
  }
  const vx = ov.interfaces.find((i) => i.kind === 'vxlan');
  assert.equal(vx?.master, 'br0');
  const vni = Number(JSON.parse(sh('docker', ['network', 'inspect', '-f', '{{json .Options}}', lab.network]))['com.docker.network.driver.overlay.vxlanid_list']);
  assert.equal(vx?.vxlan?.id, vni);
  assert.ok(m.services.some((s) => s.name === 'web' && s.ports.some((p) => p.publishedPort === lab.publishedPort)));
  assert.equal(m.diagnostics.filter((d) => d.severity === 'error').length, 0, JSON.stringify(m.diagnostics));
}

const conns: NodeConnection[] = [];
before(async () => {
  requireLab();
  lab = await readLab(LAB_JSON);
  knownHosts = readFileSync(lab.knownHosts, 'utf8');
});
after(async () => {
  await Promise.all(conns.map((c) => c.close()));
});

test('lab: local discovery names ingress_sbox, overlay 1-*, lb_*, each task sandbox and pairs eth with br0 veth', async () => {
  const c = await connectNode(LOCAL_NODE, { verifyHostKey: () => false });
  conns.push(c);
  const m = await discoverNode(c);
  checkModel(m);
});

test('lab: the same discovery through the SSH transport (commands + Docker API tunnelled over ssh2)', async () => {
  const c = await connectNode(labNodeConfig(lab.nodes[0]), { verifyHostKey: verify });
  conns.push(c);
  const m = await discoverNode(c);
  checkModel(m);
  const local = await discoverNode(await connectNode(LOCAL_NODE, { verifyHostKey: () => false }));
  assert.deepEqual(m.namespaces.map((n) => `${n.name}:${n.kind}`).sort(), local.namespaces.map((n) => `${n.name}:${n.kind}`).sort());
});

test('lab: unreachable node gives a clear connect error', async () => {
  const cfg: NodeConfig = { ...labNodeConfig(lab.nodes[0]), name: 'nowhere', port: 1 };
  await assert.rejects(connectNode(cfg, { verifyHostKey: verify, timeoutMs: 3000 }), (e: unknown) => {
    assert.ok(e instanceof TransportError);
    assert.equal(e.kind, 'connect');
    assert.match(e.message, /^connection refused: root@127\.0\.0\.1:1 \(ECONNREFUSED\)$/);
    return true;
  });
});

test('lab: a wrong key gives a clear authentication error', async () => {
  const dir = execFileSync('mktemp', ['-d'], { encoding: 'utf8' }).trim();
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', `${dir}/wrong`]);
  const cfg: NodeConfig = { ...labNodeConfig(lab.nodes[0]), keyPath: `${dir}/wrong` };
  await assert.rejects(connectNode(cfg, { verifyHostKey: verify }), (e: unknown) => {
    assert.ok(e instanceof TransportError);
    assert.equal(e.kind, 'auth');
    assert.match(e.message, /^authentication failed: /);
    return true;
  });
});

test('lab: a host key that is not in known_hosts is refused before authentication', async () => {
  await assert.rejects(connectNode(labNodeConfig(lab.nodes[0]), { verifyHostKey: () => false }), (e: unknown) => {
    assert.ok(e instanceof TransportError);
    assert.equal(e.kind, 'hostkey');
    assert.match(e.message, /^host key not trusted: root@[\d.]+:\d+ \(ssh-ed25519 SHA256:/);
    return true;
  });
});
