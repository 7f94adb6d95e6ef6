/**
 * nsTerminal: the exact program and argv of "Open Terminal in Namespace" for each way a node is reached.
 * Every option the user configured must reach ssh, and nothing else: a wrong argv opens a shell on the wrong
 * host, in the wrong namespace, or with the wrong identity.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { nsTerminal, type TerminalSpec } from '../../src/core/nsTerminal';
import type { NodeConfig } from '../../src/core/nodeConfig';

const NS = '/var/run/docker/netns';
const ssh = (over: Partial<NodeConfig>): NodeConfig => ({ name: 'n', transport: 'ssh', host: '198.18.0.2', ...over });
const spec = (r: TerminalSpec | { error: string }): TerminalSpec => {
  assert.ok(!('error' in r), `unexpected error: ${'error' in r ? r.error : ''}`);
  return r;
};

test('ssh, nothing configured: port 22, root, no sudo, no identity options', () => {
  assert.deepEqual(nsTerminal(ssh({}), 'ingress_sbox', { isRoot: false }), {
    shellPath: 'ssh',
    shellArgs: ['-t', '-p', '22', '--', 'root@198.18.0.2', `nsenter --net=${NS}/ingress_sbox -- sh`],
  });
});

test('ssh as a non-root user: sudo in front of nsenter, unless sudo is turned off; root with sudo on gets it too', () => {
  assert.equal(spec(nsTerminal(ssh({ user: 'ops' }), 'lb_kyqvdx10i', { isRoot: true })).shellArgs.at(-1), `sudo nsenter --net=${NS}/lb_kyqvdx10i -- sh`);
  assert.equal(spec(nsTerminal(ssh({ user: 'ops', sudo: false }), 'lb_kyqvdx10i', { isRoot: true })).shellArgs.at(-1), `nsenter --net=${NS}/lb_kyqvdx10i -- sh`);
  assert.equal(spec(nsTerminal(ssh({ user: 'root', sudo: true }), 'lb_kyqvdx10i', { isRoot: true })).shellArgs.at(-1), `sudo nsenter --net=${NS}/lb_kyqvdx10i -- sh`);
  assert.equal(spec(nsTerminal(ssh({ user: 'ops' }), 'lb_kyqvdx10i', { isRoot: true })).shellArgs.at(-2), 'ops@198.18.0.2');
});

test('ssh into the host namespace: a plain shell, never sudo, never nsenter', () => {
  assert.deepEqual(spec(nsTerminal(ssh({ user: 'ops' }), 'host', { isRoot: false })).shellArgs.slice(-2), ['ops@198.18.0.2', 'sh']);
});

test('identity: key file with IdentitiesOnly; agent off without a key; a configured agent socket', () => {
  assert.deepEqual(spec(nsTerminal(ssh({ keyPath: '/k/id', useAgent: false }), 'ingress_sbox', { isRoot: true })).shellArgs.slice(0, 7), ['-t', '-p', '22', '-i', '/k/id', '-o', 'IdentitiesOnly=yes']);
  assert.ok(!spec(nsTerminal(ssh({ keyPath: '/k/id', useAgent: false }), 'ingress_sbox', { isRoot: true })).shellArgs.includes('IdentityAgent=none'));
  assert.deepEqual(spec(nsTerminal(ssh({ useAgent: false }), 'ingress_sbox', { isRoot: true })).shellArgs.slice(0, 5), ['-t', '-p', '22', '-o', 'IdentityAgent=none']);
  assert.deepEqual(spec(nsTerminal(ssh({ identityAgent: '/run/agent.sock' }), 'ingress_sbox', { isRoot: true })).shellArgs.slice(0, 5), ['-t', '-p', '22', '-o', 'IdentityAgent=/run/agent.sock']);
  assert.deepEqual(spec(nsTerminal(ssh({ useAgent: true }), 'ingress_sbox', { isRoot: true })).shellArgs.slice(0, 4), ['-t', '-p', '22', '--']);
});

test('known_hosts file and jump host reach ssh; the destination follows "--" (a host like "-oProxyCommand=x" stays a host)', () => {
  const a = spec(nsTerminal(ssh({ host: '-oProxyCommand=x', port: 2200, knownHostsFile: '/k/kh', proxyJump: 'jump@b:2' }), 'ingress_sbox', { isRoot: true })).shellArgs;
  assert.deepEqual(a, ['-t', '-p', '2200', '-o', 'UserKnownHostsFile=/k/kh', '-J', 'jump@b:2', '--', 'root@-oProxyCommand=x', `nsenter --net=${NS}/ingress_sbox -- sh`]);
});

test('refusals: a namespace name that is not plain, a Docker-API-only node, an ssh node without a host', () => {
  assert.deepEqual(nsTerminal(ssh({}), 'a b', { isRoot: true }), { error: 'refused: "a b" is not a plain namespace name under /var/run/docker/netns' });
  assert.deepEqual(nsTerminal({ name: 'api', transport: 'docker' }, 'ingress_sbox', { isRoot: true }), { error: 'api is reached through the Docker API only: a terminal in its namespaces needs SSH or local access' });
  assert.deepEqual(nsTerminal({ name: 'nohost', transport: 'ssh' }, 'ingress_sbox', { isRoot: true }), { error: 'nohost has no host in its settings: add "host" to open a terminal over SSH' });
});

test('local: nsenter directly as root, through sudo otherwise; the host namespace needs neither', () => {
  assert.deepEqual(nsTerminal({ name: 'l', transport: 'local' }, '1-q0vp4l7ksp', { isRoot: true }), { shellPath: 'nsenter', shellArgs: [`--net=${NS}/1-q0vp4l7ksp`, '--', 'sh'] });
  assert.deepEqual(nsTerminal({ name: 'l', transport: 'local' }, '1-q0vp4l7ksp', { isRoot: false }), { shellPath: 'sudo', shellArgs: ['nsenter', `--net=${NS}/1-q0vp4l7ksp`, '--', 'sh'] });
  assert.deepEqual(nsTerminal({ name: 'l', transport: 'local' }, 'host', { isRoot: true }), { shellPath: 'sh', shellArgs: [] });
  assert.deepEqual(nsTerminal({ name: 'l', transport: 'local' }, 'host', { isRoot: false }), { shellPath: 'sh', shellArgs: [] });
});
