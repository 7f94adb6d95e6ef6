/**
 * Extension entry: builds the context (./ctx.ts), registers the command groups (./commands/*) and starts
 * discovery when the view is first shown. Activation is lazy and cheap: ssh2, dockerode, the tracer and the
 * language client load on first use, and no node is contacted until the view is shown or a command asks.
 */
import * as vscode from 'vscode';
import { createCtx, type Ctx } from './ctx';
import { lintCommands } from './commands/lint';
import { namespaceCommands } from './commands/namespace';
import { nodeCommands } from './commands/nodes';
import { traceCommands } from './commands/trace';
import { doctorCommands } from './commands/doctor';

function register(ctx: Ctx): void {
  const all = { ...nodeCommands(ctx), ...namespaceCommands(ctx), ...traceCommands(ctx), ...lintCommands(ctx), ...doctorCommands(ctx) };
  for (const [id, fn] of Object.entries(all)) ctx.ext.subscriptions.push(vscode.commands.registerCommand(id, fn));
}

/** The first time the view is visible, discover every node (and log when the first row rendered). */
function discoverWhenShown(ctx: Ctx): void {
  let done = false;
  const first = (): void => {
    if (done) return;
    done = true;
    const t = Date.now();
    ctx.tree.firstRender = () => ctx.log.info(`first tree render ${Date.now() - t} ms after the view became visible`);
    void ctx.refresher.run();
  };
  if (ctx.view.visible) first();
  ctx.ext.subscriptions.push(ctx.view.onDidChangeVisibility((e) => (e.visible ? first() : undefined)));
}

/** Settings changes rediscover the nodes they touched. */
function watchConfig(ctx: Ctx): void {
  ctx.ext.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('swarmnet.nodes') && !e.affectsConfiguration('swarmnet.includeLocalNode')) return;
      const changed = ctx.nodes.reloadConfig();
      if (changed.length) void ctx.refresher.run(changed);
    }),
  );
}

/** The linter's language server starts with the first iptables document, not at activation. */
function startLinterWithFirstRulesFile(ctx: Ctx): void {
  const isRules = (d: vscode.TextDocument): boolean => d.languageId === 'iptables';
  if (vscode.workspace.textDocuments.some(isRules)) void ctx.lsp();
  ctx.ext.subscriptions.push(vscode.workspace.onDidOpenTextDocument((d) => (isRules(d) ? void ctx.lsp() : undefined)));
}

export function activate(ext: vscode.ExtensionContext): void {
  const t0 = Date.now();
  const ctx = createCtx(ext);
  register(ctx);
  discoverWhenShown(ctx);
  watchConfig(ctx);
  startLinterWithFirstRulesFile(ctx);
  ctx.log.info(`activated in ${Date.now() - t0} ms`);
}

export function deactivate(): void {
  /* subscriptions are disposed by VS Code */
}
