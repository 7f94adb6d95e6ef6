/**
 * Loads a TraceScenario from a directory of dumps: `scenario.json` describes the nodes in a compact form
 * (interfaces as one-line specs, routes/fdb/neighbours as iproute2 text) and names the rule/ipvsadm dump files
 * next to it. The compact form expands to the same NodeModel discovery produces, so a live model plugs in
 * the same way. Total: problems become diagnostics in scenario notes, never throws except for an unreadable
 * scenario.json.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve, basename } from 'node:path';
import type { Diagnostic } from '../diagnostics';
import { errorMessage } from '../diagnostics';
import type { AddressInfo, InterfaceInfo, NamespaceInfo, NamespaceKind, NetworkInfo, NodeModel, RouteEntry } from '../model';
import { NETNS_DIR } from '../model';
import type { TableName } from '../iptables/model';
import { parseFdbText, parseNeighText } from '../parsers/iproute';
import type { NamespaceDumps, RuleDump, ScenarioNode, TraceScenario } from './types';
import type { IpSetLike } from '../iptables/matches/types';

interface CompactNamespace {
  kind?: NamespaceKind;
  network?: string;
  containers?: string[];
  interfaces?: string[];
  routes?: string[];
  fdb?: string[] | string;
  neigh?: string[] | string;
  rules?: (string | { file: string; table?: TableName })[];
  ipvs?: string;
  ipsets?: Record<string, IpSetLike>;
}

interface CompactNode {
  name: string;
  swarmAddr?: string;
  engineVersion?: string;
  networks?: { id: string; name: string; subnet?: string; encrypted?: boolean; vxlanId?: number; ingress?: boolean; services?: { name: string; vip?: string; localLbIndex?: number; tasks: { name: string; endpointIp: string }[] }[] }[];
  namespaces: Record<string, CompactNamespace>;
}

interface CompactScenario {
  name?: string;
  notes?: string[];
  nodes: CompactNode[];
}

const TABLES: TableName[] = ['filter', 'nat', 'mangle', 'raw', 'security'];

/** "nat" from "host.nat.S.txt" / "x.mangle.nvL.PREROUTING.txt"; undefined for iptables-save dumps. */
export function tableFromFileName(file: string): TableName | undefined {
  const parts = basename(file).split('.');
  return TABLES.find((t) => parts.includes(t));
}

/** "eth0 10.0.0.2/24 master=br0 peer=ns:if kind=veth id=4096 dstport=4789 local=1.2.3.4" (a bare word that is a kind also works). */
export function parseInterfaceSpec(spec: string, ifindex: number, diags: Diagnostic[], source: string): { iface: InterfaceInfo; peer?: string } {
  const words = spec.trim().split(/\s+/);
  const iface: InterfaceInfo = { ifindex, name: words[0] ?? `if${ifindex}`, flags: ['UP'], addresses: [] };
  let peer: string | undefined;
  for (const w of words.slice(1)) {
    const kv = /^([a-z]+)=(.*)$/.exec(w);
    if (kv) {
      const [, k, v] = kv;
      if (k === 'master') iface.master = v;
      else if (k === 'peer') peer = v;
      else if (k === 'kind') iface.kind = v;
      else if (k === 'mac') iface.mac = v.toLowerCase();
      else if (k === 'id') iface.vxlan = { ...(iface.vxlan ?? { id: 0 }), id: Number(v) };
      else if (k === 'dstport') iface.vxlan = { ...(iface.vxlan ?? { id: 0 }), dstport: Number(v) };
      else if (k === 'local') iface.vxlan = { ...(iface.vxlan ?? { id: 0 }), local: v };
      else if (k === 'ifindex') iface.ifindex = Number(v);
      else diags.push({ severity: 'warning', source, message: `unknown interface attribute ${k} in "${spec}"` });
      continue;
    }
    const a = /^([0-9.]+)\/(\d+)$/.exec(w);
    if (a) {
      const addr: AddressInfo = { family: 'inet', address: a[1], prefixLen: Number(a[2]) };
      iface.addresses.push(addr);
      continue;
    }
    if (['veth', 'bridge', 'vxlan', 'loopback', 'device', 'dummy'].includes(w)) {
      iface.kind = w;
      if (w === 'vxlan' && !iface.vxlan) iface.vxlan = { id: 0 };
      continue;
    }
    diags.push({ severity: 'warning', source, message: `unrecognised word "${w}" in interface spec "${spec}"` });
  }
  if (peer && !iface.kind) iface.kind = 'veth';
  return { iface, peer };
}

/** `ip route` text lines. */
export function parseRouteLines(lines: string[], diags: Diagnostic[], source: string): RouteEntry[] {
  const out: RouteEntry[] = [];
  for (const l of lines) {
    const w = l.trim().split(/\s+/);
    if (!w[0]) continue;
    let i = 0;
    let type: string | undefined;
    if (['unicast', 'local', 'broadcast', 'blackhole', 'unreachable', 'prohibit'].includes(w[0])) type = w[i++];
    const r: RouteEntry = { dst: w[i++], type };
    for (; i < w.length; i++) {
      const k = w[i];
      const v = w[i + 1];
      if (k === 'via') r.gateway = v;
      else if (k === 'dev') r.dev = v;
      else if (k === 'src') r.prefsrc = v;
      else if (k === 'proto') r.protocol = v;
      else if (k === 'scope') r.scope = v;
      else if (k === 'table') r.table = v;
      else continue;
      i++;
    }
    if (!r.dev) diags.push({ severity: 'warning', source, message: `route without dev: ${l}` });
    out.push(r);
  }
  return out;
}

function linesOf(v: string[] | string | undefined, dir: string, diags: Diagnostic[], source: string): string {
  if (v === undefined) return '';
  if (Array.isArray(v)) return v.join('\n');
  const p = join(dir, v);
  try {
    return readFileSync(p, 'utf8');
  } catch (err) {
    diags.push({ severity: 'error', source, message: `cannot read ${v}: ${errorMessage(err)}` });
    return '';
  }
}

export function expandCompactNode(n: CompactNode, dir: string, diags: Diagnostic[]): ScenarioNode {
  const namespaces: NamespaceInfo[] = [];
  const dumps = new Map<string, NamespaceDumps>();
  const pendingPeers: { ns: NamespaceInfo; ifindex: number; peer: string }[] = [];
  let ifindex = 1;
  const networks: NetworkInfo[] = (n.networks ?? []).map((x) => ({
    id: x.id,
    name: x.name,
    driver: 'overlay',
    scope: 'swarm',
    subnets: x.subnet ? [{ subnet: x.subnet }] : [],
    vxlanIds: x.vxlanId !== undefined ? [x.vxlanId] : [],
    attachable: false,
    ingress: x.ingress === true,
    internal: false,
    encrypted: x.encrypted === true,
    peers: [],
    endpoints: [],
    services: x.services ?? [],
  }));
  for (const [name, c] of Object.entries(n.namespaces)) {
    const source = `${n.name}/${name}`;
    const info: NamespaceInfo = {
      name,
      path: name === 'host' ? '/proc/1/ns/net' : `${NETNS_DIR}/${name}`,
      kind: c.kind ?? (name === 'host' ? 'host' : 'unknown'),
      networkId: c.network,
      containers: (c.containers ?? []).map((x) => ({ id: x, name: x })),
      interfaces: [],
      fdb: [],
      neighbors: [],
      routes: [],
      peers: {},
    };
    info.interfaces.push({ ifindex: ifindex++, name: 'lo', kind: 'loopback', flags: ['UP', 'LOOPBACK'], addresses: [{ family: 'inet', address: '127.0.0.1', prefixLen: 8 }] });
    for (const spec of c.interfaces ?? []) {
      const { iface, peer } = parseInterfaceSpec(spec, ifindex++, diags, source);
      info.interfaces.push(iface);
      if (peer) pendingPeers.push({ ns: info, ifindex: iface.ifindex, peer });
    }
    info.routes = parseRouteLines(c.routes ?? [], diags, source);
    const fdbText = linesOf(c.fdb, dir, diags, source);
    const vx = info.interfaces.find((i) => i.kind === 'vxlan');
    info.fdb = fdbText ? parseFdbText(fdbText, `${source} fdb`, diags, vx?.name ?? 'vxlan0') : [];
    const neighText = linesOf(c.neigh, dir, diags, source);
    info.neighbors = neighText ? parseNeighText(neighText, `${source} neigh`, diags) : [];
    namespaces.push(info);
    const d: NamespaceDumps = { rules: [] };
    for (const r of c.rules ?? []) {
      const file = typeof r === 'string' ? r : r.file;
      const table = typeof r === 'string' ? tableFromFileName(file) : r.table ?? tableFromFileName(file);
      const text = linesOf(file, dir, diags, source);
      const dump: RuleDump = { text, source: file, table };
      d.rules.push(dump);
    }
    if (c.ipvs) d.ipvs = { text: linesOf(c.ipvs, dir, diags, source), source: c.ipvs };
    if (c.ipsets) d.ipsets = c.ipsets;
    if (d.rules.length || d.ipvs || d.ipsets) dumps.set(name, d);
  }
  for (const p of pendingPeers) {
    const [pns, pif] = p.peer.split(':');
    const target = namespaces.find((x) => x.name === pns);
    const tif = target?.interfaces.find((i) => i.name === pif);
    if (!target || !tif) {
      diags.push({ severity: 'warning', source: `${n.name}/${p.ns.name}`, message: `peer ${p.peer} not found` });
      continue;
    }
    p.ns.peers[p.ifindex] = { namespace: target.name, ifindex: tif.ifindex, name: tif.name };
    target.peers[tif.ifindex] = { namespace: p.ns.name, ifindex: p.ifindex, name: p.ns.interfaces.find((i) => i.ifindex === p.ifindex)?.name ?? '?' };
  }
  const model: NodeModel = {
    name: n.name,
    hostname: n.name,
    engineVersion: n.engineVersion,
    swarm: n.swarmAddr ? { nodeId: n.name, nodeAddr: n.swarmAddr, localNodeState: 'active', controlAvailable: false, remoteManagers: [] } : undefined,
    networks,
    namespaces,
    services: [],
    diagnostics: [],
    discoveredAt: 'fixture',
  };
  return { model, dumps: Object.fromEntries(dumps) };
}

/** Full NodeModel JSON (as discovery produced) plus dumps: `{ "model": {...}, "dumps": {...} }` also accepted per node. */
export function loadScenarioDir(dir: string): TraceScenario {
  const root = resolve(dir);
  const file = join(root, 'scenario.json');
  if (!existsSync(file)) throw new Error(`${file} not found`);
  const raw = JSON.parse(readFileSync(file, 'utf8')) as CompactScenario & { nodes: (CompactNode | ScenarioNode)[] };
  const diags: Diagnostic[] = [];
  const nodes = raw.nodes.map((n) => ('model' in n ? (n as unknown as ScenarioNode) : expandCompactNode(n as CompactNode, root, diags)));
  const notes = [...(raw.notes ?? []), ...diags.map((d) => `${d.severity}: ${d.source}: ${d.message}${d.line ? ` (line ${d.line})` : ''}`)];
  return { name: raw.name ?? basename(root), nodes, notes };
}
