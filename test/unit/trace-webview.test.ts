// The trace panel script (media/trace.js) run against a minimal DOM: it renders a real trace (the neuvector and
// what-if fixtures), marks drops, keeps remote names as text (never markup) and posts openRule on clicks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { parseDump } from '../../src/core/trace/parseDump';
import { loadScenarioDir } from '../../src/core/trace/scenarioDir';
import { prepareScenario, trace, withDockerUserWhatIf } from '../../src/core/trace/tracer';
import type { TraceResult } from '../../src/core/trace/types';

const REPO = join(__dirname, '..', '..');
const FIX = join(REPO, 'test', 'fixtures', 'trace');

type Listener = (ev: { stopPropagation(): void; data?: unknown }) => void;

class FakeElement {
  readonly children: FakeElement[] = [];
  readonly attrs: Record<string, string> = {};
  readonly listeners: Record<string, Listener[]> = {};
  className = '';
  textContent = '';
  title = '';
  constructor(readonly tag: string) {}
  appendChild(c: FakeElement): FakeElement {
    this.children.push(c);
    return c;
  }
  replaceChildren(): void {
    this.children.length = 0;
  }
  setAttribute(k: string, v: string): void {
    this.attrs[k] = v;
  }
  addEventListener(type: string, fn: Listener): void {
    (this.listeners[type] ??= []).push(fn);
  }
  click(): void {
    for (const fn of this.listeners.click ?? []) fn({ stopPropagation() {} });
  }
  set innerHTML(_v: string) {
    throw new Error('the panel must not use innerHTML');
  }
  /** Depth-first list of this element and its descendants. */
  all(): FakeElement[] {
    return [this, ...this.children.flatMap((c) => c.all())];
  }
  text(): string {
    return [this.textContent, ...this.children.map((c) => c.text())].filter(Boolean).join('\n');
  }
}

function mount(): { ids: Record<string, FakeElement>; posted: unknown[]; deliver: (m: unknown) => void } {
  const ids: Record<string, FakeElement> = { head: new FakeElement('header'), paths: new FakeElement('nav'), diagram: new FakeElement('section'), hops: new FakeElement('section') };
  const posted: unknown[] = [];
  const winListeners: Listener[] = [];
  const document = {
    body: { dataset: {} as Record<string, string> },
    createElement: (t: string) => new FakeElement(t),
    createElementNS: (_ns: string, t: string) => new FakeElement(t),
    getElementById: (id: string) => ids[id] ?? null,
  };
  const window = { addEventListener: (type: string, fn: Listener) => type === 'message' && winListeners.push(fn) };
  runInNewContext(readFileSync(join(REPO, 'media', 'trace.js'), 'utf8'), { document, window, requestAnimationFrame: (fn: () => void) => fn(), setTimeout: (fn: () => void) => fn(), acquireVsCodeApi: () => ({ postMessage: (m: unknown) => posted.push(JSON.parse(JSON.stringify(m))) }) });
  return { ids, posted, deliver: (m) => winListeners.forEach((fn) => fn({ data: m, stopPropagation() {} })) };
}

/** Through JSON, as postMessage delivers it. */
function wire(r: TraceResult): TraceResult {
  return JSON.parse(JSON.stringify(r)) as TraceResult;
}

test('trace panel: asks for the trace, draws one box per namespace grouped by node, lists every hop with its rules', () => {
  const r = trace(prepareScenario(loadScenarioDir(join(FIX, 'neuvector')), parseDump), { from: '203.0.113.10', to: '192.0.2.11:1080' });
  const ui = mount();
  assert.deepEqual(ui.posted.map((m) => (m as { type: string }).type), ['ready']);
  ui.deliver({ type: 'trace', result: wire(r) });
  const head = ui.ids.head.text();
  assert.match(head, /TCP 203\.0\.113\.10 → 192\.0\.2\.11:1080/);
  assert.match(head, /delivered to 10\.255\.0\.5:80 in nv-node2\/nginx\.1/);
  const svgText = ui.ids.diagram.all().filter((e) => e.tag === 'text').map((e) => e.textContent);
  for (const label of ['nv-node1', 'nv-node2', 'host', 'ingress_sbox', '2-8vty8k3pej', '1-8vty8k3pej', 'nginx.1']) assert.ok(svgText.includes(label), `diagram shows ${label}: ${svgText.join(', ')}`);
  const hops = ui.ids.hops.children;
  const all = [...r.path.hops, ...r.path.branches.flatMap((b) => b.path.hops)];
  assert.equal(hops.length, all.length, 'one entry per hop on the shown path');
  assert.match(ui.ids.hops.text(), /REDIRECT 172\.18\.0\.2:1080 → 172\.18\.0\.2:80/);
  // A click on a rule line posts openRule with the hop and the rule's index.
  const ruleLine = ui.ids.hops.all().find((e) => e.className.startsWith('rule') && e.textContent.includes('MARK set 0x12c'));
  assert.ok(ruleLine);
  ruleLine.click();
  const hopWithMark = all.find((h) => h.rules.some((x) => x.text.includes('MARK set 0x12c')));
  assert.deepEqual(ui.posted.at(-1), { type: 'openRule', hopId: hopWithMark?.id, ruleIndex: hopWithMark?.rules.findIndex((x) => x.text.includes('MARK set 0x12c')) });
});

test('trace panel: a drop is red with its reason; names from remote hosts stay text', () => {
  const base = prepareScenario(loadScenarioDir(join(FIX, 'ipspace')), parseDump);
  const w = withDockerUserWhatIf(base, parseDump, readFileSync(join(FIX, 'ipspace', 'whatif-docker-user-drop.rules'), 'utf8'), 'what-if whatif-docker-user-drop.rules');
  const r = wire(trace(w.prepared, { from: '203.0.113.10', to: '192.168.33.2:8080' }));
  // A hostile namespace name must come out as text.
  r.path.hops[0].namespace = '<img src=x onerror=alert(1)>';
  const ui = mount();
  ui.deliver({ type: 'trace', result: r });
  const dropHop = ui.ids.hops.children.find((e) => e.className.includes('drop'));
  assert.ok(dropHop, 'the FORWARD hop is marked as a drop');
  assert.match(dropHop.text(), /DROP: filter\/DOCKER-USER rule #3: -A DOCKER-USER -p tcp -m conntrack --ctorigdst 192\.168\.33\.2 --ctorigdstport 8080 -j DROP/);
  assert.ok(ui.ids.diagram.all().some((e) => (e.attrs.class ?? '').includes('ns-box drop')), 'the namespace box of the drop is red');
  assert.ok(ui.ids.head.all().some((e) => e.className.includes('reason') && e.textContent.startsWith('DROPPED')));
  assert.ok(ui.ids.diagram.all().some((e) => e.textContent.startsWith('<img src=x')), 'shown literally (textContent)');
  // Clicking the hop opens its deciding rule.
  dropHop.click();
  const id = r.path.hops.find((h) => h.verdict === 'DROP')?.id;
  assert.deepEqual(ui.posted.at(-1), { type: 'openRule', hopId: id });
});

test('trace panel: one button per IPVS branch; choosing one redraws that path', () => {
  const r = wire(trace(prepareScenario(loadScenarioDir(join(FIX, 'ipspace')), parseDump), { from: '203.0.113.10', to: '192.168.33.2:8080' }));
  const ui = mount();
  ui.deliver({ type: 'trace', result: r });
  const buttons = ui.ids.paths.children;
  assert.deepEqual(buttons.map((b) => b.textContent), ['IPVS → 10.0.0.7 — delivered 10.0.0.7:80', 'IPVS → 10.0.0.8 — delivered 10.0.0.8:80', 'IPVS → 10.0.0.9 — delivered 10.0.0.9:80']);
  const nodesShown = (): string[] => ui.ids.diagram.all().filter((e) => e.attrs.class === 'node-label').map((e) => e.textContent);
  assert.deepEqual(nodesShown(), ['node1', 'node2']);
  buttons[1].click();
  assert.deepEqual(nodesShown(), ['node1'], 'the 10.0.0.8 backend is on node1');
  ui.ids.paths.children[2].click();
  assert.deepEqual(nodesShown(), ['node1', 'node3']);
});
