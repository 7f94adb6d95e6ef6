/**
 * What the user sees, the pure parts: task names shortened in the middle (full name in the tooltip), the
 * discovery diagnostic's hover adds information instead of repeating the row, and one trace panel for all
 * traces (a new trace is posted to the open panel; "painted" is logged with the time from the request).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installFakeVscode } from '../ssh/fakeVscode';
import type { TraceResult } from '../../src/core/trace/types';

const fake = installFakeVscode();
/* eslint-disable @typescript-eslint/no-require-imports */
const vscode = require('vscode') as Record<string, Record<string, unknown>>;
vscode.ViewColumn = { Active: -1 }; // before the module loads: its namespace import copies the keys there are
const { shortName, shortTaskNamesIn, middleEllipsis } = require('../../src/extension/shortName') as typeof import('../../src/extension/shortName');
const { diagnosticTooltip } = require('../../src/extension/tree/node') as typeof import('../../src/extension/tree/node');
const { closeEmptyTracePanel, prepareTracePanel, showTrace } = require('../../src/extension/traceView') as typeof import('../../src/extension/traceView');
const { withProgressAfter } = require('../../src/extension/progress') as typeof import('../../src/extension/progress');
/* eslint-enable @typescript-eslint/no-require-imports */

test('task names: whole when they fit, else service and slot kept, the task id cut in its middle', () => {
  // container names of swarm tasks as `docker ps` shows them on the lab: <service>.<slot>.<task id>
  assert.equal(shortName('web.1.abc'), 'web.1.abc');
  assert.equal(shortName('echo.3.hex09yenbk5r9rfakoktiugaz'), 'echo.3.hex09…ugaz');
  assert.equal(shortName('web.6.h48xe01l9u0zvd6kl8ut92zke'), 'web.6.h48xe…2zke');
  // a global service's slot is the node id
  assert.equal(shortName('agent.zxwlw2a4803ohdbu119wjchlh.h48xe01l9u0zvd6kl8ut92zke'), 'agent.zxwlw….h48xe…2zke');
  // a long service name is itself cut in the middle; the slot and the id's ends stay
  const long = shortName('monitoring_prometheus-node-exporter.12.h48xe01l9u0zvd6kl8ut92zke');
  assert.ok(long.length <= 28, long);
  assert.equal(long, 'monitorin…rter.12.h48xe…2zke');
  // not a task: cut in the middle
  assert.equal(middleEllipsis('abcdefghijklmnopqrstuvwxyz0123', 10), 'abcdef…123');
  assert.equal(shortName('a-very-long-namespace-name-that-is-no-task'), 'a-very-long-namesp…s-no-task');
  // inside a label (an FDB row): only the task name is shortened
  assert.equal(shortTaskNamesIn('web.6.h48xe01l9u0zvd6kl8ut92zke 10.231.0.7 → lab-node2'), 'web.6.h48xe…2zke 10.231.0.7 → lab-node2');
  assert.equal(shortTaskNamesIn('02:42:0a:00:00:05 → lab-node2'), '02:42:0a:00:00:05 → lab-node2');
});

test('a discovery diagnostic\'s hover says what the row does not: severity, source, line, excerpt', () => {
  const d = { severity: 'warning' as const, source: 'gather', message: 'namespace 7f79a1c15f6c is not mounted any more', line: 3, excerpt: 'nsenter: cannot open' };
  const t = diagnosticTooltip(d);
  assert.ok(!t.includes(d.message), t);
  assert.equal(t, 'warning from gather, line 3, during discovery\n\nnsenter: cannot open');
  assert.equal(diagnosticTooltip({ severity: 'error', source: 'ip -j addr', message: 'x' }), 'error from ip -j addr, during discovery');
});

interface FakePanel {
  disposed?: boolean;
  title: string;
  visible: boolean;
  posted: Record<string, unknown>[];
  revealed: number;
  receive(m: unknown): void;
  dispose(): void;
}

function fakeWebviews(): FakePanel[] {
  const panels: FakePanel[] = [];
  vscode.Uri.joinPath = (base: unknown, ...parts: string[]) => ({ base, parts });
  vscode.window.createWebviewPanel = (_type: string, title: string) => {
    let onMessage: (m: unknown) => void = () => undefined;
    let onDispose: () => void = () => undefined;
    const p: FakePanel = {
      title, visible: true, posted: [], revealed: 0,
      receive: (m) => onMessage(m),
      dispose: () => onDispose(),
    };
    panels.push(p);
    return {
      get title() { return p.title; },
      set title(v: string) { p.title = v; },
      get visible() { return p.visible; },
      reveal: () => void p.revealed++,
      dispose: () => {
        p.disposed = true;
        onDispose();
      },
      onDidDispose: (l: () => void) => { onDispose = l; return { dispose: () => undefined }; },
      webview: {
        cspSource: 'vscode-resource:',
        asWebviewUri: (u: unknown) => ({ toString: () => `webview:${JSON.stringify(u)}` }),
        html: '',
        postMessage: async (m: Record<string, unknown>) => void p.posted.push(m),
        onDidReceiveMessage: (l: (m: unknown) => void) => { onMessage = l; return { dispose: () => undefined }; },
      },
    };
  };
  return panels;
}

const trace = (from: string, hopId: number): TraceResult => ({
  request: { from, to: '10.0.0.2:80', proto: 'tcp' },
  path: { hops: [{ id: hopId, node: 'n', namespace: 'host', title: 't', packet: '', rules: [], detail: [], uncertain: [] }], branches: [], outcome: { kind: 'delivered', endpoint: 'x' } },
  summary: [], notes: [], diagnostics: [],
} as unknown as TraceResult);

test('one trace panel for every trace: the next trace is posted to it (numbered), its clicks serve the newest trace', () => {
  const panels = fakeWebviews();
  const ctx = { extensionUri: {}, subscriptions: [] } as never;
  const logs: string[] = [];
  const opened: number[] = [];
  showTrace(ctx, { result: trace('a', 1), openRule: (h) => opened.push(h.id), requestedAt: Date.now() - 40, log: (l) => logs.push(l) });
  assert.equal(panels.length, 1);
  const seq1 = panels[0].posted[0].seq as number;
  panels[0].receive({ type: 'ready', at: Date.now() });
  panels[0].receive({ type: 'painted', seq: seq1, at: Date.now() });
  panels[0].receive({ type: 'painted', seq: seq1, at: Date.now() }); // rendered again after "ready": logged once
  assert.equal(logs.length, 1);
  assert.match(logs[0], /^trace: diagram painted \d+ ms after the request \(new panel: webview script ran \d+ ms after the panel was created\) \[painted at \d{4}-\d\d-\d\dT[\d:.]+Z\]$/);

  panels[0].visible = false;
  showTrace(ctx, { result: trace('b', 7), openRule: (h) => opened.push(h.id), requestedAt: Date.now() - 5, log: (l) => logs.push(l) });
  assert.equal(panels.length, 1, 'the open panel is reused');
  assert.equal(panels[0].title, 'Trace b → 10.0.0.2:80');
  assert.equal(panels[0].revealed, 1, 'a hidden panel is brought to front');
  const last = panels[0].posted.at(-1) as { seq: number; result: TraceResult };
  assert.equal(last.seq, seq1 + 1);
  assert.equal(last.result.request.from, 'b');
  panels[0].receive({ type: 'painted', seq: seq1, at: Date.now() }); // a late answer for the previous trace: not logged
  panels[0].receive({ type: 'painted', seq: seq1 + 1, at: Date.now() });
  assert.equal(logs.length, 2);
  assert.match(logs[1], /painted \d+ ms after the request \(panel reused\) \[painted at .*Z\]$/);
  panels[0].receive({ type: 'openRule', hopId: 7 });
  assert.deepEqual(opened, [7]);

  panels[0].dispose();
  showTrace(ctx, { result: trace('c', 1), openRule: () => undefined });
  assert.equal(panels.length, 2, 'a closed panel is not reused');
  panels[1].dispose(); // no panel left open for the next test
});

test('the trace panel opens as the trace starts (its webview loads meanwhile); the trace fills it; a trace that never came closes it', () => {
  const panels = fakeWebviews();
  const ctx = { extensionUri: {}, subscriptions: [] } as never;
  const logs: string[] = [];
  prepareTracePanel(ctx, 'Trace a → 10.0.0.2:80');
  assert.equal(panels.length, 1);
  assert.equal(panels[0].title, 'Trace a → 10.0.0.2:80');
  panels[0].receive({ type: 'ready', at: Date.now() });
  assert.deepEqual(panels[0].posted, [], 'nothing to show before the trace');
  prepareTracePanel(ctx, 'again');
  assert.equal(panels.length, 1, 'one panel');
  showTrace(ctx, { result: trace('a', 1), openRule: () => undefined, requestedAt: Date.now() - 30, log: (l) => logs.push(l) });
  assert.equal(panels.length, 1, 'the prepared panel shows the trace');
  const { seq } = panels[0].posted.at(-1) as unknown as { seq: number }; // (narrowed to never[] by the deepEqual above)
  panels[0].receive({ type: 'painted', seq, at: Date.now() });
  assert.match(logs[0], /\(new panel: webview script ran \d+ ms after the panel was created\)/);
  closeEmptyTracePanel();
  assert.equal(panels[0].disposed, undefined, 'a panel with a trace stays');
  panels[0].dispose();

  prepareTracePanel(ctx, 'Trace b → 10.0.0.2:80');
  assert.equal(panels.length, 2);
  closeEmptyTracePanel();
  assert.equal(panels[1].disposed, true, 'the empty panel is closed when the trace fails or is cancelled');
});

test('progress for usually quick work: no notification when it ends in time, a cancellable one when it does not', async () => {
  const before = fake.progress.length;
  assert.equal(await withProgressAfter('Swarm: tracing', 'gathering', 200, async () => 'quick'), 'quick');
  assert.equal(fake.progress.length, before, 'a quick trace flashes no toast');
  const slow = await withProgressAfter('Swarm: tracing', 'gathering the rules of the nodes', 20, (signal) =>
    new Promise<string>((ok) => setTimeout(() => ok(signal.aborted ? 'aborted' : 'slow'), 120)));
  assert.equal(slow, 'slow');
  assert.deepEqual(fake.progress.slice(before).map((p) => [p.title, p.messages]), [['Swarm: tracing', ['gathering the rules of the nodes']]]);
  await assert.rejects(withProgressAfter('t', 'm', 20, async () => { await new Promise((r) => setTimeout(r, 60)); throw new Error('boom'); }), /boom/);
});
