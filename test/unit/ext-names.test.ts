/**
 * Names over IDs, the pure parts: the manager's node list parser (total: junk is skipped with a diagnostic),
 * the terminal argv (strict quoting; hostile namespace names refused), sandbox labels and the FDB task guess
 * (only when the task also sits behind the entry's VXLAN destination).
 * Node list shape: Docker Engine API GET /nodes (docs.docker.com/reference/api/engine: ID, Description.Hostname,
 * Status.Addr, Spec.Role).
 */
import { test } from 'node:test';
import { installFakeVscode } from '../ssh/fakeVscode';
import assert from 'node:assert/strict';
import { readSwarmNodes } from '../../src/core/discovery';
import type { Diagnostic } from '../../src/core/diagnostics';
import type { NamespaceInfo, NetworkInfo } from '../../src/core/model';
import { nsTerminal } from '../../src/core/nsTerminal';
import { fdbTask, hostOfAddress, hostOfNodeId, namespaceLabel } from '../../src/core/present';

installFakeVscode();

test('readSwarmNodes: id, hostname, address, role; junk skipped with a diagnostic', () => {
  const d: Diagnostic[] = [];
  const api = [
    { ID: 'fpwuvvev5n8n6mw817l6wqmql', Description: { Hostname: 'vm' }, Status: { State: 'ready', Addr: '198.18.0.1' }, Spec: { Role: 'manager' } },
    { ID: 'ejnpmyo7nxutjrr5k6ujm8a3y', Description: { Hostname: 'lab-node2' }, Status: { State: 'down', Addr: '0.0.0.0' }, Spec: { Role: 'worker' } },
    { ID: 'x' },
    null,
    'junk',
  ];
  const got = readSwarmNodes(api, d);
  assert.deepEqual(got, [
    { id: 'fpwuvvev5n8n6mw817l6wqmql', hostname: 'vm', addr: '198.18.0.1', role: 'manager' },
    { id: 'ejnpmyo7nxutjrr5k6ujm8a3y', hostname: 'lab-node2', addr: undefined, role: 'worker' },
  ]);
  assert.equal(d.length, 3);
  assert.deepEqual(readSwarmNodes({ not: 'a list' }, d), []);
  const models = [{ name: 'm', swarmNodes: got, networks: [], namespaces: [], services: [], diagnostics: [], discoveredAt: '' }];
  assert.equal(hostOfNodeId(models, 'ejnpmyo7nxutjrr5k6ujm8a3y'), 'lab-node2');
  assert.equal(hostOfAddress(models, '198.18.0.1'), 'vm');
  assert.equal(hostOfAddress(models, '198.18.0.9'), undefined);
});

test('nsTerminal: local nsenter argv (sudo when not root); ssh with port, key, known_hosts, jump; remote command quoted', () => {
  assert.deepEqual(nsTerminal({ name: 'l', transport: 'local' }, 'ingress_sbox', { isRoot: true }), { shellPath: 'nsenter', shellArgs: ['--net=/var/run/docker/netns/ingress_sbox', '--', 'sh'] });
  assert.deepEqual(nsTerminal({ name: 'l', transport: 'local' }, 'ingress_sbox', { isRoot: false }), { shellPath: 'sudo', shellArgs: ['nsenter', '--net=/var/run/docker/netns/ingress_sbox', '--', 'sh'] });
  assert.deepEqual(nsTerminal({ name: 'l', transport: 'local' }, 'host', { isRoot: false }), { shellPath: 'sh', shellArgs: [] });
  const s = nsTerminal({ name: 'n2', transport: 'ssh', host: '198.18.0.2', port: 2222, user: 'ops', keyPath: '/k/id ed', knownHostsFile: '/k/known', proxyJump: 'root@bastion' }, '1-jmfcxcaq7j', { isRoot: true });
  assert.deepEqual(s, {
    shellPath: 'ssh',
    shellArgs: ['-t', '-p', '2222', '-i', '/k/id ed', '-o', 'IdentitiesOnly=yes', '-o', 'UserKnownHostsFile=/k/known', '-J', 'root@bastion', '--', 'ops@198.18.0.2', 'sudo nsenter --net=/var/run/docker/netns/1-jmfcxcaq7j -- sh'],
  });
  for (const bad of ['../../etc', 'a;reboot', '$(id)', 'x y', '']) assert.ok('error' in nsTerminal({ name: 'l', transport: 'local' }, bad, { isRoot: true }), bad);
  assert.match((nsTerminal({ name: 'd', transport: 'docker', dockerHost: 'tcp://x:2376' }, 'ingress_sbox', { isRoot: true }) as { error: string }).error, /Docker API only/);
});

test('sandbox labels: a task sandbox by its task name, others by their namespace name', () => {
  const ns = (kind: NamespaceInfo['kind'], containers: NamespaceInfo['containers']): NamespaceInfo => ({ name: 'eda760ed6104', path: '', kind, containers, interfaces: [], fdb: [], neighbors: [], routes: [], peers: {} });
  assert.equal(namespaceLabel(ns('task', [{ id: 'c', name: 'web.6.h48xe01l9u0zvd6kl8ut92zke' }])), 'web.6.h48xe01l9u0zvd6kl8ut92zke');
  assert.equal(namespaceLabel(ns('task', [])), 'eda760ed6104');
  assert.equal(namespaceLabel(ns('overlay', [{ id: 'c', name: 'x' }])), 'eda760ed6104');
});

test('fdbTask: Docker ≤ 25 MAC from IPv4 (02:42 + address), counted only behind the same VXLAN destination', () => {
  const net = { services: [{ name: 'web', tasks: [{ name: 'web.2.abc', endpointIp: '10.0.0.6', nodeHost: '198.18.0.2' }] }] } as unknown as NetworkInfo;
  const e = { mac: '02:42:0a:00:00:06', dev: 'vxlan0', dst: '198.18.0.2', flags: [] };
  assert.deepEqual(fdbTask(e, net), { name: 'web.2.abc', ip: '10.0.0.6' });
  assert.equal(fdbTask({ ...e, dst: '198.18.0.3' }, net), undefined, 'the task is behind another node');
  assert.equal(fdbTask({ ...e, mac: '4a:1f:0a:00:00:06' }, net), undefined, 'a random MAC (Docker 26+) says nothing');
  assert.equal(fdbTask({ ...e, dst: undefined }, net), undefined);
});

test('trace diagram: hops in task sandboxes carry the task name (nsLabel), others none', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { labelNamespaces } = require('../../src/extension/trace') as typeof import('../../src/extension/trace');
  const ns = (name: string, kind: NamespaceInfo['kind'], containers: NamespaceInfo['containers'] = []): NamespaceInfo => ({ name, path: '', kind, containers, interfaces: [], fdb: [], neighbors: [], routes: [], peers: {} });
  const models = [{ name: 'node2', networks: [], services: [], diagnostics: [], discoveredAt: '', namespaces: [ns('eda760ed6104', 'task', [{ id: 'c', name: 'web.6.h48xe01l9u0zvd6kl8ut92zke' }]), ns('ingress_sbox', 'ingress_sbox')] }];
  const hop = (namespace: string) => ({ id: 1, node: 'node2', namespace, kind: 'x', title: '', detail: [], rules: [], rewrites: [], packet: '', uncertain: [] });
  const result = { request: { from: 'a', to: 'b' }, path: { hops: [hop('ingress_sbox')], branches: [{ label: 'b', path: { hops: [hop('eda760ed6104')], branches: [] } }] }, summary: [], notes: [], diagnostics: [] };
  labelNamespaces(result as never, models);
  assert.equal((result.path.hops[0] as { nsLabel?: string }).nsLabel, undefined);
  assert.equal((result.path.branches[0].path.hops[0] as { nsLabel?: string }).nsLabel, 'web.6.h48xe01l9u0zvd6kl8ut92zke');
});
