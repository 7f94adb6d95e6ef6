/**
 * Fast and visible, with the stand-in vscode and stand-in runners: the view names the nodes still pending;
 * a settings change rediscovers only the nodes it touched; a command's tab shows "running…" at once, then the
 * output, and Cancel ends it; a trace gathers each node's rules with its own deadline (a hung node delays
 * nobody) and on a warm trace gathers again only the nodes on the path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installFakeVscode } from '../ssh/fakeVscode';
import { nullLogger } from '../../src/core/log';
import type { NodeModel } from '../../src/core/model';
import type { CommandRunner, RunOptions, RunResult } from '../../src/core/transport/types';
import type { TraceResult } from '../../src/core/trace/types';

const fake = installFakeVscode();
/* eslint-disable @typescript-eslint/no-require-imports */
const { NodeManager } = require('../../src/extension/nodes') as typeof import('../../src/extension/nodes');
const { Refresher, pendingMessage } = require('../../src/extension/refresh') as typeof import('../../src/extension/refresh');
const { NsDocumentProvider, nsDocUri } = require('../../src/extension/nsDocs') as typeof import('../../src/extension/nsDocs');
const { RulesCache, nodesOnPath } = require('../../src/extension/traceRules') as typeof import('../../src/extension/traceRules');
/* eslint-enable @typescript-eslint/no-require-imports */

const sleep = (ms: number): Promise<void> => new Promise((ok) => setTimeout(ok, ms));
const model = (name: string): NodeModel => ({ name, networks: [], namespaces: [], services: [], diagnostics: [], discoveredAt: '' });

/** A runner whose every command waits `ms` (forever when undefined), honouring the abort signal. */
function slowRunner(ms: number | undefined, stdout = ''): CommandRunner & { calls: number } {
  const r = {
    description: 'fake',
    calls: 0,
    run: (argv: readonly string[], o: RunOptions = {}): Promise<RunResult> => {
      r.calls++;
      return new Promise((ok, fail) => {
        const t = ms === undefined ? undefined : setTimeout(() => ok({ stdout, stderr: '', code: 0, timedOut: false, truncated: false, durationMs: ms }), ms);
        o.signal?.addEventListener('abort', () => (clearTimeout(t), fail(new Error('cancelled'))), { once: true });
      });
    },
    close: async () => undefined,
  };
  return r;
}

test('pendingMessage names the nodes still pending', () => {
  assert.equal(pendingMessage(['node2', 'node3'], 3), 'Discovering node2, node3… (1 of 3 done)');
  assert.equal(pendingMessage([], 3), '');
  assert.equal(pendingMessage(['a', 'b', 'c', 'd', 'e', 'f'], 6), 'Discovering a, b, c, d and 2 more… (0 of 6 done)');
});

test('the view message follows the pending nodes; a hung node keeps only its own row waiting; Cancel ends it', async () => {
  fake.settings = { 'swarmnet.includeLocalNode': false, 'swarmnet.nodes': [{ name: 'fast', transport: 'ssh', host: 'f' }, { name: 'hung', transport: 'ssh', host: 'h' }] };
  const m = new NodeManager(() => ({ verifyHostKey: () => false }), nullLogger);
  // stand-in discovery: 'fast' answers in 20 ms, 'hung' never (until cancelled)
  (m as unknown as { discover: (s: { config: { name: string }; status: string; model?: NodeModel }, sig?: AbortSignal) => Promise<void> }).discover = async (s, sig) => {
    s.status = 'connecting';
    if (s.config.name === 'fast') await sleep(20);
    else await new Promise((ok) => sig?.addEventListener('abort', ok, { once: true }));
    s.status = sig?.aborted ? 'error' : 'ok';
    if (!sig?.aborted) s.model = model(s.config.name);
  };
  const view: { message?: string } = {};
  const r = new Refresher(m, nullLogger, view);
  const run = r.run();
  assert.equal(view.message, 'Discovering fast, hung… (0 of 2 done)');
  await sleep(80);
  assert.equal(m.get('fast')?.status, 'ok', 'the fast node is done while the other hangs');
  assert.equal(view.message, 'Discovering hung… (1 of 2 done)');
  const t = Date.now();
  r.cancel();
  await run;
  assert.ok(Date.now() - t < 200, 'cancel ends the run at once');
  assert.equal(view.message, undefined);
  assert.equal(m.get('hung')?.status, 'error');
  m.dispose();
});

test('a settings change rediscovers only the nodes it touched', () => {
  const a = { name: 'a', transport: 'ssh', host: 'a' };
  const b = { name: 'b', transport: 'ssh', host: 'b' };
  fake.settings = { 'swarmnet.includeLocalNode': true, 'swarmnet.nodes': [a, b] };
  const m = new NodeManager(() => ({ verifyHostKey: () => false }), nullLogger);
  assert.deepEqual(m.reloadConfig(), []);
  fake.settings = { 'swarmnet.includeLocalNode': true, 'swarmnet.nodes': [a, { ...b, port: 2222 }, { name: 'c', transport: 'ssh', host: 'c' }] };
  assert.deepEqual(m.reloadConfig(), ['b', 'c']);
  fake.settings = { 'swarmnet.includeLocalNode': false, 'swarmnet.nodes': [a] };
  assert.deepEqual(m.reloadConfig(), []);
  assert.deepEqual(m.all().map((s) => s.config.name), ['a']);
  m.dispose();
});

test('"this machine" shown again takes its place (first), not the last row; the others keep their state', () => {
  const a = { name: 'a', transport: 'ssh', host: 'a' };
  const b = { name: 'b', transport: 'ssh', host: 'b' };
  fake.settings = { 'swarmnet.includeLocalNode': true, 'swarmnet.nodes': [a, b] };
  const m = new NodeManager(() => ({ verifyHostKey: () => false }), nullLogger);
  const stateA = m.get('a');
  fake.settings = { 'swarmnet.includeLocalNode': false, 'swarmnet.nodes': [a, b] };
  m.reloadConfig();
  assert.deepEqual(m.all().map((s) => s.config.name), ['a', 'b']);
  fake.settings = { 'swarmnet.includeLocalNode': true, 'swarmnet.nodes': [a, b] };
  assert.deepEqual(m.reloadConfig(), ['this machine']);
  assert.deepEqual(m.all().map((s) => s.config.name), ['this machine', 'a', 'b']);
  assert.equal(m.get('a'), stateA, 'an untouched node keeps its state (connection, model)');
  fake.settings = { 'swarmnet.includeLocalNode': true, 'swarmnet.nodes': [b, a] };
  m.reloadConfig();
  assert.deepEqual(m.all().map((s) => s.config.name), ['this machine', 'b', 'a'], 'the settings\' order');
  m.dispose();
});

test('Run in Namespace: "running…" at once, the output when the command ends; Cancel ends a command', async () => {
  let runner = slowRunner(150, 'lo: <LOOPBACK>\n');
  const nodes = { connection: async () => ({ name: 'n', runner, close: async () => undefined }) };
  const p = new NsDocumentProvider(nodes as never, nullLogger);
  const changed: string[] = [];
  p.onDidChange((u) => changed.push(u.toString()));
  const uri = nsDocUri({ node: 'node2', ns: 'ingress_sbox', command: 'ip addr' });
  const t = Date.now();
  const first = p.provideTextDocumentContent(uri);
  assert.ok(Date.now() - t < 50, 'returns at once');
  assert.match(first, /^# running… `ip addr` in ingress_sbox on node2 \(started \d\d:\d\d:\d\d UTC\)\n# Cancel: /);
  await sleep(300);
  assert.deepEqual(changed, [uri.toString()]);
  assert.equal(p.provideTextDocumentContent(uri), 'lo: <LOOPBACK>\n');
  runner = slowRunner(undefined);
  const u2 = nsDocUri({ node: 'node2', ns: 'ingress_sbox', command: 'ip route' }, 2);
  p.provideTextDocumentContent(u2);
  await sleep(20);
  assert.equal(p.cancel(u2), true);
  await sleep(20);
  assert.match(p.provideTextDocumentContent(u2), /^# cancelled after \d+ ms: ip route/);
});

test('trace rules: each node has its own deadline; warm traces gather again only the nodes on the path', async () => {
  const good = slowRunner(10, '*filter\nCOMMIT\n');
  const hung = slowRunner(undefined);
  const other = slowRunner(10, '*filter\nCOMMIT\n');
  const live = [
    { model: model('node1'), runner: good },
    { model: model('node2'), runner: hung },
    { model: model('node3'), runner: other },
  ];
  const cache = new RulesCache();
  const t = Date.now();
  const r1 = await cache.scenario(live, { perNodeTimeoutMs: 300 });
  const took = Date.now() - t;
  assert.ok(took < 1000, `a hung node bounded by its deadline: ${took} ms`);
  assert.ok(r1.diagnostics.some((d) => d.source === 'node2' && /not gathered within 300 ms/.test(d.message)), JSON.stringify(r1.diagnostics));
  assert.equal(typeof cache.lastTimings.node1, 'number');
  assert.ok((cache.lastTimings.node1 as number) < 250, 'the good node did not wait for the hung one');
  assert.equal(cache.warmFor([live[0], live[2]]), true);
  const calls = other.calls;
  const goodCalls = good.calls;
  await cache.scenario([live[0], live[2]], { perNodeTimeoutMs: 300, only: new Set(['node1']) });
  assert.deepEqual(cache.lastTimings.node3, 'cached');
  assert.equal(other.calls, calls, 'node3 (not on the path) not asked again');
  assert.ok(good.calls > goodCalls, 'node1 (on the path) gathered again');
  const path = { hops: [{ node: 'node1' }], branches: [{ label: 'b', path: { hops: [{ node: 'node3' }], branches: [] } }] };
  assert.deepEqual([...nodesOnPath({ path } as unknown as TraceResult)].sort(), ['node1', 'node3']);
});

test('two entries that are the same swarm node (same node id) are said once, as a warning', () => {
  fake.settings = { 'swarmnet.includeLocalNode': false, 'swarmnet.nodes': [{ name: 'by-ip', transport: 'ssh', host: '198.18.0.2' }, { name: 'by-name', transport: 'ssh', host: 'lab-node2' }] };
  fake.warnings = [];
  const m = new NodeManager(() => ({ verifyHostKey: () => false }), nullLogger);
  const swarm = { nodeId: 'ejnpmyo7nxutjrr5k6ujm8a3y', nodeAddr: '198.18.0.2', localNodeState: 'active', controlAvailable: false, remoteManagers: [] };
  for (const n of ['by-ip', 'by-name']) Object.assign(m.get(n) ?? {}, { status: 'ok', model: { ...model(n), swarm } });
  const warn = (m as unknown as { warnSameSwarmNode: (s: unknown) => void }).warnSameSwarmNode.bind(m);
  warn(m.get('by-name'));
  warn(m.get('by-ip'));
  assert.equal(fake.warnings.length, 1);
  assert.match(fake.warnings[0].message, /^Swarm: by-name and by-ip are the same swarm node \(id ejnpmyo7nxut\): remove one of them\.$/);
  m.dispose();
});

test('Run in Namespace: a command that ends before its document opens still replaces "running…" (settle on open)', async () => {
  const runner = slowRunner(1, 'done\n');
  const p = new NsDocumentProvider({ connection: async () => ({ name: 'n', runner, close: async () => undefined }) } as never, nullLogger);
  const changed: string[] = [];
  p.onDidChange((u) => changed.push(u.toString()));
  const uri = nsDocUri({ node: 'n', ns: 'ingress_sbox', command: 'ip route' }, 7);
  const running = p.provideTextDocumentContent(uri);
  await sleep(50); // ended; its change event went nowhere (no document yet)
  changed.length = 0;
  p.settle({ uri, getText: () => running } as never);
  assert.deepEqual(changed, [uri.toString()], 'the opened document is told to reload');
  p.settle({ uri, getText: () => 'done\n' } as never);
  assert.equal(changed.length, 1, 'nothing when it already shows the output');
});
