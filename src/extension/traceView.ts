/**
 * Webview panel showing a packet trace as a diagram: one column per node, one box per namespace in the order
 * the packet meets them, numbered arrows per hop; drops in red with the reason. Clicking a hop (or one of its
 * rules) posts a message back and `openRule` opens the namespace's rule dump at that line.
 * One panel serves every trace: a new trace is posted to the open panel (its script and style stay loaded), so
 * the diagram replaces the previous one without reloading the webview. The panel answers each trace with
 * "painted" once the diagram is on screen; the time from the request is logged.
 * Strict CSP: no remote resources, scripts only with a per-panel nonce, styles from the extension's media folder.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Hop, HopRule, TracePath, TraceResult } from '../core/trace/types';
import type { VerifyReport } from '../core/trace/verify';

type FromWebview =
  | { type: 'ready'; at?: number }
  | { type: 'painted'; seq?: number; at?: number }
  | { type: 'openRule'; hopId: number; ruleIndex?: number }
  | { type: 'verify'; mode?: 'counters' | 'trace' };

export function findHop(p: TracePath, id: number): Hop | undefined {
  const h = p.hops.find((x) => x.id === id);
  if (h) return h;
  for (const b of p.branches) {
    const r = findHop(b.path, id);
    if (r) return r;
  }
  return undefined;
}

export function traceHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce: string): string {
  const media = (f: string): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', f)).toString();
  const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `img-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${media('trace.css')}">
<title>Packet trace</title>
</head>
<body>
<header id="head"><p class="note">Answer the trace prompts (from, to, protocol): the path will show here.</p></header>
<nav id="paths"></nav>
<section id="diagram" aria-label="path diagram"></section>
<section id="hops" aria-label="hops"></section>
<section id="verify" aria-label="verification on the nodes"></section>
<script nonce="${nonce}" src="${media('trace.js')}"></script>
<script nonce="${nonce}" src="${media('traceVerify.js')}"></script>
</body>
</html>`;
}

/** What one trace shown in the panel needs: `shown` is displayed (task names), `result` serves the callbacks. */
export interface TraceShow {
  result: TraceResult;
  shown?: TraceResult;
  openRule: (hop: Hop, rule?: HopRule) => void;
  verify?: (mode: 'counters' | 'trace') => Promise<VerifyReport | undefined>;
  /** When the user's request was complete (ms since epoch): the "painted" log line counts from here. */
  requestedAt?: number;
  log?: (line: string) => void;
}

interface Open {
  panel: vscode.WebviewPanel;
  /** Undefined while the panel waits for its first trace (opened as the trace starts, see prepareTracePanel). */
  trace?: TraceShow;
  /** Number of the trace on screen (the webview echoes it in "painted" and in body[data-trace-seq]). */
  seq: number;
  /** When the webview's script was running (undefined until the first "ready"). */
  readyAt?: number;
  /** ms since epoch when the panel was created (undefined when reused for this trace). */
  createdAt?: number;
  /** The trace whose "painted" was logged. */
  paintedSeq?: number;
}

let open: Open | undefined;
let seqCounter = 0;

function title(r: TraceResult): string {
  return `Trace ${r.request.from} → ${r.request.to}`;
}

function post(o: Open): void {
  if (!o.trace) return;
  void o.panel.webview.postMessage({ type: 'trace', seq: o.seq, result: o.trace.shown ?? o.trace.result, canVerify: o.trace.verify !== undefined });
}

function onMessage(o: Open, m: FromWebview): void {
  const t = o.trace;
  if (!t) {
    if (m.type === 'ready') o.readyAt = typeof m.at === 'number' ? m.at : Date.now();
    return;
  }
  if (m.type === 'ready') {
    o.readyAt = typeof m.at === 'number' ? m.at : Date.now();
    post(o);
  } else if (m.type === 'painted') {
    // once per trace (a new panel may render it twice: posted at once and again on "ready")
    if (m.seq !== o.seq || o.paintedSeq === o.seq || !t.requestedAt || !t.log) return;
    o.paintedSeq = o.seq;
    const at = typeof m.at === 'number' ? m.at : Date.now();
    const how = o.createdAt !== undefined
      ? `new panel: webview script ran ${(o.readyAt ?? at) - o.createdAt} ms after the panel was created`
      : 'panel reused';
    t.log(`trace: diagram painted ${at - t.requestedAt} ms after the request (${how}) [painted at ${new Date(at).toISOString()}]`);
  } else if (m.type === 'openRule' && typeof m.hopId === 'number') {
    const hop = findHop(t.result.path, m.hopId);
    if (!hop) return;
    const rule = typeof m.ruleIndex === 'number' ? hop.rules[m.ruleIndex] : hop.rules.find((r) => r.decided) ?? hop.rules[0];
    t.openRule(hop, rule);
  } else if (m.type === 'verify' && t.verify) {
    t.verify(m.mode === 'trace' ? 'trace' : 'counters').then(
      (report) => void o.panel.webview.postMessage({ type: 'verify', report }),
      (e: unknown) => void o.panel.webview.postMessage({ type: 'verify', error: e instanceof Error ? e.message : String(e) }),
    );
  }
}

function createPanel(context: vscode.ExtensionContext, trace: TraceShow | undefined, label?: string): Open {
  // a panel prepared ahead of its trace must not take the focus from the pickers
  const panel = vscode.window.createWebviewPanel('swarmnet.trace', trace ? title(trace.result) : (label ?? 'Trace'), { viewColumn: vscode.ViewColumn.Active, preserveFocus: !trace }, {
    enableScripts: true,
    retainContextWhenHidden: true,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'media')],
  });
  const o: Open = { panel, trace, seq: ++seqCounter, createdAt: Date.now() };
  panel.webview.html = traceHtml(panel.webview, context.extensionUri, randomBytes(16).toString('base64'));
  const sub = panel.webview.onDidReceiveMessage((m: FromWebview) => onMessage(o, m));
  panel.onDidDispose(() => {
    sub.dispose();
    if (open === o) open = undefined;
  }, undefined, context.subscriptions);
  return o;
}

/**
 * Opens the trace panel with the trace's prompts, when none is open: VS Code needs about a second to start a new
 * webview, which then runs while the user answers (and the rules are gathered) instead of after.
 */
export function prepareTracePanel(context: vscode.ExtensionContext, label: string, log?: (line: string) => void): void {
  if (open) return;
  open = createPanel(context, undefined, label);
  log?.('trace: panel opened with the prompts');
}

/** The trace did not come (cancelled, failed): a panel opened for it and still empty is closed. */
export function closeEmptyTracePanel(): void {
  if (open && !open.trace) open.panel.dispose();
}

/**
 * Shows a trace: in the open trace panel when there is one (posted to it, the panel brought to front), else in
 * a new panel. `openRule` is called when the user clicks a hop or one of its rules; `verify` (when given) backs
 * the panel's "Verify on the Nodes" button.
 */
export function showTrace(context: vscode.ExtensionContext, trace: TraceShow): vscode.WebviewPanel {
  if (open) {
    // a panel opened for this trace (prepareTracePanel) keeps its creation time: the painted log says "new panel"
    if (open.trace) open.createdAt = undefined;
    open.trace = trace;
    open.seq = ++seqCounter;
    open.panel.title = title(trace.result);
    if (!open.panel.visible) open.panel.reveal(undefined, false);
    post(open);
    return open.panel;
  }
  open = createPanel(context, trace);
  post(open);
  return open.panel;
}
