/**
 * What the extension (language client) and the language server both need: notification names and their
 * payloads, and which documents are linted at all. Free of vscode and of the server library.
 */
import type { LintContext } from '../core/lint/types';
import type { TableName } from '../core/iptables/model';

/** `{ uri, context }`: lint the document against a node's facts (context null: without node facts). */
export const NODE_CONTEXT_NOTIFICATION = 'swarmnet/nodeContext';
export interface NodeContextParams {
  uri: string;
  context: LintContext | null;
}

/** `{ uri, table }`: the document is a dump of this table (e.g. `iptables -t nat -S`): lint it as such. */
export const DOCUMENT_TABLE_NOTIFICATION = 'swarmnet/documentTable';
export interface DocumentTableParams {
  uri: string;
  table: TableName | null;
}

/**
 * URI schemes of documents the user writes (files, untitled editors). Read-only command output (the
 * run-in-namespace documents, the rule dumps behind a trace) is never linted: those are Docker's rules.
 */
export const LINTED_SCHEMES: readonly string[] = ['file', 'untitled', 'vscode-remote', 'vscode-userdata'];

export function isLintedUri(uri: string): boolean {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(uri);
  return m !== null && LINTED_SCHEMES.includes(m[1].toLowerCase());
}

/** Payload checks for the server (notifications arrive as unknown JSON). */
export function readNodeContextParams(v: unknown): NodeContextParams | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const { uri, context } = v as { uri?: unknown; context?: unknown };
  if (typeof uri !== 'string') return undefined;
  return { uri, context: typeof context === 'object' && context !== null ? (context as LintContext) : null };
}

const TABLES: readonly string[] = ['filter', 'nat', 'mangle', 'raw', 'security'];
export function readDocumentTableParams(v: unknown): DocumentTableParams | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const { uri, table } = v as { uri?: unknown; table?: unknown };
  if (typeof uri !== 'string') return undefined;
  return { uri, table: typeof table === 'string' && TABLES.includes(table) ? (table as TableName) : null };
}

/**
 * The table a dump came from, by the command that printed it: `iptables -t nat -S` → nat, `iptables -S` →
 * filter (iptables' default). iptables-save prints `*table` sections itself: undefined.
 */
export function tableOfCommand(argv: readonly string[]): TableName | undefined {
  const tool = argv[0]?.split('/').pop() ?? '';
  if (!/^(ip6?tables)(-legacy|-nft)?$/.test(tool)) return undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    const v = a === '-t' || a === '--table' ? argv[i + 1] : a.startsWith('--table=') ? a.slice(8) : /^-t\w+$/.test(a) ? a.slice(2) : undefined;
    if (v !== undefined) return TABLES.includes(v) ? (v as TableName) : undefined;
  }
  return 'filter';
}
