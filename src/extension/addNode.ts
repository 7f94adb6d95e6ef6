/** "Add Node…": asks how to reach a new node and returns its configuration (nothing is saved here). */
import * as vscode from 'vscode';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { NodeConfig } from '../core/connect';
import type { Ctx } from './ctx';

const ask = (prompt: string, value?: string, validate?: (v: string) => string | undefined): Thenable<string | undefined> =>
  vscode.window.showInputBox({ title: 'Add Swarm node', prompt, value, ignoreFocusOut: true, validateInput: validate });
const nonEmpty = (v: string): string | undefined => (v.trim() ? undefined : 'required');

async function askSsh(): Promise<NodeConfig | undefined> {
  const host = await ask('Host name or address', undefined, nonEmpty);
  if (!host) return undefined;
  const user = await ask('User (root, or a user allowed to run `sudo -n` for nsenter/iptables)', 'root', nonEmpty);
  if (!user) return undefined;
  const port = await ask('SSH port', '22', (v) => (/^\d+$/.test(v) && Number(v) > 0 && Number(v) < 65536 ? undefined : 'a port number'));
  if (!port) return undefined;
  const keyPath = await ask('Private key file (empty: use ssh-agent)', join(homedir(), '.ssh', 'id_ed25519'));
  if (keyPath === undefined) return undefined;
  const name = await ask('Name shown in the tree', host, nonEmpty);
  if (!name) return undefined;
  return { name, transport: 'ssh', host, user, port: Number(port), keyPath: keyPath || undefined };
}

async function askDocker(): Promise<NodeConfig | undefined> {
  const dockerHost = await ask('Docker host (tcp://host:2376 or unix:///var/run/docker.sock)', 'tcp://', (v) => (/^(tcp|unix):\/\//.test(v) ? undefined : 'tcp://… or unix://…'));
  if (!dockerHost) return undefined;
  const name = await ask('Name shown in the tree', dockerHost.replace(/^\w+:\/\//, ''), nonEmpty);
  if (!name) return undefined;
  const node: NodeConfig = { name, transport: 'docker', dockerHost };
  if (dockerHost.startsWith('tcp://')) {
    const certDir = await ask('Folder with ca.pem, cert.pem, key.pem for TLS (empty: no TLS)', join(homedir(), '.docker'));
    if (certDir) Object.assign(node, { tlsCaPath: join(certDir, 'ca.pem'), tlsCertPath: join(certDir, 'cert.pem'), tlsKeyPath: join(certDir, 'key.pem') });
  }
  return node;
}

export async function askNewNode(_ctx: Ctx): Promise<NodeConfig[]> {
  const transport = await vscode.window.showQuickPick(
    [
      { label: 'SSH', description: 'commands and the Docker API over SSH (recommended)', value: 'ssh' as const },
      { label: 'Docker API', description: 'tcp://host:2376 with TLS, or a socket path (no namespace details)', value: 'docker' as const },
    ],
    { title: 'Add Swarm node: how to reach it' },
  );
  if (!transport) return [];
  const node = transport.value === 'ssh' ? await askSsh() : await askDocker();
  return node ? [node] : [];
}
