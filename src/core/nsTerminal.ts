/**
 * "Open Terminal in Namespace": the program and arguments of an interactive shell inside a node's network
 * namespace — `nsenter --net=/var/run/docker/netns/<ns> -- sh` locally (through sudo when not root), or the
 * same over `ssh -t` with the node's port, key, agent socket, known_hosts file and jump host. Built from argv: the local
 * program gets an argument array (no local shell); the remote command is one string quoted by shellJoin.
 */
import { isValidNamespaceName, nsenterArgv } from './netns';
import type { NodeConfig } from './nodeConfig';
import { shellJoin } from './transport/quote';

export interface TerminalSpec {
  shellPath: string;
  shellArgs: string[];
}

export function nsTerminal(node: NodeConfig, ns: string, opts: { isRoot: boolean }): TerminalSpec | { error: string } {
  if (!isValidNamespaceName(ns)) return { error: `refused: ${JSON.stringify(ns)} is not a plain namespace name under /var/run/docker/netns` };
  const inner = nsenterArgv(ns, ['sh']);
  if (node.transport === 'local') {
    const argv = opts.isRoot || ns === 'host' ? inner : ['sudo', ...inner];
    return { shellPath: argv[0], shellArgs: argv.slice(1) };
  }
  if (node.transport !== 'ssh') return { error: `${node.name} is reached through the Docker API only: a terminal in its namespaces needs SSH or local access` };
  if (!node.host) return { error: `${node.name} has no host in its settings: add "host" to open a terminal over SSH` };
  const user = node.user ?? 'root';
  const sudo = ns !== 'host' && (node.sudo ?? user !== 'root');
  const args = ['-t', '-p', String(node.port ?? 22)];
  if (node.keyPath) args.push('-i', node.keyPath, '-o', 'IdentitiesOnly=yes');
  if (node.useAgent === false && !node.keyPath) args.push('-o', 'IdentityAgent=none');
  else if (node.identityAgent) args.push('-o', `IdentityAgent=${node.identityAgent}`);
  if (node.knownHostsFile) args.push('-o', `UserKnownHostsFile=${node.knownHostsFile}`);
  if (node.proxyJump) args.push('-J', node.proxyJump);
  args.push('--', `${user}@${node.host}`, shellJoin(sudo ? ['sudo', ...inner] : inner));
  return { shellPath: 'ssh', shellArgs: args };
}
