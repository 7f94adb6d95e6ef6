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

/** The text a command's tab shows while it runs. */
export function runningText(req: DocRequest, startedAt: Date): string {
  return `# running… \`${req.command}\` in ${req.ns} on ${req.node} (started ${startedAt.toISOString().slice(11, 19)} UTC)\n# Cancel: the stop button in the editor title (Swarm: Cancel Command)\n`;
}

export const RUNNING_CONTEXT = 'swarmnet.commandRunning';

/**
 * Each document is one command's output. Opening it shows "running…" at once and starts the command; the
 * output replaces it when the command ends (or "cancelled", or the error). Re-run starts it again.
 */
export class NsDocumentProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly cache = new Map<string, string>();
  private readonly running = new Map<string, { ac: AbortController; text: string }>();

  constructor(
    private readonly nodes: NodeManager,
    private readonly log: Logger,
  ) {
    // A quick command can end before VS Code has created the document: the change event is then lost, and the
    // tab would keep "running…". When the document opens, show what is there by now.
    vscode.workspace.onDidOpenTextDocument((d) => this.settle(d));
  }

  /** Makes an open document show the command's output if it has ended since the document was read. */
  settle(doc: vscode.TextDocument): void {
    if (doc.uri.scheme !== NS_SCHEME) return;
    const final = this.cache.get(doc.uri.toString());
    if (final !== undefined && doc.getText() !== final) this.changed.fire(doc.uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const key = uri.toString();
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const run = this.running.get(key);
    if (run) return run.text;
    return this.start(uri);
  }

  /** Starts the command in the background and returns the "running…" text. */
  private start(uri: vscode.Uri): string {
    const key = uri.toString();
    const ac = new AbortController();
    let req: DocRequest | undefined;
    try {
      req = parseReq(uri);
    } catch {
      req = undefined;
    }
    const text = req ? runningText(req, new Date()) : '# bad document address\n';
    this.running.set(key, { ac, text });
    this.setRunningContext();
    const t0 = Date.now();
    void this.execute(uri, ac.signal).then((out) => {
      this.running.delete(key);
      this.setRunningContext();
      const final = ac.signal.aborted ? `# cancelled after ${Date.now() - t0} ms: ${req?.command ?? ''}\n` : out;
      this.cache.set(key, final);
      this.log.info(`${req?.node}/${req?.ns}: ${req?.command}: ${ac.signal.aborted ? 'cancelled' : 'finished'} in ${Date.now() - t0} ms`);
      this.changed.fire(uri);
    });
    return text;
  }

  private setRunningContext(): void {
    void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, this.running.size > 0);
  }

  private async execute(uri: vscode.Uri, signal: AbortSignal): Promise<string> {
    let req: DocRequest;
    let cmd: NsCommand;
    try {
      req = parseReq(uri);
      cmd = commandFor(req.command);
    } catch (e) {
      return `# ${errorMessage(e)}\n`;
    }
    if (req.ns !== 'host' && !isValidNamespaceName(req.ns)) return `# refused: ${JSON.stringify(req.ns)} is not a plain namespace name under /var/run/docker/netns\n`;
    try {
      const conn = await this.nodes.connection(req.node, signal);
      if (!conn.runner) return `# ${req.node} is reached through the Docker API only: commands in namespaces need SSH or local access.\n`;
      this.log.info(`${req.node}: run in ${req.ns}: ${cmd.argv.join(' ')}`);
      const out = await runInNamespace(conn.runner, req.ns, cmd, { signal });
      if (!out.ok) this.log.warn(`${req.node}/${req.ns}: ${out.text.split('\n')[0]}`);
      return out.text;
    } catch (e) {
      return `# ${req.node}/${req.ns}: ${errorMessage(e)}\n`;
    }
  }

  isRunning(uri: vscode.Uri): boolean {
    return this.running.has(uri.toString());
  }

  /** Cancels the command behind the document (if it still runs). */
  cancel(uri: vscode.Uri): boolean {
    const run = this.running.get(uri.toString());
    run?.ac.abort();
    return Boolean(run);
  }

  async rerun(uri: vscode.Uri): Promise<void> {
    if (this.running.has(uri.toString())) return;
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

export async function pickAndRun(provider: NsDocumentProvider, node: string, ns: string, log?: Logger): Promise<void> {
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
  const t0 = Date.now();
  const uri = nsDocUri({ node, ns, command: chosen });
  // The tab first (it shows "running…"), the language after: setting it first made the tab wait for the
  // language's activation and tokenizer (hundreds of ms in code-server).
  // showTextDocument(uri) opens the document and its tab in one call to the window.
  const shown = await vscode.window.showTextDocument(uri, { preview: false });
  const tTab = Date.now();
  const lang = provider.languageOf(uri);
  if (shown.document.languageId !== lang) await vscode.languages.setTextDocumentLanguage(shown.document, lang);
  provider.settle(shown.document);
  log?.info(`${node}/${ns}: ${chosen}: tab opened ${tTab - t0} ms after the pick (language ${lang} set after ${Date.now() - t0} ms)`);
}
