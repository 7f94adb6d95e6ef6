/**
 * The one context object commands get: the log, the node manager, the tree view, the document providers and
 * the lazily started language client. Built once in `activate`; heavy modules load on first use.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ConnectHooks, NodeConfig } from '../core/connect';
import { makeLogger, type Logger } from '../core/log';
import { config } from './config';
import { DumpDocuments, DUMP_SCHEME } from './dumps';
import { heavy, lspModule } from './lazy';
import { NodeManager } from './nodes';
import { NsDocumentProvider, NS_SCHEME } from './nsDocs';
import { Refresher } from './refresh';
import { Secrets } from './secrets';
import { SwarmTreeProvider } from './tree/provider';
import type { Element } from './tree/types';

export interface Ctx {
  readonly ext: vscode.ExtensionContext;
  readonly log: Logger;
  readonly channel: vscode.OutputChannel;
  readonly nodes: NodeManager;
  readonly tree: SwarmTreeProvider;
  readonly view: vscode.TreeView<Element>;
  readonly docs: NsDocumentProvider;
  readonly dumps: DumpDocuments;
  readonly secrets: Secrets;
  readonly refresher: Refresher;
  /** Connection settings and callbacks for one node (host keys, passphrase, agent, limits). */
  hooks(node: NodeConfig): Promise<ConnectHooks>;
  /** The linter's language client, started on first use. */
  lsp(): Promise<LanguageClient>;
}

export function createCtx(ext: vscode.ExtensionContext): Ctx {
  const channel = vscode.window.createOutputChannel('Swarm Network');
  const log = makeLogger((l) => channel.appendLine(l), config.logLevel);
  const secrets = new Secrets(ext.secrets, log);
  const hooks = async (node: NodeConfig): Promise<ConnectHooks> => {
    const { makeHostKeyVerifier, defaultKnownHostsPath } = await heavy();
    return {
      verifyHostKey: makeHostKeyVerifier(log, node.knownHostsFile ?? defaultKnownHostsPath()),
      getPassphrase: (n, attempt) => secrets.passphrase(n, attempt),
      onPassphraseAccepted: (n, p) => secrets.accepted(n, p),
      onPassphraseRejected: (n) => secrets.rejected(n),
      agentSocket: process.env.SSH_AUTH_SOCK,
      timeoutMs: config.commandTimeoutMs(),
      maxOutputBytes: config.maxOutputBytes(),
      logger: log,
    };
  };
  const nodes = new NodeManager(hooks, log);
  const tree = new SwarmTreeProvider(nodes);
  const view = vscode.window.createTreeView('swarmnet.explorer', { treeDataProvider: tree, showCollapseAll: true });
  const docs = new NsDocumentProvider(nodes, log);
  const dumps = new DumpDocuments();
  let client: LanguageClient | undefined;
  const lsp = async (): Promise<LanguageClient> => {
    if (!client) {
      const { startLanguageClient } = await lspModule();
      client = startLanguageClient(ext);
    }
    return client;
  };
  const refresher = new Refresher(nodes, log, view);
  ext.subscriptions.push(
    channel,
    nodes,
    view,
    vscode.workspace.registerTextDocumentContentProvider(NS_SCHEME, docs),
    vscode.workspace.registerTextDocumentContentProvider(DUMP_SCHEME, dumps),
  );
  return { ext, log, channel, nodes, tree, view, docs, dumps, secrets, refresher, hooks, lsp };
}
