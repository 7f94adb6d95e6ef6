/**
 * The wire between namespaces and nodes: veth to its peer namespace, bridge ports, vxlan with the FDB's
 * `dst <vtep>` over the underlay to the remote node, decapsulation into the overlay namespace with the same VNI.
 */
import type { InterfaceInfo } from '../model';
import { dockerMacForIp } from '../net';
import { crossNamespace, newPacket, type Packet } from './packet';
import type { PreparedNode, PreparedNs } from './prepare';
import { dropped, guard, hookStep, leaf, mkHop, type Ctx, type Cursor } from './hops';
import { vipService } from './endpoints';
import { hostNs, iface, isBridge, lookupRoute, nodeOwning, peerOf } from './routing';
import type { TracePath } from './types';
import { ingress } from './walk';

export function transmit(ctx: Ctx, c: Cursor, p: Packet, dev: string, nextHop: string, path: TracePath): TracePath {
  if (!guard(ctx, c, path, p)) return path;
  const i = iface(c.ns, dev);
  if (!i) {
    const hop = mkHop(ctx, c, 'unknown', `out ${dev}: interface not in the model`, p, { verdict: 'UNKNOWN' });
    path.hops.push(hop);
    return leaf(path, { kind: 'unknown', node: c.node.model.name, namespace: c.ns.info.name, reason: `interface ${dev} not in the model` });
  }
  if (isBridge(c.ns, i)) return bridgeForward(ctx, c, p, i, nextHop, undefined, path);
  if (i.kind === 'vxlan' || i.vxlan) return vxlanOut(ctx, c, p, i, nextHop, path);
  const peer = peerOf(c.node, c.ns, i);
  if (peer) {
    const hop = mkHop(ctx, c, 'veth', `veth ${i.name} → ${peer.ns.info.name}/${peer.iface.name}`, p, { verdict: 'FORWARD', iface: { out: i.name } });
    path.hops.push(hop);
    return arrive(ctx, { ...c, ns: peer.ns, crossings: c.crossings + 1 }, p, peer.iface, nextHop, path);
  }
  if (c.ns.info.kind === 'host' || c.ns.info.name === 'host') {
    const target = nodeOwning(ctx.sc, p.dst);
    if (target && target !== c.node) return underlayArrive(ctx, c, target, p, path, `out ${i.name} to ${target.model.name}`);
    const hop = mkHop(ctx, c, 'exit', `leaves ${c.node.model.name} via ${i.name} towards ${nextHop}`, p, { verdict: 'FORWARD', iface: { out: i.name } });
    path.hops.push(hop);
    return leaf(path, { kind: 'left', node: c.node.model.name, reason: `sent on ${i.name} to ${nextHop} (outside the traced nodes)` });
  }
  const hop = mkHop(ctx, c, 'unknown', `out ${i.name}: peer unknown`, p, { verdict: 'UNKNOWN' });
  hop.detail.push(`${i.name} (${i.kind ?? 'kind unknown'}) has no resolved peer in the model`);
  path.hops.push(hop);
  return leaf(path, { kind: 'unknown', node: c.node.model.name, namespace: c.ns.info.name, reason: `peer of ${i.name} unknown` });
}

/** Frame arrives on interface `i` of the cursor's namespace, addressed (L2) to `nextHop`. */
export function arrive(ctx: Ctx, c: Cursor, p: Packet, i: InterfaceInfo, nextHop: string, path: TracePath): TracePath {
  if (i.master) {
    const br = iface(c.ns, i.master);
    if (br) return bridgeForward(ctx, c, p, br, nextHop, i, path);
  }
  return ingress(ctx, c, crossNamespace(p, i.name), path);
}

function bridgeForward(ctx: Ctx, c: Cursor, p: Packet, br: InterfaceInfo, nextHop: string, fromPort: InterfaceInfo | undefined, path: TracePath): TracePath {
  // Addressed to the bridge itself: up into this namespace's IP stack.
  if (br.addresses.some((a) => a.address === nextHop) && fromPort) {
    const hop = mkHop(ctx, c, 'bridge', `${br.name}: to the bridge's own address ${nextHop}`, p, { verdict: 'FORWARD', iface: { in: fromPort.name } });
    path.hops.push(hop);
    return ingress(ctx, c, crossNamespace(p, br.name), path);
  }
  const ports = c.ns.info.interfaces.filter((x) => x.master === br.name && x !== fromPort);
  for (const port of ports) {
    if (port.kind === 'vxlan' || port.vxlan) continue;
    const peer = peerOf(c.node, c.ns, port);
    if (peer && peer.iface.addresses.some((a) => a.address === nextHop)) {
      const hop = mkHop(ctx, c, 'bridge', `${br.name}: port ${port.name} → ${peer.ns.info.name}/${peer.iface.name}`, p, { verdict: 'FORWARD', iface: { in: fromPort?.name, out: port.name } });
      hop.detail.push(`${nextHop} is on ${peer.ns.info.name}/${peer.iface.name}${peer.ns.info.containers.length ? ` (${peer.ns.info.containers.map((x) => x.name).join(', ')})` : ''}`);
      path.hops.push(hop);
      return ingress(ctx, { ...c, ns: peer.ns, crossings: c.crossings + 1 }, crossNamespace(p, peer.iface.name), path);
    }
  }
  if (fromPort && (fromPort.kind === 'vxlan' || fromPort.vxlan)) {
    // Frames from the overlay are never sent back into it (split horizon): no local port means nowhere to go.
    const hop = mkHop(ctx, c, 'drop', `${br.name}: no local port for ${nextHop}`, p, { verdict: 'DROP', drop: `${nextHop} is not attached to ${br.name} on ${c.node.model.name} (frame came from ${fromPort.name})` });
    hop.detail.push(`the FDB of the sending node points ${nextHop} at ${c.node.model.name}, but no namespace here has it (stale FDB entry, or the task is gone)`);
    path.hops.push(hop);
    return dropped(path, c, hop);
  }
  const vx = ports.find((x) => x.kind === 'vxlan' || x.vxlan);
  if (vx) {
    const hop = mkHop(ctx, c, 'bridge', `${br.name}: port ${vx.name} (vxlan)`, p, { verdict: 'FORWARD', iface: { in: fromPort?.name, out: vx.name } });
    hop.detail.push(`${nextHop} is not on a local port of ${br.name}`);
    path.hops.push(hop);
    return vxlanOut(ctx, c, p, vx, nextHop, path);
  }
  const hop = mkHop(ctx, c, 'drop', `${br.name}: no port leads to ${nextHop}`, p, { verdict: 'DROP', drop: `no port of ${br.name} in ${c.ns.info.name} leads to ${nextHop} (no veth peer with that address, no vxlan port)` });
  path.hops.push(hop);
  return dropped(path, c, hop);
}

function vxlanOut(ctx: Ctx, c: Cursor, p: Packet, vx: InterfaceInfo, nextHop: string, path: TracePath): TracePath {
  const neigh = c.ns.info.neighbors.find((n) => n.dst === nextHop && n.lladdr);
  const mac = neigh?.lladdr ?? dockerMacForIp(nextHop);
  const macHow = neigh ? `neighbour entry ${nextHop} lladdr ${neigh.lladdr}` : `MAC ${mac} derived from ${nextHop} (Docker's 02:42:<ip> convention; no neighbour entry captured)`;
  const fdb = c.ns.info.fdb.find((f) => f.mac.toLowerCase() === mac && f.dst && (f.dev === vx.name || !f.dev));
  const vni = vx.vxlan?.id;
  const net = c.node.model.networks.find((n) => c.ns.info.networkId && n.id.startsWith(c.ns.info.networkId));
  if (!fdb?.dst) {
    const hop = mkHop(ctx, c, 'drop', `${vx.name}: no FDB entry for ${mac}`, p, { verdict: 'DROP', drop: `no static FDB entry "${mac} dst <vtep>" on ${vx.name}: the overlay does not know which node has ${nextHop}` });
    hop.detail.push(macHow);
    const vip = vipService(ctx.sc, p.dst);
    if (vip) {
      hop.detail.push(`${p.dst} is the VIP of service ${vip}: no task owns it; the sender's mangle OUTPUT MARK + IPVS should have sent the packet to a task before it left (the mark was ${p.mark ? `0x${p.mark.toString(16)}` : 'not set'})`);
      const facts = ctx.sc.notes.filter((n) => /IPVS/.test(n));
      hop.detail.push(...facts);
      if (hop.drop) hop.drop += `; ${p.dst} is the VIP of service ${vip}, not load-balanced by the sender${facts.length ? ` (${facts[0]})` : ''}`;
    }
    path.hops.push(hop);
    return dropped(path, c, hop);
  }
  const dstport = vx.vxlan?.dstport ?? 4789;
  const encrypted = net?.encrypted === true;
  const hop = mkHop(ctx, c, 'vxlan', `${vx.name}${vni !== undefined ? ` VNI ${vni}` : ''}: FDB ${fdb.mac} dst ${fdb.dst} → UDP ${dstport}${encrypted ? ' in ESP' : ''}`, p, { verdict: 'FORWARD', iface: { out: vx.name } });
  hop.detail.push(macHow, `bridge fdb: ${fdb.mac} dev ${fdb.dev} dst ${fdb.dst} ${[...fdb.flags, fdb.state ?? ''].join(' ').trim()}`);
  if (encrypted) hop.detail.push('network is encrypted: the VXLAN packet is carried in ESP (IP protocol 50) between the nodes');
  path.hops.push(hop);
  // The encapsulated packet leaves through the host namespace of this node.
  const host = hostNs(c.node);
  if (!host) {
    const h = mkHop(ctx, c, 'unknown', 'underlay: host namespace not in the model', p, { verdict: 'UNKNOWN' });
    path.hops.push(h);
    return leaf(path, { kind: 'unknown', node: c.node.model.name, namespace: c.ns.info.name, reason: 'host namespace unknown' });
  }
  const hc: Cursor = { ...c, ns: host, crossings: c.crossings + 1 };
  const route = lookupRoute(host, fdb.dst);
  const local = vx.vxlan?.local ?? route?.src ?? c.node.model.swarm?.nodeAddr ?? '0.0.0.0';
  const encap: Packet = { ...newPacket({ src: local, dst: fdb.dst, proto: 'udp', sport: 0, dport: dstport }), outIface: route?.dev, ipsecOut: encrypted };
  const out = hookStep(ctx, hc, 'OUTPUT', encap, path, { detail: `outer packet: UDP ${local} → ${fdb.dst}:${dstport} (VXLAN VNI ${vni ?? '?'}${encrypted ? ', ESP' : ''}); source port is a hash of the inner flow` });
  if ('done' in out) return out.done;
  const post = hookStep(ctx, hc, 'POSTROUTING', out.packet, path, {});
  if ('done' in post) return post.done;
  const outer = out.packet;
  const target = nodeOwning(ctx.sc, fdb.dst);
  if (!target) {
    const h = mkHop(ctx, hc, 'exit', `underlay: VTEP ${fdb.dst} is not a traced node`, outer, { verdict: 'UNKNOWN' });
    path.hops.push(h);
    return leaf(path, { kind: 'left', node: c.node.model.name, reason: `VXLAN sent to ${fdb.dst}, which is not among the traced nodes` });
  }
  return vxlanArrive(ctx, hc, target, outer, p, vni, nextHop, path);
}

function underlayArrive(ctx: Ctx, c: Cursor, target: PreparedNode, p: Packet, path: TracePath, title: string): TracePath {
  const host = hostNs(target);
  const hop = mkHop(ctx, c, 'underlay', title, p, { verdict: 'FORWARD' });
  path.hops.push(hop);
  if (!host) return leaf(path, { kind: 'unknown', node: target.model.name, namespace: 'host', reason: 'host namespace of the target node unknown' });
  const inIf = host.info.interfaces.find((i) => i.addresses.some((a) => a.address === p.dst))?.name;
  return ingress(ctx, { ...c, node: target, ns: host, crossings: c.crossings + 1 }, crossNamespace(p, inIf ?? 'eth0'), path);
}

function vxlanArrive(ctx: Ctx, c: Cursor, target: PreparedNode, outer: Packet, inner: Packet, vni: number | undefined, nextHop: string, path: TracePath): TracePath {
  const host = hostNs(target);
  const u = mkHop(ctx, c, 'underlay', `underlay: ${c.node.model.name} → ${target.model.name} (${outer.dst})`, outer, { verdict: 'FORWARD' });
  path.hops.push(u);
  if (!host) return leaf(path, { kind: 'unknown', node: target.model.name, namespace: 'host', reason: 'host namespace of the target node unknown' });
  const hc: Cursor = { ...c, node: target, ns: host, crossings: c.crossings + 1 };
  const inIf = host.info.interfaces.find((i) => i.addresses.some((a) => a.address === outer.dst))?.name;
  const pre = hookStep(ctx, hc, 'PREROUTING', { ...crossNamespace(outer, inIf ?? 'eth0'), ipsecIn: outer.ipsecOut }, path, {});
  if ('done' in pre) return pre.done;
  const inp = hookStep(ctx, hc, 'INPUT', pre.packet, path, {});
  if ('done' in inp) return inp.done;
  // Decapsulate into the overlay namespace holding the vxlan device with the same VNI.
  let found: { ns: PreparedNs; vx: InterfaceInfo } | undefined;
  for (const ns of target.ns.values()) {
    const vx = ns.info.interfaces.find((i) => i.vxlan && i.vxlan.id === vni);
    if (vx) found = { ns, vx };
  }
  if (!found) {
    const h = mkHop(ctx, hc, 'drop', `VXLAN VNI ${vni ?? '?'}: no overlay namespace on ${target.model.name}`, pre.packet, { verdict: 'DROP', drop: `${target.model.name} has no vxlan device with VNI ${vni ?? '?'} in the model (network not instantiated there?)` });
    path.hops.push(h);
    return dropped(path, hc, h);
  }
  const oc: Cursor = { ...hc, ns: found.ns, crossings: hc.crossings + 1 };
  const dec = mkHop(ctx, oc, 'vxlan', `decapsulated on ${found.vx.name} (VNI ${vni})`, { ...inner, mark: 0 }, { verdict: 'FORWARD', iface: { in: found.vx.name } });
  path.hops.push(dec);
  return arrive(ctx, oc, { ...inner, mark: 0 }, found.vx, nextHop, path);
}
