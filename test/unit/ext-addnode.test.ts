/**
 * "Add Node…" (one line like Remote-SSH's "Connect to Host": `user@host[:port]`), the keys it offers, the
 * duplicate warning, and how connect failures are worded (cause first, once). Expected answers are written
 * from OpenSSH's destination syntax (ssh(1): `[user@]hostname`, `ssh://[user@]hostname[:port]`) and its
 * messages ("Connection refused", "Permission denied (publickey)", "Host key verification failed").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installFakeVscode } from '../ssh/fakeVscode';
import { parseDestination } from '../../src/core/nodeConfig';
import { classifyConnectError } from '../../src/core/transport/ssh';

const fake = installFakeVscode();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const add = require('../../src/extension/addNode') as typeof import('../../src/extension/addNode');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { causeOf } = require('../../src/extension/nodes') as typeof import('../../src/extension/nodes');

test('parseDestination: ssh destinations and Docker endpoints', () => {
  const ok: [string, object][] = [
    ['root@10.0.0.2', { transport: 'ssh', host: '10.0.0.2', user: 'root' }],
    ['deploy@node-1.example.com:2222', { transport: 'ssh', host: 'node-1.example.com', user: 'deploy', port: 2222 }],
    ['node3', { transport: 'ssh', host: 'node3', user: 'root' }],
    ['  admin@198.18.0.3:22  ', { transport: 'ssh', host: '198.18.0.3', user: 'admin' }],
    ['ssh://ops@host.lan:2200', { transport: 'ssh', host: 'host.lan', user: 'ops', port: 2200 }],
    ['root@[fd00::2]:2222', { transport: 'ssh', host: 'fd00::2', user: 'root', port: 2222 }],
    ['tcp://10.0.0.9:2376', { transport: 'docker', dockerHost: 'tcp://10.0.0.9:2376' }],
    ['unix:///var/run/docker.sock', { transport: 'docker', dockerHost: 'unix:///var/run/docker.sock' }],
  ];
  for (const [line, want] of ok) assert.deepEqual(parseDestination(line).config, want, line);
  for (const bad of ['', 'root@', 'root@host:99999', 'root@host:port', 'a b', '-oProxyCommand=x', 'root@-oProxyCommand=x', 'fe80::1']) assert.ok(parseDestination(bad).error, `accepted ${JSON.stringify(bad)}`);
});

test('keysIn: private keys in ~/.ssh (with a .pub or named id_*), the usual ones first; not known_hosts/config', async () => {
  const home = mkdtempSync(join(tmpdir(), 'swarmnet-home-'));
  try {
    assert.deepEqual(await add.keysIn(home), []);
    mkdirSync(join(home, '.ssh'));
    for (const f of ['id_rsa', 'id_rsa.pub', 'id_ed25519', 'lab_key', 'lab_key.pub', 'known_hosts', 'config', 'authorized_keys', 'notes.txt']) writeFileSync(join(home, '.ssh', f), '');
    assert.deepEqual((await add.keysIn(home)).map((p) => p.slice(home.length)), ['/.ssh/id_ed25519', '/.ssh/id_rsa', '/.ssh/lab_key']);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('askNewNode: one line, then a key from ~/.ssh; a duplicate endpoint or known swarm node warns first', async () => {
  const home = mkdtempSync(join(tmpdir(), 'swarmnet-home-'));
  mkdirSync(join(home, '.ssh'));
  writeFileSync(join(home, '.ssh', 'id_ed25519'), '');
  const existing = [{ name: 'n2', transport: 'ssh' as const, host: '198.18.0.3', user: 'root' }];
  const models = [{ name: 'n3', hostname: 'lab-node3', swarm: { nodeId: 'abc123def4567890', nodeAddr: '198.18.0.4', localNodeState: 'active', controlAvailable: false, remoteManagers: [] }, networks: [], namespaces: [], services: [], diagnostics: [], discoveredAt: '' }];
  const env = { existing: () => existing, models: () => models, home };
  try {
    fake.inputs = ['deploy@198.18.0.9:2222'];
    fake.pick = (items) => items[0];
    assert.deepEqual(await add.askNewNode(env), [{ name: '198.18.0.9', transport: 'ssh', host: '198.18.0.9', user: 'deploy', port: 2222, keyPath: join(home, '.ssh', 'id_ed25519') }]);
    assert.match(fake.quickPicks.at(-1)?.items.map((i) => i.label).join('|') ?? '', /^\$\(key\) ~\/\.ssh\/id_ed25519\|\$\(person\) ssh-agent only$/);
    fake.warnings = [];
    fake.warningAnswer = undefined;
    fake.inputs = ['root@198.18.0.3'];
    assert.deepEqual(await add.askNewNode(env), []);
    assert.match(fake.warnings[0]?.message ?? '', /^Already in the list: "n2" already reaches root@198\.18\.0\.3\.$/);
    fake.inputs = ['root@198.18.0.4'];
    fake.warningAnswer = 'Add Anyway';
    const got = await add.askNewNode(env);
    assert.match(fake.warnings[1]?.message ?? '', /"n3" is already the swarm node at 198\.18\.0\.4 \(node id abc123def456\)/);
    assert.equal(got.length, 1);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('connect errors lead with the cause and say it once; the tree shows the cause', () => {
  const t = { username: 'root', host: '10.0.0.2', port: 22 };
  const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.2:22'), { code: 'ECONNREFUSED' });
  assert.equal(classifyConnectError(refused, t, undefined).message, 'connection refused: root@10.0.0.2:22 (ECONNREFUSED)');
  const unreach = Object.assign(new Error('connect EHOSTUNREACH 10.0.0.2:22'), { code: 'EHOSTUNREACH' });
  assert.equal(classifyConnectError(unreach, t, undefined).message, 'host unreachable: root@10.0.0.2:22 (EHOSTUNREACH)');
  assert.equal(classifyConnectError(unreach, t, undefined).kind, 'connect');
  const auth = Object.assign(new Error('All configured authentication methods failed'), { level: 'client-authentication' });
  const a = classifyConnectError(auth, t, undefined);
  assert.equal(a.kind, 'auth');
  assert.match(a.message, /^authentication failed: root@10\.0\.0\.2:22 /);
  const hk = classifyConnectError(new Error('Handshake failed'), t, 'ssh-ed25519 SHA256:abc');
  assert.equal(hk.kind, 'hostkey');
  assert.equal(hk.message, 'host key not trusted: root@10.0.0.2:22 (ssh-ed25519 SHA256:abc)');
  const to = classifyConnectError(Object.assign(new Error('Timed out while waiting for handshake'), { level: 'client-timeout' }), t, undefined);
  assert.equal(to.kind, 'timeout');
  assert.equal(causeOf(a.message), 'authentication failed');
  assert.equal(causeOf(classifyConnectError(unreach, t, undefined).message), 'host unreachable');
  for (const e of [refused, unreach]) {
    const m = classifyConnectError(e, t, undefined).message;
    assert.equal(m.split(e.code as string).length - 1, 1, `says ${e.code} once: ${m}`);
  }
});

test('causeOf: the node row names the cause, also for Docker API and local socket errors', () => {
  const cases: [string, string][] = [
    ['authentication failed: root@h:22 accepted none of the offered keys', 'authentication failed'],
    ['wrong passphrase: /k/id (3 tries)', 'wrong passphrase'],
    ['this machine: Docker API: connect ENOENT /var/run/docker.sock', 'Docker socket not found'],
    ['n: Docker API: tcp://10.0.0.9:2376: connect ECONNREFUSED 10.0.0.9:2376', 'connection refused'],
    ['n: Docker API: connect EACCES /var/run/docker.sock', 'permission denied'],
    ['n: Docker API: tcp://h:2376: self-signed certificate in certificate chain', 'TLS failed'],
    ['ssh root@h:22: sudo needs a password for ip (configure NOPASSWD for read-only commands, or connect as root)', 'sudo needs a password'],
    ['something odd happened', 'something odd happened'],
  ];
  for (const [msg, want] of cases) assert.equal(causeOf(msg), want, msg);
});
