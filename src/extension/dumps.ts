/** The rule dumps behind a trace, as read-only documents (scheme swarmnet-dump) a hop can open at a line. */
import * as vscode from 'vscode';

export const DUMP_SCHEME = 'swarmnet-dump';

/** Read-only documents holding the rule dumps a trace was computed from, so hops can open them at a line. */
export class DumpDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();

  uriFor(node: string, ns: string, source: string, text: string): vscode.Uri {
    const seg = (x: string): string => x.replace(/[/\\]/g, '∕'); // one path segment each, shown as typed in the tab
    const uri = vscode.Uri.from({ scheme: DUMP_SCHEME, path: `/${seg(node)}/${seg(ns)}/${seg(source)}.rules` });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '(this rule dump is no longer in memory: trace again)';
  }
}

