/**
 * Hop-by-hop packet tracer across namespaces and nodes. Inputs: NodeModels (as discovery produces them, possibly
 * partial) plus per-namespace rule dumps and ipvsadm output. The walk is the kernel's: PREROUTING, routing
 * decision, INPUT (+ IPVS at LOCAL_IN) or FORWARD, OUTPUT (+ IPVS at LOCAL_OUT), POSTROUTING, then the wire: veth
 * to its peer namespace, bridge ports, vxlan with the FDB's `dst <vtep>` over the underlay to the remote node.
 * Nothing is invented: missing state (a table not captured, IPVS absent, an FDB entry missing) is said in the hop.
 *
 * This file resolves the request (source, destination, entry node) and starts the walk. The walk is in ./walk.ts
 * (the IP stack of one namespace), ./wire.ts (veth, bridge, vxlan, underlay), ./ipvs.ts, ./reply.ts; hops and the
 * netfilter step in ./hops.ts, routes and links in ./routing.ts, the parsed scenario in ./prepare.ts.
 */
import { parseCidr, parseIpv4 } from '../net';
import { endpoint, newPacket, type Packet } from './packet';
import type { PreparedNode, PreparedNs, PreparedScenario } from './prepare';
import { mkHop, type Ctx, type Cursor } from './hops';
import { findSourceNs, inetAddresses, parseTo, TASK_REF, taskNamespaces } from './endpoints';
import { hostNs, lookupRoute, nodeOwning, peerOf } from './routing';
import { ingress, localOut } from './walk';
import type { TracePath, TraceRequest, TraceResult } from './types';

export { prepareScenario, type ParseRules, type PreparedScenario } from './prepare';
export { withDockerUserWhatIf, withRulesReplaced, withWhatIf } from './whatif';

/** ", but the REPLY is DROPPED …" when the reply hop of a delivered path is dropped: the connection cannot complete. */
function replyDrop(p: TracePath): string {
  const h = p.hops.find((x) => x.kind === 'reply' && x.verdict === 'DROP');
  return h ? `, but the REPLY is DROPPED: ${h.drop ?? 'dropped'}` : '';
}

function countLeaves(p: TracePath, out: string[]): void {
  if (p.outcome) {
    const o = p.outcome;
    out.push(
      o.kind === 'delivered' ? `delivered to ${o.endpoint} in ${o.node}/${o.namespace}${replyDrop(p)}` : o.kind === 'dropped' ? `DROPPED in ${o.node}/${o.namespace}: ${o.reason}` : o.kind === 'left' ? `left ${o.node}: ${o.reason}` : `unknown in ${o.node}/${o.namespace}: ${o.reason}`,
    );
  }
  for (const b of p.branches) countLeaves(b.path, out);
}

/** The request's packet options (conntrack state, TCP flags, mark) applied to the traced packet. */
function withOptions(p: Packet, req: TraceRequest): Packet {
  const state = req.ctState ?? 'NEW';
  return {
    ...p,
    mark: req.mark !== undefined ? req.mark >>> 0 : p.mark,
    tcpFlags: req.tcpFlags ? req.tcpFlags.map((f) => f.toUpperCase()) : p.tcpFlags,
    ct: { ...p.ct, state },
  };
}

type Dest = { ip: string; port?: number };
type Source = { node: PreparedNode; ns: PreparedNs; ip: string };

/** `to` as an address: ip[:port], a service name with a VIP, or task:<service>[@<node>][:<port>]. */
function resolveTo(sc: PreparedScenario, to: string, src: Source | undefined): Dest | string {
  const taskTo = TASK_REF.exec(to);
  if (!taskTo) return parseTo(sc, to);
  const dst = taskNamespaces(sc, taskTo[1], taskTo[2])[0];
  // The task's address on an overlay network the source shares; else on any overlay; else its first address.
  // (docker_gwbridge addresses are node-local and repeat on every node: never picked when an overlay one exists.)
  const overlayAddrs = (x: { node: PreparedNode; ns: PreparedNs }): { address: string; prefixLen: number }[] =>
    x.ns.info.interfaces
      .filter((i) => {
        const peer = peerOf(x.node, x.ns, i);
        return peer !== undefined && (peer.ns.info.kind === 'overlay' || /^\d+-/.test(peer.ns.info.name));
      })
      .flatMap((i) => i.addresses.filter((a) => a.family === 'inet'));
  const sameNet = (a: { address: string; prefixLen: number }, b: { address: string; prefixLen: number }): boolean => a.prefixLen === b.prefixLen && parseCidr(`${a.address}/${a.prefixLen}`)?.base === parseCidr(`${b.address}/${b.prefixLen}`)?.base;
  const dstOv = dst ? overlayAddrs(dst) : [];
  const srcOv = src ? overlayAddrs(src) : [];
  const ip = (dstOv.find((a) => srcOv.some((b) => sameNet(a, b))) ?? dstOv[0] ?? (dst ? inetAddresses(dst.ns)[0] : undefined))?.address;
  return ip ? { ip, port: taskTo[3] ? Number(taskTo[3]) : undefined } : `cannot resolve destination "${to}": no task of service ${taskTo[1]}${taskTo[2] ? ` on ${taskTo[2]}` : ''} in the models`;
}

/** A packet sent by a process in a namespace of the models (a task, a container, a namespace by name or address). */
function fromNamespace(ctx: Ctx, result: TraceResult, src: Source, to: Dest, proto: string, sport: number): void {
  const req = ctx.req;
  const pkt = withOptions(newPacket({ src: src.ip, dst: to.ip, proto, sport, dport: to.port }), req);
  if (req.inIface) result.notes.push(`--in-iface ${req.inIface} ignored: the packet is sent by a process in ${src.ns.info.name}, it arrives on no interface`);
  const c: Cursor = { node: src.node, ns: src.ns, crossings: 0, history: [], forwarded: [] };
  const hop = mkHop(ctx, c, 'enter', `sent by a process in ${src.ns.info.name}`, pkt, { verdict: 'ACCEPT' });
  hop.detail.push(`source ${src.ip} (${src.ns.info.kind}${src.ns.info.containers.length ? `: ${src.ns.info.containers.map((x) => x.name).join(', ')}` : ''})`);
  result.path.hops.push(hop);
  localOut(ctx, c, pkt, result.path);
}

/** A packet from a client outside the models: arriving at the node owning the address, or sent on it (loopback). */
function fromOutside(ctx: Ctx, result: TraceResult, to: Dest, proto: string, sport: number): boolean {
  const { sc, req } = ctx;
  const loopback = parseIpv4(to.ip)! >>> 24 === 127;
  const entry = req.entryNode ? sc.nodes.find((n) => n.model.name === req.entryNode) : loopback ? sc.nodes[0] : nodeOwning(sc, to.ip);
  const host = entry ? hostNs(entry) : undefined;
  if (!entry || !host) {
    result.summary.push(`no traced node has the address ${to.ip} (give --entry-node for a client reaching a node by another address)`);
    return false;
  }
  const c: Cursor = { node: entry, ns: host, crossings: 0, history: [], forwarded: [] };
  if (loopback) {
    // Loopback is only reachable from the node itself: a local client process in the host namespace.
    result.notes.push(`${to.ip} is a loopback address: traced as a client process on ${entry.model.name} itself (--entry-node to choose the node)`);
    const pkt = withOptions(newPacket({ src: to.ip, dst: to.ip, proto, sport, dport: to.port }), req);
    const hop = mkHop(ctx, c, 'enter', `sent by a process on ${entry.model.name} (host namespace)`, pkt, { verdict: 'ACCEPT' });
    hop.detail.push(`local client → ${endpoint(to.ip, to.port)}`);
    result.path.hops.push(hop);
    localOut(ctx, c, pkt, result.path);
    return true;
  }
  const inIf = req.inIface ?? host.info.interfaces.find((i) => i.addresses.some((a) => a.address === to.ip))?.name ?? host.info.interfaces.find((i) => i.name !== 'lo' && !i.master && i.kind !== 'bridge' && i.kind !== 'veth')?.name;
  if (req.inIface && !host.info.interfaces.some((i) => i.name === req.inIface)) result.notes.push(`--in-iface ${req.inIface}: ${entry.model.name} has no such interface in its model (traced as given)`);
  const pkt = withOptions(newPacket({ src: req.from, dst: to.ip, proto, sport, dport: to.port, inIface: inIf }), req);
  const hop = mkHop(ctx, c, 'enter', `arrives at ${entry.model.name} on ${inIf ?? '?'}`, pkt, { verdict: 'ACCEPT', iface: { in: inIf } });
  hop.detail.push(`external client ${req.from} → ${endpoint(to.ip, to.port)}`);
  result.path.hops.push(hop);
  ingress(ctx, c, pkt, result.path);
  return true;
}

/** Traces one packet (by default the first packet of a connection) through the scenario. */
export function trace(sc: PreparedScenario, req: TraceRequest): TraceResult {
  const ctx: Ctx = { sc, req, nextId: 1, hopsTotal: 0 };
  const result: TraceResult = { request: req, scenario: sc.name, path: { hops: [], branches: [] }, summary: [], notes: [...sc.notes], diagnostics: [...sc.diagnostics] };
  const proto = (req.proto ?? 'tcp').toLowerCase();
  const src = findSourceNs(sc, req.from);
  let to = resolveTo(sc, req.to, src);
  if (typeof to === 'string') {
    result.summary.push(to);
    return result;
  }
  if (req.dport !== undefined) to = { ...to, port: req.dport };
  if (src === undefined && TASK_REF.test(req.from)) {
    result.summary.push(`cannot resolve source "${req.from}": no such task in the models`);
    return result;
  }
  const sport = req.sport ?? 40000;
  if (src && parseIpv4(req.from) === undefined) {
    // Named source: the kernel picks the source address of the route towards the destination.
    const viaRoute = lookupRoute(src.ns, to.ip)?.src;
    if (viaRoute) src.ip = viaRoute;
  }
  if (src) fromNamespace(ctx, result, src, to, proto, sport);
  else if (parseIpv4(req.from) === undefined) {
    result.summary.push(`cannot resolve source "${req.from}": not an IP and no task/container/namespace of that name`);
    return result;
  } else if (!fromOutside(ctx, result, to, proto, sport)) return result;
  countLeaves(result.path, result.summary);
  return result;
}
