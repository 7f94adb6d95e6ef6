/**
 * The extension's settings in one place: typed getters (defaults from the core, one place each) and writes
 * that go to the scope where the value is defined — workspace folder, workspace or user — never copying one
 * scope's value into another. Every write says where it went; a failed write (e.g. a broken settings.json)
 * becomes a clear message instead of VS Code's generic "Error running command".
 */
import * as vscode from 'vscode';
import { LOCAL_NODE, type NodeConfig } from '../core/nodeConfig';
import type { LogLevel } from '../core/log';
import { DEFAULT_MAX_OUTPUT, DEFAULT_TIMEOUT_MS } from '../core/transport/collect';

export const SECTION = 'swarmnet';
/** The node that stands for the machine VS Code runs on. */
export const LOCAL_NODE_NAME = LOCAL_NODE.name;

/** Every setting's default (package.json repeats them for the settings UI; test/unit/ext-config checks they agree). */
export const DEFAULTS = {
  includeLocalNode: true,
  nodes: [] as NodeConfig[],
  commandTimeoutMs: DEFAULT_TIMEOUT_MS,
  maxOutputBytes: DEFAULT_MAX_OUTPUT,
  logLevel: 'info' as LogLevel,
};
export type SettingKey = keyof typeof DEFAULTS;

function cfg(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

function num(key: 'commandTimeoutMs' | 'maxOutputBytes'): number {
  const v = cfg().get<unknown>(key);
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : DEFAULTS[key];
}

/** The configured nodes, each checked (entries without a name are skipped and logged by the caller). */
export function nodeList(): NodeConfig[] {
  const raw = cfg().get<unknown>('nodes');
  return Array.isArray(raw) ? raw.flatMap((n) => toNodeConfig(n) ?? []) : [];
}

export function toNodeConfig(n: unknown): NodeConfig | undefined {
  if (typeof n !== 'object' || n === null) return undefined;
  const o = n as Partial<NodeConfig>;
  if (typeof o.name !== 'string' || !o.name) return undefined;
  return { ...o, name: o.name, transport: o.transport === 'docker' ? 'docker' : 'ssh' };
}

export const config = {
  includeLocalNode: (): boolean => cfg().get<boolean>('includeLocalNode', DEFAULTS.includeLocalNode) !== false,
  nodes: nodeList,
  /** "this machine" (when shown) first, then the configured nodes. */
  allNodes: (): NodeConfig[] => [...(config.includeLocalNode() ? [LOCAL_NODE] : []), ...nodeList()],
  commandTimeoutMs: (): number => num('commandTimeoutMs'),
  maxOutputBytes: (): number => num('maxOutputBytes'),
  logLevel: (): LogLevel => {
    const v = cfg().get<string>('logLevel');
    return v === 'error' || v === 'warn' || v === 'info' || v === 'debug' ? v : DEFAULTS.logLevel;
  },
};

export type Scope = { kind: 'folder'; folder: vscode.WorkspaceFolder } | { kind: 'workspace' } | { kind: 'user' };

export function scopeLabel(s: Scope): string {
  return s.kind === 'folder' ? `workspace folder "${s.folder.name}" settings` : s.kind === 'workspace' ? 'workspace settings' : 'user settings';
}

/** Where `swarmnet.<key>` is defined, most specific first; undefined when only the default applies. */
export function definedScope(key: SettingKey): { scope: Scope; value: unknown } | undefined {
  const i = cfg().inspect(key);
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const v = vscode.workspace.getConfiguration(SECTION, folder.uri).inspect(key)?.workspaceFolderValue;
    // A single-folder workspace reports its .vscode/settings.json value as the folder's too, and VS Code refuses
    // folder writes of these (window-scoped) settings: that value is the workspace's (UI test trust 02).
    if (v !== undefined && JSON.stringify(v) !== JSON.stringify(i?.workspaceValue)) return { scope: { kind: 'folder', folder }, value: v };
  }
  if (i?.workspaceValue !== undefined) return { scope: { kind: 'workspace' }, value: i.workspaceValue };
  if (i?.globalValue !== undefined) return { scope: { kind: 'user' }, value: i.globalValue };
  return undefined;
}

export class ConfigWriteError extends Error {}

async function write(key: SettingKey, value: unknown, scope: Scope): Promise<void> {
  const target =
    scope.kind === 'folder' ? vscode.ConfigurationTarget.WorkspaceFolder : scope.kind === 'workspace' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  const c = scope.kind === 'folder' ? vscode.workspace.getConfiguration(SECTION, scope.folder.uri) : cfg();
  try {
    await c.update(key, value, target);
  } catch (e) {
    throw new ConfigWriteError(`Could not save ${SECTION}.${key} to ${scopeLabel(scope)}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Edits `swarmnet.nodes` in the scope that defines it (user settings when none does) and returns that scope.
 * The edit sees that scope's own list, not the merged value: nothing moves between scopes.
 */
export async function editNodes(edit: (list: NodeConfig[]) => NodeConfig[]): Promise<Scope> {
  const found = definedScope('nodes');
  const scope = found?.scope ?? { kind: 'user' };
  const own = Array.isArray(found?.value) ? (found.value as unknown[]) : [];
  const checked = own.flatMap((n) => toNodeConfig(n) ?? []);
  // Entries we cannot read are kept as they are: an edit never drops what the user wrote.
  const unreadable = own.filter((n) => toNodeConfig(n) === undefined);
  await write('nodes', [...unreadable, ...edit(checked)], scope);
  return scope;
}

/** Shows or hides "this machine" in the scope that defines the setting (user settings when none does). */
export async function setIncludeLocalNode(show: boolean): Promise<Scope> {
  const scope = definedScope('includeLocalNode')?.scope ?? { kind: 'user' };
  await write('includeLocalNode', show, scope);
  return scope;
}
