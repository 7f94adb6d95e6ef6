/**
 * Builds a NodeConnection from a node's configuration: "this machine" (local commands + local socket),
 * SSH (commands + the Docker socket tunnelled through the same SSH connection) or the Docker API alone
 * (TCP/TLS or a socket path).
 */
import type Docker from 'dockerode';
import { readFile } from 'node:fs/promises';
import { utils as sshUtils } from 'ssh2';
import type { NodeConnection } from './discovery';
import { createDocker, describeEndpoint, type DockerEndpoint } from './transport/docker';
import type { Logger } from './log';
import { LocalRunner } from './transport/local';
import { SshRunner, type HostKeyVerifier, type SshTarget } from './transport/ssh';
import { TransportError } from './transport/types';
import type { NodeConfig } from './nodeConfig';

export { LOCAL_NODE, type NodeConfig } from './nodeConfig';

export interface ConnectHooks {
  verifyHostKey: HostKeyVerifier;
  /**
   * Asked only when a key file is encrypted (`wrong`: the previous answer did not decrypt it). The answer is
   * checked against the key here, locally, before anything is sent to the server (like ssh's three tries).
   */
  getPassphrase?: (node: NodeConfig, attempt: { wrong: boolean }) => Promise<string | undefined>;
  /** The passphrase decrypted the key and the server accepted it: the caller may keep it now. */
  onPassphraseAccepted?: (node: NodeConfig, passphrase: string) => void | Promise<void>;
  /** The passphrase did not decrypt the key: the caller forgets any stored one. */
  onPassphraseRejected?: (node: NodeConfig) => void | Promise<void>;
  agentSocket?: string;
  timeoutMs?: number;
  maxOutputBytes?: number;
  /** Transport details (persistent shell fallbacks, dropped shells) at debug level. */
  logger?: Logger;
}


function parseJump(spec: string): { user?: string; host: string; port?: number } {
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(spec.trim());
  if (!m) throw new TransportError(`bad ProxyJump ${JSON.stringify(spec)}`, 'connect');
  return { user: m[1], host: m[2].replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : undefined };
}

/** Tries of a passphrase before giving up, as ssh does (NumberOfPasswordPrompts 3). */
export const PASSPHRASE_TRIES = 3;

/** Asks for the passphrase of an encrypted key until one decrypts it (checked locally: the server sees none). */
async function unlockKey(cfg: NodeConfig, key: Buffer, hooks: ConnectHooks): Promise<string> {
  if (!hooks.getPassphrase) throw new TransportError(`key is encrypted: ${cfg.keyPath} needs a passphrase`, 'auth');
  for (let i = 0; i < PASSPHRASE_TRIES; i++) {
    const p = await hooks.getPassphrase(cfg, { wrong: i > 0 });
    if (p === undefined) throw new TransportError(`passphrase not given: ${cfg.keyPath} stays locked`, 'auth');
    if (!(sshUtils.parseKey(key, p) instanceof Error)) return p;
    await hooks.onPassphraseRejected?.(cfg);
  }
  throw new TransportError(`wrong passphrase: ${cfg.keyPath} (${PASSPHRASE_TRIES} tries)`, 'auth');
}

async function readKey(cfg: NodeConfig, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TransportError(`key file not readable: ${path} (${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : e instanceof Error ? e.message : String(e)}) for node ${cfg.name}`, 'auth');
  }
}

async function sshTarget(cfg: NodeConfig, hooks: ConnectHooks, signal?: AbortSignal): Promise<SshTarget> {
  if (!cfg.host) throw new TransportError(`no host configured for node ${cfg.name}`, 'connect');
  let privateKey: Buffer | undefined;
  let passphrase: string | undefined;
  if (cfg.keyPath) {
    privateKey = await readKey(cfg, cfg.keyPath);
    // Encrypted? (PEM keys say ENCRYPTED in clear; OpenSSH-format keys only inside the base64 body, so ask ssh2.)
    const parsed = sshUtils.parseKey(privateKey);
    if (parsed instanceof Error && /passphrase/i.test(parsed.message)) passphrase = await unlockKey(cfg, privateKey, hooks);
  }
  const agent = cfg.useAgent === false ? undefined : (cfg.identityAgent ?? hooks.agentSocket);
  const base = { username: cfg.user ?? 'root', privateKey, passphrase, agent, verifyHostKey: hooks.verifyHostKey, readyTimeoutMs: hooks.timeoutMs };
  const jump = cfg.proxyJump ? parseJump(cfg.proxyJump) : undefined;
  return {
    ...base,
    host: cfg.host,
    port: cfg.port ?? 22,
    signal,
    jump: jump ? { ...base, host: jump.host, port: jump.port ?? 22, username: jump.user ?? base.username } : undefined,
  };
}

/** The Docker client of a node and the description of where it talks to (named in every Docker API error). */
function dockerOf(ep: DockerEndpoint, hooks: ConnectHooks): { docker: Docker; dockerEndpoint: string } {
  return { docker: createDocker(ep, hooks.timeoutMs), dockerEndpoint: describeEndpoint(ep) };
}

/** Connects to a node; `signal` gives up a connect in flight. */
export async function connectNode(cfg: NodeConfig, hooks: ConnectHooks, signal?: AbortSignal): Promise<NodeConnection> {
  const runnerOpts = { timeoutMs: hooks.timeoutMs, maxOutputBytes: hooks.maxOutputBytes };
  switch (cfg.transport) {
    case 'local': {
      const runner = new LocalRunner(runnerOpts);
      return { name: cfg.name, runner, ...dockerOf({ kind: 'socket', socketPath: cfg.dockerSocket ?? '/var/run/docker.sock' }, hooks), close: () => runner.close() };
    }
    case 'ssh': {
      const target = await sshTarget(cfg, hooks, signal);
      const runner = await SshRunner.connect(target, { ...runnerOpts, sudo: cfg.sudo ?? target.username !== 'root', logger: hooks.logger });
      if (target.passphrase !== undefined) await hooks.onPassphraseAccepted?.(cfg, target.passphrase);
      const socketPath = cfg.dockerSocket ?? '/var/run/docker.sock';
      const tunnel: DockerEndpoint = { kind: 'tunnel', open: () => runner.openUnixSocket(socketPath), label: `${runner.description} → unix://${socketPath}` };
      return { name: cfg.name, runner, ...dockerOf(tunnel, hooks), close: () => runner.close() };
    }
    case 'docker': {
      const url = cfg.dockerHost ?? 'unix:///var/run/docker.sock';
      if (url.startsWith('unix://')) {
        return { name: cfg.name, ...dockerOf({ kind: 'socket', socketPath: url.slice('unix://'.length) }, hooks), close: async () => undefined };
      }
      const m = /^(?:tcp|https?):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(url);
      if (!m) throw new TransportError(`${cfg.name}: unsupported Docker host ${JSON.stringify(url)} (use tcp://host:port or unix:///path)`, 'connect');
      const tls = cfg.tlsCaPath || cfg.tlsCertPath || cfg.tlsKeyPath
        ? {
            ca: cfg.tlsCaPath ? await readFile(cfg.tlsCaPath) : undefined,
            cert: cfg.tlsCertPath ? await readFile(cfg.tlsCertPath) : undefined,
            key: cfg.tlsKeyPath ? await readFile(cfg.tlsKeyPath) : undefined,
          }
        : undefined;
      const port = m[2] ? Number(m[2]) : tls ? 2376 : 2375;
      return { name: cfg.name, ...dockerOf({ kind: 'tcp', host: m[1].replace(/^\[|\]$/g, ''), port, tls }, hooks), close: async () => undefined };
    }
  }
}
