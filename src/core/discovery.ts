/**
 * Discovers a node's Swarm networking in few round trips: one batch command on the node (a fixed script that
 * walks /var/run/docker/netns and prints `ip -j -d addr`, routes, neighbours and the FDB of each namespace) and
 * Docker API calls issued in parallel. Results are assembled into a NodeModel: namespaces classified
 * (ingress_sbox, lb_*, overlay 1-*, task/container sandboxes), veth peers paired across namespaces by ifindex.
 */
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { errorMessage, excerpt, type Diagnostic } from './diagnostics';
import { NETNS_DIR, type SwarmNodeName, type InterfaceInfo, type NamespaceInfo, type NamespaceKind, type NetworkInfo, type NodeModel, type ServiceInfo } from './model';
import { isValidNamespaceName } from './netns';
import { readContainer, readNetwork, readService, readSwarmInfo, type ContainerSandbox } from './parsers/docker';
import { parseFdbJson, parseIpAddrJson, parseNeighJson, parseRoutesJson } from './parsers/iproute';
import type { CommandRunner } from './transport/types';

export interface NodeConnection {
  name: string;
  /** Runs commands on the node (local or SSH); absent for Docker-API-only nodes. */
  runner?: CommandRunner;
  /** Docker API of the node; absent when only commands can be run. */
  docker?: Docker;
  /** Where the Docker API is reached (`unix:///var/run/docker.sock`, `root@h:22 → unix://…`, `https://h:2376`). */
  dockerEndpoint?: string;
  close(): Promise<void>;
}

export class DiscoveryError extends Error {
  constructor(message: string, readonly diagnostics: Diagnostic[]) {
    super(message);
    this.name = 'DiscoveryError';
  }
}

/**
 * The batch script. It is a constant (nothing from the remote host is ever spliced into a command line);
 * the marker nonce is passed as $1. Names under the netns dir that are not plain names are reported, not used.
 */
export const GATHER_SCRIPT = `M="@@$1"
sec() { printf '\\n%s %s\\n' "$M" "$*"; }
sec hostname; hostname 2>&1
sec host addr; ip -j -d addr show 2>&1
sec host route; ip -j route show 2>&1
sec host neigh; ip -j neigh show 2>&1
sec host fdb; bridge -j fdb show 2>&1
[ -d ${NETNS_DIR} ] || { sec nonetns; sec end; exit 0; }
for f in ${NETNS_DIR}/*; do
  [ -e "$f" ] || continue
  n=\${f##*/}
  case "$n" in *[!A-Za-z0-9_.-]*|.*|'') sec badname; continue;; esac
  t=$(stat -f -c %T "$f" 2>/dev/null) && [ "$t" != nsfs ] && { sec "ns $n" stale; continue; }
  nsenter --net="$f" -- sh -c 'sec() { printf "\\n%s %s\\n" "$1" "$2 $3"; }
sec "$1" "ns $2" addr; ip -j -d addr show 2>&1
sec "$1" "ns $2" route; ip -j route show 2>&1
sec "$1" "ns $2" neigh; ip -j neigh show 2>&1
sec "$1" "ns $2" fdb; bridge -j fdb show 2>&1' sh "$M" "$n" 2>&1 || sec "ns $n" failed
done
sec end
`;

export interface GatheredNamespace {
  name: string;
  sections: Partial<Record<'addr' | 'route' | 'neigh' | 'fdb', string>>;
  failed?: string;
}

export interface GatherOutput {
  hostname?: string;
  host: GatheredNamespace;
  namespaces: GatheredNamespace[];
  complete: boolean;
  diagnostics: Diagnostic[];
}

/** Splits the batch output into sections. Total: anything unexpected becomes a diagnostic. */
export function splitGatherOutput(text: string, nonce: string): GatherOutput {
  const marker = `@@${nonce} `;
  const diagnostics: Diagnostic[] = [];
  const host: GatheredNamespace = { name: 'host', sections: {} };
  const byName = new Map<string, GatheredNamespace>();
  const out: GatherOutput = { host, namespaces: [], complete: false, diagnostics };
  let cur: { ns: GatheredNamespace | 'hostname' | undefined; key?: 'addr' | 'route' | 'neigh' | 'fdb'; lines: string[] } = { ns: undefined, lines: [] };
  const flush = (): void => {
    const body = cur.lines.join('\n').trim();
    if (cur.ns === 'hostname') out.hostname = body || undefined;
    else if (cur.ns && cur.key) cur.ns.sections[cur.key] = body;
    else if (body) diagnostics.push({ severity: 'warning', source: 'gather', message: 'output outside any section', excerpt: excerpt(body) });
    cur = { ns: undefined, lines: [] };
  };
  for (const line of text.split('\n')) {
    if (!line.startsWith(marker)) {
      cur.lines.push(line);
      continue;
    }
    flush();
    const words = line.slice(marker.length).trim().split(/\s+/);
    const kind = words[0];
    if (kind === 'hostname') cur = { ns: 'hostname', lines: [] };
    else if (kind === 'host' && isSection(words[1])) cur = { ns: host, key: words[1], lines: [] };
    else if (kind === 'ns' && words.length === 3 && isSection(words[2])) {
      const name = words[1];
      if (!isValidNamespaceName(name)) {
        diagnostics.push({ severity: 'warning', source: 'gather', message: 'namespace with an unsafe name ignored', excerpt: excerpt(name) });
        continue;
      }
      let ns = byName.get(name);
      if (!ns) {
        ns = { name, sections: {} };
        byName.set(name, ns);
        out.namespaces.push(ns);
      }
      cur = { ns, key: words[2], lines: [] };
    } else if (kind === 'ns' && words[2] === 'stale' && isValidNamespaceName(words[1])) {
      diagnostics.push({ severity: 'info', source: 'gather', message: `namespace ${words[1]} is not mounted any more (a deleted sandbox: Docker removes its file up to a minute later); skipped` });
    } else if (kind === 'ns' && words[2] === 'failed') {
      const ns = byName.get(words[1]);
      if (ns) ns.failed = 'nsenter failed';
      diagnostics.push({ severity: 'error', source: 'gather', message: `cannot enter namespace ${words[1]} (it may have just been removed, or nsenter needs root)` });
    } else if (kind === 'badname') diagnostics.push({ severity: 'warning', source: 'gather', message: `a file under ${NETNS_DIR} has an unsafe name; ignored` });
    else if (kind === 'nonetns') diagnostics.push({ severity: 'info', source: 'gather', message: `${NETNS_DIR} does not exist: no Docker network namespaces on this node` });
    else if (kind === 'end') out.complete = true;
    else diagnostics.push({ severity: 'warning', source: 'gather', message: 'unknown section marker', excerpt: excerpt(line) });
  }
  flush();
  if (!out.complete) diagnostics.push({ severity: 'error', source: 'gather', message: 'node output ended early (truncated or the command was interrupted); the model is partial' });
  return out;
}

function isSection(w: string | undefined): w is 'addr' | 'route' | 'neigh' | 'fdb' {
  return w === 'addr' || w === 'route' || w === 'neigh' || w === 'fdb';
}

function buildNamespace(g: GatheredNamespace, diagnostics: Diagnostic[]): NamespaceInfo {
  const src = (what: string): string => `${what} (ns ${g.name})`;
  const s = g.sections;
  return {
    name: g.name,
    path: g.name === 'host' ? '/proc/1/ns/net' : `${NETNS_DIR}/${g.name}`,
    kind: g.name === 'host' ? 'host' : 'unknown',
    containers: [],
    interfaces: s.addr !== undefined ? parseIpAddrJson(s.addr, src('ip -j -d addr'), diagnostics) : [],
    routes: s.route !== undefined ? parseRoutesJson(s.route, src('ip -j route'), diagnostics) : [],
    neighbors: s.neigh !== undefined ? parseNeighJson(s.neigh, src('ip -j neigh'), diagnostics) : [],
    fdb: s.fdb !== undefined ? parseFdbJson(s.fdb, src('bridge -j fdb'), diagnostics) : [],
    peers: {},
  };
}

/** Classifies namespaces by name and by the containers' SandboxKeys. */
export function classifyNamespaces(namespaces: NamespaceInfo[], networks: NetworkInfo[], containers: ContainerSandbox[]): void {
  const bySandbox = new Map<string, ContainerSandbox[]>();
  for (const c of containers) {
    const key = c.sandboxKey.split('/').pop() ?? '';
    if (!key) continue;
    bySandbox.set(key, [...(bySandbox.get(key) ?? []), c]);
  }
  const netByPrefix = (prefix: string): NetworkInfo | undefined => (prefix ? networks.find((n) => n.id.startsWith(prefix)) : undefined);
  for (const ns of namespaces) {
    if (ns.kind === 'host') continue;
    let kind: NamespaceKind = 'unknown';
    let m: RegExpExecArray | null;
    if (ns.name === 'ingress_sbox') {
      kind = 'ingress_sbox';
      ns.networkId = networks.find((n) => n.ingress)?.id;
    } else if ((m = /^lb_([a-z0-9]{1,12})$/.exec(ns.name))) {
      kind = 'lb';
      ns.networkId = netByPrefix(m[1])?.id;
    } else if ((m = /^\d+-([a-z0-9]{10})$/.exec(ns.name))) {
      kind = 'overlay';
      ns.networkId = netByPrefix(m[1])?.id;
    }
    const owners = bySandbox.get(ns.name) ?? [];
    if (owners.length > 0) {
      ns.containers = owners.map((c) => ({ id: c.id, name: c.name, taskId: c.taskId, serviceName: c.serviceName }));
      if (kind === 'unknown') kind = owners.some((c) => c.taskId) ? 'task' : 'container';
    }
    ns.kind = kind;
  }
}

/** Pairs veth ends across namespaces: A.linkIndex == B.ifindex and B.linkIndex == A.ifindex, in different namespaces. */
export function pairVeths(namespaces: NamespaceInfo[], diagnostics: Diagnostic[]): void {
  const byIndex = new Map<number, { ns: NamespaceInfo; ifc: InterfaceInfo }[]>();
  for (const ns of namespaces) for (const ifc of ns.interfaces) byIndex.set(ifc.ifindex, [...(byIndex.get(ifc.ifindex) ?? []), { ns, ifc }]);
  for (const ns of namespaces) {
    for (const ifc of ns.interfaces) {
      if (ifc.kind !== 'veth' || ifc.linkIndex === undefined) continue;
      const candidates = (byIndex.get(ifc.linkIndex) ?? []).filter(
        (c) => c.ifc.kind === 'veth' && c.ifc.linkIndex === ifc.ifindex && !(c.ns === ns && c.ifc === ifc) && (c.ns !== ns || ifc.linkNetnsId === undefined),
      );
      if (candidates.length === 1) {
        const c = candidates[0];
        ns.peers[ifc.ifindex] = { namespace: c.ns.name, ifindex: c.ifc.ifindex, name: c.ifc.name };
      } else if (candidates.length > 1) {
        diagnostics.push({
          severity: 'warning',
          source: 'veth pairing',
          message: `${ns.name}/${ifc.name}: ${candidates.length} namespaces hold a veth with ifindex ${ifc.linkIndex} pointing back; peer ambiguous (${candidates.map((c) => c.ns.name).join(', ')})`,
        });
      }
    }
  }
}

interface DockerFacts {
  info?: ReturnType<typeof readSwarmInfo>;
  networks: NetworkInfo[];
  containers: ContainerSandbox[];
  services: ServiceInfo[];
  swarmNodes?: SwarmNodeName[];
}

/**
 * An error of a Docker API call, naming the endpoint unless the message already does: "socket hang up" or a
 * timeout alone does not say which engine (or which tunnel) failed.
 */
export function dockerApiError(err: unknown, endpoint: string | undefined): string {
  const msg = errorMessage(err);
  if (endpoint === undefined) return msg;
  const where = endpoint.slice(endpoint.lastIndexOf('://') + 3);
  return where !== '' && msg.includes(where) ? msg : `${endpoint}: ${msg}`;
}

async function gatherDocker(docker: Docker, diagnostics: Diagnostic[], endpoint: string | undefined): Promise<DockerFacts> {
  const apiError = (e: unknown): string => dockerApiError(e, endpoint);
  const facts: DockerFacts = { networks: [], containers: [], services: [] };
  const infoP = docker.info() as Promise<unknown>;
  const netsP = docker.listNetworks() as Promise<unknown[]>;
  const ctrsP = docker.listContainers() as Promise<unknown[]>;
  const [infoR, netsR, ctrsR] = await Promise.allSettled([infoP, netsP, ctrsP]);
  if (infoR.status === 'rejected') throw new Error(`Docker API: ${apiError(infoR.reason)}`);
  facts.info = readSwarmInfo(infoR.value);
  const manager = facts.info.swarm?.controlAvailable === true;

  const servicesP: Promise<unknown[]> = manager ? (docker.listServices() as Promise<unknown[]>) : Promise.resolve([]);
  const nodesP: Promise<unknown[]> = manager ? (docker.listNodes() as Promise<unknown[]>) : Promise.resolve([]);
  const tasksP: Promise<unknown[]> = manager ? (docker.listTasks({ filters: JSON.stringify({ 'desired-state': ['running'] }) }) as Promise<unknown[]>) : Promise.resolve([]);

  // Overlay networks are inspected (verbose on managers: per-service VIPs, LocalLBIndex = FWM, tasks).
  const netList = netsR.status === 'fulfilled' && Array.isArray(netsR.value) ? netsR.value : [];
  if (netsR.status === 'rejected') diagnostics.push({ severity: 'error', source: 'docker network ls', message: apiError(netsR.reason) });
  const inspected = await Promise.all(
    netList.map(async (n): Promise<unknown> => {
      const rec = n as { Id?: unknown; Driver?: unknown };
      if (rec.Driver !== 'overlay' || typeof rec.Id !== 'string') return n;
      try {
        const net = docker.getNetwork(rec.Id);
        // verbose (per-service VIPs and tasks) is an engine API option dockerode's types do not list
        const inspect = net.inspect as unknown as (this: typeof net, opts: { verbose?: boolean }) => Promise<unknown>;
        return await inspect.call(net, manager ? { verbose: true } : {});
      } catch (e) {
        diagnostics.push({ severity: 'warning', source: 'docker network inspect', message: `${rec.Id.slice(0, 12)}: ${apiError(e)}` });
        return n;
      }
    }),
  );
  facts.networks = inspected.flatMap((n) => readNetwork(n, diagnostics) ?? []);

  const ctrList = ctrsR.status === 'fulfilled' && Array.isArray(ctrsR.value) ? ctrsR.value : [];
  if (ctrsR.status === 'rejected') diagnostics.push({ severity: 'error', source: 'docker ps', message: apiError(ctrsR.reason) });
  const details = await Promise.all(
    ctrList.map(async (c): Promise<unknown> => {
      const id = (c as { Id?: unknown }).Id;
      if (typeof id !== 'string') return undefined;
      try {
        return (await docker.getContainer(id).inspect()) as unknown;
      } catch (e) {
        diagnostics.push({ severity: 'warning', source: 'docker inspect', message: `${id.slice(0, 12)}: ${apiError(e)}` });
        return undefined;
      }
    }),
  );
  facts.containers = details.flatMap((d) => readContainer(d, diagnostics) ?? []);

  const [svcR, taskR, nodesR] = await Promise.allSettled([servicesP, tasksP, nodesP]);
  if (nodesR.status === 'rejected') diagnostics.push({ severity: 'info', source: 'docker node ls', message: `node names unavailable: ${apiError(nodesR.reason)}` });
  else facts.swarmNodes = readSwarmNodes(nodesR.value, diagnostics);
  if (svcR.status === 'rejected') diagnostics.push({ severity: 'warning', source: 'docker service ls', message: apiError(svcR.reason) });
  if (taskR.status === 'rejected') diagnostics.push({ severity: 'warning', source: 'docker service ps', message: apiError(taskR.reason) });
  const tasks = taskR.status === 'fulfilled' && Array.isArray(taskR.value) ? taskR.value : [];
  facts.services = (svcR.status === 'fulfilled' && Array.isArray(svcR.value) ? svcR.value : []).flatMap((s) => readService(s, tasks) ?? []);
  return facts;
}

/**
 * The manager's node list (`docker node ls`, API GET /nodes): id, hostname, address, role — the names for
 * node ids (tasks) and addresses (gossip peers, VXLAN destinations). Entries without an id or hostname are
 * skipped with a diagnostic.
 */
export function readSwarmNodes(v: unknown, diagnostics: Diagnostic[]): SwarmNodeName[] {
  if (!Array.isArray(v)) {
    diagnostics.push({ severity: 'warning', source: 'docker node ls', message: 'the node list is not a list' });
    return [];
  }
  const out: SwarmNodeName[] = [];
  for (const n of v) {
    const o = (typeof n === 'object' && n !== null ? n : {}) as { ID?: unknown; Description?: { Hostname?: unknown }; Status?: { Addr?: unknown }; Spec?: { Role?: unknown } };
    const id = o.ID;
    const hostname = o.Description?.Hostname;
    if (typeof id !== 'string' || typeof hostname !== 'string' || !id || !hostname) {
      diagnostics.push({ severity: 'warning', source: 'docker node ls', message: 'a node without id or hostname was skipped', excerpt: excerpt(JSON.stringify(n) ?? String(n)) });
      continue;
    }
    const addr = typeof o.Status?.Addr === 'string' && o.Status.Addr && o.Status.Addr !== '0.0.0.0' ? o.Status.Addr : undefined;
    out.push({ id, hostname, addr, role: typeof o.Spec?.Role === 'string' ? o.Spec.Role : undefined });
  }
  return out;
}

export interface DiscoverOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export async function gatherNamespaces(runner: CommandRunner, opts: DiscoverOptions = {}): Promise<GatherOutput> {
  const nonce = randomBytes(8).toString('hex');
  const r = await runner.run(['sh', '-c', GATHER_SCRIPT, 'sh', nonce], { signal: opts.signal, timeoutMs: opts.timeoutMs });
  const out = splitGatherOutput(r.stdout, nonce);
  if (r.timedOut) out.diagnostics.push({ severity: 'error', source: 'gather', message: `node command timed out after ${r.durationMs} ms; the model is partial` });
  if (r.truncated) out.diagnostics.push({ severity: 'error', source: 'gather', message: 'node output exceeded the output cap; the model is partial' });
  if (r.stderr.trim()) out.diagnostics.push({ severity: 'warning', source: 'gather', message: 'node printed errors', excerpt: excerpt(r.stderr) });
  return out;
}

export async function discoverNode(conn: NodeConnection, opts: DiscoverOptions = {}): Promise<NodeModel> {
  const started = Date.now();
  const diagnostics: Diagnostic[] = [];
  const [gathered, docker] = await Promise.allSettled([
    conn.runner ? gatherNamespaces(conn.runner, opts) : Promise.resolve(undefined),
    conn.docker ? gatherDocker(conn.docker, diagnostics, conn.dockerEndpoint) : Promise.resolve(undefined),
  ]);
  if (gathered.status === 'rejected' && (docker.status === 'rejected' || !conn.docker)) {
    throw new DiscoveryError(`${conn.name}: ${errorMessage(gathered.reason)}`, diagnostics);
  }
  if (docker.status === 'rejected' && (gathered.status === 'rejected' || !conn.runner)) {
    throw new DiscoveryError(`${conn.name}: ${errorMessage(docker.reason)}`, diagnostics);
  }
  if (gathered.status === 'rejected') diagnostics.push({ severity: 'error', source: 'commands', message: errorMessage(gathered.reason) });
  if (docker.status === 'rejected') diagnostics.push({ severity: 'error', source: 'Docker API', message: errorMessage(docker.reason) });
  if (!conn.runner) diagnostics.push({ severity: 'info', source: 'commands', message: 'no command access to this node (Docker API only): namespaces, interfaces and FDB need SSH or local access' });

  const g = gathered.status === 'fulfilled' ? gathered.value : undefined;
  const d = docker.status === 'fulfilled' ? docker.value : undefined;
  if (g) diagnostics.push(...g.diagnostics);
  const namespaces: NamespaceInfo[] = g ? [buildNamespace(g.host, diagnostics), ...g.namespaces.map((n) => buildNamespace(n, diagnostics))] : [];
  const networks = d?.networks ?? [];
  classifyNamespaces(namespaces, networks, d?.containers ?? []);
  pairVeths(namespaces, diagnostics);
  return {
    name: conn.name,
    hostname: d?.info?.hostname ?? g?.hostname,
    engineVersion: d?.info?.engineVersion,
    swarm: d?.info?.swarm,
    networks,
    namespaces,
    services: d?.services ?? [],
    swarmNodes: d?.swarmNodes,
    diagnostics,
    discoveryMs: Date.now() - started,
    discoveredAt: new Date().toISOString(),
  };
}
