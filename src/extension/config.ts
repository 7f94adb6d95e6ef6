/**
 * The extension's settings in one place: typed getters (defaults from the core, one place each) and writes
 * that go to the scope where the value is defined — workspace or user — never copying one scope's value into
 * another. Every write says where it went; a failed write (e.g. a broken settings.json) becomes a clear message
 * instead of VS Code's generic "Error running command".
 *
 * The swarmnet settings are window-scoped (package.json): VS Code reads them from the workspace (a folder's
 * .vscode/settings.json, or the .code-workspace file) or the user settings, never from one folder of a
 * multi-root workspace, and refuses to write them there ("does not support the folder resource scope") — so
 * there is no folder scope to write to. In a single-folder workspace `inspect()` reports the folder's
 * .vscode/settings.json as both workspace and folder value; the Workspace target is the one that writes it.
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

export type Scope = { kind: 'workspace' } | { kind: 'user' };

export function scopeLabel(s: Scope): string {
  return s.kind === 'workspace' ? 'workspace settings' : 'user settings';
}

/** Where `swarmnet.<key>` is defined, most specific first; undefined when only the default applies. */
export function definedScope(key: SettingKey): { scope: Scope; value: unknown } | undefined {
  const i = cfg().inspect(key);
  if (i?.workspaceValue !== undefined) return { scope: { kind: 'workspace' }, value: i.workspaceValue };
  if (i?.globalValue !== undefined) return { scope: { kind: 'user' }, value: i.globalValue };
  return undefined;
}

export class ConfigWriteError extends Error {}

async function write(key: SettingKey, value: unknown, scope: Scope): Promise<void> {
  const target = scope.kind === 'workspace' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  try {
    await cfg().update(key, value, target);
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).replace(/\.+$/, '');
    throw new ConfigWriteError(`Could not save ${SECTION}.${key} to ${scopeLabel(scope)}: ${why}`);
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
