/** The packets a case sends through the router: who sends, from which address and port, to what. */
import type { Rng } from '../prng';
import { PUBLISHED } from './layouts';
import { bare, CLIENT_PORTS, LINKS, linkOfAddress, SERVER_PORTS, type Link } from './topology';

export type FlowKind = 'published' | 'direct' | 'egress' | 'cross';

export interface Flow {
  kind: FlowKind;
  proto: 'tcp' | 'udp';
  /** Namespace (without prefix) whose agent sends. */
  fromNs: string;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  /** What the router's FORWARD hook should see (after Docker's DNAT), and its interfaces: used to bias rules. */
  fwdDst: string;
  fwdDport: number;
  inIf: string;
  outIf: string;
}

export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;

const clients = LINKS.filter((l) => l.kind === 'client');
const containers = LINKS.filter((l) => l.kind === 'container');

function addrOf(rng: Rng, l: Link): string {
  return bare(pick(rng, l.addrs));
}

export function genFlow(rng: Rng, sport: number): Flow {
  const r = rng();
  const kind: FlowKind = r < 0.35 ? 'published' : r < 0.55 ? 'direct' : r < 0.85 ? 'egress' : 'cross';
  if (kind === 'published') {
    const c = pick(rng, clients);
    const p = pick(rng, PUBLISHED);
    const dst = bare(pick(rng, c.routerAddrs));
    return { kind, proto: p.proto, fromNs: c.ns, src: addrOf(rng, c), sport, dst, dport: p.port, fwdDst: p.to, fwdDport: p.toPort, inIf: c.routerIf, outIf: p.iface };
  }
  const proto = rng() < 0.7 ? 'tcp' : 'udp';
  const from = pick(rng, kind === 'direct' ? clients : containers);
  const to = kind === 'direct' ? pick(rng, containers) : kind === 'egress' ? pick(rng, clients) : pick(rng, containers.filter((x) => x !== from));
  const dst = addrOf(rng, to);
  const dport = pick(rng, to.kind === 'client' ? CLIENT_PORTS : SERVER_PORTS);
  return { kind, proto, fromNs: from.ns, src: addrOf(rng, from), sport, dst, dport, fwdDst: dst, fwdDport: dport, inIf: from.routerIf, outIf: to.routerIf };
}

/** Namespace (without prefix) that owns an address. */
export function nsOfAddress(ip: string): string | undefined {
  const l = linkOfAddress(ip);
  return l && l.addrs.some((a) => bare(a) === ip) ? l.ns : undefined;
}

export function describeFlow(f: Flow): string {
  const nat = f.fwdDst !== f.dst || f.fwdDport !== f.dport ? ` (DNAT → ${f.fwdDst}:${f.fwdDport})` : '';
  return `${f.kind} ${f.proto} ${f.src}:${f.sport} → ${f.dst}:${f.dport}${nat} [${f.inIf} → ${f.outIf}]`;
}

/** A flow from its five-tuple (hand-written cases): the router-side interfaces and Docker's DNAT are derived. */
export function flowOf(proto: 'tcp' | 'udp', src: string, sport: number, dst: string, dport: number): Flow {
  const from = linkOfAddress(src);
  const pub = PUBLISHED.find((p) => p.proto === proto && p.port === dport && linkOfAddress(dst)?.routerAddrs.some((a) => bare(a) === dst));
  const fwdDst = pub?.to ?? dst;
  const to = linkOfAddress(fwdDst);
  if (!from || !to) throw new Error(`flowOf: ${src} or ${fwdDst} is not in the test bed`);
  const kind: FlowKind = pub ? 'published' : from.kind === 'client' ? 'direct' : to.kind === 'client' ? 'egress' : 'cross';
  return { kind, proto, fromNs: from.ns, src, sport, dst, dport, fwdDst, fwdDport: pub?.toPort ?? dport, inIf: from.routerIf, outIf: to.routerIf };
}
