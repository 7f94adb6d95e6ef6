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
