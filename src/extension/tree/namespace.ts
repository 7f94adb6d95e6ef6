/** A network namespace: its interfaces, FDB (remote entries first, local/multicast folded), neighbours, routes. */
import type { FdbEntry, NamespaceInfo } from '../../core/model';
import { fdbLabel, hostOfAddress, interfaceDescription, interfaceLabel, namespaceDescription, namespaceLabel } from '../../core/present';
import { shortTaskNamesIn } from '../shortName';
import { treeItem } from './item';
import type { Descriptor, Element, ElementOf, NsGroup, TreeEnv } from './types';

const NS_ICON: Partial<Record<NamespaceInfo['kind'], string>> = { overlay: 'globe', ingress_sbox: 'arrow-swap', lb: 'split-horizontal', host: 'vm' };

export const namespace: Descriptor<'namespace'> = {
  item(e, env) {
    const m = env.model(e.node);
    const label = namespaceLabel(e.ns);
    const description = m ? namespaceDescription(m, e.ns) : e.ns.kind;
    const short = shortTaskNamesIn(label);
    return treeItem(short, {
      id: `${e.node}/ns/${e.ns.name}`,
      expand: true,
      description,
      tooltip: `${short !== label ? `${label}\n` : ''}${e.ns.path}${label !== e.ns.name ? `\nnamespace ${e.ns.name}` : ''}`,
      icon: NS_ICON[e.ns.kind] ?? 'package',
      contextValue: `namespace-${e.ns.kind}`,
    });
  },
  children(e) {
    const out: Element[] = e.ns.interfaces.map((ifc) => ({ kind: 'interface', node: e.node, ns: e.ns, ifc }));
    for (const group of ['fdb', 'neigh', 'routes'] as NsGroup[]) out.push({ kind: 'nsgroup', node: e.node, ns: e.ns, group });
    return out;
  },
};

/** Remote entries (a VXLAN destination) are what the overlay is about; the rest is the bridge's own bookkeeping. */
export function splitFdb(entries: FdbEntry[]): { remote: { entry: FdbEntry; i: number }[]; other: FdbEntry[] } {
  const remote: { entry: FdbEntry; i: number }[] = [];
  const other: FdbEntry[] = [];
  entries.forEach((entry, i) => (entry.dst ? remote.push({ entry, i }) : other.push(entry)));
  return { remote, other };
}

const NSGROUP_LABEL: Record<NsGroup, string> = { fdb: 'FDB', routes: 'Routes', neigh: 'Neighbours (ARP)' };

export const nsgroup: Descriptor<'nsgroup'> = {
  item(e) {
    const n = { fdb: e.ns.fdb.length, routes: e.ns.routes.length, neigh: e.ns.neighbors.length }[e.group];
    const remote = e.group === 'fdb' ? splitFdb(e.ns.fdb).remote.length : 0;
    return treeItem(NSGROUP_LABEL[e.group], {
      id: `${e.node}/ns/${e.ns.name}/${e.group}`,
      expand: n > 0,
      description: e.group === 'fdb' && remote ? `${remote} remote · ${n - remote} local` : String(n),
      icon: e.group === 'fdb' ? 'table' : e.group === 'routes' ? 'milestone' : 'references',
    });
  },
  children(e) {
    const base = `${e.node}/ns/${e.ns.name}/${e.group}`;
    if (e.group === 'fdb') {
      const { remote, other } = splitFdb(e.ns.fdb);
      const out: Element[] = remote.map(({ entry, i }) => ({ kind: 'fdb', node: e.node, ns: e.ns, entry, i }));
      if (other.length) out.push({ kind: 'fdbFolded', node: e.node, ns: e.ns, entries: other });
      return out;
    }
    if (e.group === 'neigh') return e.ns.neighbors.map((n, i) => ({ kind: 'info', node: e.node, id: `${base}/${i}`, label: `${n.dst} → ${n.lladdr ?? '(incomplete)'}`, description: [n.dev, ...n.state].join(' · '), icon: 'references' }));
    return e.ns.routes.map((r, i) => ({ kind: 'info', node: e.node, id: `${base}/${i}`, label: r.dst, description: [r.gateway ? `via ${r.gateway}` : undefined, r.dev ? `dev ${r.dev}` : undefined, r.prefsrc ? `src ${r.prefsrc}` : undefined, r.scope].filter(Boolean).join(' · '), icon: 'milestone' }));
  },
};

export const fdb: Descriptor<'fdb'> = {
  item(e, env) {
    const net = e.ns.networkId ? env.model(e.node)?.networks.find((n) => n.id === e.ns.networkId) : undefined;
    const l = fdbLabel(e.entry, env.correlator, e.ns.networkId, e.entry.dst ? hostOfAddress(env.models(), e.entry.dst) : undefined, net);
    const short = shortTaskNamesIn(l.label);
    const tooltip = short !== l.label ? `${l.label}${l.tooltip ? `\n${l.tooltip}` : ''}` : l.tooltip;
    return treeItem(short, { id: `${e.node}/ns/${e.ns.name}/fdb/${e.i}`, description: l.description, tooltip, icon: e.entry.dst ? 'remote' : 'circle-small', contextValue: 'fdb' });
  },
};

export const fdbFolded: Descriptor<'fdbFolded'> = {
  item: (e) =>
    treeItem(`${e.entries.length} local / multicast entries`, {
      id: `${e.node}/ns/${e.ns.name}/fdb/local`,
      expand: true,
      tooltip: 'The bridge\'s own and multicast MAC entries (no VXLAN destination): not part of the overlay\'s forwarding to other nodes.',
      icon: 'fold',
    }),
  children: (e) =>
    e.entries.map((entry, i) => ({ kind: 'info', node: e.node, id: `${e.node}/ns/${e.ns.name}/fdb/local/${i}`, label: entry.mac, description: [entry.dev, entry.master ? `master ${entry.master}` : undefined, entry.state, ...entry.flags].filter(Boolean).join(' · '), icon: 'circle-small' })),
};

export const iface: Descriptor<'interface'> = {
  item: (e) =>
    treeItem(interfaceLabel(e.ifc), {
      id: `${e.node}/ns/${e.ns.name}/if/${e.ifc.ifindex}`,
      expand: true,
      description: interfaceDescription(e.ns, e.ifc),
      icon: e.ifc.kind === 'bridge' ? 'symbol-structure' : e.ifc.kind === 'vxlan' ? 'cloud' : e.ifc.kind === 'veth' ? 'link' : 'plug',
      contextValue: `${e.ifc.addresses.length ? 'address-interface' : 'interface'}${e.ns.peers[e.ifc.ifindex] ? '-veth' : ''}`,
    }),
  children(e) {
    const base = `${e.node}/ns/${e.ns.name}/if/${e.ifc.ifindex}`;
    const out: Element[] = [];
    const peer = e.ns.peers[e.ifc.ifindex];
    if (peer) out.push({ kind: 'vethPeer', node: e.node, id: `${base}/peer`, from: e });
    for (const a of e.ifc.addresses) out.push({ kind: 'address', node: e.node, id: `${base}/addr/${a.address}`, label: `${a.address}/${a.prefixLen}`, description: a.family, ip: a.address });
    if (e.ifc.master) out.push({ kind: 'info', node: e.node, id: `${base}/master`, label: `master ${e.ifc.master}`, icon: 'symbol-structure' });
    const v = e.ifc.vxlan;
    if (v) out.push({ kind: 'info', node: e.node, id: `${base}/vxlan`, label: `VXLAN id ${v.id}`, description: [v.dstport ? `dstport ${v.dstport}` : undefined, v.proxy ? 'proxy' : undefined, v.l2miss ? 'l2miss' : undefined, v.l3miss ? 'l3miss' : undefined].filter(Boolean).join(' · '), icon: 'cloud' });
    out.push({ kind: 'info', node: e.node, id: `${base}/link`, label: `mtu ${e.ifc.mtu ?? '?'} · ${e.ifc.state ?? '?'}`, description: e.ifc.flags.join(','), icon: 'info' });
    return out;
  },
};

/** The interface at the other end of a veth, as a tree element (to reveal it). */
export function peerElement(from: ElementOf<'interface'>, env: TreeEnv): ElementOf<'interface'> | undefined {
  const peer = from.ns.peers[from.ifc.ifindex];
  const ns = peer ? env.model(from.node)?.namespaces.find((n) => n.name === peer.namespace) : undefined;
  const ifc = ns?.interfaces.find((i) => i.ifindex === peer?.ifindex);
  return ns && ifc ? { kind: 'interface', node: from.node, ns, ifc } : undefined;
}

export const vethPeer: Descriptor<'vethPeer'> = {
  item(e, env) {
    const peer = e.from.ns.peers[e.from.ifc.ifindex];
    const ns = peer ? env.model(e.node)?.namespaces.find((n) => n.name === peer.namespace) : undefined;
    return treeItem(`veth peer: ${peer ? `${ns ? shortTaskNamesIn(namespaceLabel(ns)) : peer.namespace} / ${peer.name}` : '?'}`, {
      id: e.id,
      description: peer ? `if${peer.ifindex}${ns && namespaceLabel(ns) !== ns.name ? ` · ${ns.name}` : ''}` : undefined,
      tooltip: 'Click to reveal the other end of this veth pair in the tree',
      icon: 'link',
      contextValue: 'veth-peer',
      command: { command: 'swarmnet.revealPeer', title: 'Reveal veth Peer', arguments: [e.from] },
    });
  },
};
