/**
 * Cross-node correlation: which node a VTEP address is, and whose MAC an FDB entry carries
 * (an FDB entry `dst <vtep>` in an overlay namespace names the remote node and the remote task).
 */
import type { FdbEntry, NodeModel } from './model';

export interface MacOwner {
  node: string;
  namespace: string;
  interface: string;
  containers: string[];
  ip?: string;
}

export interface FdbResolution {
  vtepNode?: string;
  owner?: MacOwner;
}

export class Correlator {
  private readonly vtepToNode = new Map<string, string>();
  private readonly macToOwner = new Map<string, MacOwner>();

  constructor(nodes: NodeModel[]) {
    for (const n of nodes) {
      if (n.swarm?.nodeAddr) this.vtepToNode.set(n.swarm.nodeAddr, n.name);
      const byName = new Map(n.namespaces.map((ns) => [ns.name, ns]));
      for (const ns of n.namespaces) {
        if (ns.kind === 'overlay' || ns.kind === 'host') continue;
        for (const ifc of ns.interfaces) {
          if (!ifc.mac || ifc.name === 'lo') continue;
          const mac = ifc.mac.toLowerCase();
          // overlay MACs derive from the IP, and overlay subnets may overlap: key by the network the veth plugs into
          const peer = ns.peers[ifc.ifindex] ? byName.get(ns.peers[ifc.ifindex].namespace) : undefined;
          const netKey = peer?.kind === 'overlay' && peer.networkId ? `${peer.networkId}|${mac}` : undefined;
          const owner: MacOwner = {
            node: n.name,
            namespace: ns.name,
            interface: ifc.name,
            containers: ns.containers.map((c) => c.name),
            ip: ifc.addresses.find((a) => a.family === 'inet')?.address,
          };
          if (netKey && !this.macToOwner.has(netKey)) this.macToOwner.set(netKey, owner);
          if (!this.macToOwner.has(mac)) this.macToOwner.set(mac, owner);
        }
      }
    }
    // Network peers give node names for VTEPs even when that node is not connected.
    for (const n of nodes) for (const net of n.networks) for (const p of net.peers) if (p.ip && !this.vtepToNode.has(p.ip)) this.vtepToNode.set(p.ip, `${p.name} (not connected)`);
  }

  nodeForVtep(addr: string): string | undefined {
    return this.vtepToNode.get(addr);
  }

  /** networkId: the overlay network of the namespace holding the FDB entry (disambiguates overlapping subnets). */
  ownerOfMac(mac: string, networkId?: string): MacOwner | undefined {
    const m = mac.toLowerCase();
    return (networkId ? this.macToOwner.get(`${networkId}|${m}`) : undefined) ?? this.macToOwner.get(m);
  }

  resolveFdb(e: FdbEntry, networkId?: string): FdbResolution {
    return { vtepNode: e.dst ? this.nodeForVtep(e.dst) : undefined, owner: this.ownerOfMac(e.mac, networkId) };
  }
}
