/** What the checks share: which networks are in scope, who owns an address, which tasks should be running. */
import type { NamespaceInfo, NetworkInfo } from '../model';
import { inCidr } from '../net/cidr';
import type { DoctorInput, DoctorNode } from './types';

export interface OverlayNetwork {
  id: string;
  name: string;
  subnets: string[];
  ingress: boolean;
  encrypted: boolean;
}

/** Overlay networks seen on any node (by full id), restricted to `input.network` when given. */
export function overlayNetworks(input: DoctorInput): OverlayNetwork[] {
  const byId = new Map<string, OverlayNetwork>();
  for (const n of input.nodes) {
    for (const net of n.model.networks) {
      if (net.driver !== 'overlay' || byId.has(net.id)) continue;
      byId.set(net.id, { id: net.id, name: net.name, subnets: net.subnets.map((s) => s.subnet), ingress: net.ingress, encrypted: net.encrypted });
    }
  }
  const want = input.network;
  return [...byId.values()].filter((n) => !want || n.name === want || n.id.startsWith(want)); // a full id starts with itself
}

export function networkOn(node: DoctorNode, id: string): NetworkInfo | undefined {
  return node.model.networks.find((n) => n.id === id);
}

/** The overlay namespace of a network on a node (`1-` + the first 10 characters of the id). */
export function overlayNamespace(node: DoctorNode, networkId: string): NamespaceInfo | undefined {
  const name = `1-${networkId.slice(0, 10)}`;
  return node.model.namespaces.find((ns) => ns.name === name);
}

/** The node's own underlay address (its VTEP). */
export function nodeAddr(node: DoctorNode): string | undefined {
  return node.model.swarm?.nodeAddr;
}

export function nodeByAddr(input: DoctorInput, ip: string): DoctorNode | undefined {
  return input.nodes.find((n) => nodeAddr(n) === ip);
}

/** A gossip node name (`-=name`) mapped to our node through the cluster peer list's addresses. */
export function gossipNameToNode(input: DoctorInput): Map<string, DoctorNode> {
  const out = new Map<string, DoctorNode>();
  // first node per address, as nodeByAddr finds it (one lookup table: this runs per node and network); nodes without
  // an address go under undefined, which no peer's address (always a string, parsePeers) looks up
  const byAddr = new Map<string | undefined, DoctorNode>();
  for (const n of input.nodes) {
    const a = nodeAddr(n);
    if (!byAddr.has(a)) byAddr.set(a, n);
  }
  for (const n of input.nodes) {
    // Stryker disable next-line ArrayDeclaration: equivalent, a made-up entry has no address any node has
    for (const p of n.gossip?.clusterPeers ?? []) {
      const owner = byAddr.get(p.ip);
      if (owner && p.name) out.set(p.name, owner);
    }
  }
  return out;
}

/** The gossip name a node goes by (the cluster peer entry with its address). */
export function gossipNameOf(input: DoctorInput, node: DoctorNode): string | undefined {
  for (const [name, n] of gossipNameToNode(input)) if (n === node) return name;
  return undefined;
}

/**
 * Who lists whom as a peer of a network's gossip (`/networkpeers`), among the nodes that take part in it (their
 * overlay namespace is there). `lists(a, b)` is undefined when a's list was not read or b has no gossip name.
 * `missedBy(n)` counts the nodes whose list leaves n out: of two nodes that do not list each other, the one more
 * nodes leave out is the one cut off, and its own view is a consequence.
 */
export interface PeerViews {
  lists(observer: DoctorNode, subject: DoctorNode): boolean | undefined;
  missedBy(node: DoctorNode): number;
  /** Both take part and at least one of them does not list the other. */
  apart(a: DoctorNode, b: DoctorNode): boolean;
}

export function peerViews(input: DoctorInput, netId: string): PeerViews {
  const nameOf = new Map<DoctorNode, string>();
  for (const [name, n] of gossipNameToNode(input)) if (!nameOf.has(n)) nameOf.set(n, name);
  const takesPart = (n: DoctorNode) => overlayNamespace(n, netId) !== undefined;
  const lists = (a: DoctorNode, b: DoctorNode): boolean | undefined => {
    const peers = a.gossip?.networks[netId]?.peers;
    const name = nameOf.get(b);
    return peers && name !== undefined ? peers.some((p) => p.name === name) : undefined;
  };
  const missedBy = (node: DoctorNode) => input.nodes.filter((o) => o !== node && takesPart(o) && lists(o, node) === false).length;
  const apart = (a: DoctorNode, b: DoctorNode) => takesPart(a) && takesPart(b) && (lists(a, b) === false || lists(b, a) === false);
  return { lists, missedBy, apart };
}

export function stripPrefix(cidr: string): string {
  const i = cidr.indexOf('/');
  return i < 0 ? cidr : cidr.slice(0, i);
}

/** The address (with or without its prefix length) is in the CIDR: core/net's reading of both. */
export function inSubnet(ip: string, cidr: string): boolean {
  return inCidr(cidr, stripPrefix(ip)) === true;
}

export interface RunningTask {
  id: string;
  service: string;
  nodeId: string;
  ip: string;
}

/** Is there a manager's task list at all (services are listed on managers only)? */
export function haveTaskList(input: DoctorInput): boolean {
  return input.nodes.some((n) => n.model.swarm?.controlAvailable === true);
}

/** Running tasks with an address on the network, from the managers' task lists (deduplicated by task id). */
export function runningTasks(input: DoctorInput, net: OverlayNetwork): RunningTask[] {
  const byId = new Map<string, RunningTask>();
  for (const n of input.nodes) {
    if (!n.model.swarm?.controlAvailable) continue;
    for (const s of n.model.services) {
      for (const t of s.tasks) {
        if (t.state !== 'running') continue;
        for (const a of t.addresses) {
          if (net.subnets.some((c) => inSubnet(a, c))) byId.set(t.id, { id: t.id, service: s.name, nodeId: t.nodeId, ip: stripPrefix(a) });
        }
      }
    }
  }
  return [...byId.values()];
}

/** Task id of an endpoint_table row's name (`service.slot.taskid` or `service.nodeid.taskid`). */
export function taskIdOfEndpointName(name: string): string | undefined {
  const m = /\.([a-z0-9]{25})$/.exec(name);
  return m?.[1];
}
