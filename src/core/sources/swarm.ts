/**
 * The whole swarm from one manager: lists the swarm nodes through the manager's Docker API (`docker node ls`:
 * hostname, address, role, availability, state) and maps each one to an SSH host, by address or hostname,
 * against the ssh-config candidates. Names and addresses come from remote hosts and are not trusted: they are
 * validated before they become a node name or an SSH host.
 */
import type Docker from 'dockerode';
import { isIP } from 'node:net';
import type { NodeConfig } from '../connect';
import { errorMessage, excerpt, type Diagnostic } from '../diagnostics';
import type { SshHostCandidate } from './sshConfig';

export interface SwarmNodeInfo {
  id: string;
  hostname: string;
  /** Status.Addr (the address the node is reached at by the swarm). */
  addr?: string;
  role: 'manager' | 'worker' | 'unknown';
  availability: string;
  state: string;
  leader: boolean;
  /** Engine version reported by the node. */
  engineVersion?: string;
}

export interface SwarmNodeCandidate {
  node: SwarmNodeInfo;
  /** The ssh-config host it was matched to, if any, and how. */
  sshHost?: SshHostCandidate;
  matchedBy?: 'address' | 'hostname' | 'alias' | 'manager';
  /** NodeConfig to add; undefined when the node has no usable address. */
  config?: NodeConfig;
  problem?: string;
}

const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
const SOURCE = 'docker node ls';

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Reads the Docker API's node list (GET /nodes). Total: malformed entries become diagnostics. */
export function readSwarmNodes(list: unknown, diagnostics: Diagnostic[]): SwarmNodeInfo[] {
  if (!Array.isArray(list)) {
    diagnostics.push({ severity: 'error', source: SOURCE, message: 'expected an array of nodes', excerpt: excerpt(JSON.stringify(list) ?? String(list)) });
    return [];
  }
  const out: SwarmNodeInfo[] = [];
  list.forEach((n, i) => {
    const o = rec(n);
    const id = str(o.ID);
    if (!id) {
      diagnostics.push({ severity: 'warning', source: SOURCE, message: `node ${i + 1} has no ID; ignored`, excerpt: excerpt(JSON.stringify(n) ?? '') });
      return;
    }
    const desc = rec(o.Description);
    const spec = rec(o.Spec);
    const status = rec(o.Status);
    const mgr = rec(o.ManagerStatus);
    const roleRaw = str(spec.Role);
    const hostname = str(desc.Hostname) ?? '';
    out.push({
      id,
      hostname,
      addr: str(status.Addr),
      role: roleRaw === 'manager' || roleRaw === 'worker' ? roleRaw : 'unknown',
      availability: str(spec.Availability) ?? 'unknown',
      state: str(status.State) ?? 'unknown',
      leader: mgr.Leader === true,
      engineVersion: str(rec(desc.Engine).EngineVersion),
    });
  });
  return out;
}

export async function listSwarmNodes(docker: Docker, diagnostics: Diagnostic[]): Promise<SwarmNodeInfo[]> {
  let list: unknown;
  try {
    list = await docker.listNodes();
  } catch (e) {
    const msg = errorMessage(e);
    diagnostics.push({
      severity: 'error',
      source: SOURCE,
      message: /not a swarm manager|This node is not a swarm manager|503/i.test(msg) ? `this node is not a swarm manager: ${msg}` : `cannot list swarm nodes: ${msg}`,
    });
    return [];
  }
  return readSwarmNodes(list, diagnostics);
}

/** A usable host string from a remote-supplied address (IP literal or DNS name), else undefined. */
export function safeHost(v: string | undefined): string | undefined {
  if (!v) return undefined;
  if (isIP(v)) return v;
  return HOSTNAME.test(v) && !v.includes('..') ? v : undefined;
}

/** A node name derived from a remote hostname: printable, bounded; falls back to the node id. */
export function safeNodeName(n: SwarmNodeInfo): string {
  const h = n.hostname.replace(/[^\x21-\x7e]/g, '').slice(0, 64);
  return HOSTNAME.test(h) ? h : `swarm-${n.id.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}`;
}

export interface MapOptions {
  /** The manager's own configuration: its user/key/agent/jump are the template for unmatched nodes. */
  manager?: NodeConfig;
  /** The manager's swarm node id (from `docker info` Swarm.NodeID): that node maps to the manager config. */
  managerNodeId?: string;
}

/** Maps swarm nodes to NodeConfigs, preferring ssh-config hosts (matched by address, then hostname, then alias). */
export function mapSwarmNodes(nodes: SwarmNodeInfo[], sshHosts: SshHostCandidate[], opts: MapOptions = {}): SwarmNodeCandidate[] {
  const lc = (x: string | undefined): string => (x ?? '').toLowerCase();
  const shortName = (x: string): string => lc(x).split('.')[0];
  const used = new Set<string>();
  return nodes.map((node): SwarmNodeCandidate => {
    const addr = safeHost(node.addr && node.addr !== '0.0.0.0' ? node.addr : undefined);
    const hostname = safeHost(node.hostname);
    if (opts.manager && opts.managerNodeId && node.id === opts.managerNodeId) {
      return { node, matchedBy: 'manager', config: { ...opts.manager } };
    }
    let sshHost: SshHostCandidate | undefined;
    let matchedBy: SwarmNodeCandidate['matchedBy'];
    const free = sshHosts.filter((h) => !used.has(h.alias));
    if (addr) {
      sshHost = free.find((h) => lc(h.config.host) === lc(addr));
      if (sshHost) matchedBy = 'address';
    }
    if (!sshHost && hostname) {
      sshHost = free.find((h) => lc(h.config.host) === lc(hostname) || shortName(h.config.host ?? '') === shortName(hostname));
      if (sshHost) matchedBy = 'hostname';
      else {
        sshHost = free.find((h) => lc(h.alias) === lc(hostname) || shortName(h.alias) === shortName(hostname));
        if (sshHost) matchedBy = 'alias';
      }
    }
    if (sshHost) {
      used.add(sshHost.alias);
      return { node, sshHost, matchedBy, config: { ...sshHost.config } };
    }
    const host = addr ?? hostname;
    if (!host) return { node, problem: `node ${JSON.stringify(node.hostname.slice(0, 64))} has no usable address (${JSON.stringify((node.addr ?? '').slice(0, 64))})` };
    const m = opts.manager;
    const config: NodeConfig = { name: safeNodeName(node), transport: 'ssh', host, port: 22 };
    if (m?.user) config.user = m.user;
    if (m?.keyPath) config.keyPath = m.keyPath;
    if (m?.useAgent !== undefined) config.useAgent = m.useAgent;
    if (m?.proxyJump) config.proxyJump = m.proxyJump;
    if (m?.dockerSocket) config.dockerSocket = m.dockerSocket;
    return { node, config };
  });
}

/** Lists and maps in one go. */
export async function swarmCandidates(docker: Docker, sshHosts: SshHostCandidate[], opts: MapOptions = {}): Promise<{ candidates: SwarmNodeCandidate[]; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const nodes = await listSwarmNodes(docker, diagnostics);
  let managerNodeId = opts.managerNodeId;
  if (!managerNodeId && opts.manager) {
    try {
      const info: unknown = await docker.info();
      managerNodeId = str(rec(rec(info).Swarm).NodeID);
    } catch (e) {
      diagnostics.push({ severity: 'warning', source: 'docker info', message: errorMessage(e) });
    }
  }
  return { candidates: mapSwarmNodes(nodes, sshHosts, { ...opts, managerNodeId }), diagnostics };
}
