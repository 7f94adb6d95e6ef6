/**
 * Names over IDs in the explorer tree, against the real lab (expected answers from .lab/lab.json, written
 * before running): with only the manager ("this machine") connected, peers, tasks and FDB targets carry the
 * lab's hostnames (vm, lab-node2, lab-node3) from the manager's node list; task sandboxes are labelled with
 * their task name (service.slot.taskid), not the hex namespace name; remote FDB entries come first, local and
 * multicast ones are folded; the ingress endpoint group is named; a worker's Services say they are listed on
 * managers; a veth reveals its peer. And the terminal command really runs `ip` in the namespace, locally and
 * over SSH (stdin instead of a tty).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { installFakeVscode } from '../ssh/fakeVscode';
import { readLab } from '../../src/cli/nodes';
import { makeLogger } from '../../src/core/log';
import { makeKnownHostsVerifier } from '../../src/core/transport/knownHosts';
import { nsTerminal } from '../../src/core/nsTerminal';
import { LAB_JSON, requireLab } from '../helpers';

const fake = installFakeVscode();
/* eslint-disable @typescript-eslint/no-require-imports */
const { NodeManager } = require('../../src/extension/nodes') as typeof import('../../src/extension/nodes');
const { SwarmTreeProvider } = require('../../src/extension/tree/provider') as typeof import('../../src/extension/tree/provider');
/* eslint-enable @typescript-eslint/no-require-imports */
type El = ReturnType<InstanceType<typeof SwarmTreeProvider>['getChildren']>[number];
type Item = { label: string; description?: string; tooltip?: unknown; contextValue?: string; command?: { command: string } };

async function setup(nodes: unknown[], includeLocal: boolean) {
  const lab = await readLab(LAB_JSON);
  fake.settings = { 'swarmnet.includeLocalNode': includeLocal, 'swarmnet.nodes': nodes };
  const log = makeLogger(() => undefined, () => 'error');
  const m = new NodeManager(() => ({ verifyHostKey: makeKnownHostsVerifier({ knownHostsPath: lab.knownHosts, onUnknown: async () => 'reject', onMismatch: () => undefined }), timeoutMs: 15000 }), log);
  await m.refreshAll();
  const tree = new SwarmTreeProvider(m);
  const item = (e: El): Item => tree.getTreeItem(e) as unknown as Item;
  const child = (e: El | undefined, label: RegExp): El => {
    const c = tree.getChildren(e).find((x) => label.test(item(x).label));
    assert.ok(c, `no child ${label} under ${e ? item(e).label : 'root'}: ${tree.getChildren(e).map((x) => item(x).label).join(' | ')}`);
    return c;
  };
  return { lab, m, tree, item, child };
}

test('names: only the manager connected — peers, tasks, FDB targets by hostname; sandboxes by task name', async () => {
  requireLab();
  const { lab, m, tree, item, child } = await setup([], true);
  try {
    const hostnames = lab.nodes.map((n) => n.hostname);
    const root = child(undefined, /^this machine$/);
    assert.equal(m.get('this machine')?.status, 'ok', m.get('this machine')?.error);
    // Networks → ingress: peers by hostname, the ingress endpoint group named
    const ingress = child(child(root, /^Networks$/), /^ingress$/);
    const rows = tree.getChildren(ingress).map(item);
    const peers = rows.filter((r) => r.label.startsWith('peer '));
    assert.ok(peers.length >= 2, rows.map((r) => r.label).join(' | '));
    for (const p of peers) assert.ok(hostnames.includes(p.label.slice(5)), `peer not named by hostname: ${p.label}`);
    assert.ok(rows.some((r) => r.label === 'ingress endpoints (routing mesh)'), rows.map((r) => r.label).join(' | '));
    assert.ok(!rows.some((r) => /VIP <nil>|FWM 0/.test(`${r.label} ${r.description ?? ''}`)));
    // Services → tasks placed by hostname
    const svcs = tree.getChildren(child(root, /^Services$/));
    assert.ok(svcs.length > 0);
    let tasks = 0;
    for (const s of svcs)
      for (const t of tree.getChildren(s).filter((x) => item(x).contextValue === 'task')) {
        tasks++;
        const d = item(t).description ?? '';
        assert.ok(hostnames.some((h) => d.endsWith(`on ${h}`)), `task ${item(t).label} not placed by hostname: ${d}`);
      }
    assert.ok(tasks > 0, 'the lab runs tasks');
    // Namespaces: task sandboxes by task name
    const nsRows = tree.getChildren(child(root, /^Namespaces$/)).map((e) => ({ e, i: item(e) }));
    const sandboxes = nsRows.filter((r) => r.i.contextValue === 'namespace-task');
    assert.ok(sandboxes.length > 0, nsRows.map((r) => r.i.label).join(' | '));
    for (const s of sandboxes) {
      // the task's name, shortened in the middle when long (web.6.mgb5w…112g), in full at the head of the tooltip
      const label = String(s.i.label);
      const full = String(s.i.tooltip ?? '').split('\n')[0];
      assert.match(/…/.test(label) ? full : label, /^[a-z][\w-]*\.\d+\.[a-z0-9]{25}$/, 'service.slot.taskid');
      if (/…/.test(label)) assert.ok(full.startsWith(label.split('…')[0]) && full.endsWith(label.split('…')[1]), `${label} shortens ${full}`);
      assert.match(s.i.description ?? '', /task sandbox .*[0-9a-f]{12}$/, 'the namespace name moves to the description');
    }
    // overlay namespace FDB: remote entries first and labelled with where they lead; the rest folded
    const overlay = nsRows.find((r) => r.i.contextValue === 'namespace-overlay' && /ingress/.test(r.i.description ?? ''));
    assert.ok(overlay, 'the ingress overlay namespace');
    const fdbGroup = tree.getChildren(overlay.e).find((x) => item(x).label === 'FDB');
    assert.ok(fdbGroup);
    const fdb = tree.getChildren(fdbGroup).map(item);
    const remote = fdb.filter((r) => r.contextValue === 'fdb');
    assert.ok(remote.length > 0, fdb.map((r) => r.label).join(' | '));
    for (const r of remote) {
      assert.ok(hostnames.some((h) => r.label.endsWith(`→ ${h}`)), `remote FDB not led by its host: ${r.label}`);
      // labelled first with the task (or the other node's ingress endpoint), from the manager's view of the network
      // (the task name shortened in the middle, e.g. web.2.37leh…ufrg; the tooltip's first line has the whole label)
      assert.match(r.label, /^([a-z][\w-]*\.\d+\.([a-z0-9]{25}|[a-z0-9]{5}…[a-z0-9]{4})|ingress-endpoint) 10\.0\.0\.\d+ → /, r.label);
      if (r.label.includes('…')) assert.match(String(r.tooltip ?? '').split('\n')[0], /^[a-z][\w-]*\.\d+\.[a-z0-9]{25} 10\.0\.0\.\d+ → /);
      assert.match(r.description ?? '', /^02:42:0a:00:00:[0-9a-f]{2} · 198\.18\.0\.\d+$/);
    }
    assert.ok(remote.some((r) => /^web\.\d+\./.test(r.label)), 'a web task among the remote entries');
    assert.match(fdb.at(-1)?.label ?? '', /^\d+ local \/ multicast entries$/);
    assert.equal(fdb.findIndex((r) => r.contextValue !== 'fdb'), remote.length, 'remote entries first');
    // a veth reveals its peer
    const hostNs = nsRows.find((r) => r.i.contextValue === 'namespace-host');
    const veth = hostNs && tree.getChildren(hostNs.e).find((x) => /-veth$/.test(item(x).contextValue ?? ''));
    assert.ok(veth, 'a veth on the host');
    const peer = tree.peerOf(veth);
    assert.ok(peer && peer.kind === 'interface' && peer.ns.name !== 'host', 'peer in another namespace');
    const peerRow = tree.getChildren(veth).map(item).find((r) => r.label.startsWith('veth peer: '));
    assert.equal(peerRow?.command?.command, 'swarmnet.revealPeer');
    assert.equal(item(tree.getParent(peer) as El).contextValue?.startsWith('namespace'), true);
  } finally {
    m.dispose();
  }
});

test('names: a worker says its services are listed on managers', async () => {
  requireLab();
  const lab = await readLab(LAB_JSON);
  const n2 = lab.nodes.find((n) => n.name === 'node2');
  assert.ok(n2);
  const { m, item, child } = await setup([{ name: 'node2', transport: 'ssh', host: n2.sshHost, port: n2.sshPort, user: 'root', keyPath: n2.keyPath, useAgent: false }], false);
  try {
    const svc = item(child(child(undefined, /^node2$/), /^Services$/));
    assert.equal(svc.description, 'listed on managers only');
    assert.match(String(svc.tooltip), /managers only/);
  } finally {
    m.dispose();
  }
});

test('terminal in a namespace: the argv runs a shell in the namespace (local, and over ssh)', async () => {
  requireLab();
  const lab = await readLab(LAB_JSON);
  const n2 = lab.nodes.find((n) => n.name === 'node2');
  assert.ok(n2);
  const local = nsTerminal({ name: 'this machine', transport: 'local' }, 'ingress_sbox', { isRoot: true });
  assert.ok(!('error' in local));
  const r = spawnSync(local.shellPath, local.shellArgs, { input: 'ip -o -4 addr\n', encoding: 'utf8', timeout: 10_000 });
  assert.match(r.stdout, /\beth\d+\s+inet 10\.0\.0\.\d+\/24/, `ingress_sbox has an ingress address: ${r.stdout}${r.stderr}`);
  const remote = nsTerminal({ name: 'node2', transport: 'ssh', host: n2.sshHost, port: n2.sshPort, user: 'root', keyPath: n2.keyPath, knownHostsFile: lab.knownHosts }, 'ingress_sbox', { isRoot: true });
  assert.ok(!('error' in remote));
  assert.equal(remote.shellPath, 'ssh');
  const rr = spawnSync(remote.shellPath, ['-o', 'BatchMode=yes', ...remote.shellArgs], { input: 'ip -o -4 addr\nexit\n', encoding: 'utf8', timeout: 15_000 });
  assert.match(rr.stdout, /\beth\d+\s+inet 10\.0\.0\.\d+\/24/, `node2's ingress_sbox over ssh: ${rr.stdout}${rr.stderr}`);
});
