/**
 * The swarmnet language server for DOCKER-USER / iptables rule files (language id `iptables`).
 * Started by the extension over IPC (vscode-languageclient), or with `--stdio` (tests, other editors).
 *
 * - diagnostics on open/change (incremental sync; re-lint debounced and bounded in time),
 * - code actions (quick fixes carried by the linter's diagnostics),
 * - hover (the rule in plain words plus the findings on that line),
 * - custom notification `swarmnet/nodeContext` `{ uri, context }`: lint the document against a node's facts.
 */
import {
  CodeAction,
  CodeActionKind,
  createConnection,
  Diagnostic,
  DiagnosticSeverity,
  Hover,
  MarkupKind,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Linter } from '../core/lint/engine';
import { hoverRule } from '../core/lint/hover';
import { ruleMeta } from '../core/lint/rules';
import type { LintContext, LintDiagnostic, LintResult } from '../core/lint/types';
import { spanRange } from '../core/lint/types';
import { DOCUMENT_TABLE_NOTIFICATION, isLintedUri, NODE_CONTEXT_NOTIFICATION, readDocumentTableParams, readNodeContextParams } from '../shared/lsp';
import type { TableName } from '../core/iptables/model';

const SOURCE = 'swarmnet';
/** Debounce for didChange; didOpen and nodeContext lint at once. */
const DEBOUNCE_MS = 60;
/** Upper bound for one lint run; beyond it the linter reports what it could check and says so. */
const LINT_BUDGET_MS = 400;

interface DocState {
  linter: Linter;
  context?: LintContext;
  result?: LintResult;
  version?: number;
  timer?: NodeJS.Timeout;
}

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const states = new Map<string, DocState>();
/** Node associations outlive the open document (closing and reopening a file keeps its node). */
const contexts = new Map<string, LintContext>();
/** The table a document's dump came from (sent by the client for a copy of `iptables -t nat -S` output). */
const tables = new Map<string, TableName>();

function stateOf(uri: string): DocState {
  let s = states.get(uri);
  if (!s) {
    const context = contexts.get(uri);
    s = { linter: new Linter(context), context };
    states.set(uri, s);
  }
  return s;
}

function toSeverity(sev: LintDiagnostic['severity']): DiagnosticSeverity {
  return sev === 'error' ? DiagnosticSeverity.Error : sev === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information;
}

function toLsp(uri: string, d: LintDiagnostic): Diagnostic {
  return {
    range: spanRange(d.span),
    severity: toSeverity(d.severity),
    code: d.code,
    source: SOURCE,
    message: d.message,
    relatedInformation: d.related?.map((r) => ({ location: { uri, range: spanRange(r.span) }, message: r.message })),
  };
}

function lintNow(doc: TextDocument): void {
  const s = stateOf(doc.uri);
  if (s.timer) {
    clearTimeout(s.timer);
    s.timer = undefined;
  }
  let result: LintResult;
  try {
    result = s.linter.lint(doc.getText(), { budgetMs: LINT_BUDGET_MS, defaultTable: tables.get(doc.uri) });
  } catch (e: unknown) {
    // The linter is total; this is a last line of defence so one bad document never kills the server.
    connection.console.error(`swarmnet lint failed on ${doc.uri}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    return;
  }
  s.result = result;
  s.version = doc.version;
  void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: result.diagnostics.map((d) => toLsp(doc.uri, d)) });
}

function scheduleLint(doc: TextDocument): void {
  const s = stateOf(doc.uri);
  if (s.timer) clearTimeout(s.timer);
  s.timer = setTimeout(() => {
    s.timer = undefined;
    const current = documents.get(doc.uri);
    if (current) lintNow(current);
  }, DEBOUNCE_MS);
}

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    hoverProvider: true,
  },
  serverInfo: { name: 'swarmnet-lint', version: '0.1.0' },
}));

documents.onDidChangeContent((e) => {
  // Only what the user writes: read-only command output is never linted (the client does not send it either).
  if (!isLintedUri(e.document.uri)) return;
  // fires for didOpen too: lint immediately the first time, debounce edits.
  const s = stateOf(e.document.uri);
  if (s.version === undefined) lintNow(e.document);
  else scheduleLint(e.document);
});
documents.onDidClose((e) => {
  const s = states.get(e.document.uri);
  if (s?.timer) clearTimeout(s.timer);
  states.delete(e.document.uri);
  // A closed document leaves nothing in Problems.
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onNotification(DOCUMENT_TABLE_NOTIFICATION, (params: unknown) => {
  const p = readDocumentTableParams(params);
  if (!p) return;
  if (p.table) tables.set(p.uri, p.table);
  else tables.delete(p.uri);
  const doc = documents.get(p.uri);
  if (doc && isLintedUri(doc.uri)) lintNow(doc);
});

connection.onNotification(NODE_CONTEXT_NOTIFICATION, (params: unknown) => {
  const p = readNodeContextParams(params);
  if (!p) return;
  const uri = p.uri;
  const ctx = p.context ?? undefined;
  if (ctx) contexts.set(uri, ctx);
  else contexts.delete(uri);
  const s = stateOf(uri);
  s.context = ctx;
  s.linter.setContext(ctx);
  const doc = documents.get(uri);
  if (doc && isLintedUri(uri)) lintNow(doc);
});

function sameRange(a: Diagnostic['range'], b: Diagnostic['range']): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

function overlaps(r: Diagnostic['range'], line0: number, line1: number): boolean {
  return r.start.line <= line1 && r.end.line >= line0;
}

connection.onCodeAction((params) => {
  const doc = documents.get(params.textDocument.uri);
  const s = states.get(params.textDocument.uri);
  if (!doc || !s) return [];
  if (s.version !== doc.version) lintNow(doc);
  const result = s.result;
  if (!result) return [];
  const actions: CodeAction[] = [];
  const wanted = params.context.diagnostics;
  for (const d of result.diagnostics) {
    if (d.fixes.length === 0) continue;
    const range = spanRange(d.span);
    const asked = wanted.find((w) => w.code === d.code && sameRange(w.range, range));
    if (wanted.length > 0 ? !asked : !overlaps(range, params.range.start.line, params.range.end.line)) continue;
    const lspDiag = asked ?? toLsp(doc.uri, d);
    for (const fix of d.fixes) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [lspDiag],
        isPreferred: d.fixes.length === 1 ? true : undefined,
        edit: { changes: { [doc.uri]: fix.edits.map((e) => ({ range: e.range, newText: e.newText })) } },
      });
    }
  }
  return actions;
});

/** A finding in the hover: its code, why it matters (the rule's docs), the quick fixes it offers. */
function findingNote(f: LintDiagnostic): string {
  const why = ruleMeta(f.code)?.docs;
  const fixes = f.fixes.length ? `\n\nQuick fix: ${f.fixes.map((x) => x.title).join('; ')}` : '';
  return `\`${f.code}\`${why ? ` — ${why}` : ''}${fixes}`;
}

connection.onHover((params): Hover | null => {
  const doc = documents.get(params.textDocument.uri);
  const s = states.get(params.textDocument.uri);
  if (!doc || !s) return null;
  if (s.version !== doc.version) lintNow(doc);
  const line = params.position.line;
  const rule = s.linter.ruleAt(line);
  const findings = (s.result?.diagnostics ?? []).filter((d) => d.span.line === line);
  if (!rule && findings.length === 0) return null;
  const parts: string[] = [];
  if (rule) parts.push(hoverRule(rule));
  // VS Code's hover already shows each finding's message: add why it matters and the fixes, not the message again.
  for (const f of findings) parts.push(findingNote(f));
  return {
    contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n') },
    range: { start: { line, character: 0 }, end: { line, character: doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '').length } },
  };
});

documents.listen(connection);
connection.listen();
