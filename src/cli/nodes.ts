/**
 * Node selection for the CLI: this machine (default), an SSH target, a Docker endpoint, or every node of the
 * lab (.lab/lab.json). Host keys are checked against known_hosts; unknown keys are refused unless
 * --accept-new is given (like ssh's StrictHostKeyChecking=accept-new), changed keys are always refused.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { flags } from './args';
import { connectNode, LOCAL_NODE, type ConnectHooks, type NodeConfig } from '../core/connect';
import type { NodeConnection } from '../core/discovery';
import { DEFAULT_TIMEOUT_MS } from '../core/transport/collect';
import { makeKnownHostsVerifier } from '../core/transport/knownHosts';
import type { HostKeyVerifier } from '../core/transport/ssh';

export interface CliNodeOptions {
  nodes: NodeConfig[];
  knownHosts: string;
  acceptNew: boolean;
  timeoutMs: number;
}

export interface LabNode {
  name: string;
  hostname?: string;
  dockerSocket: string;
  sshHost: string;
  sshPort: number;
  sshUser: string;
  keyPath: string;
  advertiseAddr?: string;
  netns?: string | null;
  dockerdPid?: number;
  swarmNodeId?: string;
}

export interface LabFile {
  nodes: LabNode[];
  knownHosts: string;
  network: string;
  services: string[];
  publishedPort: number;
  /** The image the lab's services run. */
  image?: string;
  /** The engines' network-diagnostic-port (null when the lab runs without it). */
  diagPort?: number | null;
}

export async function readLab(path: string): Promise<LabFile> {
  const v: unknown = JSON.parse(await readFile(path, 'utf8'));
  if (typeof v !== 'object' || v === null || !Array.isArray((v as { nodes?: unknown }).nodes)) throw new Error(`${path}: not a lab description`);
  return v as LabFile;
}

export function labNodeConfig(n: LabNode): NodeConfig {
  return { name: n.name, transport: 'ssh', host: n.sshHost, port: n.sshPort, user: n.sshUser, keyPath: n.keyPath, useAgent: false };
}

/** Parses the node-selection flags, removing them from args. */
export async function takeNodeOptions(args: string[]): Promise<CliNodeOptions> {
  const opts: CliNodeOptions = { nodes: [], knownHosts: join(homedir(), '.ssh', 'known_hosts'), acceptNew: false, timeoutMs: DEFAULT_TIMEOUT_MS };
  const rest: string[] = [];
  let key: string | undefined;
  const only: string[] = [];
  for (const { flag: a, value: val } of flags(args)) {
    if (a === '--local') opts.nodes.push(LOCAL_NODE);
    else if (a === '--ssh') {
      const m = /^(?:([^@]+)@)?([^:]+)(?::(\d+))?$/.exec(val());
      if (!m) throw new Error('--ssh takes user@host[:port]');
      opts.nodes.push({ name: m[2], transport: 'ssh', user: m[1] ?? 'root', host: m[2], port: m[3] ? Number(m[3]) : 22 });
    } else if (a === '--docker') {
      const url = val();
      opts.nodes.push({ name: url.replace(/^\w+:\/\//, ''), transport: 'docker', dockerHost: url });
    } else if (a === '--key' || a === '-i') key = val();
    else if (a === '--known-hosts') opts.knownHosts = val();
    else if (a === '--accept-new') opts.acceptNew = true;
    else if (a === '--node') only.push(val());
    else if (a === '--timeout') opts.timeoutMs = Number(val());
    else if (a === '--lab') {
      const lab = await readLab(val());
      opts.knownHosts = lab.knownHosts;
      opts.nodes.push(...lab.nodes.map(labNodeConfig));
    } else rest.push(a);
  }
  if (only.length) {
    const missing = only.filter((n) => !opts.nodes.some((c) => c.name === n));
    if (missing.length) throw new Error(`--node ${missing.join(', ')}: no such node (have ${opts.nodes.map((n) => n.name).join(', ')})`);
    opts.nodes = opts.nodes.filter((n) => only.includes(n.name));
  }
  if (key) for (const n of opts.nodes) if (n.transport === 'ssh') n.keyPath ??= key;
  if (opts.nodes.length === 0) opts.nodes.push(LOCAL_NODE);
  args.splice(0, args.length, ...rest);
  return opts;
}

export function cliHostKeyVerifier(knownHosts: string, acceptNew: boolean): HostKeyVerifier {
  return makeKnownHostsVerifier({
    knownHostsPath: knownHosts,
    onMismatch: (info, line, d) => {
      process.stderr.write(`swarmnet: host key for ${info.host}:${info.port} ${d.status === 'revoked' ? 'is revoked' : `does not match ${d.path}:${line}`} (${info.keyType} ${info.fingerprint}); refusing to connect\n`);
    },
    onUnknown: async (info) => {
      if (!acceptNew) {
        process.stderr.write(`swarmnet: unknown host ${info.host}:${info.port} (${info.keyType} ${info.fingerprint}); not in ${knownHosts}. Use --accept-new to trust and save it.\n`);
        return 'reject';
      }
      process.stderr.write(`swarmnet: saving host key ${info.fingerprint} for ${info.host}:${info.port} to ${knownHosts}\n`);
      return 'save';
    },
  });
}

export function cliHooks(o: CliNodeOptions): ConnectHooks {
  return {
    verifyHostKey: cliHostKeyVerifier(o.knownHosts, o.acceptNew),
    agentSocket: process.env.SSH_AUTH_SOCK,
    timeoutMs: o.timeoutMs,
    getPassphrase: async () => process.env.SWARMNET_KEY_PASSPHRASE,
  };
}

/** Connects to every selected node; failures are returned per node, never thrown. */
export async function connectAll(o: CliNodeOptions): Promise<{ config: NodeConfig; conn?: NodeConnection; error?: string }[]> {
  const hooks = cliHooks(o);
  return Promise.all(
    o.nodes.map(async (config) => {
      try {
        return { config, conn: await connectNode(config, hooks) };
      } catch (e) {
        return { config, error: e instanceof Error ? e.message : String(e) };
      }
    }),
  );
}
