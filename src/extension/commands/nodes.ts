/** Node commands: refresh, add (one line, from SSH config / Docker contexts, a whole swarm), remove, show log. */
import * as vscode from 'vscode';
import type { NodeConfig } from '../../core/connect';
import { ConfigWriteError, definedScope, editNodes, LOCAL_NODE_NAME, nodeList, scopeLabel, setIncludeLocalNode, type Scope } from '../config';
import type { Ctx } from '../ctx';
import { heavy } from '../lazy';
import type { Element } from '../tree/types';
import { askNewNode } from '../addNode';

/** Runs a settings write and tells the user where it went (or why it failed). */
export async function saved(ctx: Ctx, what: string, write: () => Promise<Scope>): Promise<boolean> {
  try {
    const scope = await write();
    const msg = `${what} (saved in ${scopeLabel(scope)})`;
    ctx.log.info(msg);
    void vscode.window.showInformationMessage(`Swarm: ${msg}`);
    return true;
  } catch (e) {
    const msg = e instanceof ConfigWriteError ? e.message : `Could not save the Swarm settings: ${e instanceof Error ? e.message : String(e)}`;
    ctx.log.error(msg);
    void vscode.window.showErrorMessage(`${msg}. Fix the settings file (it may not be valid JSON) and try again.`, 'Open Settings (JSON)').then((a) => (a ? vscode.commands.executeCommand('workbench.action.openSettingsJson') : undefined));
    return false;
  }
}

const nodeOf = (e?: Element): string | undefined => (e && 'node' in e ? e.node : undefined);

async function addNodes(ctx: Ctx, configs: NodeConfig[]): Promise<void> {
  if (configs.length === 0) return;
  const names = configs.map((c) => c.name).join(', ');
  await saved(ctx, `added ${configs.length} node(s): ${names}`, () => editNodes((list) => [...list.filter((n) => !configs.some((c) => c.name === n.name)), ...configs]));
}

async function removeNode(ctx: Ctx, name: string | undefined): Promise<void> {
  if (!name) return;
  if (name === LOCAL_NODE_NAME) {
    await saved(ctx, `"${LOCAL_NODE_NAME}" hidden (bring it back with Swarm: Show This Machine)`, () => setIncludeLocalNode(false));
    return;
  }
  if (await saved(ctx, `removed node ${name}`, () => editNodes((list) => list.filter((n) => n.name !== name)))) await ctx.secrets.forget(name);
}

/** Opens the settings file that defines the node (the settings UI for "this machine"). */
async function editNode(ctx: Ctx, name: string | undefined): Promise<unknown> {
  if (!name || name === LOCAL_NODE_NAME) return vscode.commands.executeCommand('workbench.action.openSettings', 'swarmnet');
  const scope = definedScope('nodes')?.scope;
  ctx.log.info(`edit node ${name}: opening ${scope ? scopeLabel(scope) : 'user settings'}`);
  const cmd = scope?.kind === 'workspace' ? 'workbench.action.openWorkspaceSettingsFile' : 'workbench.action.openSettingsJson';
  return vscode.commands.executeCommand(cmd);
}

export function nodeCommands(ctx: Ctx): Record<string, (...args: never[]) => unknown> {
  const sources = async () => {
    const { addNodesFrom, addWholeSwarm } = await heavy();
    const sctx = { log: ctx.log, existing: nodeList, hooks: () => ctx.hooks({ name: 'manager', transport: 'ssh' }) };
    return { addNodesFrom: () => addNodesFrom(sctx), addWholeSwarm: () => addWholeSwarm(sctx) };
  };
  return {
    'swarmnet.refresh': () => ctx.refresher.run(),
    'swarmnet.cancelDiscovery': () => ctx.refresher.cancel(),
    // On one node the user asks: also after a failure that is never retried by itself.
    'swarmnet.refreshNode': (e?: Element) => ctx.refresher.run(nodeOf(e) ? [nodeOf(e) as string] : undefined, true),
    'swarmnet.retryNode': (e?: Element) => (nodeOf(e) ? ctx.refresher.run([nodeOf(e) as string], true) : undefined),
    'swarmnet.editNode': (e?: Element) => editNode(ctx, nodeOf(e)),
    'swarmnet.showLog': () => ctx.channel.show(true),
    'swarmnet.addNode': async () => addNodes(ctx, await askNewNode({ existing: nodeList, models: () => ctx.nodes.models() })),
    'swarmnet.removeNode': (e?: Element) => removeNode(ctx, nodeOf(e)),
    'swarmnet.showLocalNode': () => saved(ctx, `"${LOCAL_NODE_NAME}" shown`, () => setIncludeLocalNode(true)),
    'swarmnet.addNodesFrom': async () => addNodes(ctx, await (await sources()).addNodesFrom()),
    'swarmnet.addWholeSwarm': async () => addNodes(ctx, await (await sources()).addWholeSwarm()),
  };
}
