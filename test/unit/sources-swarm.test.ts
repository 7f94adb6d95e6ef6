import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Diagnostic } from '../../src/core/diagnostics';
import type { SshHostCandidate } from '../../src/core/sources/sshConfig';
import { mapSwarmNodes, readSwarmNodes, safeHost, safeNodeName } from '../../src/core/sources/swarm';
import { fixture } from '../helpers';

const ssh = (alias: string, host: string, extra: Partial<SshHostCandidate['config']> = {}): SshHostCandidate => ({
  alias,
  config: { name: alias, transport: 'ssh', host, port: 22, user: 'ops', ...extra },
  identityFiles: [],
  file: 'cfg',
  warnings: [],
});

test('swarm: real GET /nodes output (3-node lab) is read', () => {
  const d: Diagnostic[] = [];
  const nodes = readSwarmNodes(JSON.parse(fixture('ssh/swarm-nodes.json')), d);
  assert.deepEqual(d, []);
  assert.equal(nodes.length, 3);
  const mgr = nodes.find((n) => n.role === 'manager');
  assert.equal(mgr?.leader, true);
  assert.equal(mgr?.addr, '198.18.0.1');
  assert.deepEqual(nodes.map((n) => n.state), ['ready', 'ready', 'ready']);
  assert.ok(nodes.every((n) => n.availability === 'active'));
});

test('swarm: nodes map to ssh-config hosts by address, then hostname, then alias; the rest reuse the manager template', () => {
  const d: Diagnostic[] = [];
  const nodes = readSwarmNodes(JSON.parse(fixture('ssh/swarm-nodes.json')), d);
  const byHost = new Map(nodes.map((n) => [n.hostname, n]));
  const hosts = [ssh('n2', '198.18.0.2'), ssh('lab-node3', 'unrelated.example')];
  const manager = { name: 'mgr', transport: 'ssh' as const, host: '127.0.0.1', port: 2222, user: 'root', keyPath: '/k/id', proxyJump: 'j@bastion' };
  const out = mapSwarmNodes(nodes, hosts, { manager, managerNodeId: byHost.get('vm')?.id });
  const get = (h: string) => out.find((c) => c.node.hostname === h);
  assert.equal(get('vm')?.matchedBy, 'manager');
  assert.deepEqual(get('vm')?.config, manager);
  assert.equal(get('lab-node2')?.matchedBy, 'address');
  assert.equal(get('lab-node2')?.config?.name, 'n2');
  assert.equal(get('lab-node3')?.matchedBy, 'alias');
  // Unmatched manager (no managerNodeId): its own address, the manager's credentials, named by hostname.
  const out2 = mapSwarmNodes(nodes, [], { manager });
  assert.deepEqual(out2.find((c) => c.node.hostname === 'vm')?.config, { name: 'vm', transport: 'ssh', host: '198.18.0.1', port: 22, user: 'root', keyPath: '/k/id', proxyJump: 'j@bastion' });
});

test('swarm: hostile names and addresses never become a host or a node name', () => {
  const d: Diagnostic[] = [];
  const nodes = readSwarmNodes(
    [
      { ID: 'abc123', Description: { Hostname: 'x;rm -rf /' }, Status: { Addr: '$(reboot)', State: 'ready' }, Spec: { Role: 'worker' } },
      { ID: 'def456', Description: { Hostname: '../../etc\npasswd' }, Status: { Addr: '0.0.0.0' }, Spec: { Role: 'evil' } },
      { ID: 'ghi789', Description: { Hostname: 'good-host' }, Status: { Addr: '0.0.0.0' } },
      { Description: {} },
      'nonsense',
    ],
    d,
  );
  assert.equal(nodes.length, 3);
  assert.equal(d.length, 2);
  assert.equal(nodes[1].role, 'unknown');
  const out = mapSwarmNodes(nodes, []);
  assert.equal(out[0].config, undefined);
  assert.match(out[0].problem ?? '', /no usable address/);
  assert.equal(out[1].config, undefined);
  assert.deepEqual(out[2].config, { name: 'good-host', transport: 'ssh', host: 'good-host', port: 22 });
  assert.equal(safeNodeName(nodes[0]), 'swarm-abc123');
  assert.equal(safeHost('fd00::1'), 'fd00::1');
  assert.equal(safeHost('a..b'), undefined);
  assert.equal(safeHost('-oProxyCommand=x'), undefined);
  assert.deepEqual(readSwarmNodes({ message: 'This node is not a swarm manager.' }, d), []);
});
