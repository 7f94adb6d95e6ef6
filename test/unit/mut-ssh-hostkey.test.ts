/**
 * The host-key verdict in the SSH transport, against an in-process ssh2.Server on loopback (no sshd needed): a
 * refused or failing verdict ends the connection before the client sends any authentication request — the
 * server's `authentication` handler is never called — and the error says "host key", naming the key. With an
 * accepted key the same server does see the authentication (so "no auth seen" is not vacuous).
 */
import assert from 'node:assert/strict';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { Server, utils, type Connection } from 'ssh2';
import { fingerprintSha256 } from '../../src/core/transport/knownHosts';
import { connectSsh, type HostKeyInfo, type SshTarget } from '../../src/core/transport/ssh';
import type { TransportError } from '../../src/core/transport/types';
import { connectFailure, ed25519KeyPair } from './mut-ssh-util';

const hostKey = ed25519KeyPair();
const hostBlob = (utils.parseKey(hostKey.public) as { getPublicSSH(): Buffer }).getPublicSSH();
let server: Server;
let port = 0;
/** What the server saw from each client, in order. */
let events: string[] = [];

before(async () => {
  server = new Server({ hostKeys: [hostKey.private] }, (client: Connection) => {
    events.push('connection');
    client.on('authentication', (ctx) => {
      events.push(`auth:${ctx.method}:${ctx.username}`);
      if (ctx.method === 'password' && ctx.password === 'right') ctx.accept();
      else ctx.reject(['password']);
    });
    client.on('ready', () => events.push('ready'));
    client.on('error', () => undefined);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  port = (server.address() as { port: number }).port;
});
after(() => server.close());

function target(verifyHostKey: SshTarget['verifyHostKey'], password = 'right'): SshTarget {
  return { host: '127.0.0.1', port, username: 'tester', password, verifyHostKey, readyTimeoutMs: 5_000 };
}

async function refusal(t: SshTarget): Promise<TransportError> {
  events = [];
  return connectFailure(connectSsh(t), 'connected although the host key was not trusted');
}

test('a host key the verifier refuses: error kind hostkey naming type and fingerprint, and no authentication request reached the server', async () => {
  const seen: HostKeyInfo[] = [];
  const e = await refusal(target((info) => (seen.push(info), false)));
  assert.equal(e.kind, 'hostkey');
  assert.equal(e.message, `host key not trusted: tester@127.0.0.1:${port} (ssh-ed25519 ${fingerprintSha256(hostBlob)})`);
  assert.deepEqual(events.filter((x) => x.startsWith('auth')), []);
  assert.equal(seen.length, 1);
  assert.deepEqual(seen[0], { host: '127.0.0.1', port, keyType: 'ssh-ed25519', fingerprint: fingerprintSha256(hostBlob), key: hostBlob });
});

test('an asynchronous refusal (a prompt answered later) also stops before authentication', async () => {
  const e = await refusal(target(() => new Promise((ok) => setTimeout(() => ok(false), 300))));
  assert.equal(e.kind, 'hostkey');
  assert.deepEqual(events.filter((x) => x.startsWith('auth')), []);
});

test('a verifier that fails (unreadable known_hosts, a prompt that throws) refuses, with its reason, before authentication', async () => {
  const e = await refusal(target(async () => {
    throw new Error('EACCES: permission denied, open known_hosts');
  }));
  assert.equal(e.kind, 'hostkey');
  assert.equal(e.message, `host key not trusted: tester@127.0.0.1:${port} (EACCES: permission denied, open known_hosts)`);
  assert.deepEqual(events.filter((x) => x.startsWith('auth')), []);
  const e2 = await refusal(target(() => {
    throw 'plain string';
  }));
  assert.match(e2.message, /^host key not trusted: .* \(plain string\)$/);
  assert.deepEqual(events.filter((x) => x.startsWith('auth')), []);
});

test('an accepted key: the server sees the authentication and the connection is ready (the refusals above are real)', async () => {
  events = [];
  const { client } = await connectSsh(target(() => true));
  client.end();
  assert.ok(events.includes('auth:password:tester'), events.join(' '));
  assert.ok(events.includes('ready'));
});

test('a trusted key with a refused password: kind auth, not hostkey; the verifier ran first', async () => {
  const order: string[] = [];
  events = [];
  const e = await refusal(target(() => (order.push(`verify after ${events.filter((x) => x.startsWith('auth')).length} auth`), true), 'wrong'));
  assert.equal(e.kind, 'auth');
  assert.equal(e.message, `authentication failed: tester@127.0.0.1:${port} accepted none of the offered keys (key file, agent or passphrase)`);
  assert.deepEqual(order, ['verify after 0 auth']);
  assert.ok(events.some((x) => x.startsWith('auth:password')));
});

test('nothing listening → kind connect naming ECONNREFUSED; a silent server → kind timeout', async () => {
  const closed = createServer();
  await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', () => ok()));
  const closedPort = (closed.address() as { port: number }).port;
  await new Promise<void>((ok) => closed.close(() => ok()));
  const e = await refusal({ ...target(() => true), port: closedPort });
  assert.equal(e.kind, 'connect');
  assert.equal(e.message, `connection refused: tester@127.0.0.1:${closedPort} (ECONNREFUSED)`);
  const sockets: Socket[] = [];
  const silent: NetServer = createServer((s) => sockets.push(s));
  await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', () => ok()));
  try {
    const t = await refusal({ ...target(() => true), port: (silent.address() as { port: number }).port, readyTimeoutMs: 500 });
    assert.equal(t.kind, 'timeout');
    assert.match(t.message, /^timed out: .* did not complete the SSH handshake in time$/);
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

test('a key that cannot be read: an encrypted key without its passphrase → kind auth naming the key; an unparsable key → auth too (not retried), one clean line', async () => {
  const enc = ed25519KeyPair({ passphrase: 'secret', cipher: 'aes256-ctr', rounds: 16 });
  const e = await refusal({ ...target(() => true), password: undefined, privateKey: enc.private });
  assert.equal(e.kind, 'auth');
  assert.match(e.message, new RegExp(`^cannot use the private key: .*(passphrase|Encrypted).* \\(for tester@127\\.0\\.0\\.1:${port}\\)$`, 'i'));
  assert.deepEqual(events, [], 'nothing was sent: the key is read before connecting');
  const bad = await refusal({ ...target(() => true), password: undefined, privateKey: 'not a key' });
  // a key file that cannot be used is the user's to fix, like a refused key: kind auth (never retried automatically)
  assert.equal(bad.kind, 'auth');
  assert.match(bad.message, new RegExp(`^cannot use the private key: \\S.* \\(for tester@127\\.0\\.0\\.1:${port}\\)$`));
  assert.ok(!/\s{2}/.test(bad.message) && bad.message === bad.message.trim(), JSON.stringify(bad.message));
});

test('the ready timeout given is the one used (a silent server is given up after it, long before the 10 s default)', async () => {
  const sockets: Socket[] = [];
  const silent: NetServer = createServer((s) => sockets.push(s));
  await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', () => ok()));
  try {
    const started = Date.now();
    const t = await refusal({ ...target(() => true), port: (silent.address() as { port: number }).port, readyTimeoutMs: 300 });
    assert.equal(t.kind, 'timeout');
    assert.ok(Date.now() - started < 6000, `gave up after ${Date.now() - started} ms`);
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});
