/**
 * Starts the swarmnet DOCKER-USER linter language server (dist/server.js, over IPC) for `iptables` documents,
 * and forwards node facts to it for node-aware linting.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { LintContext } from '../core/lint/types';
import { SERVER_NODE_FLAGS } from '../server/flags';
import type { TableName } from '../core/iptables/model';
import { DOCUMENT_TABLE_NOTIFICATION, LINTED_SCHEMES, NODE_CONTEXT_NOTIFICATION, type DocumentTableParams, type NodeContextParams } from '../shared/lsp';

export function startLanguageClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS] } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Only what the user writes: read-only command output (swarmnet-ns, swarmnet-dump) is never linted.
    documentSelector: LINTED_SCHEMES.map((scheme) => ({ scheme, language: 'iptables' })),
    diagnosticCollectionName: 'swarmnet',
  };
  const client = new LanguageClient('swarmnet.lint', 'Swarm DOCKER-USER Linter', serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => void client.stop() });
  void client.start().catch((e: unknown) => {
    void vscode.window.showErrorMessage(`Swarm linter failed to start: ${e instanceof Error ? e.message : String(e)}`);
  });
  return client;
}

/** Lint the document `uri` against a node's facts (interfaces, networks, current rules, swarm ports). */
export async function sendNodeContext(client: LanguageClient, uri: vscode.Uri | string, ctx: LintContext | undefined): Promise<void> {
  if (client.needsStart()) await client.start();
  const params: NodeContextParams = { uri: typeof uri === 'string' ? uri : uri.toString(), context: ctx ?? null };
  await client.sendNotification(NODE_CONTEXT_NOTIFICATION, params);
}

/** Lint the document `uri` as a dump of `table` (e.g. an editable copy of `iptables -t nat -S` output). */
export async function sendDocumentTable(client: LanguageClient, uri: vscode.Uri, table: TableName | undefined): Promise<void> {
  if (client.needsStart()) await client.start();
  const params: DocumentTableParams = { uri: uri.toString(), table: table ?? null };
  await client.sendNotification(DOCUMENT_TABLE_NOTIFICATION, params);
}
