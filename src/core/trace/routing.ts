/** The routing decision (longest prefix over the main table and the connected routes) and the model's links. */
import type { InterfaceInfo, RouteEntry } from '../model';
import { parseCidr, parseIpv4 } from '../net';
import { isLocalAddress } from './netfilter';
import type { PreparedNode, PreparedNs, PreparedScenario } from './prepare';
import { own } from '../record';

export interface RouteChoice {
  dev: string;
  nextHop: string;
  route: string;
  src?: string;
}

function routesOf(ns: PreparedNs): RouteEntry[] {
  const explicit = ns.info.routes.filter((r) => !r.table || r.table === 'main');
  const connected: RouteEntry[] = [];
  for (const i of ns.info.interfaces) {
    for (const a of i.addresses) {
      if (i.name === 'lo') continue;
      // IPv6 addresses do not parse as IPv4 networks
      const c = parseCidr(`${a.address}/${a.prefixLen}`);
      if (!c) continue;
      const dst = `${(c.base >>> 24) & 255}.${(c.base >>> 16) & 255}.${(c.base >>> 8) & 255}.${c.base & 255}/${c.prefix}`;
      // after the captured routes: a captured connected route of the same prefix is found first
      connected.push({ dst, dev: i.name, prefsrc: a.address, protocol: 'kernel', scope: 'link' });
    }
  }
  return [...explicit, ...connected];
}

export function lookupRoute(ns: PreparedNs, dst: string): RouteChoice | undefined {
  const ip = parseIpv4(dst);
  if (ip === undefined) return undefined;
  let best: { r: RouteEntry; prefix: number } | undefined;
  for (const r of routesOf(ns)) {
    const c = r.dst === 'default' ? parseCidr('0.0.0.0/0') : parseCidr(r.dst);
    if (!c || ((ip & c.mask) >>> 0) !== c.base) continue;
    if (!best || c.prefix > best.prefix) best = { r, prefix: c.prefix };
  }
  const r = best?.r;
  const dev = r?.dev;
  // the longest prefix decides even when it is a blackhole, unreachable or prohibit route: no route (as the kernel)
  if (!r || !dev || (r.type !== undefined && r.type !== 'unicast')) return undefined;
  const text = `${r.dst}${r.gateway ? ` via ${r.gateway}` : ''} dev ${dev}${r.protocol === 'kernel' ? ' (connected)' : ''}`;
  const src = r.prefsrc ?? own(ns.env.ifaceAddresses, dev)?.[0]?.address;
  return { dev, nextHop: r.gateway ?? dst, route: text, src };
}

export function iface(ns: PreparedNs, name: string): InterfaceInfo | undefined {
  return ns.info.interfaces.find((i) => i.name === name);
}

export function isBridge(ns: PreparedNs, i: InterfaceInfo): boolean {
  return i.kind === 'bridge' || ns.info.interfaces.some((x) => x.master === i.name);
}

export function peerOf(node: PreparedNode, ns: PreparedNs, i: InterfaceInfo): { ns: PreparedNs; iface: InterfaceInfo } | undefined {
  const ref = ns.info.peers[i.ifindex];
  if (!ref) return undefined;
  const pns = node.ns.get(ref.namespace);
  const pif = pns?.info.interfaces.find((x) => x.ifindex === ref.ifindex) ?? pns?.info.interfaces.find((x) => x.name === ref.name);
  return pns && pif ? { ns: pns, iface: pif } : undefined;
}

export function hostNs(node: PreparedNode): PreparedNs | undefined {
  return node.ns.get('host') ?? [...node.ns.values()].find((n) => n.info.kind === 'host');
}

export function nodeOwning(sc: PreparedScenario, ip: string): PreparedNode | undefined {
  return sc.nodes.find((n) => {
    const h = hostNs(n);
    return h !== undefined && isLocalAddress(ip, h.env) && parseIpv4(ip)! >>> 24 !== 127;
  });
}
