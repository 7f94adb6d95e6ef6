/**
 * Connections that behave like OpenSSH, against a real sshd (its own log is the witness): a wrong key is
 * offered once — not again by the backoff timer, by Refresh All or by later refreshes — until the user asks
 * (Retry); a missing key file never reaches the server; a network failure is retried with backoff; a wrong
 * passphrase asks again (checked locally, the server sees no attempt) and only a passphrase that worked is
 * kept in secret storage. Extension code runs with the stand-in vscode (test/ssh/fakeVscode.ts).
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostKeyInfo } from '../../src/core/transport/ssh';
import { makeLogger } from '../../src/core/log';
import type { NodeConfig } from '../../src/core/nodeConfig';
import { freePort } from '../helpers';
import { installFakeVscode } from './fakeVscode';
import { makeKey, startSshd, type KeyPair, type Sshd } from './sshd';

const fake = installFakeVscode();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { NodeManager } = require('../../src/extension/nodes') as typeof import('../../src/extension/nodes');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Secrets } = require('../../src/extension/secrets') as typeof import('../../src/extension/secrets');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SwarmTreeProvider } = require('../../src/extension/tree/provider') as typeof import('../../src/extension/tree/provider');

const PASSPHRASE = 'correct horse battery staple';
let dir: string;
let good: KeyPair;
let wrong: KeyPair;
let locked: KeyPair;
let sshd: Sshd;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'swarmnet-auth-'));
  good = makeKey(dir, 'id_good');
  wrong = makeKey(dir, 'id_wrong');
  locked = makeKey(dir, 'id_locked', { passphrase: PASSPHRASE });
  sshd = await startSshd({ authorizedKeys: [good.pub, locked.pub] });
});

after(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  fake.inputs = [];
  fake.inputPrompts = [];
  fake.secrets.clear();
});

const trust = (info: HostKeyInfo): boolean => info.key.equals(sshd.hostKey.blob);
const node = (name: string, extra: Partial<NodeConfig>): NodeConfig => ({ name, transport: 'ssh', host: '127.0.0.1', port: sshd.port, user: 'root', useAgent: false, ...extra });
/** Authentication attempts sshd saw for a key (VERBOSE logs each failed publickey with its fingerprint). */
const failedFor = (k: KeyPair): number => sshd.log().split('\n').filter((l) => /Failed publickey for root/.test(l) && l.includes(fingerprint(k))).length;
const fingerprint = (k: KeyPair): string => `SHA256:${createHash('sha256').update(k.blob).digest('base64').replace(/=+$/, '')}`;
/** Connections that reached the host-key check of the "untrusted" node (one per connect). */
let hostKeyChecks = 0;
const sleep = (ms: number): Promise<void> => new Promise((ok) => setTimeout(ok, ms));

function manager(logs: string[], secrets?: InstanceType<typeof Secrets>) {
  return new NodeManager(
    (n) => ({
      verifyHostKey: n.name.startsWith('untrusted') ? () => (hostKeyChecks++, false) : trust,
      timeoutMs: 5000,
      getPassphrase: secrets ? (c, a) => secrets.passphrase(c, a) : undefined,
      onPassphraseAccepted: secrets ? (c, p) => secrets.accepted(c, p) : undefined,
      onPassphraseRejected: secrets ? (c) => secrets.rejected(c) : undefined,
      logger: makeLogger((l) => logs.push(`${n.name} ${l}`), () => 'debug'),
    }),
    makeLogger((l) => logs.push(l), () => 'debug'),
    () => 100, // backoff: 100 ms, so a wrongly scheduled retry would show within the test
  );
}

test('a wrong key is offered once: no automatic retry, Refresh All and later refreshes skip it, Retry tries again', async () => {
  fake.settings = { 'swarmnet.includeLocalNode': false, 'swarmnet.nodes': [node('wrongkey', { keyPath: wrong.path }), node('goodkey', { keyPath: good.path })] };
  const logs: string[] = [];
  const m = manager(logs);
  try {
    await m.refreshAll();
    const w = m.get('wrongkey');
    assert.equal(w?.status, 'error');
    assert.match(w?.error ?? '', /^authentication failed: root@127\.0\.0\.1:\d+ accepted none/);
    assert.equal(w?.needsUser, true);
    assert.equal(w?.nextAttempt, undefined, 'no retry scheduled');
    assert.equal(m.get('goodkey')?.status, 'ok');
    // the tree: the node row leads with the cause, the error row says the rest once and carries Retry / Edit / Show Log
    const tree = new SwarmTreeProvider(m);
    const row = tree.getTreeItem({ kind: 'node', node: 'wrongkey' }) as unknown as { description: string; contextValue: string };
    assert.equal(row.description, 'authentication failed · waits for Retry');
    assert.equal(row.contextValue, 'node-error');
    const [errEl] = tree.getChildren({ kind: 'node', node: 'wrongkey' });
    const errRow = tree.getTreeItem(errEl) as unknown as { label: string; contextValue: string };
    assert.equal(errRow.label, w?.error);
    assert.equal(errRow.contextValue, 'node-error-detail');
    for (let i = 0; i < 3; i++) {
      await m.refreshAll();
      await sleep(300); // three backoff periods
    }
    await assert.rejects(m.connection('wrongkey'), /not tried again: use Retry/);
    assert.equal(failedFor(wrong), 1, `sshd saw the wrong key ${failedFor(wrong)} times:\n${sshd.log()}`);
    assert.ok(logs.some((l) => /wrongkey: authentication failed.*not retried automatically/.test(l)), logs.join('\n'));
    await m.refreshNode('wrongkey', { force: true });
    assert.equal(failedFor(wrong), 2, 'Retry tries once more');
    assert.equal(m.get('goodkey')?.status, 'ok');
  } finally {
    m.dispose();
  }
});

test('a host key that is not trusted is not retried automatically', async () => {
  fake.settings = { 'swarmnet.includeLocalNode': false, 'swarmnet.nodes': [node('untrusted', { keyPath: good.path })] };
  const m = manager([]);
  try {
    await m.refreshAll();
    const s = m.get('untrusted');
    assert.match(s?.error ?? '', /^host key not trusted: root@127\.0\.0\.1:\d+ \(ssh-ed25519 SHA256:/);
    assert.equal(s?.needsUser, true);
    assert.equal(s?.nextAttempt, undefined);
    assert.equal(hostKeyChecks, 1);
    await m.refreshAll();
    await sleep(300);
    assert.equal(hostKeyChecks, 1, 'no new connection to the server');
    assert.equal(m.get('untrusted')?.failures, 1);
  } finally {
    m.dispose();
  }
});

test('a missing key file never reaches the server and is not retried', async () => {
  const before = sshd.log().split('\n').length;
  fake.settings = { 'swarmnet.includeLocalNode': false, 'swarmnet.nodes': [node('nokey', { keyPath: join(dir, 'id_missing') })] };
  const m = manager([]);
  try {
    await m.refreshAll();
    await m.refreshAll();
    const s = m.get('nokey');
    assert.match(s?.error ?? '', /^key file not readable: .*id_missing \(no such file\)/);
    assert.equal(s?.needsUser, true);
    assert.equal(s?.nextAttempt, undefined);
    assert.doesNotMatch(sshd.log().split('\n').slice(before).join('\n'), /Accepted|Failed|Connection (closed|reset)/);
  } finally {
    m.dispose();
  }
});

test('a network failure (nothing listening) is retried automatically with backoff', async () => {
  const port = await freePort();
  fake.settings = { 'swarmnet.includeLocalNode': false, 'swarmnet.nodes': [{ ...node('down', { keyPath: good.path }), port }] };
  const m = manager([]);
  try {
    await m.refreshAll();
    const s = m.get('down');
    assert.match(s?.error ?? '', /^connection refused: root@127\.0\.0\.1:\d+ \(ECONNREFUSED\)$/);
    assert.equal(s?.needsUser, false);
    assert.ok(s?.nextAttempt, 'a retry is scheduled');
    await sleep(400);
    assert.ok((m.get('down')?.failures ?? 0) >= 2, 'the timer tried again');
  } finally {
    m.dispose();
  }
});

test('a wrong passphrase asks again (the server sees no attempt); only the one that worked is stored', async () => {
  const secrets = new Secrets(
    { get: async (k: string) => fake.secrets.get(k), store: async (k: string, v: string) => void fake.secrets.set(k, v), delete: async (k: string) => void fake.secrets.delete(k), onDidChange: () => ({ dispose() {} }) } as never,
    makeLogger(() => undefined, () => 'debug'),
  );
  fake.settings = { 'swarmnet.includeLocalNode': false, 'swarmnet.nodes': [node('locked', { keyPath: locked.path })] };
  fake.inputs = ['not it', PASSPHRASE];
  const m = manager([], secrets);
  try {
    await m.refreshAll();
    assert.equal(m.get('locked')?.status, 'ok', m.get('locked')?.error);
    assert.equal(fake.inputPrompts.length, 2);
    assert.match(fake.inputPrompts[1].prompt ?? '', /^Wrong passphrase/);
    assert.equal(fake.inputPrompts[0].password, true);
    assert.equal(fake.secrets.get('swarmnet.passphrase.locked'), PASSPHRASE);
    assert.equal(failedFor(locked), 0, 'a wrong passphrase is found locally');
  } finally {
    m.dispose();
  }
  // A stored passphrase that became wrong is forgotten and asked again.
  fake.secrets.set('swarmnet.passphrase.locked', 'stale');
  fake.inputs = [PASSPHRASE];
  fake.inputPrompts = [];
  const m2 = manager([], secrets);
  try {
    await m2.refreshAll();
    assert.equal(m2.get('locked')?.status, 'ok', m2.get('locked')?.error);
    assert.equal(fake.inputPrompts.length, 1);
    assert.match(fake.inputPrompts[0].prompt ?? '', /^Wrong passphrase/);
    assert.equal(fake.secrets.get('swarmnet.passphrase.locked'), PASSPHRASE);
  } finally {
    m2.dispose();
  }
  // Cancelling the prompt: the node says so and is not retried, nothing stored.
  fake.secrets.clear();
  fake.inputs = [undefined];
  const m3 = manager([], secrets);
  try {
    await m3.refreshAll();
    assert.match(m3.get('locked')?.error ?? '', /^passphrase not given: /);
    assert.equal(m3.get('locked')?.needsUser, true);
    assert.equal(fake.secrets.size, 0);
  } finally {
    m3.dispose();
  }
});
