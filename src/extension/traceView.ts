/**
 * Webview panel showing a packet trace as a diagram: one column per node, one box per namespace in the order
 * the packet meets them, numbered arrows per hop; drops in red with the reason. Clicking a hop (or one of its
 * rules) posts a message back and `openRule` opens the namespace's rule dump at that line.
 * Strict CSP: no remote resources, scripts only with a per-panel nonce, styles from the extension's media folder.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Hop, HopRule, TracePath, TraceResult } from '../core/trace/types';
import type { VerifyReport } from '../core/trace/verify';

type FromWebview = { type: 'ready' } | { type: 'openRule'; hopId: number; ruleIndex?: number } | { type: 'verify'; mode?: 'counters' | 'trace' };

function findHop(p: TracePath, id: number): Hop | undefined {
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
<header id="head"></header>
<nav id="paths"></nav>
<section id="diagram" aria-label="path diagram"></section>
<section id="hops" aria-label="hops"></section>
<section id="verify" aria-label="verification on the nodes"></section>
<script nonce="${nonce}" src="${media('trace.js')}"></script>
<script nonce="${nonce}" src="${media('traceVerify.js')}"></script>
</body>
</html>`;
}

/**
 * Opens (or reuses) the trace panel. `openRule` is called when the user clicks a hop or one of its rules;
 * `verify` (when given) backs the panel's "Verify on the Nodes" button.
 */
/** `shown` is what the view displays (task names for sandbox ids); `result` serves the callbacks' lookups. */
export function showTrace(context: vscode.ExtensionContext, result: TraceResult, openRule: (hop: Hop, rule?: HopRule) => void, verify?: (mode: 'counters' | 'trace') => Promise<VerifyReport | undefined>, shown: TraceResult = result): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel('swarmnet.trace', `Trace ${result.request.from} → ${result.request.to}`, vscode.ViewColumn.Active, {
    enableScripts: true,
    retainContextWhenHidden: true,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'media')],
  });
  const nonce = randomBytes(16).toString('base64');
  panel.webview.html = traceHtml(panel.webview, context.extensionUri, nonce);
  const send = (): void => {
    void panel.webview.postMessage({ type: 'trace', result: shown, canVerify: verify !== undefined });
  };
  const sub = panel.webview.onDidReceiveMessage((m: FromWebview) => {
    if (m.type === 'ready') send();
    else if (m.type === 'openRule' && typeof m.hopId === 'number') {
      const hop = findHop(result.path, m.hopId);
      if (!hop) return;
      const rule = typeof m.ruleIndex === 'number' ? hop.rules[m.ruleIndex] : hop.rules.find((r) => r.decided) ?? hop.rules[0];
      openRule(hop, rule);
    } else if (m.type === 'verify' && verify) {
      verify(m.mode === 'trace' ? 'trace' : 'counters').then(
        (report) => void panel.webview.postMessage({ type: 'verify', report }),
        (e: unknown) => void panel.webview.postMessage({ type: 'verify', error: e instanceof Error ? e.message : String(e) }),
      );
    }
  });
  panel.onDidDispose(() => sub.dispose(), undefined, context.subscriptions);
  send();
  return panel;
}
