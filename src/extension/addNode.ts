/**
 * "Add Node…" like Remote-SSH: one line `user@host[:port]` (or a Docker endpoint), then the key to use out of
 * those that exist in ~/.ssh (or the agent), then the name. Warns when the node is already in the list (same
 * endpoint, or a discovered node that is the same swarm node). Returns the configuration; nothing is saved here.
 */
import * as vscode from 'vscode';
import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { NodeModel } from '../core/model';
import { endpointOf, parseDestination, sameTarget, type NodeConfig } from '../core/nodeConfig';

export interface AddNodeEnv {
  /** Configured nodes (to warn about duplicates and keep names unique). */
  existing: () => NodeConfig[];
  /** Discovered models (a host that is a known swarm node under another name). */
  models: () => NodeModel[];
  home?: string;
}

/** Private keys in ~/.ssh: files that have a `.pub` beside them, or are named id_* (newest conventions first). */
export async function keysIn(home: string): Promise<string[]> {
  const dir = join(home, '.ssh');
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const set = new Set(names);
  const keys = names.filter((n) => !n.endsWith('.pub') && (set.has(`${n}.pub`) || /^id_[a-z0-9_]+$/.test(n)) && !/^(known_hosts|authorized_keys|config)/.test(n));
  const rank = (n: string): number => ['id_ed25519', 'id_ecdsa', 'id_rsa'].indexOf(n) >>> 0;
  return keys.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).map((n) => join(dir, n));
}

/** Why this new node may be one the list already has (undefined: it is new). */
export function duplicateOf(c: NodeConfig, env: AddNodeEnv): string | undefined {
  const same = env.existing().find((e) => sameTarget(e, c));
  if (same) return `"${same.name}" already reaches ${endpointOf(c)}`;
  if (c.transport !== 'ssh' || !c.host) return undefined;
  const m = env.models().find((x) => x.swarm?.nodeAddr === c.host || x.hostname === c.host);
  return m ? `"${m.name}" is already the swarm node at ${c.host}${m.swarm?.nodeId ? ` (node id ${m.swarm.nodeId.slice(0, 12)})` : ''}` : undefined;
}

async function askKey(home: string): Promise<string | null | undefined> {
  const keys = await keysIn(home);
  type KeyItem = vscode.QuickPickItem & { key: string | null };
  const items: KeyItem[] = [
    ...keys.map((k) => ({ label: `$(key) ${k.replace(home, '~')}`, description: 'private key', key: k })),
    { label: '$(person) ssh-agent only', description: process.env.SSH_AUTH_SOCK ? 'keys loaded in the agent' : 'no agent running (SSH_AUTH_SOCK unset)', key: null },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Add Swarm node: which key?', placeHolder: keys.length ? 'Keys found in ~/.ssh' : 'No keys found in ~/.ssh' });
  return pick === undefined ? undefined : pick.key;
}

export async function askNewNode(env: AddNodeEnv): Promise<NodeConfig[]> {
  const line = await vscode.window.showInputBox({
    title: 'Add Swarm node',
    prompt: 'user@host[:port] as for ssh (or tcp://host:2376, unix:///var/run/docker.sock for the Docker API only)',
    placeHolder: 'root@10.0.0.2',
    ignoreFocusOut: true,
    validateInput: (v) => parseDestination(v).error,
  });
  if (line === undefined) return [];
  const dest = parseDestination(line);
  if (!dest.config) {
    void vscode.window.showErrorMessage(`Add Node: ${dest.error}`);
    return [];
  }
  const node: NodeConfig = { name: '', ...dest.config };
  if (node.transport === 'ssh') {
    const key = await askKey(env.home ?? homedir());
    if (key === undefined) return [];
    if (key) node.keyPath = key;
  }
  const taken = new Set(env.existing().map((e) => e.name));
  let name = node.host ?? (node.dockerHost ?? 'node').replace(/^\w+:\/\//, '');
  for (let i = 2; taken.has(name); i++) name = `${node.host ?? 'node'}-${i}`;
  node.name = name;
  const dup = duplicateOf(node, env);
  if (dup) {
    const go = await vscode.window.showWarningMessage(`Already in the list: ${dup}.`, { modal: true, detail: `Adding ${endpointOf(node)} again shows the same machine twice.` }, 'Add Anyway');
    if (go !== 'Add Anyway') return [];
  }
  return [node];
}
