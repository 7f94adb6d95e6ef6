/**
 * connectSsh beyond the host-key verdict, against in-process ssh2.Servers on loopback (no sshd needed):
 * the ProxyJump leg (a jump server that opens direct-tcpip channels to the target, or refuses them), cancel
 * (before the connect, during it, between the jump leg and the target leg, and after it: a connection already
 * made is shared by other callers and stays up), the abort listeners it leaves on a long-lived signal, and the
 * keepalive that finds a server gone silent.
 */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { connect as tcpConnect, createServer, type Server as NetServer, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { Server, type Connection } from 'ssh2';
import { connectSsh, type SshTarget } from '../../src/core/transport/ssh';
import { classifyConnectError } from '../../src/core/transport/sshErrors';
import { connectFailure, ed25519KeyPair } from './mut-ssh-util';

const hostKey = ed25519KeyPair();
const wait = (ms: number): Promise<void> => new Promise((ok) => setTimeout(ok, ms));

/** An SSH server taking password "right"; it records what each connection did (one list each), and may serve direct-tcpip. */
function sshServer(onTcpip?: (accept: () => Duplex, reject: () => void, info: { srcIP: string; srcPort: number; destIP: string; destPort: number }) => void) {
  const conns: string[][] = [];
  const server = new Server({ hostKeys: [hostKey.private] }, (client: Connection) => {
    const events = ['connection'];
    conns.push(events);
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('authentication', (ctx) => {
      events.push(`auth:${ctx.method}:${ctx.username}`);
      if (ctx.method === 'password' && ctx.password === 'right') ctx.accept();
      else ctx.reject(['password']);
    });
    client.on('ready', () => events.push('ready'));
    client.on('close', () => events.push('close'));
    client.on('error', () => undefined);
    if (onTcpip) client.on('tcpip', (accept, reject, info) => onTcpip(accept as () => Duplex, reject, info));
  });
  return { server, conns };
}
type Duplex = import('node:stream').Duplex;
/** What the server's latest connection did (nothing if none came since its list was cleared). */
const latest = (s: { conns: string[][] }): string[] => s.conns.at(-1) ?? [];
/** Server-side connections still open: ended after the tests, so a connection a bug leaked cannot hang the run. */
const open = new Set<Connection>();

async function listen(s: { listen: (port: number, host: string, cb: () => void) => unknown; address: () => unknown }): Promise<number> {
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', () => ok()));
  return (s.address() as { port: number }).port;
}

const main = sshServer();
let mainPort = 0;
/** Jump server: forwards to the requested address unless the port is `refusePort`; `beforeAccept` runs first. */
let refusePort = -1;
let beforeAccept: () => void = () => undefined;
const tcpipSeen: string[] = [];
const jump = sshServer((accept, reject, info) => {
  tcpipSeen.push(`${info.srcIP}:${info.srcPort} -> ${info.destIP}:${info.destPort}`);
  if (info.destPort === refusePort) return reject();
  beforeAccept();
  const up = tcpConnect(info.destPort, info.destIP);
  const ch = accept();
  up.pipe(ch).pipe(up);
  up.on('error', () => ch.destroy());
  ch.on('error', () => up.destroy());
});
let jumpPort = 0;

before(async () => {
  mainPort = await listen(main.server);
  jumpPort = await listen(jump.server);
});
after(() => {
  for (const c of open) c.end();
  main.server.close();
  jump.server.close();
});

function target(port: number, extra: Partial<SshTarget> = {}): SshTarget {
  return { host: '127.0.0.1', port, username: 'tester', password: 'right', verifyHostKey: () => true, readyTimeoutMs: 5_000, ...extra };
}
const viaJump = (extra: Partial<SshTarget> = {}): SshTarget => target(mainPort, { jump: target(jumpPort, { username: 'hopper' }), ...extra });


async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await wait(20);
  return cond();
}

test('ProxyJump: the jump host is logged into first, then asked for a channel to the target host and port, and the target is logged into through it', async () => {
  main.conns.length = 0;
  jump.conns.length = 0;
  tcpipSeen.length = 0;
  const { client, jumpClients } = await connectSsh(viaJump());
  try {
    assert.ok(latest(jump).includes('auth:password:hopper'), latest(jump).join(' '));
    assert.deepEqual(tcpipSeen.map((s) => s.replace(/^.* -> /, '')), [`127.0.0.1:${mainPort}`]);
    assert.ok(latest(main).includes('auth:password:tester') && latest(main).includes('ready'), latest(main).join(' '));
    assert.equal(jumpClients.length, 1);
  } finally {
    client.end();
    for (const j of jumpClients) j.end();
  }
});

test('ProxyJump: the jump host refuses the channel → kind connect naming the jump and the target, and the jump connection is closed (not leaked)', async () => {
  const closed = createServer();
  refusePort = await listen(closed);
  closed.close();
  jump.conns.length = 0;
  try {
    const e = await connectFailure(connectSsh(target(refusePort, { jump: target(jumpPort, { username: 'hopper' }) })));
    assert.equal(e.kind, 'connect');
    assert.match(e.message, new RegExp(`^ProxyJump 127\\.0\\.0\\.1: cannot reach 127\\.0\\.0\\.1:${refusePort}: \\S`));
    assert.ok(await until(() => latest(jump).includes('close'), 3000), `jump connection left open: ${latest(jump).join(' ')}`);
  } finally {
    refusePort = -1;
  }
});

test('cancelled before the connect starts: kind cancelled, and the server never sees a connection', async () => {
  main.conns.length = 0;
  const ac = new AbortController();
  ac.abort();
  const e = await connectFailure(connectSsh(target(mainPort, { signal: ac.signal })));
  assert.equal(e.kind, 'cancelled');
  assert.equal(e.message, 'cancelled');
  await wait(200);
  assert.equal(main.conns.length, 0);
});

test('cancelled between the jump leg and the target leg: kind cancelled, the jump connection is closed, the target never logged into', async () => {
  const ac = new AbortController();
  beforeAccept = () => ac.abort();
  jump.conns.length = 0;
  main.conns.length = 0;
  try {
    const e = await connectFailure(connectSsh(viaJump({ signal: ac.signal })));
    assert.equal(e.kind, 'cancelled');
    assert.ok(await until(() => latest(jump).includes('close'), 3000), `jump connection left open: ${latest(jump).join(' ')}`);
    assert.ok(!latest(main).some((x) => x.startsWith('auth')), latest(main).join(' '));
  } finally {
    beforeAccept = () => undefined;
  }
});

test('cancelled while connecting (a server that never answers): given up at once with kind cancelled naming the endpoint, and the socket is closed', async () => {
  const sockets: Socket[] = [];
  const socketClosed: boolean[] = [];
  const silent: NetServer = createServer((s) => {
    const i = sockets.push(s) - 1;
    socketClosed[i] = false;
    s.on('close', () => (socketClosed[i] = true));
    s.on('error', () => undefined);
    s.resume(); // read (and drop) what the client sends, so its end of the stream is seen
  });
  const port = await listen(silent);
  try {
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 150);
    const e = await connectFailure(connectSsh(target(port, { signal: ac.signal })));
    assert.equal(e.kind, 'cancelled');
    assert.equal(e.message, `cancelled: connecting to tester@127.0.0.1:${port}`);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    assert.equal(sockets.length, 1);
    assert.ok(await until(() => socketClosed[0] === true, 3000), 'the socket was left open');
    assert.deepEqual(getEventListeners(ac.signal, 'abort'), []);
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

test('a long-lived signal keeps no abort listener after a connect that succeeded or failed', async () => {
  const ac = new AbortController();
  const { client } = await connectSsh(target(mainPort, { signal: ac.signal }));
  client.end();
  assert.deepEqual(getEventListeners(ac.signal, 'abort'), [], 'after a success');
  const e = await connectFailure(connectSsh(target(mainPort, { signal: ac.signal, password: 'wrong' })));
  assert.equal(e.kind, 'auth');
  assert.deepEqual(getEventListeners(ac.signal, 'abort'), [], 'after a failure');
});

test('a cancel after the connect finished leaves the connection up (it is shared by later callers)', async () => {
  const ac = new AbortController();
  main.conns.length = 0;
  const { client } = await connectSsh(target(mainPort, { signal: ac.signal }));
  let clientClosed = false;
  client.on('close', () => (clientClosed = true));
  ac.abort();
  await wait(300);
  try {
    assert.equal(clientClosed, false, 'the client was closed by a late cancel');
    assert.ok(!latest(main).includes('close'), latest(main).join(' '));
  } finally {
    client.end();
  }
});

test('keepalive: a server that goes silent after login is declared dead after the given interval × 3 (not the 10 s default)', async () => {
  // a TCP relay in front of the server that can be frozen: bytes stop flowing both ways, the sockets stay open
  const pairs: Socket[][] = [];
  const relay: NetServer = createServer((down) => {
    const up = tcpConnect(mainPort, '127.0.0.1');
    down.pipe(up).pipe(down);
    down.on('error', () => undefined);
    up.on('error', () => undefined);
    pairs.push([down, up]);
  });
  const port = await listen(relay);
  const { client } = await connectSsh(target(port, { keepaliveIntervalMs: 100 }));
  // no error listener of our own: the one connectSsh leaves must take the keepalive error (else it is thrown, and
  // in the extension host an uncaught exception)
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown): void => void uncaught.push(e);
  process.on('uncaughtException', onUncaught);
  let closed = false;
  client.on('close', () => (closed = true));
  try {
    await wait(400);
    assert.equal(closed, false, 'the connection died while the server still answered keepalives');
    for (const [down, up] of pairs) {
      down.unpipe(up);
      up.unpipe(down);
      down.pause();
      up.pause();
    }
    assert.ok(await until(() => closed, 4000), 'a silent server was not noticed within 4 s');
    assert.deepEqual(uncaught.map(String), []);
  } finally {
    process.off('uncaughtException', onUncaught);
    client.end();
    for (const p of pairs) for (const s of p) s.destroy();
    relay.close();
  }
});

test('connect failures in words: each socket error Node reports names its cause once, with a kind that says whether retrying can help', () => {
  const where = { username: 'u', host: 'h', port: 2222 };
  const err = (message: string, extra: { code?: string; level?: string } = {}): Error & { code?: string; level?: string } => Object.assign(new Error(message), extra);
  const cases: [code: string, words: string, kind: string][] = [
    ['ECONNREFUSED', 'connection refused', 'connect'],
    ['EHOSTUNREACH', 'host unreachable', 'connect'],
    ['EHOSTDOWN', 'host unreachable', 'connect'],
    ['ENETUNREACH', 'network unreachable', 'connect'],
    ['ENOTFOUND', 'unknown host', 'connect'],
    ['EAI_AGAIN', 'unknown host (name lookup failed)', 'connect'],
    ['ETIMEDOUT', 'timed out', 'timeout'],
    ['ECONNRESET', 'connection reset', 'connect'],
    ['EPIPE', 'connection reset', 'connect'],
  ];
  for (const [code, words, kind] of cases) {
    const e = classifyConnectError(err(`connect ${code} 10.0.0.1:2222`, { code }), where, undefined);
    assert.deepEqual([e.message, e.kind], [`${words}: u@h:2222 (${code})`, kind], code);
  }
  // a code without words, or none: the message as it came, once
  assert.deepEqual([classifyConnectError(err('weird', { code: 'EWHATEVER' }), where, undefined).message, classifyConnectError(err('weird', { code: 'EWHATEVER' }), where, undefined).kind], ['cannot connect: u@h:2222: weird', 'connect']);
  assert.equal(classifyConnectError(err('Connection lost before handshake'), { username: 'u', host: 'h' }, undefined).message, 'cannot connect: u@h:22: Connection lost before handshake');
  // ssh2's own timeouts: by level, or by its message
  assert.equal(classifyConnectError(err('handshake stalled', { level: 'client-timeout' }), where, undefined).kind, 'timeout');
  assert.equal(classifyConnectError(err('Timed out while waiting for handshake'), where, undefined).kind, 'timeout');
  // the host-key verdict wins over whatever error ended the connection
  assert.equal(classifyConnectError(err('x', { code: 'ECONNRESET' }), where, 'ssh-ed25519 SHA256:abc').kind, 'hostkey');
});
