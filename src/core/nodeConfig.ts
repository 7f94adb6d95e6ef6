/** How to reach a node (settings, no secrets), without loading any transport. */
export interface NodeConfig {
  name: string;
  transport: 'local' | 'ssh' | 'docker';
  host?: string;
  port?: number;
  user?: string;
  keyPath?: string;
  useAgent?: boolean;
  /** ssh-agent socket for this node (ssh_config IdentityAgent); default: the hooks' agentSocket ($SSH_AUTH_SOCK). */
  identityAgent?: string;
  /** `user@host:port` of a jump host (ProxyJump); uses the same key/agent. */
  proxyJump?: string;
  dockerSocket?: string;
  /** For the docker transport: tcp://host:port or unix:///path. */
  dockerHost?: string;
  tlsCaPath?: string;
  tlsCertPath?: string;
  tlsKeyPath?: string;
  /** known_hosts file to verify this node's host key against (default ~/.ssh/known_hosts), like ssh's UserKnownHostsFile. */
  knownHostsFile?: string;
  /** Prefix commands with sudo -n (automatic when user is not root). */
  sudo?: boolean;
}

/** The machine the extension or CLI runs on. */
export const LOCAL_NODE: NodeConfig = { name: 'this machine', transport: 'local' };

/** `user@host:port`, the Docker host, or `local`: how the node is reached, in one line. */
export function endpointOf(c: NodeConfig): string {
  if (c.transport === 'ssh') return `${c.user ? `${c.user}@` : ''}${c.host ?? '?'}${c.port && c.port !== 22 ? `:${c.port}` : ''}${c.proxyJump ? ` via ${c.proxyJump}` : ''}`;
  if (c.transport === 'docker') return `${c.dockerHost ?? ''}${c.tlsCertPath ? ' (TLS)' : ''}`;
  return 'local';
}

/** Two configurations that reach the same place (same user, host and port; same Docker host). */
export function sameTarget(a: NodeConfig, b: NodeConfig): boolean {
  if (a.transport !== b.transport) return false;
  if (a.transport === 'ssh') return a.host === b.host && (a.port ?? 22) === (b.port ?? 22) && (a.user ?? 'root') === (b.user ?? 'root');
  if (a.transport === 'docker') return a.dockerHost === b.dockerHost;
  return true;
}

/**
 * One line like ssh's destination: `[user@]host[:port]`, `[user@][v6addr]:port`, or `ssh://[user@]host[:port]`;
 * `tcp://host:port` and `unix:///path` are Docker API endpoints. Undefined (with why) when it is none of them.
 */
export function parseDestination(line: string): { config: Omit<NodeConfig, 'name'>; error?: undefined } | { error: string; config?: undefined } {
  const v = line.trim();
  if (!v) return { error: 'type user@host or user@host:port' };
  if (/^(tcp|unix):\/\//.test(v)) return { config: { transport: 'docker', dockerHost: v } };
  const m = /^(?:ssh:\/\/)?(?:([^@\s:/]+)@)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+)(?::(\d{1,5}))?\/?$/.exec(v);
  if (!m) return { error: `not a destination: ${JSON.stringify(v)} (user@host[:port])` };
  const port = m[3] ? Number(m[3]) : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) return { error: `port ${port} out of range` };
  if (m[2].startsWith('-')) return { error: 'a host name cannot start with "-"' };
  const host = m[2].replace(/^\[|\]$/g, '');
  return { config: { transport: 'ssh', host, user: m[1] ?? 'root', ...(port !== undefined && port !== 22 ? { port } : {}) } };
}
