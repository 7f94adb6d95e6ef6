/**
 * "Add Nodes from SSH Config / Docker Contexts…" and "Add Whole Swarm from a Manager…": quick picks over the
 * core sources (src/core/sources). Both return the NodeConfigs to add; the caller stores them in settings
 * (NodeConfig holds no secrets) and refreshes.
 */
import * as vscode from 'vscode';
import { connectNode, type ConnectHooks, type NodeConfig } from '../core/connect';
import { endpointOf, sameTarget } from '../core/nodeConfig';
import type { Diagnostic } from '../core/diagnostics';
import { errorMessage } from '../core/diagnostics';
import type { Logger } from '../core/log';
import { readDockerContexts, type DockerContextCandidate } from '../core/sources/dockerContexts';
import { readSshConfig, type SshHostCandidate } from '../core/sources/sshConfig';
import { swarmCandidates, type SwarmNodeCandidate } from '../core/sources/swarm';
import { LocalRunner } from '../core/transport/local';
import type { CommandRunner } from '../core/transport/types';

export interface NodeSourcesContext {
  log: Logger;
  /** Nodes already configured (to mark duplicates and keep names unique). */
  existing: () => NodeConfig[];
  /** Hooks for connecting to a manager (host-key verifier, passphrase, agent). */
  hooks: () => ConnectHooks | Promise<ConnectHooks>;
  /** Runs `docker context ls` (default: a LocalRunner). */
  localRunner?: CommandRunner;
  /** Overrides for tests: ~ and DOCKER_CONFIG. */
  home?: string;
  dockerConfigDir?: string;
}

/** Makes names unique against the existing nodes and each other (name, name-2, name-3…). */
export function uniqueNames(configs: NodeConfig[], existing: NodeConfig[]): NodeConfig[] {
  const taken = new Set(existing.map((e) => e.name));
  return configs.map((c) => {
    let name = c.name;
    for (let i = 2; taken.has(name); i++) name = `${c.name}-${i}`;
    taken.add(name);
    return { ...c, name };
  });
}

function logDiagnostics(log: Logger, diags: Diagnostic[]): void {
  for (const d of diags) (d.severity === 'error' ? log.error : d.severity === 'warning' ? log.warn : log.info)(`[${d.source}] ${d.message}${d.excerpt ? ` — ${d.excerpt}` : ''}`);
}

interface Sources {
  ssh: SshHostCandidate[];
  contexts: DockerContextCandidate[];
}

async function readSources(ctx: NodeSourcesContext): Promise<Sources> {
  const ssh = await readSshConfig({ home: ctx.home });
  logDiagnostics(ctx.log, ssh.diagnostics);
  const dc = await readDockerContexts({ runner: ctx.localRunner ?? new LocalRunner({ timeoutMs: 10_000 }), dockerConfigDir: ctx.dockerConfigDir, sshHosts: ssh.candidates });
  logDiagnostics(ctx.log, dc.diagnostics);
  return { ssh: ssh.candidates, contexts: dc.candidates };
}

interface PickItem extends vscode.QuickPickItem {
  config?: NodeConfig;
}

/** Quick pick (multi-select) of ~/.ssh/config hosts and Docker contexts; returns the NodeConfigs to add. */
export async function addNodesFrom(ctx: NodeSourcesContext): Promise<NodeConfig[]> {
  const src = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Reading SSH config and Docker contexts…' }, () => readSources(ctx));
  const existing = ctx.existing();
  const items: PickItem[] = [];
  const already = (c: NodeConfig): boolean => existing.some((e) => sameTarget(e, c));
  if (src.ssh.length) items.push({ label: 'SSH config (~/.ssh/config)', kind: vscode.QuickPickItemKind.Separator });
  for (const h of src.ssh) {
    items.push({
      label: `$(remote) ${h.alias}`,
      description: `${endpointOf(h.config)}${already(h.config) ? ' — already added' : ''}`,
      detail: h.warnings.length ? `$(warning) ${h.warnings.join('; ')}` : h.config.keyPath ? `key ${h.config.keyPath}` : undefined,
      config: h.config,
    });
  }
  const ctxItems = src.contexts.filter((c) => c.context.name !== 'default' || c.config?.transport === 'ssh');
  if (ctxItems.length) items.push({ label: 'Docker contexts', kind: vscode.QuickPickItemKind.Separator });
  for (const c of ctxItems) {
    items.push({
      label: `$(server-environment) ${c.context.name}${c.context.current ? ' (current)' : ''}`,
      description: c.config ? `${endpointOf(c.config)}${already(c.config) ? ' — already added' : ''}` : `$(error) ${c.problem ?? 'unusable'}`,
      detail: c.warnings.length ? `$(warning) ${c.warnings.join('; ')}` : c.context.description,
      config: c.config,
    });
  }
  if (!items.some((i) => i.config)) {
    void vscode.window.showInformationMessage('No hosts found in ~/.ssh/config and no Docker contexts besides the default one.');
    return [];
  }
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Add nodes', placeHolder: 'Select the hosts and contexts to add as nodes', matchOnDescription: true });
  if (!picked) return [];
  const configs = picked.flatMap((p) => (p.config ? [p.config] : []));
  const fresh = configs.filter((c) => !already(c));
  if (fresh.length < configs.length) ctx.log.info(`${configs.length - fresh.length} selected node(s) already configured; not added again`);
  return uniqueNames(fresh, existing);
}

interface SwarmPickItem extends vscode.QuickPickItem {
  candidate?: SwarmNodeCandidate;
}

/**
 * Picks a manager (configured nodes, ssh-config hosts, docker contexts), lists the swarm's nodes through its
 * Docker API, maps them to SSH hosts and lets the user choose which to add.
 */
export async function addWholeSwarm(ctx: NodeSourcesContext): Promise<NodeConfig[]> {
  const src = await readSources(ctx);
  const existing = ctx.existing();
  const managers: PickItem[] = [
    ...existing.map((c) => ({ label: `$(vm) ${c.name}`, description: `configured — ${endpointOf(c)}`, config: c })),
    ...src.ssh.map((h) => ({ label: `$(remote) ${h.alias}`, description: `ssh config — ${endpointOf(h.config)}`, config: h.config })),
    ...src.contexts.filter((c) => c.config).map((c) => ({ label: `$(server-environment) ${c.context.name}`, description: `docker context — ${endpointOf(c.config as NodeConfig)}`, config: c.config })),
  ];
  const mgr = await vscode.window.showQuickPick(managers, { title: 'Add whole swarm', placeHolder: 'Pick a manager node of the swarm' });
  if (!mgr?.config) return [];
  const manager = mgr.config;
  let result: { candidates: SwarmNodeCandidate[]; diagnostics: Diagnostic[] };
  try {
    result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Listing swarm nodes via ${manager.name}…`, cancellable: false }, async () => {
      const conn = await connectNode(manager, await ctx.hooks());
      try {
        if (!conn.docker) throw new Error(`${manager.name}: no Docker API on this connection`);
        return await swarmCandidates(conn.docker, src.ssh, { manager });
      } finally {
        await conn.close();
      }
    });
  } catch (e) {
    const msg = `Cannot list the swarm's nodes via ${manager.name}: ${errorMessage(e)}`;
    ctx.log.error(msg);
    void vscode.window.showErrorMessage(msg);
    return [];
  }
  logDiagnostics(ctx.log, result.diagnostics);
  if (!result.candidates.length) {
    const why = result.diagnostics.find((d) => d.severity === 'error')?.message ?? 'the manager reported no nodes';
    void vscode.window.showErrorMessage(`No swarm nodes found via ${manager.name}: ${why}`);
    return [];
  }
  const items: SwarmPickItem[] = result.candidates.map((c) => {
    const isExisting = c.config ? existing.some((e) => sameTarget(e, c.config as NodeConfig)) : false;
    const n = c.node;
    return {
      label: `${n.role === 'manager' ? '$(star-full)' : '$(circle-outline)'} ${n.hostname || n.id}`,
      description: c.config ? `${endpointOf(c.config)}${c.sshHost ? ` (ssh config: ${c.sshHost.alias})` : ''}${isExisting ? ' — already added' : ''}` : `$(error) ${c.problem ?? ''}`,
      detail: `${n.role}${n.leader ? ' (leader)' : ''}, ${n.state}, ${n.availability}${n.addr ? `, addr ${n.addr}` : ''}`,
      picked: Boolean(c.config) && !isExisting && n.state === 'ready',
      candidate: c,
    };
  });
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: `Swarm nodes via ${manager.name}`, placeHolder: 'Select the nodes to add' });
  if (!picked) return [];
  const configs = picked.flatMap((p) => (p.candidate?.config && !existing.some((e) => sameTarget(e, p.candidate?.config as NodeConfig)) ? [p.candidate.config] : []));
  return uniqueNames(configs, existing);
}
