/** Linter commands: lint the rules file in the editor against a node's facts. */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { heavy, lspModule } from '../lazy';

async function currentFilterRules(ctx: Ctx, node: string): Promise<string | undefined> {
  try {
    const conn = await ctx.nodes.connection(node);
    const r = conn.runner ? await conn.runner.run(['iptables-save', '-t', 'filter']) : undefined;
    if (r && r.code !== 0) ctx.log.warn(`${node}: iptables-save -t filter failed: ${r.stderr.trim()}`);
    return r && r.code === 0 ? r.stdout : undefined;
  } catch (e) {
    ctx.log.warn(`${node}: current filter rules unavailable: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

async function associateNode(ctx: Ctx): Promise<void> {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.languageId !== 'iptables') {
    void vscode.window.showWarningMessage('Open a DOCKER-USER rules file (language "iptables") first.');
    return;
  }
  if (ctx.nodes.models().length === 0) await ctx.nodes.refreshAll();
  const items = [{ label: '$(close) No node', description: 'lint without node facts', node: '' }, ...ctx.nodes.models().map((m) => ({ label: m.name, description: m.hostname ?? '', node: m.name }))];
  const pick = await vscode.window.showQuickPick(items, { title: 'Lint this rules file against which node?' });
  if (!pick) return;
  const { lintContextFromModel } = await heavy();
  const { sendNodeContext } = await lspModule();
  if (!pick.node) return sendNodeContext(await ctx.lsp(), doc.uri, undefined);
  const model = ctx.nodes.models().find((m) => m.name === pick.node);
  if (!model) return;
  const filter = await currentFilterRules(ctx, model.name);
  await sendNodeContext(await ctx.lsp(), doc.uri, lintContextFromModel(model, ctx.nodes.models(), filter));
  void vscode.window.setStatusBarMessage(`Swarm linter: ${vscode.workspace.asRelativePath(doc.uri)} ↔ ${model.name}`, 5000);
}

export function lintCommands(ctx: Ctx): Record<string, (...args: never[]) => unknown> {
  return { 'swarmnet.associateNode': () => associateNode(ctx) };
}
