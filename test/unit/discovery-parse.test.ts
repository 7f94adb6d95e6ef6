import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyNamespaces, dockerApiError, pairVeths, splitGatherOutput } from '../../src/core/discovery';
import type { Diagnostic } from '../../src/core/diagnostics';
import type { NamespaceInfo } from '../../src/core/model';
import { readContainer, readNetwork } from '../../src/core/parsers/docker';
import { parseFdbJson, parseFdbText, parseIpAddrJson, parseIpLinkText, parseNeighText } from '../../src/core/parsers/iproute';
import { fixture, seed } from '../helpers';

const GATHER = fixture('discovery/gather-lab-node1.txt');
const NONCE = 'fixturenonce';

function buildAll(text: string): { namespaces: NamespaceInfo[]; diagnostics: Diagnostic[] } {
  const g = splitGatherOutput(text, NONCE);
  const diagnostics = [...g.diagnostics];
  const namespaces = [g.host, ...g.namespaces].map((n) => ({
    name: n.name,
    path: '',
    kind: (n.name === 'host' ? 'host' : 'unknown') as NamespaceInfo['kind'],
    containers: [],
    interfaces: parseIpAddrJson(n.sections.addr ?? '', n.name, diagnostics),
    routes: [],
    neighbors: [],
    fdb: parseFdbJson(n.sections.fdb ?? '', n.name, diagnostics),
    peers: {},
  }));
  return { namespaces, diagnostics };
}

test('real gather output from the lab splits into host + every docker namespace, complete, no diagnostics', () => {
  const g = splitGatherOutput(GATHER, NONCE);
  assert.equal(g.complete, true);
  assert.deepEqual(g.diagnostics, []);
  assert.equal(g.hostname !== undefined && g.hostname.length > 0, true);
  const names = g.namespaces.map((n) => n.name);
  assert.ok(names.includes('ingress_sbox'));
  assert.ok(names.some((n) => /^1-[a-z0-9]{10}$/.test(n)));
  assert.ok(names.some((n) => /^lb_[a-z0-9]{9}$/.test(n)));
  for (const n of g.namespaces) assert.deepEqual(Object.keys(n.sections).sort(), ['addr', 'fdb', 'neigh', 'route']);
});

test('veth pairing across namespaces by mutual ifindex (real lab output)', () => {
  const { namespaces, diagnostics } = buildAll(GATHER);
  pairVeths(namespaces, diagnostics);
  assert.deepEqual(diagnostics, []);
  const sbox = namespaces.find((n) => n.name === 'ingress_sbox');
  assert.ok(sbox);
  const eth1 = sbox.interfaces.find((i) => i.name === 'eth1');
  assert.ok(eth1);
  const peer = sbox.peers[eth1.ifindex];
  assert.equal(peer?.namespace, 'host', 'ingress_sbox eth1 pairs with a veth on docker_gwbridge in the host namespace');
  const hostPeer = namespaces.find((n) => n.name === 'host')?.interfaces.find((i) => i.ifindex === peer.ifindex);
  assert.equal(hostPeer?.master, 'docker_gwbridge');
  // Every veth enslaved to an overlay br0 has a peer found in another namespace.
  for (const ns of namespaces.filter((n) => /^1-/.test(n.name))) {
    for (const ifc of ns.interfaces.filter((i) => i.kind === 'veth')) {
      assert.ok(ns.peers[ifc.ifindex], `${ns.name}/${ifc.name} has a peer`);
      assert.notEqual(ns.peers[ifc.ifindex].namespace, ns.name);
    }
  }
});

test('overlay namespace FDB holds permanent vxlan entries with dst VTEPs (real lab output)', () => {
  const { namespaces } = buildAll(GATHER);
  const ov = namespaces.filter((n) => /^1-/.test(n.name));
  const remote = ov.flatMap((n) => n.fdb.filter((e) => e.dst));
  assert.ok(remote.length > 0);
  for (const e of remote) {
    assert.equal(e.dev, 'vxlan0');
    assert.match(e.dst ?? '', /^198\.18\.0\.\d+$/);
    assert.ok(e.flags.includes('self'));
  }
  const vx = ov.flatMap((n) => n.interfaces).filter((i) => i.kind === 'vxlan');
  assert.ok(vx.length >= 1);
  for (const v of vx) assert.equal(v.vxlan?.dstport, 4789);
});

test('classification by name and by container SandboxKey (real docker inspect)', () => {
  const diagnostics: Diagnostic[] = [];
  const { namespaces } = buildAll(GATHER);
  const nets = (JSON.parse(fixture('discovery/network-inspect.json')) as unknown[]).flatMap((n) => readNetwork(n, diagnostics) ?? []);
  const ctrs = (JSON.parse(fixture('discovery/containers-inspect.json')) as unknown[]).flatMap((c) => readContainer(c, diagnostics) ?? []);
  classifyNamespaces(namespaces, nets, ctrs);
  assert.deepEqual(diagnostics, []);
  const test = nets.find((n) => n.name === 'swarmnet-test');
  assert.ok(test);
  const ov = namespaces.find((n) => n.name === `1-${test.id.slice(0, 10)}`);
  assert.equal(ov?.kind, 'overlay');
  assert.equal(ov?.networkId, test.id);
  assert.equal(namespaces.find((n) => n.name === `lb_${test.id.slice(0, 9)}`)?.kind, 'lb');
  assert.equal(namespaces.find((n) => n.name === 'ingress_sbox')?.kind, 'ingress_sbox');
  for (const c of ctrs) {
    const ns = namespaces.find((n) => n.name === c.sandboxKey.split('/').pop());
    assert.equal(ns?.kind, c.taskId ? 'task' : 'container', c.name);
    assert.ok(ns?.containers.some((x) => x.id === c.id));
  }
  assert.equal(test.vxlanIds.length, 1);
  assert.ok(test.attachable);
});

test('truncated gather output: partial model plus an error diagnostic, no throw', () => {
  for (const cut of [10, 500, Math.floor(GATHER.length / 2), GATHER.length - 20]) {
    const text = GATHER.slice(0, cut);
    const g = splitGatherOutput(text, NONCE);
    assert.equal(g.complete, false);
    assert.ok(g.diagnostics.some((d) => d.severity === 'error' && /ended early/.test(d.message)));
    const diags: Diagnostic[] = [];
    for (const n of [g.host, ...g.namespaces]) parseIpAddrJson(n.sections.addr ?? '', n.name, diags);
  }
});

test('garbage: not JSON, wrong shapes, hostile names are reported, never thrown or used', () => {
  const d: Diagnostic[] = [];
  assert.deepEqual(parseIpAddrJson('Option "-j" is unknown, try "ip -help".', 'ip', d), []);
  assert.match(d[0].message, /not valid JSON/);
  assert.deepEqual(parseIpAddrJson('{"a":1}', 'ip', d), []);
  assert.match(d[1].message, /expected a JSON array/);
  const ifs = parseIpAddrJson('[1,{"ifindex":"x"},{"ifindex":3,"ifname":"eth0","addr_info":[{"family":"inet","local":"10.0.0.2","prefixlen":24},"junk"]}]', 'ip', d);
  assert.equal(ifs.length, 1);
  assert.deepEqual(ifs[0].addresses, [{ family: 'inet', address: '10.0.0.2', prefixLen: 24 }]);
  assert.equal(d.filter((x) => /ignored/.test(x.message)).length, 2);
  const g = splitGatherOutput(`@@n hostname\nh\n@@n ns ../../etc addr\n[]\n@@n ns x;rm addr\n[]\n@@n bogus\n@@n end\n`, 'n');
  assert.deepEqual(g.namespaces, []);
  assert.equal(g.diagnostics.filter((x) => /unsafe name/.test(x.message)).length, 2);
  assert.ok(g.diagnostics.some((x) => /unknown section/.test(x.message)));
  assert.equal(readNetwork({ Name: 'x' }, d), undefined);
  assert.equal(readContainer('nope', d), undefined);
});

test('text parsers read the seed outputs (ip addr, ip -d link, ip link, bridge fdb, ip neigh)', () => {
  const d: Diagnostic[] = [];
  const task = parseIpLinkText(seed('ipspace-task-fc8de92089a5.ip-addr.txt'), 'seed', d);
  assert.deepEqual(task.map((i) => `${i.ifindex}:${i.name}@${i.linkIndex ?? '-'}`), ['1:lo@-', '37:eth1@38', '39:eth2@40', '41:eth0@42']);
  assert.deepEqual(task[3].addresses, [{ family: 'inet', address: '10.0.0.8', prefixLen: 24 }]);
  assert.equal(task[3].linkNetnsId, 0);
  const vx = parseIpLinkText(seed('ipspace-overlay-1-3e0ykh53lm.vxlan0.ip-d-link.txt'), 'seed', d);
  assert.equal(vx[0].kind, 'vxlan');
  assert.deepEqual(vx[0].vxlan, { id: 4097, dstport: 4789, local: undefined, proxy: true, l2miss: true, l3miss: true, learning: true });
  assert.equal(vx[0].master, 'br0');
  const ov = parseIpLinkText(seed('neuvector-overlay-2-8vty8k3pej.ip-link.txt'), 'seed', d);
  assert.deepEqual(ov.filter((i) => i.master === 'br0').map((i) => i.name), ['vxlan1', 'veth2', 'veth3']);
  const sbox = parseIpLinkText(seed('neuvector-ingress_sbox.ip-addr.txt'), 'seed', d);
  assert.deepEqual(sbox.map((i) => i.addresses.find((a) => a.family === 'inet')?.address), ['127.0.0.1', '10.255.0.3', '172.18.0.2']);
  const fdb = parseFdbText(seed('schoolofdevops-vxlan.fdb.txt'), 'seed', d);
  assert.equal(fdb.length, 6);
  assert.deepEqual(fdb.filter((e) => e.dst).map((e) => e.dst), ['159.89.39.105', '165.227.64.215', '165.227.64.215', '159.89.39.105']);
  const fdb2 = parseFdbText(seed('ipspace-overlay-1-3e0ykh53lm.fdb.txt'), 'seed', d);
  assert.deepEqual(fdb2.map((e) => [e.mac, e.dst, e.master, e.state]), [
    ['3e:41:64:d0:34:80', undefined, 'br0', 'permanent'],
    ['02:42:c0:a8:01:04', '192.168.33.3', undefined, 'permanent'],
    ['02:42:c0:a8:01:05', '192.168.33.3', undefined, 'permanent'],
  ]);
  const neigh = parseNeighText(seed('ipspace-overlay-1-3e0ykh53lm.neigh.txt'), 'seed', d);
  assert.deepEqual(neigh, [
    { dst: '192.168.1.5', dev: 'vxlan0', lladdr: '02:42:c0:a8:01:05', state: ['PERMANENT'] },
    { dst: '192.168.1.4', dev: 'vxlan0', lladdr: '02:42:c0:a8:01:04', state: ['PERMANENT'] },
  ]);
  assert.deepEqual(d, [], 'seed outputs produce no diagnostics');
  const junk: Diagnostic[] = [];
  assert.deepEqual(parseFdbText('not a mac dst 1.2.3.4\n', 'x', junk), []);
  assert.equal(junk.length, 1);
  assert.deepEqual(parseIpLinkText('    inet 10.0.0.1/24\n', 'x', junk), []);
  assert.equal(junk.length, 2);
});

test('Docker API errors name the endpoint unless the message already does', () => {
  const hangUp = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  assert.equal(dockerApiError(hangUp, 'unix:///run/n3/docker.sock'), 'unix:///run/n3/docker.sock: socket hang up');
  assert.equal(dockerApiError(hangUp, 'ssh root@10.0.0.3:22 → unix:///var/run/docker.sock'), 'ssh root@10.0.0.3:22 → unix:///var/run/docker.sock: socket hang up');
  assert.equal(dockerApiError(new Error('no answer within 800 ms (request timeout)'), 'https://10.0.0.3:2376'), 'https://10.0.0.3:2376: no answer within 800 ms (request timeout)');
  // already named: dockerode's connect errors carry the path, the tunnel's open failures the path and the hop
  assert.equal(dockerApiError(new Error('connect ENOENT /run/n3/docker.sock'), 'unix:///run/n3/docker.sock'), 'connect ENOENT /run/n3/docker.sock');
  assert.equal(dockerApiError(new Error('connect ECONNREFUSED 10.0.0.3:2376'), 'https://10.0.0.3:2376'), 'connect ECONNREFUSED 10.0.0.3:2376');
  const open = 'ssh root@10.0.0.3:22: cannot open /var/run/docker.sock: (SSH) Channel open failure: open failed';
  assert.equal(dockerApiError(new Error(open), 'ssh root@10.0.0.3:22 → unix:///var/run/docker.sock'), open);
  assert.equal(dockerApiError('plain text', undefined), 'plain text');
});
