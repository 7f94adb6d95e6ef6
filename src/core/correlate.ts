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
      for (const ns of n.namespaces) {
        if (ns.kind === 'overlay' || ns.kind === 'host') continue;
        for (const ifc of ns.interfaces) {
          if (!ifc.mac || ifc.name === 'lo') continue;
          const mac = ifc.mac.toLowerCase();
          if (this.macToOwner.has(mac)) continue;
          this.macToOwner.set(mac, {
            node: n.name,
            namespace: ns.name,
            interface: ifc.name,
            containers: ns.containers.map((c) => c.name),
            ip: ifc.addresses.find((a) => a.family === 'inet')?.address,
          });
        }
      }
    }
    // Network peers give node names for VTEPs even when that node is not connected.
    for (const n of nodes) for (const net of n.networks) for (const p of net.peers) if (p.ip && !this.vtepToNode.has(p.ip)) this.vtepToNode.set(p.ip, `${p.name} (not connected)`);
  }

  nodeForVtep(addr: string): string | undefined {
    return this.vtepToNode.get(addr);
  }

  ownerOfMac(mac: string): MacOwner | undefined {
    return this.macToOwner.get(mac.toLowerCase());
  }

  resolveFdb(e: FdbEntry): FdbResolution {
    return { vtepNode: e.dst ? this.nodeForVtep(e.dst) : undefined, owner: this.ownerOfMac(e.mac) };
  }
}
