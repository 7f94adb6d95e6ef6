/**
 * The extension's node manager (src/extension/nodes.ts) in plain node with a stand-in `vscode` module, against
 * real nodes: the lab's node2 over SSH, this machine, and a node whose address has nothing listening until a
 * TCP forwarder to the lab's sshd appears there. A failing node keeps its error while the others stay correct;
 * it is retried automatically with backoff and recovers on its own; dispose stops the retries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { installFakeVscode } from '../ssh/fakeVscode';
import { readLab } from '../../src/cli/nodes';
import { makeLogger } from '../../src/core/log';
import { checkHostKey } from '../../src/core/transport/knownHosts';
import { freePort, LAB_JSON, requireLab } from '../helpers';

const fake = installFakeVscode();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { NodeManager, backoffMs, MAX_AUTO_RETRIES } = require('../../src/extension/nodes') as typeof import('../../src/extension/nodes');

function forwarder(port: number, to: number): Promise<Server> {
  const srv = createServer((c) => {
    const up = connect(to, '127.0.0.1');
    c.pipe(up).pipe(c);
    c.on('error', () => up.destroy());
    up.on('error', () => c.destroy());
  });
  return new Promise((ok) => srv.listen(port, '127.0.0.1', () => ok(srv)));
}

async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

test('node manager: one node down keeps its error, the others are correct; automatic reconnect with backoff recovers it', async () => {
  requireLab();
  const lab = await readLab(LAB_JSON);
  const known = readFileSync(lab.knownHosts, 'utf8');
  const node2 = lab.nodes.find((n) => n.name === 'node2');
  const node1 = lab.nodes.find((n) => n.name === 'node1');
  assert.ok(node2 && node1);
  const port = await freePort();
  fake.settings = {
    'swarmnet.includeLocalNode': true,
    'swarmnet.nodes': [
      { name: 'node2', transport: 'ssh', host: node2.sshHost, port: node2.sshPort, user: 'root', keyPath: node2.keyPath, useAgent: false },
      // "flaky" is node1's sshd behind a port where nothing listens yet
      { name: 'flaky', transport: 'ssh', host: '127.0.0.1', port, user: 'root', keyPath: node1.keyPath, useAgent: false },
    ],
  };
  const logs: string[] = [];
  // host keys: node2 by known_hosts; "flaky" must present node1's key (known as [127.0.0.1]:2222)
  const verify = async (i: { host: string; port: number; keyType: string; key: Buffer }): Promise<boolean> =>
    checkHostKey(known, i.host, i.port === port ? node1.sshPort : i.port, i.keyType, i.key).status === 'match';
  const fast = (f: number): number => 300 * 2 ** (f - 1); // the real schedule is backoffMs: 2, 4, 8… s
  const m = new NodeManager(() => ({ verifyHostKey: verify, timeoutMs: 5000 }), makeLogger((l) => logs.push(l), () => 'debug'), fast);
  let fwd: Server | undefined;
  try {
    assert.deepEqual(m.all().map((s) => s.config.name).sort(), ['flaky', 'node2', 'this machine']);
    await m.refreshAll();
    const st = (n: string) => m.get(n);
    assert.equal(st('node2')?.status, 'ok', st('node2')?.error);
    assert.equal(st('node2')?.model?.hostname, 'lab-node2');
    assert.equal(st('this machine')?.status, 'ok', st('this machine')?.error);
    assert.ok(st('this machine')?.model?.namespaces.some((n) => n.kind === 'ingress_sbox'));
    // with this fast schedule the first automatic retry can already be under way when refreshAll returns
    assert.ok(['error', 'connecting'].includes(st('flaky')?.status ?? ''), `flaky: ${st('flaky')?.status}`);
    assert.ok(logs.some((l) => /flaky/.test(l) && /ECONNREFUSED|refused/i.test(l)), `no refused error logged for flaky:\n${logs.join('\n')}`);
    // it keeps retrying on its own, further apart each time
    await until('a second automatic attempt', () => (st('flaky')?.failures ?? 0) >= 2, 5000);
    assert.equal(st('node2')?.status, 'ok', 'the others stay correct meanwhile');
    // the node comes back: the next automatic attempt succeeds without any refresh
    fwd = await forwarder(port, node1.sshPort);
    await until('recovery', () => st('flaky')?.status === 'ok', 15_000);
    assert.equal(st('flaky')?.model?.swarm?.controlAvailable, true, 'it is node1, the manager');
    assert.equal(st('flaky')?.failures, 0);
    assert.equal(st('flaky')?.nextAttempt, undefined);
    assert.ok(logs.some((l) => /flaky: .*retrying in/.test(l)), logs.join('\n'));
  } finally {
    m.dispose();
    fwd?.close();
  }
  // the real schedule: doubling from 2 s, capped at 60 s
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map(backoffMs), [2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  assert.equal(MAX_AUTO_RETRIES, 6);
});

test('node manager: retries stop after MAX_AUTO_RETRIES and after dispose', async () => {
  const port = await freePort();
  fake.settings = { 'swarmnet.includeLocalNode': false, 'swarmnet.nodes': [{ name: 'gone', transport: 'ssh', host: '127.0.0.1', port, user: 'root', useAgent: false }] };
  const m = new NodeManager(() => ({ verifyHostKey: async () => false, timeoutMs: 2000 }), makeLogger(() => undefined, () => 'error'), () => 20);
  await m.refreshAll();
  await until('the retries to run out', () => (m.get('gone')?.failures ?? 0) > 6 && m.get('gone')?.status === 'error' && m.get('gone')?.nextAttempt === undefined, 10_000);
  const after = m.get('gone')?.failures;
  await new Promise((ok) => setTimeout(ok, 200));
  assert.equal(m.get('gone')?.failures, after, 'no attempt after the last automatic retry');
  // a manual refresh still tries
  await m.refreshNode('gone');
  assert.equal(m.get('gone')?.failures, (after ?? 0) + 1);
  m.dispose();
});

test('node manager: dispose stops retries that are still pending', async () => {
  const port = await freePort();
  fake.settings = { 'swarmnet.includeLocalNode': false, 'swarmnet.nodes': [{ name: 'gone', transport: 'ssh', host: '127.0.0.1', port, user: 'root', useAgent: false }] };
  const retryMs = 50;
  const m = new NodeManager(() => ({ verifyHostKey: async () => false, timeoutMs: 2000 }), makeLogger(() => undefined, () => 'error'), () => retryMs);
  await m.refreshAll();
  // one failure, the next automatic attempt scheduled and retries left: dispose has something to stop
  assert.equal(m.get('gone')?.failures, 1);
  assert.ok(m.get('gone')?.nextAttempt, 'a retry is pending');
  m.dispose();
  // 40 retry periods: without dispose the remaining MAX_AUTO_RETRIES attempts would all have run by then
  await new Promise((ok) => setTimeout(ok, 40 * retryMs));
  assert.equal(m.get('gone')?.failures, 1, 'no attempt after dispose');
});
