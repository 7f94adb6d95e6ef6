// The trace panel's "Verify on the Nodes" part (media/traceVerify.js, loaded after media/trace.js in the same
// page) against a minimal DOM: the button appears only when the extension can verify, posts `verify`, and the
// report — a real lab capture with a rule added after the dumps — is shown hop by hop, the first difference
// marked with its reason, all as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import type { VerifyReport } from '../../src/core/trace/verify';

const REPO = join(__dirname, '..', '..');

type Listener = (ev: { data?: unknown; stopPropagation(): void }) => void;

class Node_ {
  readonly children: Node_[] = [];
  readonly listeners: Record<string, Listener[]> = {};
  className = '';
  textContent = '';
  title = '';
  disabled = false;
  constructor(readonly tag: string) {}
  appendChild(c: Node_): Node_ {
    this.children.push(c);
    return c;
  }
  replaceChildren(): void {
    this.children.length = 0;
  }
  setAttribute(): void {}
  addEventListener(t: string, fn: Listener): void {
    (this.listeners[t] ??= []).push(fn);
  }
  set innerHTML(_v: string) {
    throw new Error('the panel must not use innerHTML');
  }
  all(): Node_[] {
    return [this, ...this.children.flatMap((c) => c.all())];
  }
  text(): string {
    return [this.textContent, ...this.children.map((c) => c.text())].filter(Boolean).join('\n');
  }
}

function mount(): { verify: Node_; posted: unknown[]; deliver: (m: unknown) => void } {
  const ids: Record<string, Node_> = Object.fromEntries(['head', 'paths', 'diagram', 'hops', 'verify'].map((id) => [id, new Node_('section')]));
  const posted: unknown[] = [];
  const listeners: Listener[] = [];
  let acquired = 0;
  const ctx = createContext({
    document: { body: { dataset: {} }, createElement: (t: string) => new Node_(t), createElementNS: (_: string, t: string) => new Node_(t), getElementById: (id: string) => ids[id] ?? null },
    requestAnimationFrame: (fn: () => void) => fn(),
    setTimeout: (fn: () => void) => fn(),
    acquireVsCodeApi: () => {
      if (acquired++) throw new Error('acquireVsCodeApi called twice');
      return { postMessage: (m: unknown) => posted.push(JSON.parse(JSON.stringify(m))) };
    },
  });
  runInContext('var window = this; window.addEventListener = (t, fn) => t === "message" && __l.push(fn);', Object.assign(ctx, { __l: listeners }));
  for (const f of ['trace.js', 'traceVerify.js']) runInContext(readFileSync(join(REPO, 'media', f), 'utf8'), ctx);
  return { verify: ids.verify, posted, deliver: (m) => listeners.forEach((fn) => fn({ data: m, stopPropagation() {} })) };
}

const TRACE = { request: { from: '10.231.0.8', to: '10.231.0.11:7000' }, path: { hops: [], branches: [] }, summary: [], notes: [], diagnostics: [] };

function report(): VerifyReport {
  const r = {
    request: { from: '10.231.0.8', to: '10.231.0.11:7000', proto: 'tcp', sport: 45000 },
    predicted: TRACE,
    probe: { source: { node: 'node1', namespace: 'eda760ed6104', why: 'from node1/eda760ed6104, where the traced packet starts' }, target: { proto: 'tcp', src: '10.231.0.8', sport: 45000, dst: '10.231.0.11', dport: 7000 }, tool: 'python3', outcome: 'timeout', detail: '', argv: [] },
    observed: [
      { id: 11, node: 'node3', namespace: 'host', kind: 'netfilter', title: 'underlay PREROUTING (nat)', status: 'seen', evidence: ['nat/PREROUTING #1 -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER: +1 packets'] },
      { id: 12, node: 'node3', namespace: 'host', kind: 'netfilter', title: 'underlay INPUT (filter, nat)', status: 'not-seen', evidence: ['filter/INPUT #1 -A INPUT -s 198.18.0.1/32 -p udp -j DROP: +4 packets (not in the dumps)'], reason: 'a rule not in the dumps took the packet: filter/INPUT #1 <b>x</b>' },
    ],
    agrees: false,
    changedSinceDumps: [{ node: 'node3', namespace: 'host', added: ['filter/INPUT #1 -A INPUT -s 198.18.0.1/32 -p udp -j DROP'], removed: [] }],
    notes: [],
    rulesIntact: [{ node: 'node3', namespace: 'host', identical: true }],
    commands: [],
  } as unknown as VerifyReport;
  r.firstDifference = r.observed[1];
  return r;
}

test('verify panel: no buttons unless the extension can verify; each posts verify with its mode, then both wait', () => {
  const ui = mount();
  ui.deliver({ type: 'trace', result: TRACE });
  assert.equal(ui.verify.children.length, 0);
  ui.deliver({ type: 'trace', result: TRACE, canVerify: true });
  const [b, t] = ui.verify.all().filter((n) => n.tag === 'button');
  assert.deepEqual([b?.textContent, t?.textContent], ['Verify on the Nodes', 'Verify with TRACE Rules…']);
  for (const fn of b?.listeners.click ?? []) fn({ stopPropagation() {} });
  assert.deepEqual(ui.posted.slice(-1), [{ type: 'verify', mode: 'counters' }]);
  assert.deepEqual([b?.disabled, t?.disabled], [true, true]);
  ui.deliver({ type: 'trace', result: TRACE, canVerify: true });
  const t2 = ui.verify.all().filter((n) => n.tag === 'button')[1];
  for (const fn of t2?.listeners.click ?? []) fn({ stopPropagation() {} });
  assert.deepEqual(ui.posted.slice(-1), [{ type: 'verify', mode: 'trace' }]);
});

test('verify panel: the report shows every hop with its observation, the first difference marked with its reason, the rule added since the dumps, rules untouched', () => {
  const ui = mount();
  ui.deliver({ type: 'trace', result: TRACE, canVerify: true });
  ui.deliver({ type: 'verify', report: JSON.parse(JSON.stringify(report())) });
  const text = ui.verify.text();
  assert.match(text, /Observed differs from predicted at hop 12 \(node3\/host\): a rule not in the dumps took the packet: filter\/INPUT #1 <b>x<\/b>/);
  const rows = ui.verify.all().filter((n) => n.tag === 'tr');
  assert.deepEqual(rows.map((r) => r.className), ['', 'st-seen', 'st-not-seen first-difference']);
  assert.match(text, /\+ filter\/INPUT #1 -A INPUT -s 198\.18\.0\.1\/32 -p udp -j DROP/);
  assert.match(text, /Rules untouched: iptables-save identical before and after on 1 namespaces/);
  assert.match(text, /with python3: timeout/);
});

test('verify panel: a failure is shown as text and the button comes back', () => {
  const ui = mount();
  ui.deliver({ type: 'verify', error: 'node3: connection lost' });
  assert.match(ui.verify.text(), /Verification failed: node3: connection lost/);
  assert.ok(ui.verify.all().some((n) => n.tag === 'button'));
});
