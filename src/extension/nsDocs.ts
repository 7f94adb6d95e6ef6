/**
 * "Run in Namespace…": a quick pick of the usual commands (or free text), run on the right node inside the
 * namespace, output shown in a read-only virtual document with our grammar, re-runnable from the editor title.
 */
import * as vscode from 'vscode';
import { commandFor, runInNamespace, USUAL_COMMANDS, type NsCommand } from '../core/nsexec';
import { isValidNamespaceName } from '../core/netns';
import { errorMessage } from '../core/diagnostics';
import type { Logger } from '../core/log';
import type { NodeManager } from './nodes';

export const NS_SCHEME = 'swarmnet-ns';

interface DocRequest {
  node: string;
  ns: string;
  command: string;
}

/** URI whose basename is the title `<node>∕<ns>: <cmd>` (U+2215 keeps it one path segment). */
export function nsDocUri(req: DocRequest, nonce = Date.now()): vscode.Uri {
  const title = `${req.node}∕${req.ns}: ${req.command}`.replace(/\//g, '∕');
  return vscode.Uri.from({ scheme: NS_SCHEME, path: `/${title}`, query: JSON.stringify(req), fragment: String(nonce) });
}

function parseReq(uri: vscode.Uri): DocRequest {
  const v: unknown = JSON.parse(uri.query);
  if (typeof v !== 'object' || v === null) throw new Error('bad document address');
  const o = v as Record<string, unknown>;
  if (typeof o.node !== 'string' || typeof o.ns !== 'string' || typeof o.command !== 'string') throw new Error('bad document address');
  return { node: o.node, ns: o.ns, command: o.command };
}

export class NsDocumentProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly cache = new Map<string, string>();

  constructor(
    private readonly nodes: NodeManager,
    private readonly log: Logger,
  ) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const key = uri.toString();
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const text = await this.execute(uri, token);
    this.cache.set(key, text);
    return text;
  }

  private async execute(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    let req: DocRequest;
    let cmd: NsCommand;
    try {
      req = parseReq(uri);
      cmd = commandFor(req.command);
    } catch (e) {
      return `# ${errorMessage(e)}\n`;
    }
    if (req.ns !== 'host' && !isValidNamespaceName(req.ns)) return `# refused: ${JSON.stringify(req.ns)} is not a plain namespace name under /var/run/docker/netns\n`;
    const ac = new AbortController();
    token.onCancellationRequested(() => ac.abort());
    try {
      const conn = await this.nodes.connection(req.node);
      if (!conn.runner) return `# ${req.node} is reached through the Docker API only: commands in namespaces need SSH or local access.\n`;
      this.log.info(`${req.node}: run in ${req.ns}: ${cmd.argv.join(' ')}`);
      const out = await runInNamespace(conn.runner, req.ns, cmd, { signal: ac.signal });
      if (!out.ok) this.log.warn(`${req.node}/${req.ns}: ${out.text.split('\n')[0]}`);
      return out.text;
    } catch (e) {
      return `# ${req.node}/${req.ns}: ${errorMessage(e)}\n`;
    }
  }

  async rerun(uri: vscode.Uri): Promise<void> {
    this.cache.delete(uri.toString());
    this.changed.fire(uri);
  }

  /** The command a document shows the output of (undefined for a foreign or broken address). */
  commandOf(uri: vscode.Uri): (NsCommand & { node: string; ns: string }) | undefined {
    try {
      const req = parseReq(uri);
      return { ...commandFor(req.command), node: req.node, ns: req.ns };
    } catch {
      return undefined;
    }
  }

  languageOf(uri: vscode.Uri): string {
    try {
      return commandFor(parseReq(uri).command).language;
    } catch {
      return 'plaintext';
    }
  }
}

export async function pickAndRun(provider: NsDocumentProvider, node: string, ns: string): Promise<void> {
  const items: (vscode.QuickPickItem & { cmd?: NsCommand })[] = USUAL_COMMANDS.map((c) => ({ label: c.label, description: c.language, cmd: c }));
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { cmd?: NsCommand }>();
  qp.title = `Run in ${node}/${ns}`;
  qp.placeholder = 'Pick a command or type any command (runs via nsenter in that namespace)';
  qp.items = items;
  const chosen = await new Promise<string | undefined>((resolve) => {
    qp.onDidAccept(() => {
      const sel = qp.selectedItems[0];
      resolve(sel?.cmd?.label ?? (qp.value.trim() || undefined));
      qp.hide();
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (!chosen) return;
  const uri = nsDocUri({ node, ns, command: chosen });
  const doc = await vscode.workspace.openTextDocument(uri);
  const lang = provider.languageOf(uri);
  await vscode.languages.setTextDocumentLanguage(doc, lang);
  await vscode.window.showTextDocument(doc, { preview: false });
}
