/**
 * The swarmnet language server for DOCKER-USER / iptables rule files (language id `iptables`).
 * Started by the extension over IPC, or with `--stdio` (tests).
 */
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
  },
  serverInfo: { name: 'swarmnet-lint', version: '0.1.0' },
}));

documents.listen(connection);
connection.listen();
