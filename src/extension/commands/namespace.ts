/** Namespace commands: run a command in a namespace (read-only output document), re-run it. */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { heavy, lspModule } from '../lazy';
import { NS_SCHEME, pickAndRun } from '../nsDocs';
import type { Element } from '../tree/types';
import { namespaceLabel } from '../../core/present';
import { tableOfCommand } from '../../shared/lsp';

/** Namespace picker: sandboxes by their task name, grouped by node. */
export async function pickNamespace(ctx: Ctx): Promise<{ node: string; ns: string } | undefined> {
  if (ctx.nodes.models().length === 0) await ctx.nodes.refreshAll();
  const items = ctx.nodes.models().flatMap((m) =>
    m.namespaces.map((ns) => {
      const label = namespaceLabel(ns);
      return { label, description: `${m.name} · ${ns.kind}${label !== ns.name ? ` · ${ns.name}` : ''}`, node: m.name, ns: ns.name };
    }),
  );
  const pick = await vscode.window.showQuickPick(items, { title: 'Run in which namespace?', matchOnDescription: true });
  return pick ? { node: pick.node, ns: pick.ns } : undefined;
}

/**
 * An editable copy of a rules dump (the output itself stays read-only and unlinted): an untitled iptables
 * document, linted as the table the command printed (`iptables -t nat -S` → nat).
 */
async function editCopy(ctx: Ctx, uri: vscode.Uri | undefined): Promise<void> {
  const src = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!src || src.scheme !== NS_SCHEME) return;
  if (ctx.docs.isRunning(src)) {
    void vscode.window.showInformationMessage('The command is still running: copy its output when it has finished.');
    return;
  }
  const cmd = ctx.docs.commandOf(src);
  const text = (await vscode.workspace.openTextDocument(src)).getText();
  const table = cmd ? tableOfCommand(cmd.argv) : undefined;
  const name = `${cmd ? `${cmd.node}-${cmd.ns}-${table ?? 'rules'}` : 'rules'}-${Date.now() % 100000}.rules`.replace(/[^\w.-]+/g, '_');
  const copy = vscode.Uri.from({ scheme: 'untitled', path: `/${name}` });
  const { sendDocumentTable } = await lspModule();
  // The table is known to the server before the document opens: the first lint is already right.
  await sendDocumentTable(await ctx.lsp(), copy, table);
  const doc = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(copy), 'iptables');
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  await editor.edit((b) => b.insert(new vscode.Position(0, 0), text));
  ctx.log.info(`editable copy of ${cmd?.label ?? src.path}: ${copy.toString()} linted as table ${table ?? '(from its *table lines)'}`);
}

/** An integrated terminal with a shell in the namespace, on the node that has it (locally or over ssh). */
async function openTerminal(ctx: Ctx, e: Element | undefined): Promise<void> {
  const target = e?.kind === 'namespace' ? { node: e.node, ns: e.ns.name } : await pickNamespace(ctx);
  if (!target) return;
  const state = ctx.nodes.get(target.node);
  if (!state) return;
  const { nsTerminal } = await heavy();
  const spec = nsTerminal(state.config, target.ns, { isRoot: process.getuid?.() === 0 });
  if ('error' in spec) {
    void vscode.window.showErrorMessage(`Open Terminal in Namespace: ${spec.error}`);
    return;
  }
  const ns = state.model?.namespaces.find((n) => n.name === target.ns);
  const name = `${target.node}: ${ns ? namespaceLabel(ns) : target.ns}`;
  ctx.log.info(`terminal "${name}": ${JSON.stringify([spec.shellPath, ...spec.shellArgs])}`);
  const term = vscode.window.createTerminal({ name, shellPath: spec.shellPath, shellArgs: spec.shellArgs, iconPath: new vscode.ThemeIcon('terminal') });
  term.show();
}

export function namespaceCommands(ctx: Ctx): Record<string, (...args: never[]) => unknown> {
  return {
    'swarmnet.runInNamespace': async (e?: Element) => {
      const target = e?.kind === 'namespace' ? { node: e.node, ns: e.ns.name } : await pickNamespace(ctx);
      if (target) await pickAndRun(ctx.docs, target.node, target.ns, ctx.log);
    },
    'swarmnet.revealPeer': async (e?: Element) => {
      const peer = e ? ctx.tree.peerOf(e) : undefined;
      if (!peer) return void vscode.window.showInformationMessage('The other end of this veth is not in the discovered namespaces.');
      ctx.log.info(`reveal veth peer of ${e && 'node' in e ? e.node : ''}: ${peer.kind === 'interface' ? `${peer.ns.name}/${peer.ifc.name}` : ''}`);
      await ctx.view.reveal(peer, { select: true, focus: true, expand: true });
    },
    'swarmnet.openTerminal': (e?: Element) => openTerminal(ctx, e),
    'swarmnet.cancelCommand': (uri?: vscode.Uri) => {
      const u = uri ?? vscode.window.activeTextEditor?.document.uri;
      return u && u.scheme === NS_SCHEME ? ctx.docs.cancel(u) : undefined;
    },
    'swarmnet.editCopy': (uri?: vscode.Uri) => editCopy(ctx, uri),
    'swarmnet.rerun': (uri?: vscode.Uri) => {
      const u = uri ?? vscode.window.activeTextEditor?.document.uri;
      return u && u.scheme === NS_SCHEME ? ctx.docs.rerun(u) : undefined;
    },
  };
}
