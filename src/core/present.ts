/**
 * Words for the model: labels and descriptions shared by the explorer tree and the CLI, so both say the same.
 */
import type { Correlator } from './correlate';
import type { FdbEntry, InterfaceInfo, NamespaceInfo, NetworkInfo, NodeModel, ServiceInfo, SwarmNodeName } from './model';

const KIND_WORDS: Record<NamespaceInfo['kind'], string> = {
  ingress_sbox: 'routing mesh sandbox',
  lb: 'load-balancer sandbox',
  overlay: 'overlay network namespace',
  task: 'task sandbox',
  container: 'container sandbox',
  host: 'host namespace',
  unknown: 'namespace',
};

export function nodeDescription(m: NodeModel): string {
  const role = m.swarm ? (m.swarm.controlAvailable ? 'manager' : m.swarm.localNodeState === 'active' ? 'worker' : `swarm ${m.swarm.localNodeState}`) : m.engineVersion ? 'no swarm' : 'Docker engine unreachable';
  return [m.hostname, role, m.swarm?.nodeAddr, m.engineVersion ? `engine ${m.engineVersion}` : undefined].filter(Boolean).join(' · ');
}

export function networkName(m: NodeModel, id: string | undefined): string | undefined {
  return id ? m.networks.find((n) => n.id === id)?.name : undefined;
}

/** A sandbox is named after its task/container (`web.1.x3f…`), other namespaces by their own name. */
export function namespaceLabel(ns: NamespaceInfo): string {
  return (ns.kind === 'task' || ns.kind === 'container') && ns.containers.length ? ns.containers.map((c) => c.name).join(', ') : ns.name;
}

export function namespaceDescription(m: NodeModel, ns: NamespaceInfo): string {
  const parts = [KIND_WORDS[ns.kind]];
  const net = networkName(m, ns.networkId);
  if (net) parts.push(net);
  const label = namespaceLabel(ns);
  if (label !== ns.name) parts.push(ns.name);
  else if (ns.containers.length) parts.push(ns.containers.map((c) => c.name).join(', '));
  return parts.join(' · ');
}

export function networkDescription(n: NetworkInfo): string {
  return [
    `${n.driver}/${n.scope}`,
    n.subnets.map((s) => s.subnet).join(', '),
    n.vxlanIds.length ? `VNI ${n.vxlanIds.join(',')}` : undefined,
    n.ingress ? 'ingress' : undefined,
    n.attachable ? 'attachable' : undefined,
    n.encrypted ? 'encrypted' : undefined,
    n.internal ? 'internal' : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}

export function interfaceLabel(i: InterfaceInfo): string {
  const addr = i.addresses.filter((a) => a.family === 'inet').map((a) => `${a.address}/${a.prefixLen}`);
  return addr.length ? `${i.name}  ${addr.join(' ')}` : i.name;
}

export function interfaceDescription(ns: NamespaceInfo, i: InterfaceInfo): string {
  const parts: string[] = [];
  if (i.kind) parts.push(i.kind);
  const peer = ns.peers[i.ifindex];
  if (peer) parts.push(`↔ ${peer.namespace}/${peer.name}`);
  else if (i.linkIndex !== undefined && i.kind === 'veth') parts.push(`peer @if${i.linkIndex} (not found)`);
  if (i.master) parts.push(`master ${i.master}`);
  if (i.vxlan) parts.push(`VNI ${i.vxlan.id}${i.vxlan.dstport ? ` dstport ${i.vxlan.dstport}` : ''}`);
  if (i.mac) parts.push(i.mac);
  parts.push(`if${i.ifindex}`);
  return parts.join(' · ');
}

/**
 * A remote FDB entry is labelled with whom it leads to (the task, then the node); the MAC and the device
 * details go to the description and tooltip.
 */
/**
 * The task behind a remote FDB entry, from the manager's view of the network (verbose inspect: each task's
 * endpoint IP and the VXLAN endpoint of its node). Docker ≤ 25 derives an overlay endpoint's MAC from its IPv4
 * address (02:42 + the four address bytes); the guess counts only when the task with that address also sits
 * behind the entry's VXLAN destination — so a random MAC (newer engines) never gets a wrong name.
 */
export function fdbTask(e: FdbEntry, net: NetworkInfo | undefined): { name: string; ip: string } | undefined {
  const m = /^02:42:([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2})$/i.exec(e.mac);
  if (!m || !e.dst || !net) return undefined;
  const ip = m.slice(1, 5).map((h) => parseInt(h, 16)).join('.');
  for (const s of net.services) {
    const t = s.tasks.find((x) => x.endpointIp.split('/')[0] === ip && x.nodeHost === e.dst);
    if (t?.name) return { name: t.name, ip };
  }
  return undefined;
}

export function fdbLabel(e: FdbEntry, corr?: Correlator, networkId?: string, vtepHost?: string, net?: NetworkInfo): { label: string; description: string; tooltip?: string } {
  const r = corr?.resolveFdb(e, networkId);
  const node = vtepHost ?? r?.vtepNode;
  const task = r?.owner ? undefined : fdbTask(e, net);
  const owner = r?.owner ? `${r.owner.containers.join(', ') || r.owner.namespace}${r.owner.ip ? ` ${r.owner.ip}` : ''}` : task ? `${task.name} ${task.ip}` : undefined;
  const details = [e.dev, e.master ? `master ${e.master}` : undefined, e.state, ...e.flags].filter(Boolean).join(' · ');
  if (!e.dst) return { label: e.mac, description: details };
  const label = owner ? `${owner} → ${node ?? e.dst}` : `${e.mac} → ${node ?? e.dst}`;
  const tooltip = [`MAC ${e.mac}`, `VXLAN destination ${e.dst}${node ? ` (${node})` : ''}`, r?.owner ? `interface ${r.owner.namespace}/${r.owner.interface} on ${r.owner.node}` : task ? 'task from the manager\'s view of the network (its node is not connected)' : 'owner not found in the discovered nodes', details].join('\n');
  return { label, description: owner ? `${e.mac} · ${e.dst}` : details, tooltip };
}

export function serviceDescription(s: ServiceInfo): string {
  const ports = s.ports.map((p) => `${p.publishedPort ?? '-'}→${p.targetPort}/${p.protocol}${p.publishMode && p.publishMode !== 'ingress' ? ` (${p.publishMode})` : ''}`);
  const running = s.tasks.filter((t) => t.state === 'running').length;
  return [`${s.mode}${s.replicas !== undefined ? ` ${running}/${s.replicas}` : ''}`, ...ports, ...s.vips.map((v) => `VIP ${v.addr}`)].join(' · ');
}

/**
 * Hostnames for IDs and addresses, from every discovered node: a node's own hostname and swarm address, and
 * the manager's node list (so one connected manager names them all).
 */
function hostWhere(models: NodeModel[], self: (m: NodeModel) => boolean, listed: (n: SwarmNodeName) => boolean): string | undefined {
  for (const m of models) {
    if (self(m) && m.hostname) return m.hostname;
    const n = m.swarmNodes?.find(listed);
    if (n?.hostname) return n.hostname;
  }
  return undefined;
}

export function hostOfNodeId(models: NodeModel[], nodeId: string): string | undefined {
  return hostWhere(models, (m) => m.swarm?.nodeId === nodeId, (n) => n.id === nodeId);
}

export function hostOfAddress(models: NodeModel[], ip: string): string | undefined {
  return hostWhere(models, (m) => m.swarm?.nodeAddr === ip, (n) => n.addr === ip);
}
