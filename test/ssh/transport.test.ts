/**
 * The SSH transport against real OpenSSH servers on loopback: agent and key+passphrase auth, ProxyJump through
 * a second sshd, the host-key policy, `sudo -n` for a non-root user, the Docker API tunnelled through SSH, and
 * faults (stalled command, output flood, sshd killed mid-command, unreachable/silent hosts, wrong key).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../helpers';
import { connectNode } from '../../src/core/connect';
import { sshConfigFromText } from '../../src/core/sources/sshConfig';
import { createDocker } from '../../src/core/transport/docker';
import { makeKnownHostsVerifier, type UnknownHostChoice } from '../../src/core/transport/knownHosts';
import { SshRunner, type HostKeyInfo, type SshTarget } from '../../src/core/transport/ssh';
import { TransportError } from '../../src/core/transport/types';
import { ensureTestUser, makeKey, removeTestUser, startAgent, startSshd, TEST_USER, type KeyPair, type Sshd } from './sshd';

let dir = '';
let plainKey: KeyPair;
let passKey: KeyPair;
let agentKey: KeyPair;
let strangerKey: KeyPair;
let target: Sshd;
let jump: Sshd;
let noForwardJump: Sshd;
let agent: { sock: string; stop: () => Promise<void> };
let createdUser = false;
const PASSPHRASE = 'correct horse battery staple';

/** Trusts exactly the given sshd's host key (as a known_hosts match would). */
const trust = (s: Sshd) => (info: HostKeyInfo): boolean => info.key.equals(s.hostKey.blob);
const trustAll = (...ss: Sshd[]) => (info: HostKeyInfo): boolean => ss.some((s) => info.key.equals(s.hostKey.blob));

function base(s: Sshd, extra: Partial<SshTarget> = {}): SshTarget {
  return { host: '127.0.0.1', port: s.port, username: 'root', privateKey: readFileSync(plainKey.path), verifyHostKey: trust(s), readyTimeoutMs: 5000, ...extra };
}

async function withRunner<T>(t: SshTarget, fn: (r: SshRunner) => Promise<T>): Promise<T> {
  const r = await SshRunner.connect(t);
  try {
    return await fn(r);
  } finally {
    await r.close();
  }
}

async function connectError(t: SshTarget): Promise<TransportError> {
  const started = Date.now();
  try {
    const r = await SshRunner.connect(t);
    await r.close();
  } catch (e) {
    assert.ok(e instanceof TransportError, `expected a TransportError, got ${String(e)}`);
    assert.ok(Date.now() - started < 8000, 'failed within the ready timeout');
    return e;
  }
  throw new Error('connection unexpectedly succeeded');
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'swarmnet-sshtest-'));
  plainKey = makeKey(dir, 'id_plain');
  passKey = makeKey(dir, 'id_pass', { passphrase: PASSPHRASE });
  agentKey = makeKey(dir, 'id_agent', { type: 'ecdsa' });
  strangerKey = makeKey(dir, 'id_stranger');
  const authorized = [plainKey.pub, passKey.pub, agentKey.pub];
  [target, jump, noForwardJump] = await Promise.all([
    startSshd({ authorizedKeys: authorized }),
    startSshd({ authorizedKeys: authorized, logLevel: 'DEBUG1' }),
    startSshd({ authorizedKeys: authorized, extraConfig: ['AllowTcpForwarding no'] }),
  ]);
  agent = await startAgent(dir, [agentKey.path]);
  createdUser = ensureTestUser();
});

after(async () => {
  await Promise.all([target?.stop(), jump?.stop(), noForwardJump?.stop(), agent?.stop()]);
  if (createdUser) removeTestUser();
  rmSync(dir, { recursive: true, force: true });
});

test('key auth: runs an argv and returns stdout, stderr and the exit code', async () => {
  await withRunner(base(target), async (r) => {
    const res = await r.run(['sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.deepEqual([res.stdout, res.stderr, res.code, res.timedOut, res.truncated], ['out\n', 'err\n', 3, false, false]);
    const who = await r.run(['id', '-un']);
    assert.equal(who.stdout.trim(), 'root');
    assert.equal((await r.run(['cat'], { stdin: 'piped\ninput' })).stdout, 'piped\ninput');
  });
});

test('agent auth: a real ssh-agent holding the only accepted key for this login', async () => {
  const t = base(target, { privateKey: undefined, agent: agent.sock });
  await withRunner(t, async (r) => {
    assert.equal((await r.run(['echo', 'via agent'])).stdout, 'via agent\n');
  });
  assert.match(target.log(), new RegExp(`Accepted publickey for root .*ECDSA SHA256:${execFileSync('ssh-keygen', ['-lf', `${agentKey.path}.pub`], { encoding: 'utf8' }).split(/\s+/)[1].slice(7).replace(/[+/]/g, '.')}`));
});

test('ssh config → connectNode: IdentityAgent and ProxyJump (by alias) from a real config reach the node', async () => {
  const cfg = [
    `Host jumpbox\n  HostName 127.0.0.1\n  Port ${jump.port}\n  User root`,
    `Host node-a\n  HostName 127.0.0.1\n  Port ${target.port}\n  User root\n  IdentityAgent ${agent.sock}\n  ProxyJump jumpbox`,
  ].join('\n');
  const { candidates, diagnostics } = await sshConfigFromText(cfg, { home: dir, localUser: 'root', env: {} });
  assert.deepEqual(diagnostics, []);
  const node = candidates.find((c) => c.alias === 'node-a');
  assert.deepEqual(node?.config, { name: 'node-a', transport: 'ssh', host: '127.0.0.1', port: target.port, user: 'root', useAgent: true, identityAgent: agent.sock, proxyJump: `root@127.0.0.1:${jump.port}` });
  // No key file and no default agent: only the config's IdentityAgent can authenticate.
  const conn = await connectNode(node.config, { verifyHostKey: trustAll(target, jump), timeoutMs: 5000, agentSocket: undefined });
  try {
    assert.match(conn.runner?.description ?? '', /via 127\.0\.0\.1/);
    assert.equal((await conn.runner?.run(['echo', 'configured']))?.stdout, 'configured\n');
  } finally {
    await conn.close();
  }
});

test('key + passphrase: right passphrase connects, wrong or missing passphrase is a clear auth error', async () => {
  await withRunner(base(target, { privateKey: readFileSync(passKey.path), passphrase: PASSPHRASE }), async (r) => {
    assert.equal((await r.run(['true'])).code, 0);
  });
  const wrong = await connectError(base(target, { privateKey: readFileSync(passKey.path), passphrase: 'wrong' }));
  assert.equal(wrong.kind, 'auth');
  assert.match(wrong.message, /key|passphrase/i);
  const missing = await connectError(base(target, { privateKey: readFileSync(passKey.path) }));
  assert.equal(missing.kind, 'auth');
});

test('connectNode: keyPath + passphrase from the getPassphrase hook (asked only because the key is encrypted)', async () => {
  let asked = 0;
  const conn = await connectNode(
    { name: 'p', transport: 'ssh', host: '127.0.0.1', port: target.port, user: 'root', keyPath: passKey.path, useAgent: false },
    { verifyHostKey: trust(target), getPassphrase: async () => (asked++, PASSPHRASE), timeoutMs: 5000 },
  );
  try {
    assert.equal(asked, 1);
    assert.equal((await conn.runner?.run(['echo', 'ok']))?.stdout, 'ok\n');
  } finally {
    await conn.close();
  }
});

test('wrong key → auth error (and the server saw the attempt)', async () => {
  const e = await connectError(base(target, { privateKey: readFileSync(strangerKey.path) }));
  assert.equal(e.kind, 'auth');
});

test('ProxyJump: the target is reached through the jump sshd (direct-tcpip seen there); a jump that forbids forwarding fails clearly', async () => {
  const t = base(target, { verifyHostKey: trustAll(target, jump), jump: base(jump, { verifyHostKey: trustAll(target, jump) }) });
  await withRunner(t, async (r) => {
    assert.match(r.description, /via 127\.0\.0\.1/);
    assert.equal((await r.run(['echo', 'jumped'])).stdout, 'jumped\n');
  });
  assert.match(jump.log(), new RegExp(`direct-tcpip.*|target 127\\.0\\.0\\.1 port ${target.port}`));
  assert.match(jump.log(), new RegExp(`127\\.0\\.0\\.1 port ${target.port}`));
  const bad = base(target, { jump: base(noForwardJump) });
  const e = await connectError(bad);
  assert.equal(e.kind, 'connect');
  assert.match(e.message, /ProxyJump/);
  // connectNode's proxyJump spec (user@host:port) goes the same way.
  const conn = await connectNode(
    { name: 'j', transport: 'ssh', host: '127.0.0.1', port: target.port, user: 'root', keyPath: plainKey.path, proxyJump: `root@127.0.0.1:${jump.port}`, useAgent: false },
    { verifyHostKey: trustAll(target, jump), timeoutMs: 5000 },
  );
  try {
    assert.match(conn.runner?.description ?? '', /via 127\.0\.0\.1/);
    assert.equal((await conn.runner?.run(['hostname']))?.code, 0);
  } finally {
    await conn.close();
  }
});

test('host keys with the real policy: known → connects silently; unknown → asked (once: nothing saved; save: saved, then silent); changed → refused as hostkey', async () => {
  const kh = join(dir, 'known_hosts');
  rmSync(kh, { force: true });
  const asked: string[] = [];
  const refused: number[] = [];
  let answer: UnknownHostChoice = 'once';
  const verifyHostKey = makeKnownHostsVerifier({
    knownHostsPath: kh,
    onUnknown: async (i) => {
      asked.push(`${i.host}:${i.port} ${i.keyType} ${i.fingerprint}`);
      return answer;
    },
    onMismatch: (_i, line) => refused.push(line),
  });
  const t = base(target, { verifyHostKey });
  await withRunner(t, async (r) => assert.equal((await r.run(['true'])).code, 0));
  assert.equal(asked.length, 1);
  assert.match(asked[0], new RegExp(`^127\\.0\\.0\\.1:${target.port} ssh-ed25519 SHA256:`));
  assert.equal(existsSync(kh), false, "'once' writes nothing");
  answer = 'save';
  await withRunner(t, async (r) => assert.equal((await r.run(['true'])).code, 0));
  assert.equal(asked.length, 2);
  assert.equal(readFileSync(kh, 'utf8'), `[127.0.0.1]:${target.port} ssh-ed25519 ${target.hostKey.blob.toString('base64')}\n`);
  // The saved line is what OpenSSH itself accepts.
  execFileSync('ssh', ['-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${kh}`, '-i', plainKey.path, '-p', String(target.port), 'root@127.0.0.1', 'true'], { stdio: 'pipe', timeout: 10_000 });
  await withRunner(t, async (r) => assert.equal((await r.run(['true'])).code, 0));
  assert.equal(asked.length, 2, 'known now: not asked again');
  answer = 'reject';
  const rejected = await connectError(base(jump, { verifyHostKey }));
  assert.equal(rejected.kind, 'hostkey');
  // Another server's key under the target's name: a changed key.
  writeFileSync(kh, `[127.0.0.1]:${target.port} ssh-ed25519 ${jump.hostKey.blob.toString('base64')}\n`);
  const e = await connectError(t);
  assert.equal(e.kind, 'hostkey');
  assert.match(e.message, /host key not trusted/);
  assert.deepEqual(refused, [1]);
  assert.equal(asked.length, 3, 'a changed key is never asked about');
});

test('sudo -n for a non-root user without NOPASSWD: a clear sudo error, plain commands still work', async () => {
  const conn = await connectNode({ name: 'u', transport: 'ssh', host: '127.0.0.1', port: target.port, user: TEST_USER, keyPath: plainKey.path, useAgent: false }, { verifyHostKey: trust(target), timeoutMs: 5000 });
  try {
    const runner = conn.runner as SshRunner;
    assert.equal(runner.commandLine(['ip', 'addr']), 'sudo -n -- ip addr');
    await assert.rejects(runner.run(['ip', '-j', 'addr']), (e: unknown) => e instanceof TransportError && e.kind === 'sudo' && /sudo needs a password for ip/.test(e.message));
  } finally {
    await conn.close();
  }
  const plain = await SshRunner.connect(base(target, { username: TEST_USER }));
  try {
    assert.equal((await plain.run(['id', '-un'])).stdout.trim(), TEST_USER);
  } finally {
    await plain.close();
  }
});

test('Docker API tunnelled through SSH (direct-streamlocal to /var/run/docker.sock)', async () => {
  await withRunner(base(target), async (r) => {
    const docker = createDocker({ kind: 'tunnel', open: () => r.openUnixSocket('/var/run/docker.sock'), label: 'test' }, 10_000);
    const v = (await docker.version()) as { ApiVersion?: string; Version?: string };
    const local = JSON.parse(execFileSync('docker', ['version', '--format', '{{json .Server}}'], { encoding: 'utf8' })) as { Version: string };
    assert.equal(v.Version, local.Version);
    const [a, b] = await Promise.all([docker.info(), docker.listNetworks()]);
    assert.ok((a as { ID?: string }).ID);
    assert.ok(Array.isArray(b) && b.length > 0);
    await assert.rejects(r.openUnixSocket('/nonexistent.sock'), (e: unknown) => e instanceof TransportError && e.kind === 'connect');
  });
});

test('fault: a stalled command past a 1 s timeout → timedOut, no hang, connection still usable', async () => {
  await withRunner(base(target), async (r) => {
    const started = Date.now();
    const res = await r.run(['sleep', '30'], { timeoutMs: 1000 });
    assert.equal(res.timedOut, true);
    assert.equal(res.code, null);
    assert.ok(Date.now() - started < 12_000, `returned after ${Date.now() - started} ms (the sleep lasts 30 s)`);
    assert.equal((await r.run(['echo', 'still alive'])).stdout, 'still alive\n');
  });
});

test('fault: a command we gave up on does not run on at the node (remote timeout -s KILL; OpenSSH ignores signals on root sessions)', async () => {
  await withRunner(base(target), async (r) => {
    const marker = `${31 + Math.floor(Math.random() * 1000) / 1000}`; // a unique sleep to find with pgrep
    const res = await r.run(['sleep', marker], { timeoutMs: 1000 });
    assert.equal(res.timedOut, true);
    const alive = (): boolean => spawnSync('pgrep', ['-f', `^sleep ${marker}$`]).status === 0;
    const deadline = Date.now() + 5000;
    while (alive() && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 200));
    assert.equal(alive(), false, `sleep ${marker} still runs on the node after the timeout`);
  });
});

test('fault: 50 MB of output past a 1 MiB cap → truncated and killed quickly, no hang', async () => {
  await withRunner(base(target), async (r) => {
    const started = Date.now();
    const res = await r.run(['sh', '-c', 'yes | head -c 50000000'], { maxOutputBytes: 1024 * 1024, timeoutMs: 20_000 });
    assert.equal(res.truncated, true);
    assert.equal(res.timedOut, false);
    assert.equal(res.code, null);
    assert.equal(Buffer.byteLength(res.stdout) + Buffer.byteLength(res.stderr), 1024 * 1024);
    assert.ok(Date.now() - started < 5000, `returned after ${Date.now() - started} ms`);
  });
});

test('fault: sshd killed mid-command → the command ends with a clear error, no hang; the runner knows it is closed', async () => {
  const r = await SshRunner.connect(base(target));
  try {
    const pending = r.run(['sleep', '20'], { timeoutMs: 15_000 });
    await new Promise((res) => setTimeout(res, 500));
    const pids = target.sessionPids();
    assert.ok(pids.length >= 1, 'a per-connection sshd exists');
    for (const p of pids) process.kill(p, 'SIGKILL');
    const started = Date.now();
    const outcome = await pending.then(
      (v) => ({ ok: true as const, v }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    assert.ok(Date.now() - started < 5000, 'no hang');
    assert.equal(outcome.ok, false, `expected an error, got ${JSON.stringify(outcome.ok ? outcome.v : null)}`);
    assert.ok(!outcome.ok && outcome.e instanceof TransportError && outcome.e.kind === 'connect', String(!outcome.ok && outcome.e));
    assert.equal(r.isClosed, true);
    await assert.rejects(r.run(['true']), (e: unknown) => e instanceof TransportError && e.kind === 'connect');
  } finally {
    await r.close();
  }
});

test('fault: nothing listening → connect error; a silent server → timeout within the ready timeout', async () => {
  const closedPort = await freePort();
  const e = await connectError(base(target, { port: closedPort }));
  assert.equal(e.kind, 'connect');
  assert.match(e.message, /ECONNREFUSED/);
  const sockets: Socket[] = [];
  const silent: Server = createServer((s) => sockets.push(s));
  await new Promise<void>((res) => silent.listen(0, '127.0.0.1', () => res()));
  const port = (silent.address() as { port: number }).port;
  try {
    const started = Date.now();
    const t = await connectError(base(target, { port, readyTimeoutMs: 1000 }));
    assert.equal(t.kind, 'timeout');
    assert.ok(Date.now() - started < 10_000, `gave up after ${Date.now() - started} ms`);
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});
